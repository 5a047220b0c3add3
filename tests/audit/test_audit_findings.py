"""Behaviour pinned after the independent audit of the rules against the article."""

from __future__ import annotations

from expert import advise


def _verdict_rules(advice) -> list[str]:
    return [r.rule for r in advice.verdict.rules]


def test_no_paying_into_a_product_being_shut_down():
    advice = advise({
        "needs": {"capabilities": ["video_calls", "hd_video"], "pain_points": ["video_quality"]},
        "offers": [{"name": "A", "pricing_model": "usage_based", "vendor": {"sunset_announced": True},
                    "capabilities": [{"capability": "hd_video", "availability": "paid", "monthly_price_usd": 500}]}],
        "upgrade": {"offer": "A", "kind": "feature", "adds_capabilities": ["hd_video"], "monthly_price_usd": 500},
    })
    assert advice.verdict.id == "verdict.dont_pay"
    assert _verdict_rules(advice) == ["verdict.upgrade-target-at-risk"]
    assert advice.find("finding.upgrade_target_at_risk", "A")


def test_no_paying_a_monetizing_vendor_with_regulated_data():
    advice = advise({
        "company": {"data_sensitivity": "regulated"},
        "needs": {"capabilities": ["hd_video"], "pain_points": []},
        "offers": [{"name": "A", "data_use_policy": "monetizes_customer_data"}],
        "upgrade": {"offer": "A", "kind": "feature", "adds_capabilities": ["hd_video"]},
    })
    assert advice.verdict.id == "verdict.dont_pay"


def test_unstated_upgrade_contents_are_not_a_reason_to_refuse():
    advice = advise({"needs": {"capabilities": ["video_calls"], "pain_points": ["latency"]},
                     "upgrade": {"kind": "feature", "monthly_price_usd": 500}})
    assert advice.verdict.id == "verdict.need_more_info"
    assert advice.verdict.missing == ["upgrade.adds_capabilities", "upgrade.fixes_pain_points"]


def test_paying_again_for_an_included_capability_is_not_needed():
    advice = advise({
        "needs": {"capabilities": ["video_calls", "hd_video"], "pain_points": []},
        "offers": [{"name": "A", "capabilities": [{"capability": "hd_video", "availability": "included"}]}],
        "upgrade": {"offer": "A", "kind": "feature", "adds_capabilities": ["hd_video"], "monthly_price_usd": 500},
    })
    assert advice.verdict.id == "verdict.dont_pay"
    assert _verdict_rules(advice) == ["verdict.upgrade-not-needed"]


def test_nothing_hurts_is_not_enough_when_a_required_capability_is_missing():
    """Review finding 2: C19 asks whether current features are enough; a required capability
    no offer includes means they are not, whatever the pain points (C27: pay for higher needs)."""
    missing = {"needs": {"capabilities": ["conversational_ai"], "pain_points": []},
               "offers": [{"name": "Chat", "capabilities": [{"capability": "conversational_ai", "availability": "paid",
                                                             "monthly_price_usd": 300}]}]}
    advice = advise(missing)
    assert advice.verdict.id == "verdict.pay"
    assert not advice.find("trait.current_features_suffice") and not advice.find("action.start_free")
    included = {**missing, "offers": [{"name": "Chat", "capabilities": [{"capability": "conversational_ai",
                                                                         "availability": "included"}]}]}
    assert advise(included).verdict.id == "verdict.dont_pay"  # nothing missing, nothing hurts
    assert _verdict_rules(advise(included)) == ["verdict.no-pain-points"]


def test_nothing_hurts_and_basic_needs_means_current_features_suffice():
    advice = advise({"needs": {"capabilities": ["text_messaging", "group_chat"], "pain_points": []}})
    assert advice.verdict.id == "verdict.dont_pay"
    assert _verdict_rules(advice) == ["verdict.no-pain-points"]


def test_a_decided_version_update_does_not_ask_about_needs():
    advice = advise({"offers": [{"name": "A", "pricing_model": "usage_based"}],
                     "upgrade": {"offer": "A", "kind": "version_update", "one_time_price_usd": 5000}})
    assert advice.verdict.id == "verdict.dont_pay"
    assert advice.find("warning.charged_version_update", "company")


def test_unknown_maintenance_coverage_is_asked_not_assumed():
    advice = advise({"needs": {"capabilities": ["hd_video"]},
                     "upgrade": {"kind": "version_update", "monthly_price_usd": 50}})
    assert advice.verdict.id == "verdict.need_more_info"
    assert not advice.find("warning.charged_version_update")


def test_enum_values_read_in_chinese_inside_chinese_text():
    advice = advise({"company": {"rtc_engineering": "basic"},
                     "needs": {"capabilities": ["hd_video"], "pain_points": ["video_quality"]},
                     "offers": [{"name": "X", "vendor": {"years_operating": 1, "market_position": "challenger"}}]})
    texts = [r.because for c in advice.all_conclusions() for r in c.rules]
    assert any("市场地位为挑战者" in t.zh and "is a challenger" in t.en for t in texts)
    assert any("工程能力为基础" in t.zh for t in texts)
