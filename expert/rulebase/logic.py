"""A rule's whole logic as data, for an auditor: its conditions in one line each, the
named sets and formulas behind them, and, conclusion by conclusion, the rules that reach
what it reads, down to the input facts (``expert rules show``)."""

from __future__ import annotations

from expert.rulebase.rulebook import ConclusionCondition, FactCondition, FactTest, KnowledgeBase, Rule


def test_text(test: FactTest) -> str:
    if test.operator in ("known", "unknown"):
        return f"{test.path} {test.operator}"
    if test.set_name:
        return f"{test.path} {test.operator} {{set: {test.set_name}}}"
    value = list(test.value) if isinstance(test.value, tuple) else test.value
    return f"{test.path} {test.operator} {value}"


def condition_text(condition) -> str:
    if isinstance(condition, ConclusionCondition):
        word = "not concluded" if condition.negated else "concluded"
        about = "" if condition.about == "company" or condition.about == "offer" else f" (about {condition.about})"
        return f"{word} {condition.id}{about}"
    assert isinstance(condition, FactCondition)
    parts = [test_text(t) for t in condition.tests]
    if condition.alternatives:
        parts.append("any of: " + " | ".join(" and ".join(test_text(t) for t in alt.all_tests)
                                            for alt in condition.alternatives))
    return " and ".join(parts)


def chain_lines(knowledge: KnowledgeBase, rule: Rule, depth: int = 0, seen: set | None = None) -> list[str]:
    """For each conclusion ``rule`` reads, the rules that conclude it and their conditions,
    recursively; a rule met again is named, not repeated."""
    seen = set() if seen is None else seen
    lines: list[str] = []
    producers: dict[str, list[Rule]] = {}
    for other in knowledge.rules.values():
        producers.setdefault(other.conclude, []).append(other)
    pad = "  " * (depth + 1)
    for condition in rule.conclusion_conditions:
        for producer in producers.get(condition.id, []):
            if producer.id in seen:
                lines.append(f"{pad}{condition.id} <- {producer.id} (above)")
                continue
            seen.add(producer.id)
            lines.append(f"{pad}{condition.id} <- {producer.id}: " + "; ".join(condition_text(c) for c in producer.conditions))
            lines += chain_lines(knowledge, producer, depth + 1, seen)
    return lines


def fields_and_sets(knowledge: KnowledgeBase, rules: list[Rule]) -> tuple[list[str], list[str]]:
    """The derived fields and named sets the given rules test, each once, in order."""
    fields: dict[str, None] = {}
    sets: dict[str, None] = {}
    for rule in rules:
        for condition in rule.fact_conditions:
            for test in condition.all_tests:
                if test.path in knowledge.formulas:
                    fields[test.path] = None
                if test.set_name:
                    sets[test.set_name] = None
    return list(fields), list(sets)


def supporting_rules(knowledge: KnowledgeBase, rule: Rule) -> list[Rule]:
    """``rule`` and every rule below it in the chain."""
    producers: dict[str, list[Rule]] = {}
    for other in knowledge.rules.values():
        producers.setdefault(other.conclude, []).append(other)
    found: dict[str, Rule] = {rule.id: rule}
    stack = [rule]
    while stack:
        current = stack.pop()
        for condition in current.conclusion_conditions:
            for producer in producers.get(condition.id, []):
                if producer.id not in found:
                    found[producer.id] = producer
                    stack.append(producer)
    return list(found.values())
