"""The advisor: one verdict, cited conclusions, missing facts, figures, and its own contract."""

from __future__ import annotations

import pytest
import support

from expert.advice.model import Advice, Figure, Verdict
from expert.inference.engine import EngineError
from expert.interfaces.advisor import Advisor


@pytest.fixture(scope="module")
def full_advice(advisor):
    return advisor.advise(support.full_profile())


def test_exactly_one_verdict(full_advice: Advice):
    assert isinstance(full_advice.verdict, Verdict)
    assert full_advice.verdict.id.startswith("verdict.")
    others = [c for c in full_advice.all_conclusions()[1:] if c.kind == "verdict"]
    assert others == []
    assert sum(1 for c in full_advice.all_conclusions() if c.id.startswith("verdict.")) == 1


def test_full_profile_verdict_and_groups(full_advice: Advice):
    assert full_advice.verdict.id == "verdict.pay"
    assert full_advice.company == "ShopLive"
    assert full_advice.find("fit.usage_based")
    assert full_advice.find("warning.free_trap", "Chat freemium")
    assert not full_advice.find("warning.free_trap", "RTC pay-as-you-go")
    for group, kind in (("fits", "fit"), ("unfits", "unfit"), ("warnings", "warning"), ("actions", "action"),
                        ("figures", "figure"), ("findings", "finding"), ("traits", "trait")):
        assert all(c.kind == kind for c in getattr(full_advice, group)), group


def test_every_conclusion_carries_rules_and_citations(full_advice: Advice, knowledge):
    for conclusion in full_advice.all_conclusions():
        assert conclusion.rules, conclusion.id
        assert conclusion.text.en and support.CJK.search(conclusion.text.zh)
        for support_ in conclusion.rules:
            rule = knowledge.rules[support_.rule]
            assert rule.conclude == conclusion.id
            assert support_.claims and set(support_.claims) <= set(knowledge.claims)
            assert support_.paragraphs
            assert support_.file.endswith(".yaml") and support_.line > 0
            assert support_.because.en and "{" not in support_.because.en and "{" not in support_.because.zh
        assert conclusion.claims == sorted({c for r in conclusion.rules for c in r.claims})


def test_because_texts_are_filled_in(full_advice: Advice):
    (spiky,) = full_advice.find("trait.spiky_traffic")
    assert "20" in spiky.rules[0].because.en and "20" in spiky.rules[0].because.zh


def test_severity_is_the_highest_among_supporting_rules(full_advice: Advice, knowledge):
    order = ["info", "low", "medium", "high"]
    for conclusion in full_advice.all_conclusions():
        default = knowledge.conclusions[conclusion.id].severity
        rule_levels = [knowledge.rules[r.rule].severity or default for r in conclusion.rules]
        assert conclusion.severity == max(rule_levels, key=order.index)


def test_groups_are_sorted_by_severity_then_id(full_advice: Advice):
    order = ["info", "low", "medium", "high"]
    for group in ("warnings", "actions", "findings", "figures"):
        items = getattr(full_advice, group)
        keys = [(-order.index(c.severity), c.id, c.subject) for c in items]
        assert keys == sorted(keys), group


def test_figures_carry_value_formula_inputs(full_advice: Advice):
    (payg,) = full_advice.find("figure.payg_monthly", "RTC pay-as-you-go")
    assert isinstance(payg, Figure)
    assert payg.value == pytest.approx(1596.0)
    assert payg.unit == "USD/month"
    assert payg.formula.en and support.CJK.search(payg.formula.zh)
    assert payg.inputs["per_1000_minutes_usd"] == 3.99


def test_trace_matches_conclusions(full_advice: Advice):
    assert [f.order for f in full_advice.trace] == list(range(1, len(full_advice.trace) + 1))
    traced = {(f.concluded, f.subject) for f in full_advice.trace}
    assert traced == {(c.id, c.subject) for c in full_advice.all_conclusions()}
    assert all(f.matched for f in full_advice.trace)


def test_need_more_info_lists_missing_facts(advisor):
    advice = advisor.advise({})
    assert advice.verdict.id == "verdict.need_more_info"
    assert set(advice.verdict.missing) >= {"needs.capabilities", "needs.pain_points"}
    assert advice.find("action.clarify_needs")
    advice = advisor.advise({"needs": {"capabilities": ["hd_video"]}, "upgrade": {}})
    assert advice.verdict.id == "verdict.need_more_info"
    assert "upgrade.kind" in advice.verdict.missing


def test_missing_is_empty_for_a_decided_verdict(full_advice: Advice):
    assert full_advice.verdict.missing == []


