"""Compile validated rules into durable_rules' JSON ruleset form.

Each rule becomes one durable_rules rule whose patterns are:
``p`` the profile fact, ``o`` the offer fact (offer rules), ``cN`` an earlier conclusion,
``nN`` an "absent" marker (for ``not_concluded``).  Facts are compared with constants
only; the single join is equality of a conclusion's subject with the offer's name.
Only the pattern is produced here; the engine attaches the action.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cached_property
from typing import Optional

from expert.facts.fields import ENGINE_SEPARATOR, LIST_ENUM, field_catalogue
from expert.facts.flatten import ABSENT_FACT, CONCLUSION_FACT, OFFER_FACT, PROFILE_FACT
from expert.facts.records import record
from expert.rulebase.rulebook import (
    ABOUT_COMPANY,
    ABOUT_OFFER,
    ConclusionCondition,
    FactCondition,
    FactTest,
    KnowledgeBase,
    Rule,
)

OFFER_NAME = "offer__name"
ITEMS = "items"  # suffix of the array form of a list field (``needs__capabilities__items``)
ANY_SUBJECT = "*"
COMPANY_SUBJECT = "company"


def _engine(path: str) -> str:
    return path.replace(".", ENGINE_SEPARATOR)


def any_of_field(path: str, values: tuple) -> str:
    """The engine field that holds "the list at path includes one of values" (true/false)."""
    digest = hashlib.sha256(",".join(sorted(values)).encode()).hexdigest()[:10]
    return f"{_engine(path)}{ENGINE_SEPARATOR}any{ENGINE_SEPARATOR}{digest}"


def _tests(compiled: dict) -> Iterator[FactTest]:
    """Every field test of a ruleset, including those inside any_of groups."""
    for item in compiled.values():
        for condition in item.rule.fact_conditions:
            yield from condition.all_tests


def any_of_sets(compiled: dict) -> dict[str, tuple[str, frozenset]]:
    """Every includes_any test of a ruleset: engine field -> (array field it reads, values)."""
    return {
        any_of_field(test.path, test.value): (f"{_engine(test.path)}{ENGINE_SEPARATOR}{ITEMS}", frozenset(test.value))
        for test in _tests(compiled)
        if test.operator == "includes_any"
    }


def value_field(path: str) -> str:
    """The engine field holding a path's value as the user gave it (a list's array form)."""
    spec = field_catalogue()[path]
    return f"{_engine(path)}{ENGINE_SEPARATOR}{ITEMS}" if spec.kind == LIST_ENUM else _engine(path)


def _all(parts: list[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _any(parts: list[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def compile_test(test: FactTest) -> dict:
    """One operator on one field, as a durable_rules expression."""
    name, op, value = _engine(test.path), test.operator, test.value
    exists = {"$ex": {name: 1}}
    if op == "known":
        return exists
    if op == "unknown":
        return {"$nex": {name: 1}}
    if op == "is":
        return {name: value}
    if op == "is_not":
        return _all([exists, {"$neq": {name: value}}])
    if op == "one_of":
        return _any([{name: v} for v in value])
    if op == "not_one_of":
        return _all([exists] + [{"$neq": {name: v}} for v in value])
    comparisons = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt"}
    if op in comparisons:
        return {comparisons[op]: {name: value}}
    item = f"{name}{ENGINE_SEPARATOR}"
    if op == "includes":
        return {f"{item}{value}": True}
    if op == "includes_any":
        # One precomputed boolean per value set (see any_of_field), not an "$or" of
        # booleans, which durable_rules expands into one rule per branch (more matching,
        # duplicate firings), nor "$iany" around "$or", which it compiles from an
        # uninitialised node (verified: ruleset creation then fails at random).
        return {any_of_field(test.path, value): True}
    if op == "includes_all":
        return _all([{f"{item}{v}": True} for v in value])
    if op == "includes_none":
        return _all([{f"{item}{v}": False} for v in value])
    raise ValueError(f"no compilation for operator {op!r}")  # the loader rejects these first


def compile_condition(condition: FactCondition) -> dict:
    if condition.alternatives:
        return _any([compile_condition(alt) for alt in condition.alternatives])
    return _all([compile_test(test) for test in condition.tests])


def _conclusion_pattern(condition: ConclusionCondition) -> dict:
    kind = ABSENT_FACT if condition.negated else CONCLUSION_FACT
    if condition.about == ABOUT_COMPANY:
        subject = [{"subject": COMPANY_SUBJECT}]
    elif condition.about == ABOUT_OFFER:
        subject = [{"subject": {"o": OFFER_NAME}}]
    else:  # any subject: a positive test matches each one; "absent" markers use "*"
        subject = [{"subject": ANY_SUBJECT}] if condition.negated else []
    return _all([{"t": kind}, {"cid": condition.id}, *subject])


@record
class CompiledRule:
    rule: Rule
    pattern: dict  # {"all": [...], "pri": n}
    aliases: tuple[tuple[str, object], ...]  # alias -> "profile" | "offer" | ConclusionCondition
    profile_paths: tuple[str, ...]  # fields this rule reads from the profile fact
    offer_paths: tuple[str, ...]

    @cached_property
    def alias_names(self) -> tuple[str, ...]:
        return tuple(alias for alias, _ in self.aliases)

    @cached_property
    def record_plan(self) -> tuple[tuple[str, str, Optional[tuple]], ...]:
        """(alias, fact kind, (path, engine field) pairs or None) for building trace records."""
        plan = []
        for alias, what in self.aliases:
            if what in (PROFILE_FACT, OFFER_FACT):
                paths = self.profile_paths if what == PROFILE_FACT else self.offer_paths
                plan.append((alias, what, tuple((p, value_field(p)) for p in paths)))
            else:
                plan.append((alias, ABSENT_FACT if what.negated else CONCLUSION_FACT, None))
        return tuple(plan)

    @cached_property
    def param_plan(self) -> tuple[tuple[str, Optional[str], str, object], ...]:
        """(name, alias of the fact to read or None, engine field, constant) per parameter."""
        plan = []
        for name, value in self.rule.params.items():
            path = getattr(value, "path", None)
            if path is None:
                plan.append((name, None, "", value))
            else:
                plan.append((name, "o" if path.startswith("offer.") else "p", _engine(path), None))
        return tuple(plan)


def compile_rule(rule: Rule, depth: int) -> CompiledRule:
    catalogue = field_catalogue()
    by_fact: dict[str, list[dict]] = {PROFILE_FACT: [], OFFER_FACT: []}
    paths: dict[str, list[str]] = {PROFILE_FACT: [], OFFER_FACT: []}
    for condition in rule.fact_conditions:
        by_fact[condition.fact].append(compile_condition(condition))
        paths[condition.fact].extend(condition.paths)
    for ref in rule.params.values():
        path = getattr(ref, "path", None)
        if path is not None:
            paths[catalogue[path].fact].append(path)
    patterns: list[dict] = []
    aliases: list[tuple[str, object]] = []
    if rule.about == ABOUT_OFFER:
        patterns.append({"o": _all([{"t": OFFER_FACT}, *by_fact[OFFER_FACT]])})
        aliases.append(("o", OFFER_FACT))
    if by_fact[PROFILE_FACT] or rule.about == ABOUT_COMPANY and not rule.conclusion_conditions:
        patterns.append({"p": _all([{"t": PROFILE_FACT}, *by_fact[PROFILE_FACT]])})
        aliases.append(("p", PROFILE_FACT))
    elif paths[PROFILE_FACT]:  # a parameter reads the profile: match it, unconstrained
        patterns.append({"p": {"t": PROFILE_FACT}})
        aliases.append(("p", PROFILE_FACT))
    for index, condition in enumerate(rule.conclusion_conditions):
        alias = f"{'n' if condition.negated else 'c'}{index}"
        patterns.append({alias: _conclusion_pattern(condition)})
        aliases.append((alias, condition))
    pattern = {"all": patterns, "pri": depth * 10 + rule.priority}
    return CompiledRule(rule, pattern, tuple(aliases), tuple(dict.fromkeys(paths[PROFILE_FACT])),
                        tuple(dict.fromkeys(paths[OFFER_FACT])))


SESSION_FACT, SESSION_RULE = "session", "__session"


def sink_rules() -> dict:
    """Never-firing rules that make every fact type 'handled' (else durable_rules refuses it)."""
    return {
        f"__sink_{kind}": {"all": [{"a": {"t": kind}}, {"b": {"t": "__never__"}}]}
        for kind in (PROFILE_FACT, OFFER_FACT, CONCLUSION_FACT, ABSENT_FACT)
    }


def session_rule() -> dict:
    """A rule that fires once per session on its 'session' fact.

    Verified here: ``delete_state`` segfaults for a session in which no action ever ran;
    this rule guarantees one did.
    """
    return {SESSION_RULE: {"all": [{"s": {"t": SESSION_FACT}}]}}


def _test_names(test: FactTest) -> set[str]:
    name = _engine(test.path)
    if test.operator == "includes_any":
        return {any_of_field(test.path, test.value), f"{name}{ENGINE_SEPARATOR}{ITEMS}"}
    if test.operator in ("includes", "includes_all", "includes_none"):
        values = test.value if isinstance(test.value, tuple) else (test.value,)
        return {f"{name}{ENGINE_SEPARATOR}{v}" for v in values}
    return {name}


def referenced_fields(compiled: dict[str, CompiledRule]) -> frozenset[str]:
    """Engine field names that some rule tests or reads, plus the ones the engine needs.

    Facts are trimmed to these before assertion: durable_rules encodes every matched
    fact to JSON on each firing, so unread fields cost time and buy nothing.
    """
    names = {"t", OFFER_NAME}
    for test in _tests(compiled):
        names |= _test_names(test)
    for item in compiled.values():
        names.update(_engine(p) for p in item.profile_paths + item.offer_paths)
        names.update(value_field(p) for p in item.profile_paths + item.offer_paths)
    return frozenset(names)


def ruleset_patterns(compiled: dict[str, CompiledRule]) -> dict[str, dict]:
    """Every rule's pattern as durable_rules receives it, the engine's own rules included
    (the engine attaches the actions; ``engine_limits`` checks the patterns fit)."""
    return {**{rule_id: item.pattern for rule_id, item in compiled.items()}, **sink_rules(), **session_rule()}


def compile_knowledge(knowledge: KnowledgeBase) -> dict[str, CompiledRule]:
    return {rule_id: compile_rule(rule, knowledge.depths[rule_id]) for rule_id, rule in knowledge.rules.items()}
