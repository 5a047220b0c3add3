"""Audit: checks an auditor runs on the knowledge without reading Python.

The worked-case runner and coverage of rules and claims.
May import: consult, explain, advice, inference, rulebase, facts.
"""
