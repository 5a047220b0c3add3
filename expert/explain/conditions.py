"""Check a rule's conditions against a consultation's facts, one by one, in three values.

The engine (durable_rules) decides what fires; it does not say *why something did not*.
Explanations need that: for a rule that did not fire, which condition held, which failed,
and which could not be judged because the fact it reads is not stated.  This module reads
the same declarative conditions the compiler compiles, against the same flattened facts
the engine sees, and answers for each one:

* ``held``: the condition is true on the facts given;
* ``failed``: it is false (a test on an unstated fact fails in the engine too);
* ``unknown``: the fact it tests is not stated, so stating it could make it hold.

A test (``tests/test_conditions.py``) checks on every worked case that a rule fires on a
subject exactly when this module finds all its conditions held.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Optional

from expert.facts.fields import SECTION, field_catalogue
from expert.facts.flatten import OFFER_FACT
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT, OFFER_NAME, value_field
from expert.rulebase.rulebook import (
    ABOUT_ANY,
    ABOUT_COMPANY,
    ABOUT_OFFER,
    ConclusionCondition,
    FactCondition,
    FactTest,
    KnowledgeBase,
    Rule,
)

HELD, FAILED, UNKNOWN = "held", "failed", "unknown"


@dataclass(frozen=True)
class FactView:
    """The flattened facts of one consultation, readable by catalogue path and subject."""

    profile: dict
    offers: dict  # offer name -> flattened offer fact
    concluded: frozenset  # {(conclusion id, subject)}

    @classmethod
    def build(cls, facts: list[dict], concluded: set) -> FactView:
        offers = {f[OFFER_NAME]: f for f in facts if f.get("t") == OFFER_FACT}
        return cls(facts[0], offers, frozenset(concluded))

    def value(self, path: str, subject: str) -> Any:
        """The value a rule about ``subject`` reads at ``path`` (None when not stated)."""
        fact = self.offers.get(subject, {}) if path.startswith("offer.") else self.profile
        spec = field_catalogue()[path]
        if spec.kind == SECTION:
            return True if fact.get(spec.engine_name) else None
        return fact.get(value_field(path))  # the engine's name for it (a list's array form)

    def is_concluded(self, cid: str, subject: str) -> bool:
        if subject == ANY_SUBJECT:
            return any(c == cid for c, _ in self.concluded)
        return (cid, subject) in self.concluded


def status_of_test(test: FactTest, value: Any) -> str:
    """One operator on one value: held, failed, or unknown (value not stated)."""
    op, wanted = test.operator, test.value
    if op == "known":
        return HELD if value is not None else FAILED
    if op == "unknown":
        return HELD if value is None else FAILED
    if value is None:
        return UNKNOWN
    return HELD if _holds(op, wanted, value) else FAILED


def _holds(op: str, wanted: Any, value: Any) -> bool:
    if op == "is":
        return value == wanted
    if op == "is_not":
        return value != wanted
    if op == "one_of":
        return value in wanted
    if op == "not_one_of":
        return value not in wanted
    if op == "at_least":
        return value >= wanted
    if op == "at_most":
        return value <= wanted
    if op == "above":
        return value > wanted
    if op == "below":
        return value < wanted
    chosen = set(value)
    if op == "includes":
        return wanted in chosen
    if op == "includes_any":
        return not chosen.isdisjoint(wanted)
    if op == "includes_all":
        return set(wanted) <= chosen
    if op == "includes_none":
        return chosen.isdisjoint(wanted)
    raise ValueError(f"no meaning for operator {op!r}")


def combine_all(statuses: list[str]) -> str:
    if FAILED in statuses:
        return FAILED
    return UNKNOWN if UNKNOWN in statuses else HELD


def combine_any(statuses: list[str]) -> str:
    if HELD in statuses:
        return HELD
    return UNKNOWN if UNKNOWN in statuses else FAILED


@dataclass(frozen=True)
class TestCheck:
    test: FactTest
    value: Any
    status: str


@dataclass(frozen=True)
class ConditionCheck:
    """One condition of a rule, judged: its tests (or alternatives) and its status."""

    condition: object  # FactCondition | ConclusionCondition
    status: str
    tests: tuple[TestCheck, ...] = ()
    alternatives: tuple[ConditionCheck, ...] = ()
    subject: str = ""  # for conclusion conditions: the subject it is about ("*" for any)


def check_fact_condition(condition: FactCondition, view: FactView, subject: str) -> ConditionCheck:
    if condition.alternatives:
        alternatives = tuple(check_fact_condition(a, view, subject) for a in condition.alternatives)
        return ConditionCheck(condition, combine_any([a.status for a in alternatives]), alternatives=alternatives)
    tests = tuple(TestCheck(t, v, status_of_test(t, v)) for t in condition.tests for v in [view.value(t.path, subject)])
    return ConditionCheck(condition, combine_all([t.status for t in tests]), tests=tests)


def conclusion_subject(condition: ConclusionCondition, subject: str) -> str:
    if condition.about == ABOUT_COMPANY:
        return COMPANY_SUBJECT
    return ANY_SUBJECT if condition.about == ABOUT_ANY else subject


def check_conclusion_condition(condition: ConclusionCondition, view: FactView, subject: str) -> ConditionCheck:
    about = conclusion_subject(condition, subject)
    present = view.is_concluded(condition.id, about)
    return ConditionCheck(condition, HELD if present != condition.negated else FAILED, subject=about)


def check_rule(rule: Rule, view: FactView, subject: str) -> tuple[ConditionCheck, ...]:
    """Every condition of ``rule`` for ``subject`` ("company" or an offer's name), in order."""
    return tuple(
        check_fact_condition(c, view, subject) if isinstance(c, FactCondition)
        else check_conclusion_condition(c, view, subject)
        for c in rule.conditions
    )


def rule_subjects(rule: Rule, view: FactView) -> list[str]:
    return [COMPANY_SUBJECT] if rule.about == ABOUT_COMPANY else list(view.offers)


_RULE_INDEXES: dict[int, tuple] = {}  # id(knowledge) -> (weak reference to it, its rules, their count, index)


def rules_concluding(knowledge: KnowledgeBase) -> dict[str, list[Rule]]:
    """Conclusion id -> the rules that conclude it, in the knowledge's order: built once per
    knowledge base (and again should its rules be replaced), not a scan of every rule for
    each conclusion an explanation or a search asks about."""
    entry = _RULE_INDEXES.get(id(knowledge))
    if (entry is None or entry[0]() is not knowledge or entry[1] is not knowledge.rules
            or entry[2] != len(knowledge.rules)):
        index: dict[str, list[Rule]] = {}
        for rule in knowledge.rules.values():
            index.setdefault(rule.conclude, []).append(rule)
        key = id(knowledge)
        entry = _RULE_INDEXES[key] = (weakref.ref(knowledge, lambda _, key=key: _RULE_INDEXES.pop(key, None)),
                                      knowledge.rules, len(knowledge.rules), index)
    return entry[3]


def conclusion_instances(knowledge: KnowledgeBase, cid: str, subject: Optional[str],
                         offers: list[str]) -> list[tuple[Rule, str]]:
    """(rule, subject) for every rule that could conclude ``cid`` for ``subject``: an offer's
    name, or None / "*" / "company" for every subject the conclusion can be about."""
    about = knowledge.conclusions[cid].about
    if about == ABOUT_COMPANY:
        subjects = [COMPANY_SUBJECT]
    elif subject not in (None, ANY_SUBJECT, COMPANY_SUBJECT):
        subjects = [subject] if subject in offers else []
    else:
        subjects = ([COMPANY_SUBJECT] if about != ABOUT_OFFER else []) + list(offers)
    return [(rule, one) for rule in rules_concluding(knowledge).get(cid, ())
            for one in subjects if (rule.about == ABOUT_COMPANY) == (one == COMPANY_SUBJECT)]


def overall(checks: tuple[ConditionCheck, ...]) -> str:
    return combine_all([c.status for c in checks])


