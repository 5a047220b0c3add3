"""Order the rules so that "not concluded" means something.

durable_rules does not withdraw a queued activation when a fact that a negated pattern
forbids arrives later (verified: a rule on "no X" still fired after X was asserted in
the same run).  So negation is stratified here: a rule that tests that X was *not*
concluded sits one level above every rule that can conclude X, and the engine only
asserts "X is absent" once all lower levels have finished.  The level of a rule is
the number of negations on its longest dependency path; its depth (longest path of any
kind) sets its durable_rules priority so traces read in the order of reasoning.
Any cycle between rules is refused: the knowledge base must be a DAG an auditor can read.
"""

from __future__ import annotations

from expert.rulebase.rulebook import Rule


class StratificationError(Exception):
    pass


def stratify(rules: dict[str, Rule]) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Return (rule level, conclusion level, rule depth); raise on a cycle."""
    producers: dict[str, list[str]] = {}
    for rule in rules.values():
        producers.setdefault(rule.conclude, []).append(rule.id)
    levels: dict[str, int] = {}
    depths: dict[str, int] = {}
    visiting: list[str] = []

    def visit(rule_id: str) -> None:
        if rule_id in levels:
            return
        if rule_id in visiting:
            cycle = visiting[visiting.index(rule_id):] + [rule_id]
            rule = rules[rule_id]
            raise StratificationError(f"{rule.file}:{rule.line}: rule {rule_id}: depends on itself: {' -> '.join(cycle)}")
        visiting.append(rule_id)
        level = depth = 0
        for condition in rules[rule_id].conclusion_conditions:
            for producer in producers.get(condition.id, []):
                visit(producer)
                level = max(level, levels[producer] + (1 if condition.negated else 0))
                depth = max(depth, depths[producer] + 1)
        visiting.pop()
        levels[rule_id], depths[rule_id] = level, depth

    for rule_id in rules:
        visit(rule_id)
    conclusion_levels = {cid: max(levels[r] for r in ids) for cid, ids in producers.items()}
    return levels, conclusion_levels, depths
