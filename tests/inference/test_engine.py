"""The durable_rules wrapper: isolated sessions, errors raised (never swallowed), state deleted."""

from __future__ import annotations

import json

import pytest

from expert.facts.derive import derive
from expert.facts.flatten import input_facts
from expert.facts.vocabulary import Profile
from expert.inference.engine import Engine, EngineError, native
from expert.interfaces.advisor import Advisor
from expert.rulebase.loader import load_knowledge

SPIKY = {"needs": {"usage": {"peak_to_average_ratio": 10}}}
STEADY = {"needs": {"usage": {"peak_to_average_ratio": 1}}}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    import support

    return Engine(load_knowledge(support.write_mini_kb(tmp_path_factory.mktemp("mini"))))


def facts(data: dict) -> list[dict]:
    profile = Profile.model_validate(data)
    return input_facts(profile, derive(profile))


def concluded(outcome) -> set[tuple[str, str]]:
    return set(outcome.conclusions)


def test_run_concludes_and_traces(engine):
    outcome = engine.run(facts(SPIKY))
    assert concluded(outcome) == {("trait.a", "company"), ("verdict.pay", "company")}
    orders = [f.order for f in outcome.firings]
    assert orders == list(range(1, len(orders) + 1))
    spiky = next(f for f in outcome.firings if f.rule == "base.spiky")
    assert spiky.params == {"ratio": 10}
    assert spiky.matched[0].kind == "profile"
    assert spiky.matched[0].values == {"needs.usage.peak_to_average_ratio": 10}
    pay = next(f for f in outcome.firings if f.rule == "base.pay")
    assert pay.matched[0].ref == "trait.a@company"


def test_trace_can_be_turned_off(engine):
    outcome = engine.run(facts(SPIKY), trace=False)
    assert all(f.matched == () for f in outcome.firings)
    assert concluded(outcome) == {("trait.a", "company"), ("verdict.pay", "company")}


def test_consultations_never_share_facts(engine):
    first = engine.run(facts(SPIKY))
    second = engine.run(facts(STEADY))
    third = engine.run(facts(SPIKY))
    assert ("trait.a", "company") in concluded(first)
    assert concluded(second) == {("verdict.dont_pay", "company")}  # nothing carried over from the first
    assert concluded(third) == concluded(first)
    assert [f.rule for f in third.firings] == [f.rule for f in first.firings]


def test_offer_conclusions_are_per_offer(engine):
    data = {"offers": [{"name": "Free", "pricing_model": "freemium"}, {"name": "Paid", "pricing_model": "buyout"},
                       {"name": "Free too", "pricing_model": "freemium"}]}
    outcome = engine.run(facts(data))
    assert {s for c, s in outcome.conclusions if c == "finding.o"} == {"Free", "Free too"}
    # the next consultation does not see those offers
    assert not any(c == "finding.o" for c, _ in engine.run(facts(STEADY)).conclusions)


def spy_on_sessions(engine, monkeypatch) -> list:
    """Record (session id, facts durable_rules holds for it) at every firing of a consultation."""
    seen: list = []
    original = engine._fire

    def fire(session, compiled, matched):
        seen.append((session.sid, _stored_facts(engine, session.sid)))
        return original(session, compiled, matched)

    monkeypatch.setattr(engine, "_fire", fire)
    return seen


def _stored_facts(engine, sid: str) -> list:
    """The facts durable_rules holds for a session (it raises once the state is deleted)."""
    return json.loads(native.get_facts(engine._handle, sid))


def test_session_state_is_deleted_after_run(engine, monkeypatch):
    seen = spy_on_sessions(engine, monkeypatch)
    engine.run(facts(SPIKY))
    sid, live_facts = seen[0]
    assert live_facts  # while the consultation runs, its facts live in durable_rules
    assert {s for s, _ in seen} == {sid}
    with pytest.raises(Exception, match="309|state|facts"):  # afterwards durable_rules has nothing for it
        _stored_facts(engine, sid)


