"""Why not: every rule that could conclude it, condition by condition, and the smallest
change of facts, whose size is known by construction in each test."""

from __future__ import annotations

import pytest
import support

from expert.audit.cases import load_cases
from expert.explain.explainer import UnknownConclusionError
from expert.explain.render import render_explanation
from expert.facts.factpaths import parse_fact, set_fact
from expert.interfaces.advisor import Advisor

TWO_FACTS = """\
rules:
  - id: probe.two-facts
    about: company
    title: {en: "Growth and many users", zh: "成长期且用户多"}
    because: {en: "Growth stage with many users.", zh: "成长期且用户多。"}
    cites: {claims: [C02], paragraphs: [P02]}
    basis: stated
    when:
      - company.stage: {is: growth}
      - needs.usage.mau: {at_least: 1000}
    thresholds:
      needs.usage.mau: {definition: "a thousand users for the test"}
    then: {conclude: trait.b}

  - id: probe.never
    about: company
    title: {en: "Contradiction", zh: "矛盾"}
    because: {en: "Cannot be.", zh: "不可能。"}
    cites: {claims: [C02], paragraphs: [P02]}
    basis: stated
    when:
      - needs.usage.mau: {at_least: 10}
      - needs.usage.mau: {at_most: 5}
    thresholds:
      needs.usage.mau: {definition: "an impossible range for the test"}
    then: {conclude: trait.never}
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Advisor:
    directory = support.write_mini_kb(tmp_path_factory.mktemp("whynot") / "kb", TWO_FACTS)
    conclusions = directory / "conclusions.yaml"
    conclusions.write_text(conclusions.read_text(encoding="utf-8") + "  - {id: trait.never, kind: trait, about: company,"
                           " severity: info, title: {en: \"Never\", zh: \"从不\"}}\n", encoding="utf-8")
    return Advisor(directory)


def _reaches(advisor, profile, cid, changes) -> bool:
    for change in changes:
        profile = set_fact(profile, parse_fact(change.fact), change.after)
    return cid in advisor.advise(profile).conclusion_ids()


def test_two_facts_needed_by_construction(mini):
    explanation = mini.explain({}, "trait.b")
    assert not explanation.reached
    (rule,) = explanation.why_not.rules
    assert rule.rule.rule == "probe.two-facts" and rule.status == "unknown"
    assert [t.status for c in rule.conditions for t in c.tests] == ["unknown", "unknown"]
    change = explanation.smallest_change
    assert change.found and {c.fact for c in change.changes} == {"company.stage", "needs.usage.mau"}
    assert {c.fact: c.after for c in change.changes} == {"company.stage": "growth", "needs.usage.mau": 1000}
    assert _reaches(mini, {}, "trait.b", change.changes)


def test_one_fact_needed_when_the_other_holds(mini):
    profile = {"company": {"stage": "growth"}, "needs": {"usage": {"mau": 10}}}
    change = mini.explain(profile, "trait.b").smallest_change
    assert [(c.fact, c.before, c.after) for c in change.changes] == [("needs.usage.mau", 10, 1000)]


def test_no_input_change_can_satisfy_a_contradiction(mini):
    explanation = mini.explain({"needs": {"usage": {"mau": 3}}}, "trait.never")
    change = explanation.smallest_change
    assert not change.found and change.changes == []
    assert change.statement.en.startswith("No input change can")
    assert "任何输入的改变都无法做到" in change.statement.zh
    statuses = [t.status for c in explanation.why_not.rules[0].conditions for t in c.tests]
    assert statuses == ["failed", "held"]


def test_offer_conclusion_without_offers_cannot_be_reached(advisor):
    change = advisor.explain({"needs": {"pain_points": []}}, "warning.free_trap").smallest_change
    assert not change.found and "there is no such offer; name one first" in change.statement.en


def test_real_knowledge_one_change_to_dont_pay(advisor, full_profile):
    """Pain points make it 'pay'; removing them is not enough any more: its needs go beyond basic and no offer
    includes them all, which also calls for paying (review finding 2). The smallest change is found and checked."""
    explanation = advisor.explain(full_profile, "verdict.dont_pay")
    assert not explanation.reached and explanation.verdict == "verdict.pay"
    rules = {r.rule.rule: r for r in explanation.why_not.rules}
    no_pain = rules["verdict.no-pain-points"]
    assert no_pain.status == "failed"
    suffice = next(c for c in no_pain.conditions if c.conclusion == "trait.current_features_suffice")
    assert suffice.status == "failed" and suffice.why_not is not None
    need = next(c for c in no_pain.conditions if c.conclusion == "verdict.need_more_info")
    assert need.negated and need.status == "held"
    change = explanation.smallest_change
    assert change.found and 1 < len(change.changes) <= 3
    assert "needs.pain_points" not in [c.fact for c in change.changes] or len(change.changes) > 1
    assert _reaches(advisor, full_profile, "verdict.dont_pay", change.changes)


def test_negated_condition_shows_the_proof_of_what_blocked_it(advisor):
    profile = {"upgrade": {"kind": "feature"}, "needs": {"pain_points": ["latency"]}}
    explanation = advisor.explain(profile, "verdict.pay", search=False)
    assert explanation.verdict == "verdict.need_more_info" and explanation.smallest_change is None
    blocked = [c for r in explanation.why_not.rules for c in r.conditions
               if c.conclusion == "verdict.need_more_info" and c.negated]
    assert blocked and all(c.status == "failed" and c.proof is not None for c in blocked)


def test_render_why_not(advisor, full_profile):
    text = render_explanation(advisor.explain(full_profile, "verdict.dont_pay"), "en")
    assert "Why it was not reached" in text and "[failed]" in text and "SMALLEST CHANGE" in text
    assert "needs.pain_points" in text
    chinese = render_explanation(advisor.explain(full_profile, "verdict.dont_pay", lang="zh"), "zh")
    assert "为何没有得出" in chinese and "最小改变" in chinese


def test_unknown_conclusion_and_subject(advisor, full_profile):
    with pytest.raises(UnknownConclusionError, match="did you mean verdict.pay"):
        advisor.explain(full_profile, "verdict.payy")
    with pytest.raises(UnknownConclusionError, match="no offer named"):
        advisor.explain(full_profile, "warning.free_trap", subject="Nope")


def test_reached_for_one_offer_explained_for_that_offer(advisor, full_profile):
    explanation = advisor.explain(full_profile, "warning.free_trap", subject="Chat freemium")
    assert explanation.reached and [p.subject for p in explanation.proofs] == ["Chat freemium"]
    other = advisor.explain(full_profile, "warning.free_trap", subject="RTC pay-as-you-go")
    assert not other.reached and all(r.subject == "RTC pay-as-you-go" for r in other.why_not.rules)


CASES = sorted(load_cases(support.KNOWLEDGE / "cases"), key=lambda c: c.id)


@pytest.mark.parametrize("case", CASES[::3], ids=[c.id for c in CASES[::3]])
def test_every_other_verdict_explained_and_changes_checked(advisor, case):
    """For the verdicts a case did not reach: a why-not, and a smallest change that really works."""
    run = advisor.consult(case.profile)
    for verdict in ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info"):
        if verdict == run.advice.verdict.id:
            continue
        explanation = advisor.explain(run.data, verdict)
        assert not explanation.reached and explanation.why_not.rules
        change = explanation.smallest_change
        if change.found:
            # up to 3 searched facts, plus the inputs a computed value needs, which are stated together
            assert 1 <= len(change.changes) <= 4 and _reaches(advisor, run.data, verdict, change.changes)


@pytest.mark.parametrize(("cid", "subject"), [("verdict.dont_pay", "Chat freemium"), ("warning.free_trap", "company")])
def test_subject_that_does_not_fit_the_conclusion(advisor, full_profile, cid, subject):
    with pytest.raises(UnknownConclusionError, match="only ever about"):
        advisor.explain(full_profile, cid, subject=subject)


def test_missing_computed_value_names_its_facts_and_the_search_states_them(advisor):
    profile = support.EXAMPLES / "small-team-chat.yaml"
    import yaml

    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    explanation = advisor.explain(data, "figure.payg_monthly", subject="Chat freemium")
    (rule,) = explanation.why_not.rules
    (test,) = rule.conditions[0].tests
    assert test.actual is None and test.missing == ["offers[Chat freemium].prices.per_1000_minutes_usd",
                                                    "needs.usage.monthly_minutes"]
    change = explanation.smallest_change
    assert change.found and {c.fact for c in change.changes} == set(test.missing)
    assert _reaches(advisor, data, "figure.payg_monthly", change.changes)


def test_rules_that_did_not_fire_name_the_values_they_would_show(advisor):
    explanation = advisor.explain(support.full_profile(), "finding.tight_for_growth", search=False)
    because = explanation.why_not.rules[0].rule.because
    assert "<offer.derived.event_headroom_ratio>" in because.en and "{" not in because.en + because.zh


@pytest.mark.parametrize("case", load_cases(support.KNOWLEDGE / "cases"), ids=lambda c: c.id)
def test_why_not_reports_built_without_validation_equal_them_validated(advisor, case):
    """``whynot.py`` builds its reports without validating them (``advice/model.built``):
    each report, nested why-nots included, equals the same report validated from its dump,
    class for class, field for field, type for type (a proof it holds is the proof
    builder's, compared whole)."""
    from expert.explain.model import ProofNode, WhyNotNode

    verdict = advisor.advise(case.profile).verdict.id
    for other in ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info"):
        if other != verdict:
            why_not = advisor.explain(case.profile, other, search=False).why_not
            support.same_models(why_not, WhyNotNode.model_validate(why_not.model_dump()), f"{case.id} {other}", (ProofNode,))
            _no_list_shared(why_not, {}, f"{case.id} {other}")


def _no_list_shared(value: object, seen: dict, where: str) -> None:
    """Validation copies a list or dict given for a typed field: built, each must be the
    report's own, or a caller editing one report would edit another (``Any`` fields, passed
    through by validation too, and the proof builder's proofs are left out)."""
    from typing import Any

    from pydantic import BaseModel

    from expert.explain.model import ProofNode

    if isinstance(value, ProofNode):
        return
    if isinstance(value, BaseModel):
        items = [(name, getattr(value, name)) for name, field in type(value).model_fields.items()
                 if field.annotation is not Any]
    elif isinstance(value, (list, dict)):
        assert id(value) not in seen, f"{where} is the same object as {seen[id(value)][0]}"
        seen[id(value)] = (where, value)  # kept alive, so its id is not reused
        items = value.items() if isinstance(value, dict) else enumerate(value)
    else:
        return
    for key, item in items:
        _no_list_shared(item, seen, f"{where}.{key}")


def test_a_why_not_holds_the_catalogue_s_strings_not_the_caller_s(advisor):
    """A str subclass asked about (validation, skipped when the reports are built, would have
    made a str of it) comes back as the catalogue's and the profile's own str."""
    class Name(str):
        pass

    profile = support.full_profile()
    offer = profile["offers"][0]["name"]
    why_not = advisor.explain(profile, Name("warning.free_trap"), Name(offer), search=False).why_not
    assert why_not is not None
    assert type(why_not.conclusion) is str and type(why_not.subject) is str
    assert all(type(rule.subject) is str and all(type(c.subject) in (str, type(None)) for c in rule.conditions)
               for rule in why_not.rules)
