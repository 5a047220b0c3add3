"""Facts are asserted exactly once, even when durable_rules' 32-bit message index collides.

durable_rules (events.c ``handleMessages``, state.c ``storeMessage``) indexes a session's
stored facts by ``fnv1Hash32`` of the fact's message id.  When a fact of a batch hashes to
a slot already taken, that one fact is dropped, the rest of the batch is stored and fired,
and the call returns ERR_EVENT_OBSERVED (2) without saying which fact it was.  These tests
inject exactly that (both simulated in the native call and as a real collision) and check
the consultation is the same as the clean run: no fact lost, none duplicated.
"""

from __future__ import annotations

import orjson
import pytest
import yaml

import expert.inference.engine as engine_module
from expert.interfaces.advisor import default_advisor
from expert.rulebase.loader import DEFAULT_KNOWLEDGE_DIR

# Two message ids with the same FNV-1 32-bit hash (found by a birthday search; checked below).
COLLIDING = ("f1x338308", "f1x1092780")


def case_profile(name: str) -> dict:
    return yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "cases" / name).read_text(encoding="utf-8"))["profile"]


PROFILE = case_profile("08-ai-tutor-voice-agent.yaml")


def firings(advisor) -> list[tuple]:
    from expert.facts.derive import derive
    from expert.facts.flatten import input_facts

    profile = advisor.validate(PROFILE)
    outcome = advisor.engine.run(input_facts(profile, derive(profile)))
    return [(f.rule, f.subject, f.concluded, f.new) for f in outcome.firings]


def _dropping_assert_facts(real, drop_at: int, calls: list):
    """A native ``assert_facts`` that behaves as durable_rules does on a hash collision:
    the fact at position ``drop_at`` of the Nth batch is not stored, the others are,
    and the call reports ERR_EVENT_OBSERVED."""

    def assert_facts(handle, payload):
        facts = orjson.loads(payload)
        calls.append(len(facts))
        if len(calls) == 2 and len(facts) > drop_at:  # the first wave of conclusions
            kept = facts[:drop_at] + facts[drop_at + 1:]
            code, state = real(handle, orjson.dumps(kept).decode())[:2]
            assert code == 0
            return (2, state)
        return real(handle, payload)

    return assert_facts


@pytest.mark.parametrize("drop_at", [0, 1])
def test_a_fact_dropped_by_a_collision_is_asserted_once_and_nothing_is_duplicated(monkeypatch, drop_at):
    advisor = default_advisor()
    clean_firings = firings(advisor)
    clean_advice = advisor.advise(PROFILE).model_dump(mode="json")
    calls: list = []
    monkeypatch.setattr(engine_module.native, "assert_facts",
                        _dropping_assert_facts(engine_module.native.assert_facts, drop_at, calls))
    injected = firings(advisor)
    assert len(calls) >= 2 and calls[1] > drop_at  # the collision was injected
    assert injected == clean_firings
    calls.clear()
    assert advisor.advise(PROFILE).model_dump(mode="json") == clean_advice


def test_the_colliding_ids_really_collide_in_durable_rules():
    """The model above, checked against the engine itself: two facts whose ids share an
    FNV-1 32-bit hash, in one batch: the second is dropped and the batch says 'observed'."""
    a, b = COLLIDING
    assert engine_module.fnv1_32(a) == engine_module.fnv1_32(b)
    advisor = default_advisor()
    engine = advisor.engine
    handle = engine._handle
    with engine._lock:
        sid = "collision-probe"
        try:
            facts = [{"t": "session", "sid": sid, "id": "s0"},
                     {"t": "absent", "cid": "x", "subject": "a", "sid": sid, "id": a},
                     {"t": "absent", "cid": "x", "subject": "b", "sid": sid, "id": b}]
            code = engine_module.native.assert_facts(handle, orjson.dumps(facts).decode())[0]
            stored = {f["id"] for f in orjson.loads(engine_module.native.get_facts(handle, sid))}
        finally:
            engine_module.native.delete_state(handle, sid)
    assert code == 2
    assert a in stored and b not in stored


def test_ids_never_collide_within_a_session():
    """Prevention: the engine picks each fact's id so that no two share a 32-bit hash."""
    session = engine_module._Session(0, "s1", [], False)
    seen = set()
    for _ in range(50_000):
        fact: dict = {}
        session.stamp(fact)
        hashed = engine_module.fnv1_32(fact["id"])
        assert hashed not in seen
        seen.add(hashed)