def test_each_consultation_gets_its_own_session(engine, monkeypatch):
    seen = spy_on_sessions(engine, monkeypatch)
    engine.run(facts(SPIKY))
    first = {sid for sid, _ in seen}
    engine.run(facts(SPIKY))
    assert len(first) == 1 and len({sid for sid, _ in seen}) == 2


def test_exception_in_an_action_is_raised_not_swallowed(engine, monkeypatch):
    def explode(session, compiled, matched):
        raise ZeroDivisionError("boom in " + compiled.rule.id)

    monkeypatch.setattr(engine, "_fire", explode)
    with pytest.raises(EngineError) as info:
        engine.run(facts(SPIKY))
    assert "ZeroDivisionError" in str(info.value) and "boom" in str(info.value)
    assert "rule base." in str(info.value)
    monkeypatch.undo()
    # the engine is still usable and clean afterwards
    assert concluded(engine.run(facts(STEADY))) == {("verdict.dont_pay", "company")}


def test_exception_in_a_later_round_is_raised(engine, monkeypatch):
    original = engine._fire

    def explode_on_negation(session, compiled, matched):
        if compiled.rule.id == "base.dont":
            raise RuntimeError("negation failed")
        return original(session, compiled, matched)

    monkeypatch.setattr(engine, "_fire", explode_on_negation)
    with pytest.raises(EngineError, match="rule base.dont: RuntimeError: negation failed"):
        engine.run(facts(STEADY))
    monkeypatch.undo()
    assert concluded(engine.run(facts(STEADY))) == {("verdict.dont_pay", "company")}


def test_advisor_surfaces_engine_errors(advisor: Advisor, monkeypatch, full_profile):
    def explode(session, compiled, matched):
        raise KeyError("missing")

    monkeypatch.setattr(advisor.engine, "_fire", explode)
    with pytest.raises(EngineError, match="KeyError"):
        advisor.advise(full_profile)
    monkeypatch.undo()
    assert advisor.advise(full_profile).verdict.id == "verdict.pay"


def test_repeated_support_is_recorded_but_concluded_once(advisor, full_profile):
    outcome = advisor.engine.run(facts(full_profile))
    by_key: dict = {}
    for firing in outcome.firings:
        by_key.setdefault((firing.concluded, firing.subject), []).append(firing)
    multi = [firings for firings in by_key.values() if len(firings) > 1]
    assert multi, "the full profile has conclusions with more than one supporting rule"
    for firings in by_key.values():
        assert [f.new for f in firings] == [True] + [False] * (len(firings) - 1)
    assert set(outcome.conclusions) == set(by_key)


def test_more_consultations_than_durable_rules_keeps_sessions(engine):
    # durable_rules caps live sessions per ruleset at 1,024: leaked state would hit it
    spiky, steady = facts(SPIKY), facts(STEADY)
    for i in range(1100):
        outcome = engine.run(spiky if i % 2 else steady)
        assert len(outcome.conclusions) == (2 if i % 2 else 1)


@pytest.mark.parametrize("tiny", [1e-7, 2.5e-5, 1e-10, 5e-324])
def test_tiny_numbers_reach_the_engine(advisor, tiny):
    # Python and orjson write these as "1e-07" / "1e-7" (no decimal point); the facts that
    # carry them must still be asserted, not refused by durable_rules' number parser.
    def conclusions(data):
        return {(c.id, c.subject) for c in advisor.advise(data).all_conclusions()}

    company = {"needs": {"capabilities": ["hd_video"]}, "company": {"growth_rate_pct_per_year": tiny}}
    assert conclusions(company) == conclusions({"needs": {"capabilities": ["hd_video"]},
                                                "company": {"growth_rate_pct_per_year": 0}})
    offer = {"needs": {"capabilities": ["hd_video"]},
             "offers": [{"name": "A", "pricing_model": "freemium", "support_response_hours": tiny,
                         "vendor": {"financial_strength": "weak"}}]}
    same = {"needs": {"capabilities": ["hd_video"]},
            "offers": [{"name": "A", "pricing_model": "freemium", "support_response_hours": 0,
                        "vendor": {"financial_strength": "weak"}}]}
    assert conclusions(offer) == conclusions(same)
    assert ("warning.vendor_viability", "A") in conclusions(offer)
