"""Inference: the one place that talks to durable_rules.

Runs compiled rules over flattened facts and records what fired on which facts.
May import: rulebase, facts.
"""
