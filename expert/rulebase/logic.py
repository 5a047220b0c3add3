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


def _producers(knowledge: KnowledgeBase) -> dict[str, list[Rule]]:
    """Conclusion id -> the rules that conclude it, in the order written."""
    found: dict[str, list[Rule]] = {}
    for rule in knowledge.rules.values():
        found.setdefault(rule.conclude, []).append(rule)
    return found


def chain_lines(knowledge: KnowledgeBase, rule: Rule) -> list[str]:
    """For each conclusion ``rule`` reads, the rules that conclude it and their conditions,
    recursively; a rule met again is named, not repeated."""
    producers, seen, lines = _producers(knowledge), set(), []

    def below(current: Rule, depth: int) -> None:
        pad = "  " * (depth + 1)
        for condition in current.conclusion_conditions:
            for producer in producers.get(condition.id, []):
                if producer.id in seen:
                    lines.append(f"{pad}{condition.id} <- {producer.id} (above)")
                    continue
                seen.add(producer.id)
                lines.append(f"{pad}{condition.id} <- {producer.id}: "
                             + "; ".join(condition_text(c) for c in producer.conditions))
                below(producer, depth + 1)

    below(rule, 0)
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
    producers = _producers(knowledge)
    found: dict[str, Rule] = {rule.id: rule}
    stack = [rule]
    while stack:
        for condition in stack.pop().conclusion_conditions:
            for producer in producers.get(condition.id, []):
                if producer.id not in found:
                    found[producer.id] = producer
                    stack.append(producer)
    return list(found.values())
