"""Any offer name a user may type reaches the engine intact and keys its conclusions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from expert import advise

names = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80).filter(
    lambda n: n.strip() == n and n.lower() != "company" and n != "*")


@settings(max_examples=60, deadline=None)
@given(first=names, second=names)
def test_offer_conclusions_carry_the_exact_names(first, second):
    if first == second:
        second = second + "2" if len(second) < 80 else "other"
    advice = advise({
        "needs": {"capabilities": ["hd_video"], "pain_points": []},
        "offers": [
            {"name": first, "vendor": {"financial_strength": "weak"}},
            {"name": second, "vendor": {"sunset_announced": True}, "docs_quality": "poor"},
        ],
    })
    subjects = {c.subject for c in advice.find("warning.vendor_viability")}
    assert subjects == {first, second}
    assert {c.subject for c in advice.find("warning.hidden_costs")} == {second}
