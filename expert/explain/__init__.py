"""Explain: how a conclusion was reached, and why another was not.

Proof trees, a three-valued reading of rule conditions, why-not reports, the smallest
change of facts that would reach a conclusion, their typed models and renderers.
May import: advice, inference, rulebase, facts.
"""
