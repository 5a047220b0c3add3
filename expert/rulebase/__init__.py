"""Rulebase: the knowledge as typed, validated data, and its compilation for the engine.

The rulebook models, the loader (with its parse cache), stratification and the compiler
into durable_rules rulesets.  Nothing here runs a rule.
May import: facts.
"""
