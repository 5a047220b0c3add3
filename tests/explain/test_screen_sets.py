"""The screen worked out as sets of facts (``explain/screen.py``) answers as the screen
asked fact by fact does.

The search screens each single change (``may_reach``, ``may_matter``) before running it.
``ScreenSets`` works out, once per condition and conclusion, the set of facts for which the
answer is yes; the reference asks each fact alone, walking the rules again per fact (the
search with no fact in its sets).  On a spread of worked cases and both verdicts not
reached, for every candidate fact and every condition a rule misses: the same answers, and
for every candidate change the same screen.
"""

from __future__ import annotations

import pytest
import support

from expert.audit.cases import load_cases
from expert.explain.conditions import FactView
from expert.explain.screen import ScreenSets
from expert.explain.smallest_change import _ANY_VALUE, SmallestChangeSearch

CASES = load_cases(support.KNOWLEDGE / "cases")
SPREAD = CASES[1::6]
VERDICTS = ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info")


def _searches(advisor, case):
    run = advisor.consult(case.profile)
    base = FactView.build(run.facts, run.concluded)
    for target in (v for v in VERDICTS if v != run.advice.verdict.id):
        fast = SmallestChangeSearch(advisor, run.data, target, None, base)
        alone = SmallestChangeSearch(advisor, run.data, target, None, base)
        alone._sets = ScreenSets(alone, [], _ANY_VALUE)  # no fact in the sets: every question asked fact by fact
        yield fast, alone


@pytest.mark.parametrize("case", SPREAD, ids=[c.id for c in SPREAD])
def test_the_screen_as_sets_answers_as_fact_by_fact(advisor, case):
    compared = 0
    for fast, alone in _searches(advisor, case):
        needs = fast.needs(fast.instances())
        assert needs == alone.needs(alone.instances())
        refs = fast.relevant_refs()
        assert all(fast.sets.bit(ref) for ref in refs) and not any(alone.sets.bit(ref) for ref in refs)
        for ref in refs:
            for subject, checks in needs:
                for check in checks:
                    assert fast.can_fix(ref, _ANY_VALUE, check, subject) == alone.can_fix(ref, _ANY_VALUE, check, subject)
                    assert fast.can_break(ref, _ANY_VALUE, check, subject) == alone.can_break(ref, _ANY_VALUE, check, subject)
                    cid = getattr(check.condition, "id", None)  # a condition on a conclusion
                    for concluded in (True, False) if cid is not None else ():
                        assert (fast.can_turn(ref, _ANY_VALUE, cid, check.subject, concluded)
                                == alone.can_turn(ref, _ANY_VALUE, cid, check.subject, concluded)), (ref.id, cid)
                    compared += 1
        for ref, value in fast.candidates():
            reach = fast.may_reach(ref, value, needs)
            assert reach == alone.may_reach(ref, value, needs), (ref.id, value)
            assert fast.may_matter(ref, value, needs, reach) == alone.may_matter(ref, value, needs, reach), (ref.id, value)
    assert compared > 20
