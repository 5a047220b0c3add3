"""The one module that talks to durable_rules.

It hides every sharp edge recorded in shared/notes/durable-rules.md:

* background threads: the engine makes no ``Host`` (a host starts timer and dispatch
  threads, which segfault with overlapping sessions; an advisor needs no timers): it
  creates its ruleset with the native call a host would make.  ``Host._run`` is disabled
  all the same, before any host exists, should other code make one;
* isolation: each consultation gets a fresh session id, runs under this engine's lock
  (durable_rules' C calls hold the GIL anyway, so threads lose no speed) and its state
  is deleted in ``finally``; so at most one session is ever alive per ruleset, far
  below the 1,024-session cap, and no fact can leak between consultations;
* swallowed errors: durable_rules' Python wrapper stores an action's exception in the
  session state and carries on.  We compile the rules with durable_rules (its C core
  does all matching) but drive its action loop ourselves, the same native calls its
  wrapper makes (start, complete, next) minus closures and timers; any error in a rule's
  action is recorded and raised to the caller as ``EngineError`` once the loop has run;
* unhandled facts: never-firing sink rules make every fact type "handled";
* identity: durable_rules indexes a session's stored facts by a 32-bit FNV-1 hash of the
  message id (``storeMessage`` in its state.c); a fact whose hash is taken is dropped, the
  rest of its batch is stored, and the call returns "observed" without saying which fact.
  So every fact gets an ``id`` chosen here whose hash no other fact of the session (nor
  the session's own state message) has: a collision cannot happen.  Should the engine still
  report one, the facts it stored are read back and only the missing ones are asserted
  again (with fresh ids): a fact is never lost and never stored twice.  Conclusions use
  ``cid``; every fact also carries a per-session serial ``n``;
* a session in which no action ran segfaults on ``delete_state`` (verified): a
  ``session`` fact and rule make sure one always runs;
* negation: stratified in rounds (see ``rulebase/strata.py``), asserting "absent" markers only
  when every rule that could conclude the fact has had its chance;
* "$or" is expanded into one rule per branch (more matching and duplicate firings):
  duplicate firings on the same facts are dropped, and "includes any of" tests read a
  boolean computed here per value set ("$iany" around "$or" is built from an
  uninitialised node in its C code: ruleset creation then fails at random).

* size: durable_rules holds at most 4,096 rules per ruleset; a larger knowledge base comes
  from the loader cut into groups (``rulebase/rulesets.py``), one ruleset each, and a
  consultation keeps one session per ruleset, all fed the same facts, conclusions and
  "absent" markers wave by wave, so they reason as one.

It also records the firing trace: order, rule, matched facts, asserted conclusion.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional

import orjson

from expert.facts.flatten import ABSENT_FACT, CONCLUSION_FACT, OFFER_FACT, PROFILE_FACT
from expert.rulebase.compiler import (
    ANY_SUBJECT,
    COMPANY_SUBJECT,
    OFFER_NAME,
    SESSION_FACT,
    SESSION_RULE,
    CompiledRule,
    any_of_sets,
    compile_knowledge,
    referenced_fields,
    ruleset_patterns,
)
from expert.rulebase.engine_numbers import engine_number
from expert.rulebase.rulebook import ABOUT_ANY, ABOUT_COMPANY, ConclusionCondition, KnowledgeBase

# Python 3.13 removed PyEval_CallObject from the C API.  durable_rules 2.0.28, its last
# release, still calls it (only in persistence callbacks we never register), so on 3.13+
# its extension does not load ("undefined symbol: PyEval_CallObject").  There setup.py
# builds expert.inference._pyeval_shim, one C function with the removed macro's meaning,
# and we load it with RTLD_GLOBAL before durable_rules_engine is imported, so the dynamic
# linker finds the symbol there.  On 3.10-3.12 nothing is built or loaded.  This can go
# (with _pyeval_shim.c, its Extension in setup.py and its MANIFEST.in line) once a
# durable_rules release stops calling PyEval_CallObject, or expert stops using it.
PYEVAL_SHIM_NEEDED = sys.version_info >= (3, 13)
PYEVAL_SHIM_MODULE = "expert.inference._pyeval_shim"


def _load_pyeval_shim(needed: bool) -> str | None:
    """Load the shim globally when needed; return its path, or None when not needed."""
    if not needed:
        return None
    spec = importlib.util.find_spec(PYEVAL_SHIM_MODULE)
    if spec is None or not spec.origin:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        raise ImportError(
            f"expert needs {PYEVAL_SHIM_MODULE} on Python {version} (durable_rules calls PyEval_CallObject, "
            "which Python 3.13 removed) and this installation has none: it was built with an older Python. "
            "Reinstall expert with this Python (pip install --force-reinstall --no-deps ...).\n"
            f"expert 在 Python {version} 上需要 {PYEVAL_SHIM_MODULE}（durable_rules 调用了 Python 3.13 已移除的 "
            "PyEval_CallObject），而当前安装缺少它：它是用较旧的 Python 构建的。请用当前 Python 重新安装 expert"
            "（pip install --force-reinstall --no-deps ...）。")
    import ctypes  # here, not at the top: some 3 ms of every start, and 3.10-3.12 never need it

    ctypes.CDLL(spec.origin, mode=os.RTLD_GLOBAL)
    return spec.origin


PYEVAL_SHIM = _load_pyeval_shim(PYEVAL_SHIM_NEEDED)  # the path loaded, or None

import durable.engine as durable_engine  # noqa: E402  (after the shim: durable.engine imports the extension)
import durable_rules_engine as native  # noqa: E402

durable_engine.Host._run = lambda self: None  # no timer/dispatch threads: see module docstring

_NOT_HANDLED, _OBSERVED, _QUEUED = 1, 2, 3  # result codes of durable_rules' assert calls
_COLLISION_RETRIES = 5  # re-assertions of facts dropped by an index collision before giving up

_RULESET_NAMES = itertools.count(1)


class EngineError(RuntimeError):
    """Inference failed; the message says which rule and why."""


@dataclass
class Matched:
    """A fact a rule matched: an input fact (with the values the rule read) or a conclusion."""

    kind: str  # "profile" | "offer" | "conclusion" | "absent"
    ref: str  # "profile", the offer's name, or "<conclusion id>@<subject>"
    values: dict = field(default_factory=dict)


@dataclass
class Firing:
    order: int
    rule: str
    subject: str
    concluded: str  # conclusion id
    params: dict
    new: bool  # False when the conclusion already stood (this firing adds support)
    source: tuple = ()  # (compiled rule, matched facts by alias) when the trace is kept

    @property
    def matched(self) -> tuple[Matched, ...]:
        """The facts this firing matched (built on demand: most callers never ask)."""
        return tuple(Matched(**record) for record in self.matched_records())

    def matched_records(self, valued: Optional[Callable[[dict], object]] = None) -> list:
        """One record per matched fact: {kind, ref, values} (no values for a conclusion or an
        "absent" marker), or ``valued(record)`` when ``valued`` is given (the Advice builds its
        model straight from the record: a model builder taking the dict as its own)."""
        if not self.source:
            return []
        compiled, facts = self.source
        records: list = []
        for alias, kind, keys in compiled.record_plan:
            fact = facts[alias]
            values: dict = {}
            if keys is None:  # a conclusion or an "absent" marker: named, no values
                ref = f"{fact['cid']}@{fact['subject']}"
            else:
                ref = PROFILE_FACT if kind == PROFILE_FACT else fact[OFFER_NAME]
                for path, key in keys:  # a loop, not a comprehension: no frame of its own (most rules read one field)
                    values[path] = fact.get(key)
            record = {"kind": kind, "ref": ref, "values": values}
            records.append(record if valued is None else valued(record))
        return records


@dataclass
class Outcome:
    """What one consultation concluded, in order, with the trace that produced it."""

    conclusions: dict = field(default_factory=dict)  # (id, subject) -> first Firing
    firings: list = field(default_factory=list)


class _Session:
    def __init__(self, handle: int, sid: str, offers: list[str], trace: bool) -> None:
        self.handle, self.sid, self.offers, self.trace = handle, sid, offers, trace
        self.serial = itertools.count(1)
        self.outcome = Outcome()
        self.errors: list[str] = []
        self.activations: set = set()  # (rule, matched fact serials) already fired
        self.pending: list[dict] = []  # conclusions concluded by this wave of firings
        # durable_rules stores the session's state as a message with id "sid-<sid>" (events.c)
        self.taken: set[int] = {fnv1_32(f"sid-{sid}")}  # the 32-bit id hashes in use

    def join(self, first: _Session) -> _Session:
        """Share one consultation's outcome with ``first``: this session runs another ruleset
        of the same knowledge (its facts get their own ids; firings, conclusions and errors
        are one list)."""
        self.outcome, self.errors, self.activations = first.outcome, first.errors, first.activations
        return self

    def stamp(self, fact: dict) -> None:
        """Give the fact its session serial ``n`` and an ``id`` whose 32-bit hash is free."""
        while True:
            serial = next(self.serial)
            message_id = f"f{serial}"
            hashed = fnv1_32(message_id)
            if hashed not in self.taken:
                break
        self.taken.add(hashed)
        fact["n"], fact["id"] = serial, message_id


def fnv1_32(text: str) -> int:
    """durable_rules' ``fnv1Hash32`` (state.c): FNV-1, 32 bits, over the id's bytes (ASCII here)."""
    hashed = 0x811C9DC5
    for byte in text.encode():
        hashed = ((hashed ^ byte) * 16777619) & 0xFFFFFFFF
    return hashed


def _engine_fact(fact: dict, fields: frozenset, any_sets: dict) -> dict:
    """The fact as the engine sees it: the fields rules read, numbers made safe, and the
    "includes any of" booleans computed (only where the list is stated: unknown stays unknown)."""
    result = {k: engine_number(v) if type(v) is float else v for k, v in fact.items() if k in fields}
    for name, (items, values) in any_sets.items():
        stated = fact.get(items)
        if stated is not None:
            result[name] = not values.isdisjoint(stated)
    return result


def _own(constant: object) -> object:
    """A rule's constant parameter as a firing's own value: a list (of scalars: the rule
    vocabulary allows no other) copied, as the rule holds the original and a caller editing
    one Advice's parameters must never edit the rule."""
    return list(constant) if type(constant) is list else constant


