"""The one module that talks to durable_rules.

It hides every sharp edge recorded in shared/notes/durable-rules.md:

* background threads: ``Host._run`` is disabled before any host exists (they segfault
  with overlapping sessions, and an advisor needs no timers);
* isolation: each consultation gets a fresh session id, runs under this engine's lock
  (durable_rules' C calls hold the GIL anyway, so threads lose no speed) and its state
  is deleted in ``finally``; so at most one session is ever alive per ruleset, far
  below the 1,024-session cap, and no fact can leak between consultations;
* swallowed errors: every action is our own wrapper, which records any exception and
  the engine raises it to the caller as ``EngineError`` once the assertion returns;
* unhandled facts: never-firing sink rules make every fact type "handled";
* identity: a fact's ``id`` field is durable_rules' message identity, so our facts never
  use that name (conclusions use ``cid``); every fact carries a per-session serial
  ``n``, and a rare content-hash collision is retried with a new serial, never lost;
* a session in which no action ran segfaults on ``delete_state`` (verified): a
  ``session`` fact and rule make sure one always runs;
* negation: stratified in rounds (see ``strata.py``), asserting "absent" markers only
  when every rule that could conclude the fact has had its chance.

It also records the firing trace: order, rule, matched facts, asserted conclusion.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from dataclasses import dataclass, field
from typing import Optional

import durable.engine as durable_engine

from expert.compiler import (
    ANY_SUBJECT,
    COMPANY_SUBJECT,
    OFFER_NAME,
    SESSION_FACT,
    CompiledRule,
    compile_knowledge,
    session_rule,
    sink_rules,
)
from expert.fields import ENGINE_SEPARATOR
from expert.flatten import ABSENT_FACT, CONCLUSION_FACT, OFFER_FACT, PROFILE_FACT
from expert.rulebook import ABOUT_ANY, ABOUT_COMPANY, ConclusionCondition, KnowledgeBase, ParamRef

durable_engine.Host._run = lambda self: None  # no timer/dispatch threads: see module docstring

_RULESET_NAMES = itertools.count(1)


class EngineError(RuntimeError):
    """Inference failed; the message says which rule and why."""


@dataclass(frozen=True)
class Matched:
    """A fact a rule matched: an input fact (with the values the rule read) or a conclusion."""

    kind: str  # "profile" | "offer" | "conclusion" | "absent"
    ref: str  # "profile", the offer's name, or "<conclusion id>@<subject>"
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Firing:
    order: int
    rule: str
    subject: str
    matched: tuple[Matched, ...]
    concluded: str  # conclusion id
    params: dict
    new: bool  # False when the conclusion already stood (this firing adds support)


@dataclass
class Outcome:
    """What one consultation concluded, in order, with the trace that produced it."""

    conclusions: dict = field(default_factory=dict)  # (id, subject) -> first Firing
    firings: list = field(default_factory=list)


class _Session:
    def __init__(self, ruleset, sid: str, offers: list[str], trace: bool) -> None:
        self.ruleset, self.sid, self.offers, self.trace = ruleset, sid, offers, trace
        self.serial = itertools.count(1)
        self.outcome = Outcome()
        self.errors: list[str] = []
        self.activations: set = set()  # (rule, matched fact serials) already fired

    def assert_new(self, fact: dict) -> None:
        """Assert a fact we know is new; retry with a fresh serial on a hash collision."""
        for _ in range(5):
            fact["n"] = next(self.serial)
            try:
                self.ruleset.assert_fact(fact)
                return
            except durable_engine.MessageObservedException:
                continue
        raise EngineError(f"durable_rules refused fact {fact.get('cid', fact.get('t'))} as already observed")


def _value(fact: dict, path: str) -> object:
    return fact.get(path.replace(".", ENGINE_SEPARATOR))


class Engine:
    """A knowledge base compiled into one durable_rules ruleset, ready for consultations."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self.compiled = compile_knowledge(knowledge)
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}
        self._host = durable_engine.Host()
        self.name = f"expert_{knowledge.fingerprint or 'kb'}_{next(_RULESET_NAMES)}"
        definition = {rule_id: {**c.pattern, "run": self._action(c)} for rule_id, c in self.compiled.items()}
        definition.update({name: {**rule, "run": _never} for name, rule in sink_rules().items()})
        definition.update({name: {**rule, "run": _started} for name, rule in session_rule().items()})
        self._host.register_rulesets({self.name: definition})
        self._ruleset = self._host.get_ruleset(self.name)
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

    def _action(self, compiled: CompiledRule):
        def action(closure) -> None:
            session = self._sessions.get(closure.s.sid)
            if session is None:  # cannot happen while the lock is held; never fail silently
                raise EngineError(f"rule {compiled.rule.id} fired outside a consultation")
            try:
                self._fire(session, compiled, closure._m)
            except BaseException as error:  # noqa: BLE001 - durable_rules would swallow it
                session.errors.append(f"rule {compiled.rule.id}: {type(error).__name__}: {error}")

        return action

    def _fire(self, session: _Session, compiled: CompiledRule, matched_facts: dict) -> None:
        rule = compiled.rule
        # durable_rules expands an "$or" into one rule per branch, so one match can fire
        # once per true branch; only the first firing on the same facts counts.
        activation = (rule.id, *(matched_facts[alias]["n"] for alias, _ in compiled.aliases))
        if activation in session.activations:
            return
        session.activations.add(activation)
        offer = matched_facts.get("o")
        subject = offer[OFFER_NAME] if offer is not None else COMPANY_SUBJECT
        key = (rule.conclude, subject)
        new = key not in session.outcome.conclusions
        params = {}
        for name, value in rule.params.items():
            if isinstance(value, ParamRef):
                source = offer if value.path.startswith("offer.") else matched_facts.get("p", {})
                params[name] = _value(source, value.path)
            else:
                params[name] = value
        firing = Firing(len(session.outcome.firings) + 1, rule.id, subject,
                        self._matched(compiled, matched_facts) if session.trace else (), rule.conclude, params, new)
        session.outcome.firings.append(firing)
        if new:
            session.outcome.conclusions[key] = firing
            session.assert_new({"t": CONCLUSION_FACT, "cid": rule.conclude, "subject": subject, "sid": session.sid})

    @staticmethod
    def _matched(compiled: CompiledRule, facts: dict) -> tuple[Matched, ...]:
        result = []
        for alias, what in compiled.aliases:
            fact = facts[alias]
            if what == PROFILE_FACT:
                result.append(Matched(PROFILE_FACT, PROFILE_FACT, {p: _value(fact, p) for p in compiled.profile_paths}))
            elif what == OFFER_FACT:
                result.append(Matched(OFFER_FACT, fact[OFFER_NAME], {p: _value(fact, p) for p in compiled.offer_paths}))
            else:
                kind = ABSENT_FACT if what.negated else CONCLUSION_FACT
                result.append(Matched(kind, f"{fact['cid']}@{fact['subject']}"))
        return tuple(result)

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
            markers += [{"t": ABSENT_FACT, "cid": condition.id, "subject": s, "sid": session.sid} for s in subjects]
        return markers

    def _settle(self, session: _Session, facts: list[dict]) -> None:
        for fact in facts:
            fact["sid"] = session.sid
            fact["n"] = next(session.serial)
        if facts:
            try:
                self._host.assert_facts(self.name, facts)
            except durable_engine.MessageObservedException:
                for fact in facts:  # a rare identity-hash collision: fall back to one by one
                    session.assert_new(fact)
        if session.errors:
            raise EngineError("; ".join(session.errors))

    def run(self, facts: list[dict], trace: bool = True) -> Outcome:
        """Run one consultation on the given input facts; the session is always deleted."""
        offers = [f[OFFER_NAME] for f in facts if f.get("t") == OFFER_FACT]
        with self._lock:
            sid = uuid.uuid4().hex
            session = _Session(self._ruleset, sid, offers, trace)
            self._sessions[sid] = session
            try:
                self._settle(session, [{"t": SESSION_FACT}, *(dict(f) for f in facts)])
                for conditions in self._negations:
                    self._settle(session, self._absent_markers(session, conditions))
                return session.outcome
            finally:
                del self._sessions[sid]
                try:
                    self._host.delete_state(self.name, sid)
                except Exception as error:  # noqa: BLE001 - report, do not mask the first error
                    raise EngineError(f"could not delete session state: {error}") from error


def _never(closure) -> None:  # the action of sink rules, which never fire
    raise EngineError("a sink rule fired")


def _started(closure) -> None:  # the session rule: its firing is all that is needed
    return None
