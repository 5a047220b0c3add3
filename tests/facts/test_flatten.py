"""Flattening a profile into engine facts: names, values, and absence for the unknown."""

from __future__ import annotations

import orjson
import support
import yaml
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError
from strategies import profiles

from expert.facts import flatten
from expert.facts.derive import derive
from expert.facts.flatten import OFFER_FACT, PROFILE_FACT, input_facts, offer_facts, profile_fact
from expert.facts.vocabulary import Capability, Profile


def facts_of(data: dict) -> list[dict]:
    profile = Profile.model_validate(data)
    return input_facts(profile, derive(profile))


def test_empty_profile_gives_one_bare_profile_fact():
    (fact,) = facts_of({})
    assert fact["t"] == PROFILE_FACT
    assert fact["company"] is True and fact["needs"] is True  # the sections exist (with defaults)
    assert fact["company__name"] == "company"
    assert fact["derived__offer_count"] == 0
    assert "company__stage" not in fact
    assert "needs__capabilities" not in fact
    assert "needs__usage" not in fact
    assert "upgrade" not in fact
    assert not any(key.startswith("needs__capabilities__") for key in fact)


def test_scalars_enums_and_nested_sections(full_profile):
    fact = facts_of(full_profile)[0]
    assert fact["company__stage"] == "growth"  # enum as its plain value
    assert fact["company__can_forecast_usage_costs"] is False  # a stated "no" is present, not absent
    assert fact["company__growth_rate_pct_per_year"] == 120
    assert fact["needs__usage"] is True
    assert fact["needs__usage__peak_to_average_ratio"] == 20
    assert "needs__usage__mau" not in fact


def test_lists_become_one_boolean_per_choice(full_profile):
    fact = facts_of(full_profile)[0]
    assert fact["needs__capabilities"] is True
    chosen = set(full_profile["needs"]["capabilities"])
    for capability in Capability:
        assert fact[f"needs__capabilities__{capability.value}"] is (capability.value in chosen)


def test_empty_list_is_stated_with_every_item_false():
    fact = facts_of({"needs": {"pain_points": []}})[0]
    assert fact["needs__pain_points"] is True
    assert fact["needs__pain_points__latency"] is False


def test_offer_facts(full_profile):
    profile = Profile.model_validate(full_profile)
    derivation = derive(profile)
    rtc, chat = offer_facts(profile, derivation)
    assert rtc["t"] == OFFER_FACT and rtc["offer__name"] == "RTC pay-as-you-go"
    assert rtc["offer__pricing_model"] == "usage_based"
    assert rtc["offer__vendor__listed"] is True
    assert rtc["offer__prices__per_1000_minutes_usd"] == 3.99
    assert rtc["offer__capabilities"] is True
    assert rtc["offer__capabilities__hd_video"] == "included"
    assert rtc["offer__capabilities__recording"] == "paid"
    assert "offer__capabilities__moderation" not in rtc  # not listed: unknown
    assert rtc["offer__derived__payg_monthly_usd"] == 1596.0
    assert chat["offer__capabilities__large_events"] == "unavailable"
    assert "offer__vendor__listed" not in chat
    assert not any(isinstance(v, (dict, list)) for v in rtc.values())  # flat, scalar values only


def test_upgrade_and_derived_values_in_profile_fact():
    data = {"needs": {"capabilities": ["hd_video"]}, "offers": [{"name": "A", "pricing_model": "buyout_subscription"}],
            "upgrade": {"offer": "A", "kind": "feature", "adds_capabilities": ["hd_video"]}}
    profile = Profile.model_validate(data)
    fact = profile_fact(profile, derive(profile))
    assert fact["upgrade"] is True
    assert fact["upgrade__kind"] == "feature"
    assert fact["upgrade__offer"] == "A"
    assert fact["upgrade__adds_capabilities__hd_video"] is True
    assert fact["upgrade__derived__needed_addition_count"] == 1
    assert fact["upgrade__derived__needed_fix_count"] == 0
    assert "upgrade__derived__monthly_cost_usd" not in fact  # no price stated: unknown, not zero
    assert "upgrade__fixes_pain_points" not in fact


def test_facts_are_in_a_stable_order(full_profile):
    first, second = facts_of(full_profile), facts_of(full_profile)
    assert first == second
    assert [f["t"] for f in first] == [PROFILE_FACT, OFFER_FACT, OFFER_FACT]
    assert [f.get("offer__name") for f in first[1:]] == ["RTC pay-as-you-go", "Chat freemium"]


def _examples_and_cases() -> list[dict]:
    found = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(support.EXAMPLES.glob("*.yaml"))]
    return found + [yaml.safe_load(p.read_text(encoding="utf-8"))["profile"]
                    for p in sorted((support.KNOWLEDGE / "cases").glob("*.yaml"))]


def _both_readings_agree(data: dict) -> None:
    """Flattening the models gives the facts flattening their JSON dump gives: same keys in
    the same order, same values of the same types."""
    profile = Profile.model_validate(data)
    derivation = derive(profile)
    dumped = profile.model_dump(mode="json", exclude_none=True)
    from_models, from_dump = input_facts(profile, derivation), input_facts(profile, derivation, dumped)
    assert orjson.dumps(from_models) == orjson.dumps(from_dump)
    typed = [[(key, type(value), [type(v) for v in value] if isinstance(value, list) else None)
              for key, value in fact.items()] for fact in from_dump]
    assert typed == [[(key, type(value), [type(v) for v in value] if isinstance(value, list) else None)
                      for key, value in fact.items()] for fact in from_models]  # str, not str-valued enum members


def _sections(profile: Profile) -> list[tuple]:
    """(model, prefix, field skipped) for every section a profile's facts are written from."""
    found = [(profile.company, "company", None), (profile.company.in_house_estimate, "company.in_house_estimate", None),
             (profile.needs, "needs", None), (profile.needs.usage, "needs.usage", None), (profile.upgrade, "upgrade", None)]
    for offer in profile.offers:
        found += [(offer, "offer", "capabilities"), (offer.vendor, "offer.vendor", None), (offer.prices, "offer.prices", None)]
    return [section for section in found if section[0] is not None]


def _plan_and_compiled_writer_agree(data: dict) -> None:
    """A section read field by field by its plan (a process's first facts) and by its compiled
    writer (every later one) gives the same keys in the same order, the same values of the same types."""
    for model, prefix, skip in _sections(Profile.model_validate(data)):
        by_plan, compiled = {}, {}
        flatten._write_by_plan(model, prefix, by_plan, skip)
        flatten._compiled_writer(type(model), prefix, skip)(model.__dict__, compiled)
        assert [(k, v, type(v)) for k, v in by_plan.items()] == [(k, v, type(v)) for k, v in compiled.items()], prefix

def test_every_reading_gives_the_same_facts_for_every_example_and_case():
    for data in _examples_and_cases():
        _both_readings_agree(data)
        _plan_and_compiled_writer_agree(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=profiles())
def test_every_reading_gives_the_same_facts(data):
    try:
        Profile.model_validate(data)
    except ValidationError:
        return
    _both_readings_agree(data)
    _plan_and_compiled_writer_agree(data)

