"""A knowledge base over durable_rules' rule count per ruleset runs as several rulesets, with
the same conclusions as one ruleset.

Forty times today's rules do not fit one ruleset (4,096 rules, ``MAX_ACTIONS``); the loader
then cuts them into groups that each fit (``rulebase/rulesets.py``) and the engine keeps a
session in each.  Here the per-ruleset count is lowered so that today's knowledge is split,
and every worked case must reach exactly the conclusions it reaches in one ruleset.
"""

from __future__ import annotations

import pytest
import support

from expert.advice.consultation import Consultant
from expert.audit.cases import load_cases
from expert.rulebase import rulesets
from expert.rulebase.loader import load_knowledge

CASES = load_cases(support.KNOWLEDGE / "cases")


@pytest.fixture(scope="module")
def split() -> Consultant:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rulesets, "MAX_ACTIONS", 60)  # about a third of today's rules per ruleset
        knowledge = load_knowledge(support.KNOWLEDGE)
    return Consultant(knowledge=knowledge)


def test_todays_knowledge_is_cut_into_groups_that_each_fit(split):
    groups = split.knowledge.ruleset_groups
    assert len(groups) >= 3 and all(len(g) <= 60 - 5 for g in groups)
    assert [rule for group in groups for rule in group] == list(split.knowledge.rules)  # each rule once, in order
    assert len(split.engine._handles) == len(groups)


@pytest.mark.parametrize("case", CASES[::3], ids=[c.id for c in CASES[::3]])
def test_split_rulesets_reach_the_same_conclusions(advisor, split, case):
    whole = advisor.consult(case.profile, trace=False)
    parts = split.consult(case.profile, trace=False)
    assert parts.concluded == whole.concluded
    assert parts.advice.verdict.id == whole.advice.verdict.id == case.verdict


def test_within_the_rule_count_nothing_is_split(knowledge):
    assert knowledge.ruleset_groups == []


def test_too_many_rules_even_split_are_refused_with_the_reason(monkeypatch):
    monkeypatch.setattr(rulesets, "MAX_ACTIONS", 8)  # 3 rules per ruleset: past the groups it tries
    knowledge = load_knowledge(support.KNOWLEDGE)  # still fits: 3 rules a group, 54 groups at most 8x the fewest
    assert len(knowledge.ruleset_groups) >= 54
    monkeypatch.setattr(rulesets, "MAX_GROUPS_TRIED", 1)
    monkeypatch.setattr(rulesets, "engine_limit_problems", lambda *_: ["a 'profile' fact could leave 99 tests"])
    groups, problems = rulesets.ruleset_groups(knowledge.compiled, {"profile or offer": 10})
    assert len(groups) == 1 and "do not fit durable_rules' tables even split" in problems[0]
