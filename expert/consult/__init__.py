"""Consult: ask only what can change the verdict.

Relevance of unstated facts, the question catalogue, answers and their parsing, deciding
facts, stateless consultation turns and what-if runs (values written as answers).
May import: explain, advice, inference, rulebase, facts.
"""
