"""Audit: checks an auditor runs on the knowledge without reading Python.

The worked-case runner and coverage of rules and claims, the exclusion checker, and
``lint`` (one check per module).
May import: consult, explain, advice, inference, rulebase, facts.
"""
