"""The profile vocabulary: strict models, ranges, NaN/inf, offer and upgrade consistency."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from expert.facts.vocabulary import Availability, Capability, Profile, is_finite_number


def errors_of(data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as info:
        Profile.model_validate(data)
    return info.value.errors()


def locs(data: dict) -> set[tuple]:
    return {tuple(e["loc"]) for e in errors_of(data)}


def test_empty_profile_is_valid_and_everything_unknown():
    profile = Profile.model_validate({})
    assert profile.company.name == "company"
    assert profile.company.size is None
    assert profile.needs.capabilities is None
    assert profile.offers == []
    assert profile.upgrade is None


def test_full_profile_is_valid(full_profile):
    profile = Profile.model_validate(full_profile)
    assert profile.needs.capabilities[3] is Capability.hd_video
    assert profile.offers[0].capabilities[1].availability is Availability.paid


@pytest.mark.parametrize("data, loc", [
    ({"colour": "red"}, ("colour",)),
    ({"company": {"nme": "x"}}, ("company", "nme")),
    ({"needs": {"usage": {"minutes": 5}}}, ("needs", "usage", "minutes")),
    ({"offers": [{"name": "A", "price": 3}]}, ("offers", 0, "price")),
    ({"offers": [{"name": "A", "vendor": {"rich": True}}]}, ("offers", 0, "vendor", "rich")),
    ({"upgrade": {"kind": "feature", "cost": 1}}, ("upgrade", "cost")),
])
def test_unknown_keys_are_rejected_with_their_path(data, loc):
    errors = errors_of(data)
    assert [tuple(e["loc"]) for e in errors] == [loc]
    assert errors[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize("data, loc", [
    ({"needs": {"contract_months": 0}}, ("needs", "contract_months")),
    ({"needs": {"contract_months": 121}}, ("needs", "contract_months")),
    ({"needs": {"usage": {"peak_to_average_ratio": 0.5}}}, ("needs", "usage", "peak_to_average_ratio")),
    ({"needs": {"usage": {"peak_to_average_ratio": 1001}}}, ("needs", "usage", "peak_to_average_ratio")),
    ({"needs": {"usage": {"monthly_minutes": -1}}}, ("needs", "usage", "monthly_minutes")),
    ({"needs": {"usage": {"mau": -5}}}, ("needs", "usage", "mau")),
    ({"company": {"growth_rate_pct_per_year": -101}}, ("company", "growth_rate_pct_per_year")),
    ({"company": {"monthly_budget_usd": 2e9}}, ("company", "monthly_budget_usd")),
    ({"company": {"name": ""}}, ("company", "name")),
    ({"company": {"name": "x" * 121}}, ("company", "name")),
    ({"company": {"in_house_estimate": {"engineer_months": 0, "monthly_cost_per_engineer_usd": 1}}},
     ("company", "in_house_estimate", "engineer_months")),
    ({"offers": [{"name": "A", "support_response_hours": -1}]}, ("offers", 0, "support_response_hours")),
    ({"offers": [{"name": "A", "vendor": {"years_operating": 201}}]}, ("offers", 0, "vendor", "years_operating")),
    ({"offers": [{"name": "A", "prices": {"monthly_fee_usd": -0.01}}]}, ("offers", 0, "prices", "monthly_fee_usd")),
    ({"upgrade": {"monthly_price_usd": -3}}, ("upgrade", "monthly_price_usd")),
])
def test_numbers_out_of_range_are_rejected(data, loc):
    assert locs(data) == {loc}


@pytest.mark.parametrize("data", [
    {"needs": {"contract_months": 1}},
    {"needs": {"contract_months": 120}},
    {"needs": {"usage": {"peak_to_average_ratio": 1}}},
    {"company": {"growth_rate_pct_per_year": -100}},
    {"needs": {"usage": {"monthly_minutes": 0}}},
])
def test_boundaries_are_accepted(data):
    Profile.model_validate(data)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("where", [
    ("company", "monthly_budget_usd"),
    ("company", "growth_rate_pct_per_year"),
    ("needs", "usage", "monthly_minutes"),
    ("needs", "usage", "peak_to_average_ratio"),
    ("upgrade", "one_time_price_usd"),
])
def test_nan_and_inf_are_rejected(bad, where):
    data: dict = {}
    node = data
    for key in where[:-1]:
        node = node.setdefault(key, {})
    node[where[-1]] = bad
    assert locs(data) == {where}


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_nan_and_inf_rejected_in_offer_prices(bad):
    data = {"offers": [{"name": "A", "prices": {"per_1000_minutes_usd": bad}}]}
    assert ("offers", 0, "prices", "per_1000_minutes_usd") in locs(data)
    data = {"offers": [{"name": "A", "capabilities": [
        {"capability": "recording", "availability": "paid", "monthly_price_usd": bad}]}]}
    assert any(loc[:4] == ("offers", 0, "capabilities", 0) for loc in locs(data))


def test_wrong_types_are_rejected():
    assert locs({"company": {"size": "gigantic"}}) == {("company", "size")}
    assert locs({"needs": {"contract_months": "twelve"}}) == {("needs", "contract_months")}
    assert locs({"needs": {"capabilities": ["telepathy"]}}) == {("needs", "capabilities", 0)}
    assert locs({"offers": {"name": "A"}}) == {("offers",)}
    assert locs({"needs": {"contract_months": 12.5}}) == {("needs", "contract_months")}


def test_duplicate_list_items_are_rejected():
    assert locs({"needs": {"capabilities": ["hd_video", "hd_video"]}}) == {("needs", "capabilities")}
    assert locs({"needs": {"pain_points": ["latency", "latency"]}}) == {("needs", "pain_points")}
    caps = [{"capability": "hd_video", "availability": "included"},
            {"capability": "hd_video", "availability": "paid"}]
    assert locs({"offers": [{"name": "A", "capabilities": caps}]}) == {("offers", 0, "capabilities")}


def test_duplicate_offer_names_are_rejected():
    errors = errors_of({"offers": [{"name": "A"}, {"name": "A"}]})
    assert len(errors) == 1
    assert "distinct name" in errors[0]["msg"]


@pytest.mark.parametrize("name", ["company", "Company", " padded", "padded ", ""])
def test_reserved_or_blank_offer_names_are_rejected(name):
    assert locs({"offers": [{"name": name}]}) == {("offers", 0, "name")}


def test_upgrade_offer_must_name_an_offer():
    errors = errors_of({"offers": [{"name": "A"}], "upgrade": {"offer": "B", "kind": "feature"}})
    assert len(errors) == 1
    assert "upgrade.offer" in errors[0]["msg"] and "'B'" in errors[0]["msg"]
    assert locs({"upgrade": {"offer": "B"}})  # no offers at all: still an error
    Profile.model_validate({"offers": [{"name": "A"}], "upgrade": {"offer": "A"}})
    Profile.model_validate({"upgrade": {"kind": "feature"}})  # an upgrade need not name an offer


@pytest.mark.parametrize("availability", ["included", "unavailable"])
def test_unknown_price_allowed_only_for_paid(availability):
    item = {"capability": "recording", "availability": availability, "monthly_price_usd": "unknown"}
    assert any(loc[:4] == ("offers", 0, "capabilities", 0) for loc in locs({"offers": [{"name": "A", "capabilities": [item]}]}))
    item = {"capability": "recording", "availability": availability, "monthly_price_usd": 10}
    assert locs({"offers": [{"name": "A", "capabilities": [item]}]})
    item = {"capability": "recording", "availability": availability, "monthly_price_usd": 0}
    Profile.model_validate({"offers": [{"name": "A", "capabilities": [item]}]})


def test_unknown_price_accepted_for_paid():
    item = {"capability": "recording", "availability": "paid", "monthly_price_usd": "unknown"}
    profile = Profile.model_validate({"offers": [{"name": "A", "capabilities": [item]}]})
    assert profile.offers[0].capabilities[0].monthly_price_usd == "unknown"
    item["monthly_price_usd"] = "free"
    assert locs({"offers": [{"name": "A", "capabilities": [item]}]})


def test_at_most_twenty_offers():
    Profile.model_validate({"offers": [{"name": f"o{i}"} for i in range(20)]})
    assert locs({"offers": [{"name": f"o{i}"} for i in range(21)]}) == {("offers",)}


def test_is_finite_number():
    assert is_finite_number(1) and is_finite_number(2.5) and is_finite_number(0)
    assert not is_finite_number(math.nan)
    assert not is_finite_number(math.inf)
    assert not is_finite_number(True)
    assert not is_finite_number("1")
