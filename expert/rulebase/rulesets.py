"""Split a knowledge base too large for one durable_rules ruleset into several that each fit.

durable_rules holds at most ``MAX_ACTIONS`` (4,096) rules in one ruleset, a fixed table of
its C core.  A knowledge base forty times today's has more.  The engine can run several
rulesets as one (``inference/engine.py``: every fact and conclusion is asserted into a
session of each, and each fires its own rules), so a knowledge base over that count is cut
into consecutive groups of rules, in file order (rules written together, which tend to
test the same facts and conclusions, stay together), into the fewest groups in which every
group passes every check of ``engine_limits.py``.

A knowledge base within the rule count is never split: one that overflows another table
(thousands of constants on one field, a chain whose conclusions fill a node) is refused as
before, with the reason, because splitting would only spread a shape that needs a rewrite.
Problems no split can cure (a rule with too many expressions, a chain too deep for the
priorities, too many fields on one fact) are reported at once.
"""

from __future__ import annotations

import math

from expert.rulebase.compiler import CompiledRule, ruleset_patterns, session_rule, sink_rules
from expert.rulebase.engine_limits import MAX_ACTIONS, engine_limit_problems

MAX_GROUPS_TRIED = 8  # past the fewest groups the rule count needs, try up to this many times as many


def _curable(problem: str) -> bool:
    """A table that fills with the number of rules in one ruleset (not one rule's own shape)."""
    return not problem.startswith(("rule ", "rules read "))


def ruleset_groups(compiled: dict[str, CompiledRule], fact_fields: dict[str, int]) -> tuple[list[list[str]], list[str]]:
    """(groups of rule ids, one per ruleset; problems): no problems when every group fits."""
    ids = list(compiled)
    per_ruleset = MAX_ACTIONS - len(sink_rules()) - len(session_rule())
    if len(ids) <= per_ruleset:
        return [ids], engine_limit_problems(ruleset_patterns(compiled), fact_fields)
    fewest = math.ceil(len(ids) / per_ruleset)
    problems: list[str] = []
    for count in range(fewest, fewest * MAX_GROUPS_TRIED + 1):
        size = math.ceil(len(ids) / count)
        groups = [ids[start:start + size] for start in range(0, len(ids), size)]
        problems = []
        for number, group in enumerate(groups, 1):
            found = engine_limit_problems(ruleset_patterns({r: compiled[r] for r in group}), fact_fields)
            problems += [f"ruleset {number} of {len(groups)} (rules {group[0]} to {group[-1]}): {p}" for p in found]
            if any(not _curable(p) for p in found):
                return [ids], problems
            if found:
                break
        if not problems:
            return groups, []
    return [ids], [f"{len(ids):,} rules do not fit durable_rules' tables even split into up to "
                   f"{fewest * MAX_GROUPS_TRIED} rulesets; the last try: {problems[0]}"]
