"""Conclusions that must not co-occur (knowledge/exclusions.yaml) never do: on every worked
case, and on generated profiles whose numbers sit on and around every rule threshold.
``benchmarks/contradictions.py`` runs the same property over 20,000 profiles."""

from __future__ import annotations

import os

import pytest
import support
from hypothesis import HealthCheck, given, settings
from strategies import profiles

from expert.advice.model import Advice, Conclusion
from expert.audit.cases import load_cases
from expert.audit.exclusions import exclusion_violations

CASES = load_cases(support.KNOWLEDGE / "cases")


def test_the_bundled_knowledge_declares_the_pairs_the_review_named(advisor):
    pairs = {frozenset(e.ids) for e in advisor.knowledge.exclusions}
    for pair in ({"fit.freemium", "unfit.freemium"}, {"fit.buyout", "unfit.buyout"}, {"fit.freemium", "warning.free_trap"},
                 {"action.start_free", "warning.free_trap"}, {"finding.all_must_haves_included", "finding.paywalls_must_have"}):
        assert frozenset(pair) in pairs


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_case_reaches_an_excluded_pair(advisor, case):
    assert exclusion_violations(advisor.advise(case.profile), advisor.knowledge.exclusions) == []


def _with(advice: Advice, *extra: tuple[str, str, str]) -> Advice:
    """The advice with extra conclusions added (to show the checker catches them)."""
    data = advice.model_dump(mode="json")
    for cid, kind, subject in extra:
        item = Conclusion(id=cid, kind=kind, subject=subject, severity="info", text={"en": cid, "zh": cid},
                          params={}, rules=[]).model_dump(mode="json")
        data.setdefault(f"{kind}s", []).append(item)
    return Advice.model_validate(data)


def test_the_checker_names_each_kind_of_violation(advisor):
    advice = advisor.advise({"needs": {"capabilities": ["text_messaging"], "pain_points": []}})
    assert exclusion_violations(advice, advisor.knowledge.exclusions) == []
    both = _with(advice, ("unfit.freemium", "unfit", "company"))
    assert advice.find("fit.freemium") and any("fit.freemium and unfit.freemium both reached for company" in v
                                               for v in exclusion_violations(both, advisor.knowledge.exclusions))
    anywhere = _with(advice, ("warning.free_trap", "warning", "Chat"))
    assert any(v.startswith("fit.freemium and warning.free_trap both reached (")
               for v in exclusion_violations(anywhere, advisor.knowledge.exclusions))
    other_subjects = _with(advice, ("finding.all_must_haves_included", "finding", "A"),
                           ("finding.paywalls_must_have", "finding", "B"))
    assert not any("all_must_haves_included" in v for v in exclusion_violations(other_subjects, advisor.knowledge.exclusions))


SETTINGS = settings(max_examples=int(os.environ.get("EXPERT_PROPERTY_EXAMPLES", "200")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=profiles())
def test_generated_profiles_reach_no_excluded_pair(advisor, data):
    advice = advisor.advise(data)
    assert exclusion_violations(advice, advisor.knowledge.exclusions) == []
