"""The compiled relevance analysis (``RelevanceAnalysis``) against the straightforward one
(``relevance_reference.py``): the same statuses, scores (float for float), reasons and
ranked questions on partial profiles made from every worked case, with facts removed and
some of them marked asked, for the verdict and warnings and for the verdict alone."""

from __future__ import annotations

import pytest
import support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from relevance_reference import ReferenceAnalysis, reference_questions

from expert.audit.cases import load_cases
from expert.consult.relevance import RelevanceAnalysis
from expert.explain.conditions import FactView
from expert.facts.factpaths import input_facts_of, parse_fact, set_fact

CASES = load_cases(support.KNOWLEDGE / "cases")
KINDS = (("verdict", "warning"), ("verdict",))


def _partial(advisor, case_index: int, keep, asked) -> dict:
    """The case's profile without the stated facts ``keep`` refuses; of those, ``asked`` ones marked asked."""
    full = advisor.consult(CASES[case_index].profile).data
    stated = sorted(f for f in input_facts_of(full) if f != "offers")  # an offer's facts go one by one
    removed = [f for i, f in enumerate(stated) if not keep(i, f)]
    data = full
    for fact in removed:
        data = set_fact(data, parse_fact(fact), None)
    data["asked"] = [f for i, f in enumerate(removed) if asked(i, f)]
    return data


def _same_analysis(advisor, data: dict) -> int:
    """Both analyses on ``data``; the number of questions compared (0: not a valid profile)."""
    try:
        run = advisor.consult(data)
    except (ValidationError, ValueError):
        return 0
    view = FactView.build(run.facts, run.concluded)
    asked = frozenset(run.data.get("asked") or [])
    compared = 0
    for kinds in KINDS:
        fast = RelevanceAnalysis(advisor.knowledge, view, run.data, asked, advisor.asker.index).run(kinds)
        slow = ReferenceAnalysis(advisor.knowledge, view, run.data, asked).run(kinds)
        assert fast.statuses == slow.statuses
        assert fast.verdict_scores == slow.verdict_scores and list(fast.verdict_scores) == list(slow.verdict_scores)
        assert fast.warning_scores == slow.warning_scores
        assert {f: sorted(r) for f, r in fast.reasons.items()} == slow.reasons and fast.open_facts == slow.open_facts
        assert fast.verdict_settled == slow.verdict_settled
        verdict_only = kinds == ("verdict",)
        assert fast.ranked(verdict_only) == slow.ranked(verdict_only)
        questions = advisor.asker.questions(fast, run.data, verdict_only)
        assert questions == reference_questions(advisor.asker, slow, run.data, verdict_only)
        compared += len(questions)
    return compared


@pytest.mark.parametrize("case_index", range(len(CASES)))
def test_same_analysis_on_every_case_with_facts_removed(advisor, case_index):
    compared = 0
    for step, offset in ((2, 0), (2, 1), (3, 0), (3, 2), (1000, 0)):  # halves, thirds, and nearly everything removed
        compared += _same_analysis(advisor, _partial(advisor, case_index, lambda i, _f, s=step, o=offset: i % s == o,
                                                     lambda i, _f: i % 5 == 0))
    assert _same_analysis(advisor, CASES[case_index].profile) >= 0  # the whole case: usually nothing open
    assert compared, "some partial profile of each case asks questions"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case_index=st.integers(0, len(CASES) - 1), mask=st.integers(0, 2**40), asked_mask=st.integers(0, 2**40))
def test_same_analysis_on_random_partial_profiles(advisor, case_index, mask, asked_mask):
    _same_analysis(advisor, _partial(advisor, case_index, lambda i, _f: (mask >> (i % 40)) & 1,
                                     lambda i, _f: (asked_mask >> (i % 40)) & 1))


@pytest.mark.parametrize("data", [{}, {"upgrade": {"kind": "feature"}}, {"asked": ["offers", "upgrade"]},
                                  {"offers": [{"name": "A"}, {"name": "B"}]}])
def test_same_analysis_on_nearly_empty_profiles(advisor, data):
    assert _same_analysis(advisor, data)


def test_same_analysis_on_a_knowledge_base_four_times_larger(tmp_path):
    """The compiled programs are generic: the generated 4x knowledge base of ``benchmarks/scale.py``
    (chains, thresholds on one field, many offers) gives the same analysis too."""
    import importlib.util

    from expert.interfaces.advisor import Advisor

    spec = importlib.util.spec_from_file_location("scale_bench", support.REPO / "benchmarks" / "scale.py")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    directory, rules = scale.write_scaled_kb(tmp_path / "kb-4x", 4, scale.bundled_rule_count())
    large = Advisor(directory)
    assert len(large.knowledge.rules) == rules
    profiles = [{}, scale.many_offers_profile(), {"offers": [{"name": "A"}], "asked": ["upgrade"]}]
    for case_index in range(0, len(CASES), 9):
        profiles.append(_partial(large, case_index, lambda i, _f: i % 2 == 0, lambda i, _f: i % 5 == 0))
    assert sum(_same_analysis(large, data) for data in profiles)
