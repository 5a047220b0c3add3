"""redundant.rule (warning): a rule another rule makes unnecessary.

Rule A is redundant when rule B concludes the same thing about the same kind of subject,
at no lower severity, and every condition of B is also a condition of A: whenever A fires,
B has fired too, so A adds no conclusion and raises nothing (only, perhaps, a second reason).
"""

from __future__ import annotations

from collections.abc import Iterator

from expert.audit.lint.diagnostic import WARNING, Diagnostic, LintContext
from expert.rulebase.rulebook import SEVERITIES, Rule, condition_key


def _conditions(rule: Rule) -> frozenset:
    return frozenset(condition_key(c) for c in rule.conditions)


def check(context: LintContext) -> Iterator[Diagnostic]:
    knowledge = context.knowledge
    rules = list(knowledge.rules.values())
    conditions = {rule.id: _conditions(rule) for rule in rules}
    rank = {rule.id: SEVERITIES.index(rule.severity or knowledge.conclusions[rule.conclude].severity) for rule in rules}
    for a in rules:
        for b in rules:
            if a.id == b.id or a.conclude != b.conclude or a.about != b.about or rank[a.id] > rank[b.id]:
                continue
            if conditions[b.id] < conditions[a.id] or (conditions[b.id] == conditions[a.id] and b.id < a.id):
                yield Diagnostic("redundant.rule", WARNING, a.file, a.line,
                                 f"implied by {b.id} ({b.file.rsplit('/', 1)[-1]}:{b.line}), which concludes "
                                 f"{b.conclude} whenever this rule does", a.id)
                break
