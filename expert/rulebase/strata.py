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
    """Return (rule level, conclusion level, rule depth); raise on a cycle.

    A depth-first walk with an explicit stack, not recursion: a chain of thousands of
    rules must be a level count, not a RecursionError.
    """
    producers: dict[str, list[str]] = {}
    for rule in rules.values():
        producers.setdefault(rule.conclude, []).append(rule.id)
    levels: dict[str, int] = {}
    depths: dict[str, int] = {}

    def dependencies(rule_id: str) -> list[tuple[str, bool]]:
        return [(producer, condition.negated) for condition in rules[rule_id].conclusion_conditions
                for producer in producers.get(condition.id, [])]

    for root in rules:
        if root in levels:
            continue
        path: list[str] = [root]  # the rules being visited, outermost first
        on_path = {root}
        pending = [iter(dependencies(root))]
        while pending:
            rule_id = path[-1]
            step = next(pending[-1], None)
            if step is not None:
                producer = step[0]
                if producer in levels:
                    continue
                if producer in on_path:
                    cycle = path[path.index(producer):] + [producer]
                    rule = rules[producer]
                    raise StratificationError(
                        f"{rule.file}:{rule.line}: rule {producer}: depends on itself: {' -> '.join(cycle)}")
                path.append(producer)
                on_path.add(producer)
                pending.append(iter(dependencies(producer)))
                continue
            level = depth = 0
            for producer, negated in dependencies(rule_id):
                level = max(level, levels[producer] + (1 if negated else 0))
                depth = max(depth, depths[producer] + 1)
            levels[rule_id], depths[rule_id] = level, depth
            pending.pop()
            path.pop()
            on_path.discard(rule_id)
    conclusion_levels = {cid: max(levels[r] for r in ids) for cid, ids in producers.items()}
    return levels, conclusion_levels, depths
