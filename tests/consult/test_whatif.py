"""What if: re-run with changed facts (validated like any input) and report the difference."""

from __future__ import annotations

import json

import pytest
import support
from pydantic import ValidationError

from expert.consult.whatif import ChangeError
from expert.interfaces.cli import main

BASIC_WITH_PAIN = {"needs": {"capabilities": ["text_messaging", "group_chat"], "pain_points": ["video_quality", "latency"]}}


def test_removing_pain_points_flips_the_verdict(advisor):
    """Basic needs: pain points make it 'pay', none make it 'dont_pay' (current features are enough)."""
    result = advisor.what_if(BASIC_WITH_PAIN, ["needs.pain_points=none"])
    assert (result.verdict_before, result.verdict_after, result.verdict_changed) == ("verdict.pay", "verdict.dont_pay", True)
    assert [(c.fact, c.before, c.after) for c in result.changes] == [
        ("needs.pain_points", ["video_quality", "latency"], [])]
    assert "trait.current_features_suffice" in {c.id for c in result.gained}
    assert "trait.upgrade_signal" in {c.id for c in result.lost}
    assert result.advice.verdict.id == "verdict.dont_pay"


def test_figures_changed_with_usage(advisor, full_profile):
    result = advisor.what_if(full_profile, {"needs.usage.monthly_minutes": "800,000"})
    assert not result.verdict_changed
    changed = {(f.figure, f.subject): (f.before, f.after) for f in result.figures_changed}
    assert changed[("figure.payg_monthly", "RTC pay-as-you-go")] == (1596.0, 3192.0)


def test_offer_fact_and_unset(advisor, full_profile):
    result = advisor.what_if(full_profile, ["offers[Chat freemium].free_tier_hard_cap=no",
                                            "offers[Chat freemium].capabilities.hd_video=included",
                                            "company.monthly_budget_usd="])
    assert [c.after for c in result.changes] == [False, "included", None]
    assert any(c.id == "finding.paywalls_must_have" and c.subject == "Chat freemium" for c in result.lost)


def test_no_change_no_difference(advisor, full_profile):
    result = advisor.what_if(full_profile, ["company.stage=growth"])
    assert not result.verdict_changed and result.gained == [] and result.lost == [] and result.figures_changed == []


@pytest.mark.parametrize(("change", "message"), [
    ("needs.usage.mau", "expected PATH=VALUE"),
    ("needs.nope=1", "not an input fact"),
    ("company.stage=teen", "is not one of"),
    ("needs.usage.mau=-5", "out of range"),
    ("offers[Ghost].pricing_model=buyout", "no offer named 'Ghost'"),
    ("offer.pricing_model=buyout", "name the offer"),
])
def test_bad_changes_are_named(advisor, full_profile, change, message):
    with pytest.raises(ChangeError, match=message):
        advisor.what_if(full_profile, [change])


def test_changed_profile_is_validated(advisor, full_profile):
    with pytest.raises(ValidationError):
        advisor.what_if(full_profile, ["company.in_house_estimate=0, 100"])  # engineer-months must be > 0


def test_cli_whatif_text_json_and_errors(runner, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(BASIC_WITH_PAIN), encoding="utf-8")
    result = runner.invoke(main, ["whatif", str(path), "--set", "needs.pain_points=none"])
    assert result.exit_code == 0, result.output
    assert "verdict.pay -> verdict.dont_pay" in result.output
    result = runner.invoke(main, ["whatif", str(path), "--set", "needs.pain_points=none", "--format", "json"])
    assert json.loads(result.output)["verdict_after"] == "verdict.dont_pay"
    result = runner.invoke(main, ["whatif", str(path), "--set", "needs.pain_points=none", "--lang", "zh"])
    assert "结论" in result.output
    result = runner.invoke(main, ["whatif", str(path), "--set", "company.stage=teen"])
    assert result.exit_code == 2 and "company.stage" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["whatif", str(path), "--set", "company.in_house_estimate=0, 100"])
    assert result.exit_code == 2 and "company.in_house_estimate.engineer_months" in result.output


def test_price_change_is_shown(advisor, full_profile):
    result = advisor.what_if(full_profile, ["offers[RTC pay-as-you-go].capabilities.recording=paid@1"])
    (change,) = result.changes
    assert change.before == {"availability": "paid", "monthly_price_usd": 600}
    assert change.after == {"availability": "paid", "monthly_price_usd": 1}


@pytest.mark.parametrize("changes", [["offers[Chat freemium].capabilities=included"], {"needs.capabilities": 5}, [5]])
def test_changes_that_cannot_apply_are_refused(advisor, full_profile, changes):
    with pytest.raises(ChangeError):
        advisor.what_if(full_profile, changes)


def test_company_name_can_change(advisor, full_profile):
    assert advisor.what_if(full_profile, ["company.name=Other"]).advice.company == "Other"


def test_the_upgrade_price_crosses_its_ceiling_visibly(runner):
    """Review finding 1: the verdict weighs the price. The clinic's release is billed through its
    $18,000-a-year maintenance ($1,500 a month); priced above that it flips, below it does not."""
    path = str(support.EXAMPLES / "clinic-telehealth.yaml")
    above = runner.invoke(main, ["whatif", path, "--set", "upgrade.monthly_price_usd=500000"])
    assert above.exit_code == 0, above.output
    assert "verdict.pay -> verdict.dont_pay" in above.output
    assert "finding.upgrade_priced_above_worth" in above.output and "the 1,500 USD a month of the maintenance fee" in above.output
    below = runner.invoke(main, ["whatif", path, "--set", "upgrade.monthly_price_usd=1400"])
    assert below.exit_code == 0 and "verdict.pay (unchanged)" in below.output
    assert "finding.upgrade_priced_above_worth" not in below.output
