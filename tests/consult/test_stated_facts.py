"""``_stated_facts`` (one pass over what a profile states) against ``get_fact`` (the fact
paths' own reading), fact by fact.

The question ranking decides which facts are still open from ``_stated_facts``; the
reference analysis (``relevance_reference.py``) shares that reading, so this holds it to
the independent one: a fact is stated exactly when ``get_fact`` finds a value for it.
Every input path of the catalogue is checked, each offer's paths for every offer the
profile names, on every worked case with facts removed and on hand-made edge cases.
The questions ``offers`` and ``upgrade`` and the upgrade's facts are read differently by
design (``_State._is_open``) and are not compared.
"""

from __future__ import annotations

import pytest
import support

from expert.audit.cases import load_cases
from expert.consult.relevance import _stated_facts
from expert.facts.factpaths import FactRef, get_fact, input_facts_of, parse_fact, set_fact
from expert.facts.fields import field_catalogue

CASES = load_cases(support.KNOWLEDGE / "cases")
_SPECS = field_catalogue()
COMPANY_PATHS = sorted(p for p, s in _SPECS.items()
                       if not s.derived and not p.startswith(("offer", "upgrade")) and p != "offers")
OFFER_PATHS = sorted(p for p, s in _SPECS.items() if not s.derived and p.startswith("offer."))


def _refs(data: dict) -> list[FactRef]:
    names = [o.get("name") for o in data.get("offers") or [] if isinstance(o, dict)]
    refs = [FactRef(path) for path in COMPANY_PATHS]
    refs += [FactRef(path, name) for name in dict.fromkeys(n for n in names if isinstance(n, str))
             for path in OFFER_PATHS if path != "offer.name"]
    return refs


def _compare(data: dict) -> int:
    """Every fact's two readings on ``data``; the number compared."""
    stated = _stated_facts(data)
    refs = _refs(data)
    for ref in refs:
        assert (ref.id in stated) == (get_fact(data, ref) is not None), ref.id
    return len(refs)


def _partials(advisor, case) -> list[dict]:
    full = advisor.consult(case.profile).data
    facts = sorted(f for f in input_facts_of(full) if f != "offers")
    variants = [full]
    for step, offset in ((2, 0), (2, 1), (3, 1), (1000, 0)):
        data = full
        for i, fact in enumerate(facts):
            if i % step != offset:
                data = set_fact(data, parse_fact(fact), None)
        variants.append(data)
    return variants


@pytest.mark.parametrize("case_index", range(len(CASES)))
def test_stated_facts_agree_with_get_fact_on_every_case(advisor, case_index):
    compared = sum(_compare(data) for data in _partials(advisor, CASES[case_index]))
    assert compared > 100


@pytest.mark.parametrize("data", [
    {},
    {"company": None, "needs": {"usage": None, "capabilities": []}},
    {"company": {"in_house_estimate": {"engineer_months": 3}}},
    {"offers": [{"name": "A"}, {"name": "B", "vendor": {"listed": False}}]},
    # a name given twice: the first offer of that name is the one read
    {"offers": [{"name": "A", "pricing_model": "tiered"}, {"name": "A", "docs_quality": "good"}]},
    # a capability listed twice: the first entry decides; one without price or availability is unstated
    {"offers": [{"name": "A", "capabilities": [{"capability": "hd_video"},
                                               {"capability": "hd_video", "availability": "included"},
                                               {"capability": "recording", "availability": "add_on"},
                                               {"capability": "translation", "monthly_price_usd": 5}]}]},
    {"offers": [{"name": "A", "prices": {"monthly_fee_usd": 0, "included_minutes": None}}]},
])
def test_stated_facts_agree_with_get_fact_on_edge_cases(data):
    assert _compare(data) > 0