def _encode(value: object) -> str:
    """JSON for durable_rules; orjson because encoding facts is most of the engine's cost."""
    return orjson.dumps(value).decode()


class Engine:
    """A knowledge base compiled into one durable_rules ruleset, ready for consultations."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        if knowledge.compiled:  # the loader's, when it made them (and the fields they read)
            self.compiled, self.fields = knowledge.compiled, knowledge.engine_fields or referenced_fields(knowledge.compiled)
        else:
            self.compiled = compile_knowledge(knowledge)
            self.fields = referenced_fields(self.compiled)
        self.any_sets = any_of_sets(self.compiled)
        self._lock = threading.Lock()
        self._session_ids = itertools.count(1)  # unique within this engine's ruleset
        self.name = f"expert_{knowledge.fingerprint or 'kb'}_{next(_RULESET_NAMES)}"
        # One ruleset, or several when one cannot hold every rule (rulebase/rulesets.py): a
        # consultation then keeps a session in each, fed the same facts and conclusions. Each is
        # made by the native call durable_rules' Host.register_rulesets makes (its Python wrapper
        # would also keep action closures we never use, and encode with the json module), with
        # a unique name and patterns only ("run" is the wrapper's).
        groups = knowledge.ruleset_groups or [list(self.compiled)]
        self._handles = []
        for number, group in enumerate(groups):
            name = self.name if number == 0 else f"{self.name}_{number}"
            part = {rule_id: self.compiled[rule_id] for rule_id in group}
            self._handles.append(native.create_ruleset(name, _encode(ruleset_patterns(part))))
        self._handle = self._handles[0]
        self._negations = self._negation_plan()

    def _negation_plan(self) -> list[list[ConclusionCondition]]:
        """For each round k: the negated conclusions whose producers all sit at level k."""
        rounds: dict[int, dict] = {}
        for compiled in self.compiled.values():
            for condition in compiled.rule.conclusion_conditions:
                if condition.negated:
                    level = self.knowledge.conclusion_levels[condition.id]
                    rounds.setdefault(level, {})[(condition.id, condition.about)] = condition
        return [list(rounds.get(k, {}).values()) for k in range(max(rounds, default=-1) + 1)]

    def _run_actions(self, session: _Session, state_handle: int) -> None:
        """Fire every pending activation of the session until none is left.

        This is the loop durable_rules' own Python wrapper runs (start an action, run it,
        complete it, take the next), minus what an advisor does not use: closures,
        timers, per-action state re-encoding.  Our actions never raise into the engine:
        an error is recorded and raised once the loop is left in a clean state.
        """
        result = native.start_action_for_state(session.handle, state_handle)
        if not result:
            return
        state_json, message_json = result[0], result[1]
        while message_json:
            ((action_name, matched),) = orjson.loads(message_json).items()
            compiled = self.compiled.get(action_name)
            if compiled is None:  # the session rule (the only internal rule that can fire)
                if action_name != SESSION_RULE:
                    session.errors.append(f"unexpected firing of internal rule {action_name}")
            else:
                try:
                    self._fire(session, compiled, matched)
                except Exception as error:  # noqa: BLE001 - recorded, raised after the loop
                    session.errors.append(f"rule {compiled.rule.id}: {type(error).__name__}: {error}")
            native.update_state(session.handle, state_json)
            message_json = native.complete_and_start_action(session.handle, state_handle)

    def _fire(self, session: _Session, compiled: CompiledRule, matched_facts: dict) -> None:
        rule = compiled.rule
        # durable_rules expands an "$or" into one rule per branch, so one match can fire
        # once per true branch; only the first firing on the same facts counts.
        activation = (rule.id, *[matched_facts[alias]["n"] for alias in compiled.alias_names])
        if activation in session.activations:
            return
        session.activations.add(activation)
        offer = matched_facts.get("o")
        subject = offer[OFFER_NAME] if offer is not None else COMPANY_SUBJECT
        key = (rule.conclude, subject)
        new = key not in session.outcome.conclusions
        params = {name: matched_facts[alias].get(key) if alias else _own(constant)
                  for name, alias, key, constant in compiled.param_plan}
        firing = Firing(len(session.outcome.firings) + 1, rule.id, subject, rule.conclude, params, new,
                        (compiled, matched_facts) if session.trace else ())
        session.outcome.firings.append(firing)
        if new:
            session.outcome.conclusions[key] = firing
            session.pending.append({"t": CONCLUSION_FACT, "cid": rule.conclude, "subject": subject})

    def _absent_markers(self, session: _Session, conditions: list[ConclusionCondition]) -> list[dict]:
        concluded = session.outcome.conclusions
        markers = []
        for condition in conditions:
            if condition.about == ABOUT_ANY:
                subjects = [ANY_SUBJECT] if not any(cid == condition.id for cid, _ in concluded) else []
            elif condition.about == ABOUT_COMPANY:
                subjects = [COMPANY_SUBJECT] if (condition.id, COMPANY_SUBJECT) not in concluded else []
            else:
                subjects = [name for name in session.offers if (condition.id, name) not in concluded]
            markers += [{"t": ABSENT_FACT, "cid": condition.id, "subject": s} for s in subjects]
        return markers

    def _assert_batch(self, session: _Session, facts: list[dict]) -> int:
        """Assert new facts in one call, each exactly once; return the session's state handle."""
        for fact in facts:
            fact["sid"] = session.sid
            session.stamp(fact)
        for _ in range(_COLLISION_RETRIES):
            code, state_handle = native.assert_facts(session.handle, _encode(facts))[:2]
            if code == _NOT_HANDLED:
                raise EngineError("durable_rules did not accept the facts")
            if code != _OBSERVED:
                return 0 if code == _QUEUED else state_handle
            # Some fact hit a taken index slot and was dropped; the others are stored.
            facts = self._not_stored(session, facts)
            if not facts:
                return state_handle
            for fact in facts:
                session.stamp(fact)
        raise EngineError(f"durable_rules kept refusing {len(facts)} fact(s) as already observed")

    def _not_stored(self, session: _Session, facts: list[dict]) -> list[dict]:
        """The facts of a batch durable_rules did not store (read back from the session)."""
        stored = orjson.loads(native.get_facts(session.handle, session.sid))
        stored_ids = {fact.get("id") for fact in stored}
        session.taken.update(fnv1_32(str(i)) for i in stored_ids if i is not None)
        return [fact for fact in facts if fact["id"] not in stored_ids]

    def _settle(self, sessions: list[_Session], facts: list[dict]) -> None:
        """Assert facts, then fire in waves until no rule can fire.

        The conclusions of one wave are asserted together at its end (one native call
        instead of one per conclusion); chaining is monotonic, so the result is the same.
        With several rulesets, each wave's facts go to the session of each (a copy each:
        the ids are per session) and each fires its rules before the next wave.
        """
        while facts:
            pending: list[dict] = []
            batches = [facts, *([dict(f) for f in facts] for _ in sessions[1:])]
            state_handles = []
            for session, batch in zip(sessions, batches, strict=True):
                session.pending = pending
                state_handles.append(self._assert_batch(session, batch))
            for session, state_handle in zip(sessions, state_handles, strict=True):
                self._run_actions(session, state_handle)
            facts = pending
        if sessions[0].errors:
            raise EngineError("; ".join(sessions[0].errors))

    def run(self, facts: list[dict], trace: bool = True) -> Outcome:
        """Run one consultation on the given input facts; the session is always deleted."""
        offers = [f[OFFER_NAME] for f in facts if f.get("t") == OFFER_FACT]
        trimmed = [_engine_fact(f, self.fields, self.any_sets) for f in facts]  # needs no lock
        with self._lock:
            sid = f"s{next(self._session_ids)}"
            first = _Session(self._handle, sid, offers, trace)
            sessions = [first, *(_Session(handle, sid, offers, trace).join(first) for handle in self._handles[1:])]
            try:
                self._settle(sessions, [{"t": SESSION_FACT}, *trimmed])
                for conditions in self._negations:
                    self._settle(sessions, self._absent_markers(first, conditions))
                return first.outcome
            finally:
                failures = []
                for session in sessions:
                    try:
                        native.delete_state(session.handle, sid)
                    except Exception as error:  # noqa: BLE001 - report, do not mask the first error
                        failures.append(error)
                if failures:
                    raise EngineError(f"could not delete session state: {failures[0]}") from failures[0]
