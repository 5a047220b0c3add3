"""The three-valued condition checker agrees with the engine, rule by rule, on every worked case.

Why-not and question ranking read rules through ``conditions.py``; if it disagreed with
what durable_rules fires, explanations would lie.  So: on every case, a rule fires on a
subject exactly when every one of its conditions is found to hold.
"""

from __future__ import annotations

import pytest
import support

from expert.audit.cases import load_cases
from expert.explain.conditions import FAILED, HELD, UNKNOWN, FactView, check_rule, overall, rule_subjects, status_of_test
from expert.rulebase.rulebook import FactTest

CASES = load_cases(support.KNOWLEDGE / "cases")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_checker_agrees_with_the_engine(advisor, case):
    run = advisor.consult(case.profile)
    view = FactView.build(run.facts, run.concluded)
    fired = {(f.rule, f.subject) for f in run.advice.trace}
    for rule in advisor.knowledge.rules.values():
        for subject in rule_subjects(rule, view):
            status = overall(check_rule(rule, view, subject))
            assert (status == HELD) == ((rule.id, subject) in fired), (rule.id, subject, status)


@pytest.mark.parametrize(("operator", "wanted", "value", "expected"), [
    ("is", "growth", "growth", HELD), ("is", "growth", "idea", FAILED), ("is", "growth", None, UNKNOWN),
    ("is_not", "growth", "idea", HELD), ("one_of", ("a", "b"), "b", HELD), ("not_one_of", ("a", "b"), "b", FAILED),
    ("at_least", 3, 3, HELD), ("at_most", 3, 4, FAILED), ("above", 3, 3, FAILED), ("below", 3, 2.5, HELD),
    ("includes", "x", ["x", "y"], HELD), ("includes_any", ("x", "z"), ["y"], FAILED),
    ("includes_all", ("x", "y"), ["x", "y", "z"], HELD), ("includes_none", ("x",), [], HELD),
    ("known", True, None, FAILED), ("known", True, 0, HELD), ("unknown", True, None, HELD), ("unknown", True, [], FAILED),
])
def test_operators_in_three_values(operator, wanted, value, expected):
    assert status_of_test(FactTest("p", operator, wanted), value) == expected
