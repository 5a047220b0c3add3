"""The field catalogue: every testable path, its kind, domain and fact."""

from __future__ import annotations

import pytest

from expert.facts.fields import BOOL, ENUM, LIST_ENUM, NUMBER, SECTION, TEXT, field_catalogue
from expert.facts.vocabulary import Availability, Capability, PainPoint, Stage
from expert.rulebase.rulebook import FACT_OPERATORS


@pytest.fixture(scope="module")
def catalogue():
    return field_catalogue()


@pytest.mark.parametrize("path, kind", [
    ("company", SECTION),
    ("company.name", TEXT),
    ("company.stage", ENUM),
    ("company.can_forecast_usage_costs", BOOL),
    ("company.growth_rate_pct_per_year", NUMBER),
    ("company.in_house_estimate", SECTION),
    ("company.in_house_estimate.engineer_months", NUMBER),
    ("needs", SECTION),
    ("needs.capabilities", LIST_ENUM),
    ("needs.pain_points", LIST_ENUM),
    ("needs.usage", SECTION),
    ("needs.usage.peak_to_average_ratio", NUMBER),
    ("needs.usage.mau", NUMBER),
    ("needs.contract_months", NUMBER),
    ("offer", SECTION),
    ("offer.name", TEXT),
    ("offer.vendor", SECTION),
    ("offer.vendor.listed", BOOL),
    ("offer.vendor.market_position", ENUM),
    ("offer.pricing_model", ENUM),
    ("offer.prices.per_1000_minutes_usd", NUMBER),
    ("offer.capabilities", SECTION),
    ("offer.capabilities.hd_video", ENUM),
    ("offer.max_concurrent_participants", NUMBER),
    ("upgrade", SECTION),
    ("upgrade.offer", TEXT),
    ("upgrade.kind", ENUM),
    ("upgrade.adds_capabilities", LIST_ENUM),
    ("upgrade.monthly_price_usd", NUMBER),
    ("derived.offer_count", NUMBER),
    ("upgrade.derived.needed_addition_count", NUMBER),
    ("upgrade.derived.cost_over_worth_usd", NUMBER),
    ("offer.derived.estimated_monthly_usd", NUMBER),
    ("offer.derived.over_budget_usd", NUMBER),
])
def test_paths_and_kinds(catalogue, path, kind):
    assert catalogue[path].kind == kind
    assert catalogue[path].path == path
    assert kind in FACT_OPERATORS


def test_enum_and_list_domains(catalogue):
    assert catalogue["company.stage"].choices == tuple(s.value for s in Stage)
    assert catalogue["needs.capabilities"].choices == tuple(c.value for c in Capability)
    assert catalogue["needs.pain_points"].choices == tuple(p.value for p in PainPoint)
    assert catalogue["offer.capabilities.recording"].choices == tuple(a.value for a in Availability)
    # A derived yes/no or category would be a decision made in Python: it belongs in the
    # rules (issue 9).  The one exception is an identity, not a judgement: which offer the
    # upgrade names.
    decisions = [spec.path for spec in catalogue.values() if spec.derived and spec.kind in (ENUM, BOOL)]
    assert decisions == ["offer.derived.is_upgrade_target"]


def test_every_capability_has_an_offer_availability_field(catalogue):
    for capability in Capability:
        assert catalogue[f"offer.capabilities.{capability.value}"].kind == ENUM


@pytest.mark.parametrize("path, low, high", [
    ("needs.usage.peak_to_average_ratio", 1, 1000),
    ("needs.contract_months", 1, 120),
    ("company.growth_rate_pct_per_year", -100, 10_000),
    ("company.monthly_budget_usd", 0, 1e9),
    ("needs.usage.mau", 0, 10_000_000_000),
    ("offer.vendor.years_operating", 0, 200),
    ("derived.offer_count", 0, 20),
])
def test_number_ranges(catalogue, path, low, high):
    spec = catalogue[path]
    assert (spec.minimum, spec.maximum) == (low, high)


def test_fact_and_engine_name(catalogue):
    assert catalogue["offer.vendor.listed"].fact == "offer"
    assert catalogue["offer.derived.payg_monthly_usd"].fact == "offer"
    assert catalogue["company.stage"].fact == "profile"
    assert catalogue["upgrade.derived.needed_fix_count"].fact == "profile"
    assert catalogue["derived.offer_count"].fact == "profile"
    assert catalogue["needs.usage.mau"].engine_name == "needs__usage__mau"


def test_derived_flags(catalogue):
    derived = {path for path, spec in catalogue.items() if spec.derived}
    assert derived == {p for p in catalogue if p.startswith(("derived.", "offer.derived.", "upgrade.derived."))}
    assert "offer.derived.build_total_usd" in derived
    assert not catalogue["company.stage"].derived


def test_no_list_of_models_leaks_into_catalogue(catalogue):
    # offer.capabilities is a list of models: a section, and one enum per capability
    assert catalogue["offer.capabilities"].kind == SECTION
    assert not any(spec.kind == TEXT and spec.path.startswith("offer.capabilities.") for spec in catalogue.values())
