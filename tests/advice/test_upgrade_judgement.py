"""What a feature upgrade is worth to a company is decided by rules (30-upgrade.yaml) over
counts the derive layer computes: exactly one of five findings for every feature upgrade."""

from __future__ import annotations

import pytest

JUDGEMENTS = {
    "needed": "finding.upgrade_needed",
    "not_needed": "finding.upgrade_not_needed",
    "unknown_contents": "finding.upgrade_contents_unknown",
    "unknown_capabilities": "finding.upgrade_capability_need_unknown",
    "unknown_pain_points": "finding.upgrade_pain_need_unknown",
}


@pytest.mark.parametrize("needs, upgrade, expected", [
    ({"capabilities": ["hd_video"]}, {"adds_capabilities": ["hd_video"]}, "needed"),
    ({"pain_points": ["latency"]}, {"fixes_pain_points": ["latency"]}, "needed"),
    ({"capabilities": ["text_messaging"], "pain_points": []}, {"adds_capabilities": ["hd_video"]}, "not_needed"),
    ({}, {"adds_capabilities": ["hd_video"]}, "unknown_capabilities"),
    # It fixes only a pain the company does not have, and adds nothing stated: not needed.
    ({"pain_points": ["latency"]}, {"fixes_pain_points": ["weak_network"]}, "not_needed"),
    # Required capabilities are not stated and the upgrade adds one: whether it is needed
    # is unknown; a stated, unrelated pain point does not make it "not needed".
    ({"pain_points": ["latency"]}, {"adds_capabilities": ["conversational_ai"]}, "unknown_capabilities"),
    ({"capabilities": ["hd_video"]}, {"fixes_pain_points": ["latency"]}, "unknown_pain_points"),
    ({"capabilities": ["hd_video"], "pain_points": ["latency"]}, {}, "unknown_contents"),
    # Naming only that it adds no custom add-on says nothing about its capabilities.
    ({"capabilities": ["hd_video"], "pain_points": ["latency"]}, {"adds_custom_addons": []}, "unknown_contents"),
    # What the upgraded offer already includes is not new: paying again buys nothing.
    ({"capabilities": ["hd_video"], "pain_points": []}, {"offer": "T", "adds_capabilities": ["hd_video"]}, "not_needed"),
    ({"capabilities": ["hd_video"], "pain_points": []}, {"offer": "P", "adds_capabilities": ["hd_video"]}, "needed"),
])
@pytest.mark.parametrize("kind", ["feature", "mixed"])
def test_one_judgement_per_feature_upgrade(advisor, needs, upgrade, expected, kind):
    offers = [{"name": "T", "capabilities": [{"capability": "hd_video", "availability": "included"}]},
              {"name": "P", "capabilities": [{"capability": "hd_video", "availability": "paid"}]}]
    advice = advisor.advise({"needs": needs, "offers": offers, "upgrade": {"kind": kind, **upgrade}})
    reached = {c.id for c in advice.findings} & set(JUDGEMENTS.values())
    assert reached == {JUDGEMENTS[expected]}


def test_version_update_adding_capabilities_is_judged_like_a_feature_upgrade(advisor):
    advice = advisor.advise({"needs": {"capabilities": ["hd_video"]},
                             "upgrade": {"kind": "version_update", "adds_capabilities": ["hd_video"]}})
    found = {c.id for c in advice.findings}
    assert {"finding.version_update_adds_capabilities", "finding.upgrade_brings_features",
            "finding.upgrade_needed"} <= found
    assert "finding.upgrade_is_version_update" not in found


@pytest.mark.parametrize("prices, expected", [
    ({"monthly_price_usd": 0}, "finding.upgrade_free"),
    ({"monthly_price_usd": 0, "one_time_price_usd": 0}, "finding.upgrade_free"),
    ({"monthly_price_usd": 0, "one_time_price_usd": 10}, "finding.upgrade_priced"),
    ({"one_time_price_usd": 0.01}, "finding.upgrade_priced"),
    ({}, None),
])
def test_priced_or_free(advisor, prices, expected):
    advice = advisor.advise({"upgrade": {"kind": "version_update", **prices}})
    found = {c.id for c in advice.findings} & {"finding.upgrade_free", "finding.upgrade_priced"}
    assert found == ({expected} if expected else set())
