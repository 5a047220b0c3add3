"""Advice: one consultation run and its typed result.

Validate, derive, flatten, infer, then assemble the typed ``Advice`` and render it as
text, Markdown or JSON.
May import: inference, rulebase, facts.
"""