@pytest.mark.parametrize("data, verdict", [
    ({"needs": {"capabilities": ["text_messaging", "group_chat"], "pain_points": []}}, "verdict.dont_pay"),
    ({"needs": {"capabilities": ["conversational_ai"]}}, "verdict.pay"),
    ({"needs": {"pain_points": ["latency"]}}, "verdict.pay"),
    ({"needs": {"capabilities": ["hd_video"]}, "upgrade": {"kind": "version_update", "monthly_price_usd": 50}},
     "verdict.need_more_info"),  # priced bug fix, no offer named: is a maintenance contract paying for it?
    ({"offers": [{"name": "Kit", "pricing_model": "usage_based"}], "needs": {"capabilities": ["hd_video"]},
      "upgrade": {"offer": "Kit", "kind": "version_update", "monthly_price_usd": 50}}, "verdict.dont_pay"),
    ({"needs": {"capabilities": ["hd_video"]}, "upgrade": {"kind": "version_update", "monthly_price_usd": 0}},
     "verdict.dont_pay"),  # a free update: nothing to pay
    ({"needs": {"capabilities": ["hd_video"]}, "upgrade": {"kind": "feature", "adds_capabilities": ["hd_video"]}},
     "verdict.pay"),
    ({"needs": {"capabilities": ["hd_video"], "pain_points": []},
      "upgrade": {"kind": "feature", "adds_capabilities": ["translation"]}}, "verdict.dont_pay"),
    ({"offers": [{"name": "Kit", "pricing_model": "buyout_subscription"}], "needs": {"capabilities": ["hd_video"]},
      "upgrade": {"offer": "Kit", "kind": "version_update", "monthly_price_usd": 50, "billed_through_maintenance": True}},
     "verdict.pay"),  # the price is the maintenance fee: what the contract pays for
    ({"offers": [{"name": "Kit", "pricing_model": "buyout_subscription"}], "needs": {"capabilities": ["hd_video"]},
      "upgrade": {"offer": "Kit", "kind": "version_update", "monthly_price_usd": 50,
                  "billed_through_maintenance": False}}, "verdict.dont_pay"),  # charged on top of the fee
    ({"offers": [{"name": "Kit", "pricing_model": "buyout_subscription"}], "needs": {"capabilities": ["hd_video"]},
      "upgrade": {"offer": "Kit", "kind": "version_update", "monthly_price_usd": 50}},
     "verdict.need_more_info"),  # the fee itself, or a second charge? not stated
])
def test_verdicts_of_simple_profiles(advisor, data, verdict):
    assert advisor.advise(data).verdict.id == verdict


def test_unknown_need_is_not_a_reason_to_refuse_an_upgrade(advisor):
    # Required capabilities not stated; the upgrade adds one. "The upgrade adds nothing you
    # require" cannot be concluded from an unknown: the verdict must ask for the missing fact.
    advice = advisor.advise({"needs": {"pain_points": ["latency"]},
                             "upgrade": {"kind": "feature", "adds_capabilities": ["conversational_ai"]}})
    assert advice.verdict.id == "verdict.need_more_info"
    assert "needs.capabilities" in advice.verdict.missing


def test_lang_is_recorded_and_validated(advisor):
    assert advisor.advise({}, lang="zh").lang == "zh"
    with pytest.raises(ValueError, match="lang"):
        advisor.advise({}, lang="fr")


def test_advice_is_deterministic(advisor):
    first = advisor.advise(support.full_profile()).model_dump()
    assert advisor.advise(support.full_profile()).model_dump() == first


def test_advice_records_knowledge_fingerprint(advisor, full_advice):
    assert full_advice.knowledge == advisor.knowledge.fingerprint
    assert len(full_advice.knowledge) == 12


def test_a_knowledge_base_reaching_two_verdicts_is_an_error(mini_kb):
    (mini_kb / "rules" / "20-probe.yaml").write_text(support.PROBE_RULE.replace("trait.b", "verdict.dont_pay"),
                                                     encoding="utf-8")
    advisor = Advisor(mini_kb)
    assert advisor.advise({"company": {"stage": "idea"}}).verdict.id == "verdict.dont_pay"
    with pytest.raises(EngineError, match="exactly one verdict"):
        advisor.advise({"company": {"stage": "growth"}, "needs": {"usage": {"peak_to_average_ratio": 5}}})


def test_a_knowledge_base_reaching_no_verdict_is_an_error(mini_kb):
    path = mini_kb / "rules" / "10-base.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("not_concluded: trait.a", "concluded: trait.b")
                    + support.PROBE_RULE.removeprefix("rules:\n"), encoding="utf-8")
    advisor = Advisor(mini_kb)
    with pytest.raises(EngineError, match="exactly one verdict.*none"):
        advisor.advise({})
