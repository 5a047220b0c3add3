"""Properties over generated valid profiles: one verdict, cited conclusions, no crash, unknown is not false."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.advice.model import Advice
from expert.facts.derive import derive
from expert.facts.flatten import input_facts
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
    Profile,
    SkillLevel,
    Stage,
    UpgradeKind,
)

# EXPERT_PROPERTY_EXAMPLES=2000 for a deeper (slower) search than the suite's default
SETTINGS = settings(max_examples=int(os.environ.get("EXPERT_PROPERTY_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def values(enum) -> st.SearchStrategy:
    return st.sampled_from([m.value for m in enum])


def subset(enum) -> st.SearchStrategy:
    return st.lists(values(enum), unique=True, max_size=len(enum))


def number(low: float, high: float) -> st.SearchStrategy:
    return st.one_of(st.integers(int(low), int(min(high, 10**9))),
                     st.floats(low, high, allow_nan=False, allow_infinity=False))


money = number(0, 1e6)

company = st.fixed_dictionaries({}, optional={
    "name": st.text(min_size=1, max_size=20),
    "size": values(CompanySize),
    "stage": values(Stage),
    "industry": values(Industry),
    "data_sensitivity": values(DataSensitivity),
    "rtc_engineering": values(SkillLevel),
    "ai_engineering": values(SkillLevel),
    "growth_rate_pct_per_year": number(-100, 10_000),
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
        "monthly_minutes": number(0, 1e8),
        "mau": st.integers(0, 10**7),
        "peak_to_average_ratio": number(1, 1000),
        "largest_event_participants": st.integers(0, 10**6),
    }),
    "contract_months": st.integers(1, 120),
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
            "years_operating": st.integers(0, 200),
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
        "support_response_hours": number(0, 500),
        "data_use_policy": values(DataUsePolicy),
        "global_coverage": st.booleans(),
        "max_concurrent_participants": st.integers(0, 10**6),
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
        }))
        if names and draw(st.booleans()):
            upgrade["offer"] = draw(st.sampled_from(names))
        profile["upgrade"] = upgrade
    return profile


def facts_by_subject(profile: Profile) -> dict[str, dict]:
    facts = input_facts(profile, derive(profile))
    return {"company": facts[0], **{f["offer__name"]: f for f in facts[1:]}}


def condition_could_hold(condition, fact: dict) -> bool:
    """False when a condition tests a field that is absent with an operator other than 'unknown'.

    Only 'unknown' may match a field that was not stated (or could not be derived);
    every other operator, '{is: false}' and 'includes_none' included, needs the fact.
    """
    if condition.alternatives:
        return any(condition_could_hold(alt, fact) for alt in condition.alternatives)
    for test in condition.tests:
        if test.operator != "unknown" and test.path.replace(".", "__") not in fact:
            return False
    return True


@SETTINGS
@given(data=profiles(), lang=st.sampled_from(["en", "zh"]))
def test_invariants_of_every_advice(advisor, data, lang):
    knowledge = advisor.knowledge
    advice = advisor.advise(data, lang=lang)  # never raises on a valid profile

    # exactly one verdict
    conclusions = advice.all_conclusions()
    assert sum(1 for c in conclusions if c.kind == "verdict") == 1
    assert advice.verdict.id in knowledge.conclusions and knowledge.conclusions[advice.verdict.id].kind == "verdict"
    if advice.verdict.id == "verdict.need_more_info":
        assert advice.verdict.missing

    # every conclusion rests on at least one rule, and every rule's cited claims exist
    for conclusion in conclusions:
        assert conclusion.rules
        for support in conclusion.rules:
            assert support.rule in knowledge.rules
            assert support.claims and all(claim in knowledge.claims for claim in support.claims)
            grounded = {p for claim in support.claims for p in knowledge.claims[claim].paragraphs}
            assert support.paragraphs and set(support.paragraphs) <= grounded
    assert len({(c.id, c.subject) for c in conclusions}) == len(conclusions)

    # unknown is not false: a rule that fired never tested an absent fact with anything but 'unknown'
    facts = facts_by_subject(Profile.model_validate(data))
    for firing in advice.trace:
        rule = knowledge.rules[firing.rule]
        for condition in rule.fact_conditions:
            fact = facts[firing.subject] if condition.fact == "offer" else facts["company"]
            assert condition_could_hold(condition, fact), (rule.id, firing.subject)

    # the advice survives its JSON form
    assert Advice.model_validate(json.loads(advice.model_dump_json())) == advice


FORECAST_DEPENDENT = {"trait.cannot_forecast_costs", "unfit.usage_based"}


@SETTINGS
@given(data=profiles())
def test_removing_a_stated_no_removes_what_rested_on_it(advisor, data):
    # State "cannot forecast usage costs"; then leave it unstated. Nothing that needs the
    # "no" may survive its removal (trait.cannot_forecast_costs and its consequences).
    data.setdefault("company", {})["can_forecast_usage_costs"] = False
    stated = advisor.advise(data)
    del data["company"]["can_forecast_usage_costs"]
    unstated = advisor.advise(data)
    assert not unstated.find("trait.cannot_forecast_costs")
    assert not any(f.rule in ("costs.cannot-forecast", "warning.bill-volatility-no-forecast", "unfit.usage-no-forecast")
                   for f in unstated.trace)
    assert stated.find("trait.cannot_forecast_costs")
