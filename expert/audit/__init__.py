"""Audit: checks an auditor runs on the knowledge without reading Python.

The worked-case runner and coverage of rules and claims, the exclusion checker,
``lint`` (one check per module) and the rules as typed data (``rule_info``).
May import: consult, explain, advice, inference, rulebase, facts.
"""
