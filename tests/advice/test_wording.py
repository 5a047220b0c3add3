"""The plural helper: English nouns agree with their count in every because-text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expert.advice.wording import counted, plural


@pytest.mark.parametrize("noun,expected", [
    ("capability", "capabilities"), ("offer", "offers"), ("paid must-have", "paid must-haves"),
    ("year", "years"), ("day", "days"), ("hour", "hours"), ("pain point", "pain points"),
    ("box", "boxes"), ("match", "matches"), ("person", "people"), ("time", "times"), ("item", "items"),
])
def test_plural(noun, expected):
    assert plural(noun) == expected


@pytest.mark.parametrize("count,shown,expected", [
    (1, "1", "1 capability"), (1.0, "1", "1 capability"), (0, "0", "0 capabilities"),
    (3, "3", "3 capabilities"), (2.5, "2.5", "2.5 capabilities"), (None, "unknown", "unknown capabilities"),
])
def test_counted(count, shown, expected):
    assert counted(count, "capability", shown) == expected


@given(st.integers(min_value=2, max_value=10**6))
def test_many_is_always_plural(n):
    assert counted(n, "offer", str(n)) == f"{n} offers"


def test_because_texts_agree_with_their_count(advisor):
    profile = {"needs": {"capabilities": ["text_messaging", "hd_video"], "pain_points": []},
               "offers": [{"name": "A", "pricing_model": "freemium",
                           "capabilities": [{"capability": "text_messaging", "availability": "included"},
                                            {"capability": "hd_video", "availability": "unavailable"}]}]}
    texts = [r.because.en for c in advisor.advise(profile).all_conclusions() for r in c.rules]
    assert any("1 capability you require" in t for t in texts)
    assert not any("(s)" in t or "1 capabilities" in t for t in texts)
