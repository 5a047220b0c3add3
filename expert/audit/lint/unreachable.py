"""unreachable.rule (error): a rule whose conditions no profile can satisfy together.

Tests on one field are tried against every value that can decide them: each choice of an
enum or boolean, each number a rule compares the field with and its neighbours, and for
a list the smallest list the tests ask for.  A rule that needs a conclusion no reachable
rule produces, or needs one both concluded and not concluded, is unreachable too.
"""

from __future__ import annotations

from collections.abc import Iterator

from expert.audit.lint.diagnostic import ERROR, Diagnostic, LintContext
from expert.explain.conditions import HELD, status_of_test
from expert.facts.fields import BOOL, ENUM, LIST_ENUM, NUMBER, field_catalogue
from expert.rulebase.rulebook import FactTest, KnowledgeBase, Rule, thresholds_by_field


def _candidates(path: str, tests: list[FactTest], thresholds: dict[str, set]) -> list:
    spec = field_catalogue()[path]
    if spec.kind == BOOL:
        return [True, False, None]
    if spec.kind == ENUM:
        return [*spec.choices, None]
    if spec.kind == NUMBER:
        numbers = {n + d for n in thresholds.get(path, set()) for d in (-1, -0.01, 0, 0.01, 1)}
        numbers |= {v for v in (spec.minimum, spec.maximum) if v is not None}
        return sorted(numbers) + [None]
    if spec.kind == LIST_ENUM:
        forbidden = {v for t in tests if t.operator == "includes_none" for v in t.value}
        wanted = {v for t in tests if t.operator == "includes" for v in [t.value]}
        wanted |= {v for t in tests if t.operator == "includes_all" for v in t.value}
        for test in tests:
            if test.operator == "includes_any":
                wanted.add(next((v for v in test.value if v not in forbidden), test.value[0]))
        return [sorted(wanted), None]
    return [None, "text"]


def _fields_unsatisfiable(rule: Rule, thresholds: dict[str, set]) -> str:
    by_path: dict[str, list[FactTest]] = {}
    for condition in rule.fact_conditions:
        if not condition.alternatives:
            for test in condition.tests:
                by_path.setdefault(test.path, []).append(test)
    for path, tests in by_path.items():
        if not any(all(status_of_test(t, v) == HELD for t in tests) for v in _candidates(path, tests, thresholds)):
            return f"no value of {path} satisfies {', '.join(f'{t.operator} {t.value}' for t in tests)} together"
    return ""


def unreachable_rules(knowledge: KnowledgeBase, thresholds: dict[str, set]) -> dict[str, str]:
    """Rule id -> why it can never fire (fixed point over the conclusions rules need)."""
    dead = {rule.id: why for rule in knowledge.rules.values() if (why := _fields_unsatisfiable(rule, thresholds))}
    for rule in knowledge.rules.values():
        positive = {(c.id, c.about) for c in rule.conclusion_conditions if not c.negated}
        negative = {(c.id, c.about) for c in rule.conclusion_conditions if c.negated}
        both = positive & negative
        if both and rule.id not in dead:
            dead[rule.id] = f"needs {sorted(both)[0][0]} both concluded and not concluded"
    changed = True
    while changed:
        changed = False
        alive = {rule.conclude for rule in knowledge.rules.values() if rule.id not in dead}
        for rule in knowledge.rules.values():
            if rule.id in dead:
                continue
            needed = [c.id for c in rule.conclusion_conditions if not c.negated and c.id not in alive]
            if needed:
                dead[rule.id] = f"needs {needed[0]}, which no reachable rule concludes"
                changed = True
    return dead


def check(context: LintContext) -> Iterator[Diagnostic]:
    for rule_id, why in unreachable_rules(context.knowledge, thresholds_by_field(context.knowledge)).items():
        rule = context.knowledge.rules[rule_id]
        yield Diagnostic("unreachable.rule", ERROR, rule.file, rule.line, f"can never fire: {why}", rule_id)


