"""Properties over generated valid profiles: one verdict, cited conclusions, no crash, unknown is not false."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import profiles

from expert.advice.model import Advice
from expert.facts.derive import derive
from expert.facts.flatten import input_facts
from expert.facts.vocabulary import (
    Profile,
)

# EXPERT_PROPERTY_EXAMPLES=2000 for a deeper (slower) search than the suite's default
SETTINGS = settings(max_examples=int(os.environ.get("EXPERT_PROPERTY_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


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
