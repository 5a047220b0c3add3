"""Hypothesis strategies for valid profiles, shared by the property tests and
``benchmarks/contradictions.py``.

Numbers are drawn over each field's whole range and, as often, from the thresholds the
bundled rules compare that field with (each threshold, and just below and above it), so
the boundaries of every threshold are hit, not only the wide middle.
"""

from __future__ import annotations

from functools import lru_cache

from hypothesis import strategies as st

from expert.explain.smallest_change import rule_thresholds
from expert.facts.vocabulary import (
    Availability,
    Capability,
    CompanySize,
    DataSensitivity,
    DataUsePolicy,
    DocsQuality,
    FinancialStrength,
    Industry,
    MarketPosition,
    PainPoint,
    PricingModel,
    SkillLevel,
    Stage,
    UpgradeKind,
)
from expert.rulebase.loader import load_knowledge


@lru_cache(maxsize=1)
def _thresholds() -> dict[str, set]:
    return rule_thresholds(load_knowledge())


def near_thresholds(path: str, low: float, high: float, integer: bool) -> list:
    """Each constant the rules compare ``path`` with, and its neighbours, inside [low, high]."""
    step = 1 if integer else 0.01
    found = set()
    for value in _thresholds().get(path, ()):
        for candidate in (value - step, value, value + step):
            if low <= candidate <= high:
                found.add(int(candidate) if integer else float(candidate))
    return sorted(found)


def values(enum) -> st.SearchStrategy:
    return st.sampled_from([m.value for m in enum])


def subset(enum) -> st.SearchStrategy:
    return st.lists(values(enum), unique=True, max_size=len(enum))


def number(low: float, high: float, path: str = "") -> st.SearchStrategy:
    wide = st.one_of(st.integers(int(low), int(min(high, 10**9))), st.floats(low, high, allow_nan=False, allow_infinity=False))
    edges = near_thresholds(path, low, high, integer=False) if path else []
    return st.one_of(wide, st.sampled_from(edges)) if edges else wide


def whole(low: int, high: int, path: str = "") -> st.SearchStrategy:
    edges = near_thresholds(path, low, high, integer=True) if path else []
    return st.one_of(st.integers(low, high), st.sampled_from(edges)) if edges else st.integers(low, high)


money = number(0, 1e6)
ADDONS = ["karaoke scoring", "sign-language avatar"]

company = st.fixed_dictionaries({}, optional={
    "name": st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20),  # no controls
    "size": values(CompanySize),
    "stage": values(Stage),
    "industry": values(Industry),
    "data_sensitivity": values(DataSensitivity),
    "rtc_engineering": values(SkillLevel),
    "ai_engineering": values(SkillLevel),
    "growth_rate_pct_per_year": number(-100, 10_000, "company.growth_rate_pct_per_year"),
    "can_forecast_usage_costs": st.booleans(),
    "monthly_budget_usd": money,
    "in_house_estimate": st.fixed_dictionaries(
        {"engineer_months": st.floats(0.5, 500), "monthly_cost_per_engineer_usd": money},
        optional={"monthly_running_cost_usd": money}),
})

needs = st.fixed_dictionaries({}, optional={
    "capabilities": subset(Capability),
    "pain_points": subset(PainPoint),
    "usage": st.fixed_dictionaries({}, optional={
        "monthly_minutes": number(0, 1e8, "needs.usage.monthly_minutes"),
        "mau": whole(0, 10**7, "needs.usage.mau"),
        "peak_to_average_ratio": number(1, 1000, "needs.usage.peak_to_average_ratio"),
        "largest_event_participants": st.integers(0, 10**6),
    }),
    "contract_months": whole(1, 120, "needs.contract_months"),
    "custom_addons": st.lists(st.fixed_dictionaries({"name": st.sampled_from(ADDONS), "required": st.booleans()}),
                              unique_by=lambda a: a["name"], max_size=2),
})


@st.composite
def offer_capabilities(draw) -> list:
    chosen = draw(st.lists(values(Capability), unique=True, max_size=8))
    items = []
    for capability in chosen:
        availability = draw(values(Availability))
        item = {"capability": capability, "availability": availability}
        if availability == Availability.paid.value:
            price = draw(st.one_of(st.none(), st.just("unknown"), money))
            if price is not None:
                item["monthly_price_usd"] = price
        items.append(item)
    return items


def offer(name: str) -> st.SearchStrategy:
    return st.fixed_dictionaries({"name": st.just(name)}, optional={
        "vendor": st.fixed_dictionaries({}, optional={
            "listed": st.booleans(),
            "financial_strength": values(FinancialStrength),
            "years_operating": whole(0, 200, "offer.vendor.years_operating"),
            "market_position": values(MarketPosition),
            "sunset_announced": st.booleans(),
            "raised_prices_after_integration": st.booleans(),
            "broad_product_line": st.booleans(),
        }),
        "pricing_model": values(PricingModel),
        "capabilities": offer_capabilities(),
        "prices": st.fixed_dictionaries({}, optional={
            "monthly_fee_usd": money, "included_minutes": number(0, 1e7), "per_1000_minutes_usd": number(0, 100),
            "per_mau_usd": number(0, 10), "one_time_fee_usd": money, "yearly_maintenance_usd": money}),
        "charges_for_version_updates": st.booleans(),
        "buyout_includes_updates": st.booleans(),
        "free_tier_hard_cap": st.booleans(),
        "docs_quality": values(DocsQuality),
        "support_response_hours": number(0, 500, "offer.support_response_hours"),
        "data_use_policy": values(DataUsePolicy),
        "global_coverage": st.booleans(),
        "max_concurrent_participants": st.integers(0, 10**6),
        "custom_addons": st.lists(st.fixed_dictionaries(
            {"name": st.sampled_from(ADDONS), "availability": values(Availability)}), unique_by=lambda a: a["name"], max_size=2),
    })


@st.composite
def profiles(draw) -> dict:
    profile: dict = {}
    if draw(st.booleans()):
        profile["company"] = draw(company)
    if draw(st.booleans()):
        profile["needs"] = draw(needs)
    names = draw(st.lists(st.sampled_from(["Alpha", "Beta RTC", "Chat 免费", "D"]), unique=True, max_size=3))
    if names:
        profile["offers"] = [draw(offer(name)) for name in names]
    if draw(st.booleans()):
        upgrade = draw(st.fixed_dictionaries({}, optional={
            "kind": values(UpgradeKind),
            "adds_capabilities": subset(Capability),
            "fixes_pain_points": subset(PainPoint),
            "monthly_price_usd": money,
            "one_time_price_usd": money,
            "billed_through_maintenance": st.booleans(),
            "adds_custom_addons": st.lists(st.sampled_from(ADDONS), unique=True, max_size=2),
        }))
        if names and draw(st.booleans()):
            upgrade["offer"] = draw(st.sampled_from(names))
        profile["upgrade"] = upgrade
    return profile
