"""The verdict weighs the upgrade's price (review finding 1), checked over generated profiles:
a higher price never turns a refusal into "pay", and a needed upgrade that costs more than
the whole monthly budget is never an unconditional "pay"."""

from __future__ import annotations

import copy
import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import profiles

SETTINGS = settings(max_examples=int(os.environ.get("EXPERT_PROPERTY_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=profiles(), price=st.floats(0, 1e5), factor=st.floats(1.5, 100))
def test_a_higher_price_never_turns_a_refusal_into_pay(advisor, data, price, factor):
    assume(data.get("upgrade") is not None)
    cheap = copy.deepcopy(data)
    cheap["upgrade"]["monthly_price_usd"] = price
    dear = copy.deepcopy(data)
    dear["upgrade"]["monthly_price_usd"] = price * factor + 1000
    if advisor.advise(cheap).verdict.id != "verdict.pay":
        assert advisor.advise(dear).verdict.id != "verdict.pay"


def needed(data: dict) -> dict:
    """The profile with its upgrade made needed by construction: it adds conversational AI,
    which the company requires and the upgraded offer does not include."""
    data = copy.deepcopy(data)
    needs = data.setdefault("needs", {})
    needs["capabilities"] = sorted(set(needs.get("capabilities") or []) | {"conversational_ai"})
    upgrade = data.setdefault("upgrade", {})
    upgrade.update(kind="feature", adds_capabilities=["conversational_ai"])
    for offer in data.get("offers") or []:
        if offer["name"] == upgrade.get("offer"):
            offer["capabilities"] = [c for c in offer.get("capabilities") or [] if c["capability"] != "conversational_ai"]
    return data


@SETTINGS
@given(data=profiles(), budget=st.floats(0, 1e5))
def test_a_needed_upgrade_above_the_whole_budget_is_not_pay(advisor, data, budget):
    data = needed(data)
    data.setdefault("company", {})["monthly_budget_usd"] = budget
    data["upgrade"]["monthly_price_usd"] = budget + 1000
    data["upgrade"].pop("one_time_price_usd", None)
    advice = advisor.advise(data)
    assert advice.find("finding.upgrade_needed")
    assert advice.verdict.id != "verdict.pay", advice.verdict.rules
    if advice.verdict.id == "verdict.dont_pay" and not advice.find("finding.upgrade_priced_above_worth"):
        # refused for another reason the rules give (an offer at risk, ...), never "pay"
        assert advice.verdict.rules[0].rule != "verdict.not-at-this-price"
