"""Which unstated facts can still change the advice, and how much.

A consultation asks only what matters.  Given a partial profile and the facts already
asked, every rule is judged for every subject in three values, as in ``explain/conditions.py``,
except that a test is *open* when a fact it depends on (directly, or through a derived
value) is unstated and could still be asked:

* a rule instance *fires* when all its conditions hold on settled facts, is *blocked*
  when one fails on settled facts, and is *open* otherwise;
* a conclusion is *true* when one of its rule instances fires, *false* when all are
  blocked, *open* otherwise (conditions on other conclusions read these statuses; the
  rules form no cycle, the loader makes sure of it).

The verdict is settled when every verdict conclusion is true or false: no answer to any
open question can change it.  Each open fact is scored by the open rule instances that
wait on it, weighted by what they decide: a verdict rule weighs 100, a warning rule by its
severity, and a rule that feeds others weighs half what those it can still change weigh.
A rule's weight is shared among the open rules of its conclusion (all must be settled)
and among the facts of each open condition (a fact that alone decides one weighs most).

A computed value is open while an input it reads is open, unless a requirement of it is
settled unmet (``FieldSpec.requires``); the upgrade's counts are refined further
(``upgrade_count_open``).  Offers not named yet are stood for by one placeholder offer whose
every fact depends on the question ``offers``; the details of an upgrade wait on the
question ``upgrade``.

How it runs: the rules are compiled once per knowledge base (``RuleIndex``: numbered
programs); a consultation judges lazily, from the verdict's and warnings' conclusions down
to the conclusions their rules read, a rule stopping at its first failed condition (what is
never reached does not count), and sums the scores in the order the open rule instances
complete (the float sums, and so ties in the ranking, depend on it).  Which facts are open
is read off the few facts the profile states (``_stated_facts``, one pass), not by walking
the profile for each fact; a conclusion's weight reads its readers, numbered per knowledge
base.
``tests/relevance_reference.py`` states the same analysis plainly; a test holds the two to
the same numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Optional

from expert.explain.conditions import HELD, FactView, status_of_test
from expert.facts.factpaths import OFFERS, UPGRADE, FactRef, expand_input, get_fact
from expert.facts.fields import SECTION, field_catalogue, section_fields
from expert.rulebase.compiler import COMPANY_SUBJECT, value_field
from expert.rulebase.rulebook import ABOUT_ANY, ABOUT_COMPANY, ConclusionCondition, FactCondition, FactTest, KnowledgeBase

OPEN, TRUE, FALSE = "open", "true", "false"
# The upgrade's counts whose open inputs are refined (``_State.upgrade_count_open``).
UPGRADE_COUNTS = ("upgrade.derived.new_addition_count", "upgrade.derived.new_capability_count",
                  "upgrade.derived.needed_addition_count", "upgrade.derived.needed_fix_count")
PLACEHOLDER_OFFER = "\x00offer"  # stands for offers not named yet (never a valid name: names are printable)
VERDICT_WEIGHT = 100.0
CHAIN_DECAY = 0.5  # a fact that reaches the verdict through a chain of rules weighs less: it may never matter
WARNING_WEIGHTS = {"info": 1.0, "low": 2.0, "medium": 4.0, "high": 8.0}


@dataclass
class Relevance:
    """The outcome of the analysis for one partial profile."""

    verdict_scores: dict  # fact id -> weight through verdict rules
    warning_scores: dict  # fact id -> weight through warning rules
    reasons: dict  # fact id -> {(conclusion id, subject)} whose open rules wait on it (questions sort them)
    open_facts: frozenset
    statuses_of: Callable[[], dict] = field(repr=False, compare=False)  # ``statuses``, worked out when read

    @cached_property
    def statuses(self) -> dict:
        """(conclusion id, subject) -> OPEN | TRUE | FALSE: a consultation turn reads it, to
        tell whether the verdict is settled; the questions of an Advice do not."""
        return self.statuses_of()

    @property
    def verdict_settled(self) -> bool:
        return not any(status == OPEN for (cid, _), status in self.statuses.items() if cid.startswith("verdict."))

    def ranked(self, verdict_only: bool = False) -> list[str]:
        """Open facts that can change something, most valuable first (ties: catalogue order)."""
        verdict, warning = self.verdict_scores, self.warning_scores
        keyed = []
        for f in self.open_facts:
            by_verdict, by_warning = verdict.get(f, 0.0), warning.get(f, 0.0)
            if by_verdict or (not verdict_only and by_warning):
                keyed.append((-by_verdict, -by_warning, _generality(f), f))
        keyed.sort()
        return [f for *_, f in keyed]

    def score(self, fact: str) -> float:
        return self.verdict_scores.get(fact, 0.0) + self.warning_scores.get(fact, 0.0)


@dataclass
class _State:
    """The partial profile: its values (via the view) and which facts are still open."""

    knowledge: KnowledgeBase
    view: FactView
    profile: dict
    asked: frozenset
    _open_memo: dict = field(default_factory=dict)
    _deps_memo: dict = field(default_factory=dict)
    _input_memo: dict = field(default_factory=dict)
    _requirement_memo: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        """What every analysis reads, worked out up front (plain attributes: a
        ``cached_property`` takes a lock on first use, several times per consultation)."""
        self.offers: list[str] = [o["name"] for o in self.profile.get(OFFERS) or []]
        self.offers_open: bool = not self.offers and OFFERS not in self.asked
        self.subjects: list[str] = self.offers + ([PLACEHOLDER_OFFER] if self.offers_open else [])
        self.upgrade_open: bool = self.profile.get(UPGRADE) is None and UPGRADE not in self.asked
        self.closed: set = _stated_facts(self.profile) | self.asked  # ``_is_open`` is False for these
        self.upgrade: dict = self.profile.get(UPGRADE) or {}
        self.required_capabilities: list = (self.profile.get("needs") or {}).get("capabilities") or []

    def is_open(self, fact: str) -> bool:
        """Unstated, not yet asked, and askable."""
        found = self._open_memo.get(fact)
        if found is None:
            found = self._open_memo[fact] = self._is_open(fact)
        return found

    def _is_open(self, fact: str) -> bool:
        if fact in self.closed:  # asked, or a stated fact of the company or of a named offer
            return False
        if fact == OFFERS:
            return self.offers_open
        if fact == UPGRADE:
            return self.upgrade_open
        if fact.startswith("upgrade."):
            ref = fact_ref(fact)
            if self.profile.get(UPGRADE) is None:
                return self.upgrade_open and (ref.path != "upgrade.offer" or bool(self.offers))
            if ref.path == "upgrade.offer" and not self.offers:
                return False  # asked once offers are named: the answer is one of them
            return get_fact(self.profile, ref) is None
        return True  # the company's or an offer's fact, not stated

    def requirement_fails(self, requirement: str, subject: str) -> bool:
        """A derived value's requirement ("path", "path=a|b", or "path|path": one of them) settled as not met
        (several derived values share a requirement: worked out once each, and once for
        every subject when it is not about the subject offer)."""
        key = (requirement, subject) if "offer." in requirement else requirement
        found = self._requirement_memo.get(key)
        if found is None:
            found = self._requirement_memo[key] = self._requirement_fails(requirement, subject)
        return found

    def _requirement_fails(self, requirement: str, subject: str) -> bool:
        if "=" not in requirement and "|" in requirement:
            for alternative in requirement.split("|"):
                if not self.requirement_fails(alternative, subject):
                    return False
            return True
        path, _, wanted = requirement.partition("=")
        memo = self._open_memo
        for fact in self._input_deps(path, subject):  # ``is_open``, inlined
            found = memo.get(fact)
            if found is None:
                found = memo[fact] = self._is_open(fact)
            if found:
                return False
        if subject == PLACEHOLDER_OFFER and path.startswith("offer."):
            return False  # an offer not named yet may state anything
        refs = expand_input(path, subject, self.profile)
        value = get_fact(self.profile, refs[0]) if refs else None  # no refs: no target offer
        return value is None or bool(wanted) and value not in wanted.split("|")

    def upgrade_count_open(self, path: str, open_deps: list[str]) -> list[str]:
        """The open inputs that can still move one of the upgrade's counts across zero
        (``UPGRADE_COUNTS``; see ``derive._upgrade_counts``).

        Their generic inputs are many; given what is settled, most cannot matter.  The rules
        test these counts only against 0 and 1 (none or some: a test checks it), so a count
        already at least one on settled facts is decided, and an input that cannot add to a
        count is dropped:
        - the fixes meet the pains only where both are stated: an empty side ends it;
        - an added capability is new unless the target includes it: the target's other
          capabilities, and the target itself when nothing is added, cannot matter;
        - an addition is needed only if also required: no requirement, or nothing new,
          ends it; the target matters only for additions that are required.
        ``tests/consult/test_relevance.py`` checks each dropped fact against every answer.
        """
        upgrade = self.upgrade
        needs = self.profile.get("needs") or {}
        settled = {f: not self.is_open(f) for f in ("upgrade.adds_capabilities", "upgrade.fixes_pain_points",
                                                     "needs.capabilities", "needs.pain_points", "upgrade.offer")}
        adds, fixes = upgrade.get("adds_capabilities"), upgrade.get("fixes_pain_points")
        caps, pains = needs.get("capabilities"), needs.get("pain_points")
        target = upgrade.get("offer") if settled["upgrade.offer"] and not self.offers_open else None

        def availability(capability: str) -> Optional[str]:
            ref = FactRef(f"offer.capabilities.{capability}", target)
            if target is None or self.is_open(ref.id):
                return "open"
            value = get_fact(self.profile, ref)
            return value.get("availability") if isinstance(value, dict) else value

        if path == "upgrade.derived.needed_fix_count":
            if settled["upgrade.fixes_pain_points"] and settled["needs.pain_points"] and set(fixes or ()) & set(pains or ()):
                return []
            drop = set()
            if settled["upgrade.fixes_pain_points"] and not fixes:
                drop.add("needs.pain_points")
            if settled["needs.pain_points"] and not pains:
                drop.add("upgrade.fixes_pain_points")
            return [f for f in open_deps if f not in drop]
        considered = set(adds or ()) & set(caps or ()) if path == "upgrade.derived.needed_addition_count" else set(adds or ())
        if settled["upgrade.adds_capabilities"] and (path != "upgrade.derived.needed_addition_count"
                                                     or settled["needs.capabilities"]) \
                and any(availability(c) not in ("open", "included") for c in considered):
            return []  # at least one, whatever the open facts say
        drop = set()
        if settled["upgrade.adds_capabilities"] and not adds:
            drop |= {"needs.capabilities", OFFERS, "upgrade.offer"}
        if path == "upgrade.derived.needed_addition_count":
            if settled["upgrade.adds_capabilities"] and all(availability(c) == "included" for c in adds or ()):
                drop.add("needs.capabilities")  # it adds nothing the target does not already include
            if settled["needs.capabilities"] and not caps:
                drop |= {"upgrade.adds_capabilities", OFFERS, "upgrade.offer"}
            if settled["upgrade.adds_capabilities"] and settled["needs.capabilities"] and not considered:
                drop |= {OFFERS, "upgrade.offer"}  # which offer cannot change what is new and required
        if upgrade.get("adds_custom_addons") and path != "upgrade.derived.needed_fix_count":
            drop -= {OFFERS, "upgrade.offer"}  # which offer decides whether a named add-on is new
        kept = []
        relevant = considered if settled["upgrade.adds_capabilities"] and (
            path != "upgrade.derived.needed_addition_count" or settled["needs.capabilities"]) else None
        for fact in open_deps:
            if fact in drop:
                continue
            if ".capabilities." in fact and fact.startswith(OFFERS + "[") and (
                    fact in drop or relevant is not None and fact.rsplit(".", 1)[1] not in relevant):
                continue
            kept.append(fact)
        return kept

    def deps(self, path: str, subject: str) -> list[str]:
        """The fact ids a test on ``path`` for ``subject`` depends on, each once (in the
        order of first mention: the order the questions' reasons were always gathered in)."""
        key = (path, subject)
        found = self._deps_memo.get(key)
        if found is None:
            found = self._deps_memo[key] = list(dict.fromkeys(self._deps(path, subject)))
        return found

    def _deps(self, path: str, subject: str) -> list[str]:
        static = _static_deps(path)
        if static is not None:
            return static
        facts: list[str] = []
        for kind, item in _input_plan(path):
            if kind is _FIXED:
                facts += item
            elif kind is _OWN_FIELD:  # this offer's plain field: what _offer_deps gives, without its lookups
                facts += [OFFERS] if subject == PLACEHOLDER_OFFER else [f"offers[{subject}]{item}"]
            else:  # ``_input_deps``, inlined
                found = self._input_memo.get((item, subject))
                if found is None:
                    found = self._input_memo[(item, subject)] = self._input_deps_of(item, subject)
                facts += found
        return facts

    def _input_deps(self, item: str, subject: str) -> list[str]:
        """Fact ids behind one input entry, with the questions that can still add to them
        (requirements and several paths read the same entries: worked out once each)."""
        key = (item, subject)
        found = self._input_memo.get(key)
        if found is None:
            found = self._input_memo[key] = self._input_deps_of(item, subject)
        return found

    def _input_deps_of(self, item: str, subject: str) -> list[str]:
        """As ``factpaths.expand_input`` names them (with the questions that can add to them),
        the ids written out directly: this runs on every need-more-info consultation."""
        fixed = _fixed_item_deps(item)
        if fixed is not None:
            return list(fixed)
        if item.startswith("offers."):
            rest = item[len("offers"):]
            if rest != ".capabilities":  # one field of each named offer (``_offer_facts``, inlined)
                return [OFFERS] + [f"offers[{name}]{rest}" for name in self.offers if name]
            return [OFFERS] + [fact for name in self.offers for fact in self._offer_facts(rest, name)]
        if item.startswith("target."):
            extra = ["upgrade.adds_capabilities"] if item == "target.capabilities" else []
            upgrade = self.upgrade
            target = upgrade.get("offer")
            if target is None:
                return [OFFERS, "upgrade.offer", *extra]
            rest = item[len("target"):]
            if rest == ".capabilities":  # the capabilities the upgrade adds, in the target
                found = [f"offers[{target}].capabilities.{c}" for c in upgrade.get("adds_capabilities") or []]
            else:  # one field of the target (``_offer_facts``, inlined)
                found = [f"offers[{target}]{rest}"] if target else []
            return [OFFERS, "upgrade.offer", *extra] + found
        if item == "offer.capabilities":  # the required capabilities, in this offer
            return ["needs.capabilities"] + self._offer_deps(item, subject)
        return self._offer_deps(item, subject)

    def _offer_facts(self, rest: str, name: str) -> list[str]:
        """``expand_input("offer" + rest, name)``'s ids: the required capabilities for the
        capability list, else the one field."""
        if not name:
            return []
        if rest == ".capabilities":
            return [f"offers[{name}].capabilities.{c}" for c in self.required_capabilities]
        return [f"offers[{name}]{rest}"]

    def _offer_deps(self, path: str, subject: str) -> list[str]:
        if subject == PLACEHOLDER_OFFER:
            return [OFFERS]
        fields = _offer_section_fields(path)
        if fields is not None:
            return [f"offers[{subject}]{rest}" for rest in fields]
        return self._offer_facts(path[len("offer"):], subject)


def _stated_facts(profile: dict) -> set[str]:
    """The ids of the facts of the company and of the named offers that ``profile`` states,
    in one pass over what it states (a need-more-info profile states little): an id is
    stated when ``get_fact`` finds a value, not None, for it.  A path into a dict is walked,
    one into anything else finds nothing; an offer's facts are the first offer of its name's,
    a capability stated when its first entry gives a price or an availability.  The
    upgrade's facts and the questions ``offers`` and ``upgrade`` have more to them
    (``_State._is_open``)."""
    stated: set[str] = set()
    for key, value in profile.items():
        if key != OFFERS and key != UPGRADE and value is not None:
            stated.add(key)
            if isinstance(value, dict):
                _add_stated(stated, key + ".", value)
    named: set = set()
    for offer in profile.get(OFFERS) or ():
        name = offer.get("name")
        if name in named:
            continue
        named.add(name)
        prefix = f"offers[{name}]."
        for key, value in offer.items():
            if value is None:
                continue
            stated.add(prefix + key)
            if key == "capabilities" and isinstance(value, list):
                seen: set = set()
                for item in value:
                    capability = item.get("capability")
                    if capability not in seen:
                        seen.add(capability)
                        if item.get("monthly_price_usd") is not None or item.get("availability") is not None:
                            stated.add(f"{prefix}capabilities.{capability}")
            elif isinstance(value, dict):
                _add_stated(stated, f"{prefix}{key}.", value)
    return stated


def _add_stated(stated: set[str], prefix: str, mapping: dict) -> None:
    """``_stated_facts`` inside one dict: each key whose value is not None, under ``prefix``."""
    for key, value in mapping.items():
        if value is not None:
            stated.add(prefix + key)
            if isinstance(value, dict):
                _add_stated(stated, f"{prefix}{key}.", value)


_PROFILE_FREE_INPUTS = (OFFERS, UPGRADE, "upgrade.offer")  # _input_deps gives these whatever the profile


@functools.cache
def _static_deps(path: str) -> Optional[list[str]]:
    """``_State._deps`` of a path whose inputs are the company's own fields: the same for
    every profile and subject, so worked out once (None for a path about offers)."""
    spec = field_catalogue()[path]
    items = spec.inputs if spec.derived else (path,)
    if any(item not in _PROFILE_FREE_INPUTS and item.startswith(("offers.", "target.", "offer.")) for item in items):
        return None
    return [fact for item in items for fact in _item_deps(item)]


def _item_deps(item: str) -> tuple[str, ...]:
    """``_State._input_deps`` of an input that is not about offers (the same on every profile)."""
    if item in (OFFERS, UPGRADE):
        return (item,)
    if item == "upgrade.offer":
        return (OFFERS, item)
    if field_catalogue()[item].kind == SECTION and item not in (UPGRADE, "company.in_house_estimate"):
        return tuple(section_fields(item))
    return (item,)


@functools.cache
def _fixed_item_deps(item: str) -> Optional[tuple[str, ...]]:
    """``_item_deps`` of an input that is the same on every profile; None for one about offers
    (bounded: inputs and requirements are catalogue paths)."""
    if item not in _PROFILE_FREE_INPUTS and item.startswith(("offers.", "target.", "offer.")):
        return None
    return _item_deps(item)


@functools.cache
def _offer_section_fields(path: str) -> Optional[tuple[str, ...]]:
    """The rest of each field's id after ``offers[<name>]`` for an offer's section (not its
    capability list); None for a field (bounded: catalogue paths)."""
    if field_catalogue()[path].kind != SECTION or path == "offer.capabilities":
        return None
    return tuple(p[len("offer"):] for p in section_fields(path))


_FIXED, _OWN_FIELD, _OTHER = "fixed", "own field", "other"


@functools.cache
def _input_plan(path: str) -> tuple[tuple[str, object], ...]:
    """How ``_State._deps`` gathers a path's inputs, worked out once per path: the inputs
    that are the same on every profile (their fact ids), the subject offer's own plain
    fields (the rest of the id after ``offers[<name>]``), and the others (``_input_deps``)."""
    spec = field_catalogue()[path]
    plan: list[tuple[str, object]] = []
    for item in spec.inputs if spec.derived else (path,):
        if item in _PROFILE_FREE_INPUTS or not item.startswith(("offers.", "target.", "offer.")):
            plan.append((_FIXED, _item_deps(item)))
        elif item.startswith("offer.") and item != "offer.capabilities" and field_catalogue()[item].kind != SECTION:
            plan.append((_OWN_FIELD, item[len("offer"):]))
        else:
            plan.append((_OTHER, item))
    return tuple(plan)


@functools.cache
def _path_reading(path: str) -> tuple:
    """What ``RelevanceAnalysis._judge`` needs to know of a tested path, worked out once: a derived
    value's requirements, whether it is one of the upgrade's counts, whether it is about an
    offer, whether it is a section, the engine field ``FactView.value`` reads, its facts
    when they are the same on every profile (``_static_deps``, each once), and, for an
    offer's own plain field, the rest of its id after ``offers[<name>]``."""
    spec = field_catalogue()[path]
    section = spec.kind == SECTION
    static = _static_deps(path)
    plan = _input_plan(path)
    own_field = plan[0][1] if len(plan) == 1 and plan[0][0] is _OWN_FIELD else None
    return (tuple(spec.requires) if spec.derived else (), path in UPGRADE_COUNTS, path.startswith("offer."), section,
            spec.engine_name if section else value_field(path), None if static is None else tuple(dict.fromkeys(static)),
            own_field)


# ``FactRef.from_id``, remembered: the same ids recur on every turn (bounded: offer names are user text).
fact_ref = functools.lru_cache(maxsize=4096)(FactRef.from_id)


@functools.lru_cache(maxsize=4096)
def _generality(fact: str) -> int:
    """Ties go to the broader question: whether there is an upgrade, then needs, then details
    (remembered: the same ids are ranked on every turn; bounded, offer names are user text)."""
    if fact == UPGRADE:
        return 0
    for rank, prefix in enumerate(("needs.", "upgrade.", "company.", OFFERS + "[")):
        if fact.startswith(prefix):
            return rank + 1 + (".capabilities." in fact)
    return 4  # "offers"


def tested_paths(knowledge: KnowledgeBase) -> frozenset:
    """Every path some rule tests."""
    return frozenset(p for rule in knowledge.rules.values() for c in rule.fact_conditions for p in c.paths)


# A rule's conditions in ``RuleIndex.programs``: all of its tests, one of its alternatives,
# or a conclusion.  Statuses are ints ordered so that a rule instance is the least of its
# conditions and a conclusion the greatest of its rule instances: failed (or false) < open
# < held (or true).
_TESTS, _ALTERNATIVES, _CONCLUSION = 0, 1, 2
_FAILED, _OPEN, _HELD = 0, 1, 2
_STATUS_WORDS = (FALSE, OPEN, TRUE)  # a conclusion's int status, as ``Relevance.statuses`` says it
_ABOUT_COMPANY, _ABOUT_ANY, _ABOUT_SAME = 0, 1, 2  # whom a conclusion condition is about


def _holds_function(test: FactTest):
    """``status_of_test(test, value) == HELD`` as one function of the value."""
    op, wanted = test.operator, test.value
    if op == "known":
        return lambda value: value is not None
    if op == "unknown":
        return lambda value: value is None
    holds = _OPERATORS.get(op)
    if holds is None:  # an operator this table lacks: the reference judges it
        return lambda value: value is not None and status_of_test(test, value) == HELD
    return holds(wanted)


# ``explain.conditions._holds``, per operator the function of the value for a wanted value
# (one call per test judged, not two; a test checks they agree).
_OPERATORS = {
    "is": lambda wanted: lambda value: value is not None and value == wanted,
    "is_not": lambda wanted: lambda value: value is not None and value != wanted,
    "one_of": lambda wanted: lambda value: value is not None and value in wanted,
    "not_one_of": lambda wanted: lambda value: value is not None and value not in wanted,
    "at_least": lambda wanted: lambda value: value is not None and value >= wanted,
    "at_most": lambda wanted: lambda value: value is not None and value <= wanted,
    "above": lambda wanted: lambda value: value is not None and value > wanted,
    "below": lambda wanted: lambda value: value is not None and value < wanted,
    "includes": lambda wanted: lambda value: value is not None and wanted in set(value),
    "includes_any": lambda wanted: lambda value: value is not None and not set(value).isdisjoint(wanted),
    "includes_all": lambda wanted: lambda value: value is not None and set(wanted) <= set(value),
    "includes_none": lambda wanted: lambda value: value is not None and set(value).isdisjoint(wanted),
}


class RuleIndex:
    """The rules as the analysis runs them, compiled once per knowledge base: conclusions,
    rules and tested paths numbered; each rule a program of conditions over those numbers
    (tests as (path number, holds) pairs, ``holds`` resolved once per operator, with what
    judging each path reads); per conclusion its company rules, its offer rules and its own
    weight; per rule the conclusions it reads; per set of kinds the conclusions the analysis
    starts from.  A consultation then
    works on lists indexed by these numbers, not on dicts keyed by (id, subject) strings.
    """

    def __init__(self, knowledge: KnowledgeBase) -> None:
        rules = list(knowledge.rules.values())
        self.conclusion_ids = list(knowledge.conclusions)
        number = {cid: n for n, cid in enumerate(self.conclusion_ids)}
        self.kinds = [k.kind for k in knowledge.conclusions.values()]
        self.own_weights = [(VERDICT_WEIGHT if k.kind == "verdict" else 0.0,
                             WARNING_WEIGHTS[k.severity] if k.kind == "warning" else 0.0)
                            for k in knowledge.conclusions.values()]
        self._path_number: dict[str, int] = {}
        self.programs = tuple(tuple(self._compile(c, number) for c in rule.conditions) for rule in rules)
        self.paths = list(self._path_number)  # by number
        self.readings = [_path_reading(path) for path in self.paths]
        self.conclude = tuple(number[rule.conclude] for rule in rules)
        by_conclusion: list[tuple[list[int], list[int]]] = [([], []) for _ in self.conclusion_ids]
        for n, rule in enumerate(rules):
            by_conclusion[self.conclude[n]][rule.about == ABOUT_COMPANY].append(n)  # [offer rules, company rules]
        self.rules_of = tuple((tuple(offer), tuple(company)) for offer, company in by_conclusion)
        self.reads = tuple(tuple(dict.fromkeys(number[c.id] for c in rule.conclusion_conditions)) for rule in rules)
        readers: list[list[int]] = [[] for _ in self.conclusion_ids]
        for r, read in enumerate(self.reads):
            for c in read:
                readers[c].append(r)
        self.readers = tuple(tuple(found) for found in readers)  # per conclusion, the rules reading it
        self._starts: dict[tuple[str, ...], list[tuple[int, bool]]] = {}
        self._rule_order = [(self.conclude[n], rule.about == ABOUT_COMPANY) for n, rule in enumerate(rules)]

    def _compile(self, condition, number: dict) -> tuple:
        if isinstance(condition, ConclusionCondition):
            about = _ABOUT_COMPANY if condition.about == ABOUT_COMPANY else \
                _ABOUT_ANY if condition.about == ABOUT_ANY else _ABOUT_SAME
            return _CONCLUSION, (number[condition.id], about, condition.negated)
        if condition.alternatives:
            return _ALTERNATIVES, self._compile_fact_condition(condition)
        return _TESTS, self._compile_tests(condition.tests)

    def _compile_tests(self, tests) -> tuple:
        return tuple((self._path_number.setdefault(t.path, len(self._path_number)), _holds_function(t)) for t in tests)

    def _compile_fact_condition(self, condition: FactCondition) -> tuple:
        """(tests, alternatives): an ``any_of`` group's alternatives, compiled the same way."""
        return (self._compile_tests(condition.tests),
                tuple(self._compile_fact_condition(a) for a in condition.alternatives))

    def starts(self, kinds: tuple[str, ...]) -> list[tuple[int, bool]]:
        """(conclusion, about the company) of the rules concluding one of ``kinds``, in the
        rules' order, each once (judging a conclusion judges all its rules)."""
        found = self._starts.get(kinds)
        if found is None:
            found = self._starts[kinds] = list(dict.fromkeys(
                (c, company) for c, company in self._rule_order if self.kinds[c] in kinds))
        return found


class RelevanceAnalysis:
    """One analysis of one partial profile (see the module docstring), run over the
    compiled rules (``RuleIndex``).  ``tests/relevance_reference.py`` states the same
    analysis plainly; a test holds the two to the same results."""

    def __init__(self, knowledge: KnowledgeBase, view: FactView, profile: dict, asked: frozenset,
                 index: Optional[RuleIndex] = None) -> None:
        self.knowledge = knowledge
        self.state = _State(knowledge, view, profile, asked)
        self.index = index or RuleIndex(knowledge)

    def _judge(self, reading: tuple, path: str, subject: str) -> tuple[tuple[str, ...], object]:
        """What every test on ``path`` for ``subject`` reads (``reading``: ``_path_reading``):
        the open facts it waits on or, when none, the settled value (many rules test the
        same path: judged once per consultation)."""
        requires, counts, about_offer, section, engine_key, static, own_field = reading
        state = self.state
        for requirement in requires:
            if state.requirement_fails(requirement, subject):
                return (), None  # settled: the value is never computed on this profile
        if static is not None:
            deps = static
        elif own_field is not None:  # an offer's plain field: ``_State.deps`` without its lookups
            deps = (OFFERS,) if subject == PLACEHOLDER_OFFER else (f"offers[{subject}]{own_field}",)
        else:
            deps = dict.fromkeys(state._deps(path, subject))  # ``_State.deps``: each path is judged once per subject
        memo, open_deps = state._open_memo, []
        for fact in deps:  # ``is_open``, inlined
            found = memo.get(fact)
            if found is None:
                found = memo[fact] = state._is_open(fact)
            if found:
                open_deps.append(fact)
        if open_deps and counts:
            open_deps = state.upgrade_count_open(path, open_deps)
        if open_deps:
            return tuple(open_deps), None  # each once: the deps are
        if about_offer:
            if subject == PLACEHOLDER_OFFER:
                return (), None
            fact = state.view.offers.get(subject, {})
        else:
            fact = state.view.profile
        value = fact.get(engine_key)  # as FactView.value reads it
        return (), (True if value else None) if section else value

    def run(self, kinds_asked: tuple[str, ...] = ("verdict", "warning")) -> Relevance:
        """Judge the rules for ``kinds_asked`` (and, lazily, the conclusions they read), then score."""
        index, state = self.index, self.state
        # Subjects by slot: 0 is the company; an offer named twice shares one slot, as it
        # shares one (conclusion, subject) key.
        names = [COMPANY_SUBJECT]
        slot_of = {COMPANY_SUBJECT: 0}
        for subject in state.subjects:
            if subject not in slot_of:
                slot_of[subject] = len(names)
                names.append(subject)
        offer_slots = [slot_of[s] for s in state.subjects]
        programs, rules_of, paths, readings, judge = index.programs, index.rules_of, index.paths, index.readings, self._judge
        n_rules, n_conclusions, n_paths = len(programs), len(rules_of), len(paths)
        conclusion_rows = [[None] * n_conclusions for _ in names]
        judged_rows = [[None] * n_paths for _ in names]
        opened: list[tuple[int, int, list]] = []  # open rule instances (rule, slot, groups), as they complete
        settled_conclusions: list[tuple[int, int]] = []  # (conclusion, slot), as they complete
        open_conclusions: set[int] = set()  # conclusions open for some subject
        open_rules = [False] * n_rules  # whether a rule is open for some subject

        def status(c: int, slot: int) -> int:
            """Judge conclusion ``c`` for the subject in ``slot``: each of its rules in turn,
            a rule's conditions in order, stopping at the first failed one (the rule
            instance, inlined: about eighty a consultation)."""
            row = conclusion_rows[slot]
            found = row[c]
            if found is not None:
                return found
            found = _FAILED
            judged = judged_rows[slot]
            for r in rules_of[c][slot == 0]:  # every rule, none skipped (each judged once: it concludes c alone)
                one, groups = _HELD, []
                for kind, item in programs[r]:
                    if kind == _TESTS:  # ``tests_status``, inlined: most conditions are tests
                        facts, several = None, False
                        for p, holds in item:
                            path_judged = judged[p]
                            if path_judged is None:
                                path_judged = judged[p] = judge(readings[p], paths[p], names[slot])
                            if path_judged[0]:
                                if facts is None:
                                    facts = path_judged[0]
                                else:
                                    facts, several = facts + path_judged[0], True
                            elif not holds(path_judged[1]):  # failed, or unknown (fails in the engine too)
                                one = _FAILED
                                break
                        else:
                            if facts is not None:  # one path's open facts come each once already
                                one = _OPEN
                                groups.append(tuple(dict.fromkeys(facts)) if several else facts)
                            continue
                        break
                    if kind == _CONCLUSION:
                        read, about, negated = item
                        if about == _ABOUT_ANY:  # the most of every offer's status, each worked out
                            concluded = _FAILED
                            for s in offer_slots:
                                offers_status = conclusion_rows[s][read]
                                if offers_status is None:
                                    offers_status = status(read, s)
                                if offers_status > concluded:
                                    concluded = offers_status
                        else:
                            whose = 0 if about == _ABOUT_COMPANY else slot
                            concluded = conclusion_rows[whose][read]
                            if concluded is None:
                                concluded = status(read, whose)
                        if concluded == _OPEN:
                            one = _OPEN
                        elif (concluded == _HELD) == negated:
                            one = _FAILED
                            break
                    else:
                        facts = []
                        alternatives = fact_condition(item, slot, facts)
                        if alternatives == _FAILED:
                            one = _FAILED
                            break
                        if alternatives == _OPEN:
                            one = _OPEN
                            groups.append(tuple(dict.fromkeys(facts)))
                if one == _OPEN:  # after the conditions: post-order, as the scores add up
                    opened.append((r, slot, groups))
                    open_rules[r] = True
                if one > found:
                    found = one
            row[c] = found
            settled_conclusions.append((c, slot))
            if found == _OPEN:
                open_conclusions.add(c)
            return found

        def tests_status(tests: tuple, slot: int, facts: list) -> int:
            """All of ``tests``: failed as soon as one fails on settled facts; open facts go to ``facts``."""
            judged = judged_rows[slot]
            for p, holds in tests:
                found = judged[p]
                if found is None:
                    found = judged[p] = judge(readings[p], paths[p], names[slot])
                if found[0]:
                    facts += found[0]
                elif not holds(found[1]):  # failed, or unknown (fails in the engine too)
                    return _FAILED
            return _OPEN if facts else _HELD

        def fact_condition(condition: tuple, slot: int, facts: list) -> int:
            tests, alternatives = condition
            if not alternatives:
                return tests_status(tests, slot, facts)
            found, waiting = _FAILED, []
            for alternative in alternatives:
                own: list = []
                one = fact_condition(alternative, slot, own)
                if one == _HELD:
                    return _HELD
                if one == _OPEN:
                    found = _OPEN
                    waiting += own
            facts += waiting
            return found

        for c, about_company in index.starts(kinds_asked):  # the rules' order, each conclusion once
            for slot in (0,) if about_company else offer_slots:
                status(c, slot)
        return self._scores(opened, conclusion_rows, names, settled_conclusions, open_conclusions, open_rules)

    def _scores(self, opened: list, conclusion_rows: list, names: list, settled_conclusions: list,
                open_conclusions: set, open_rules: list) -> Relevance:
        """Score each open fact by the open rule instances waiting on it (module docstring)."""
        index = self.index
        conclude, cids = index.conclude, index.conclusion_ids
        live = []
        producers: dict[int, int] = {}  # by (conclusion, slot) as one number
        width = len(names)
        for r, slot, groups in opened:
            c = conclude[r]
            if conclusion_rows[slot][c] == _OPEN:
                numbered = c * width + slot
                live.append((c, (cids[c], names[slot]), numbered, groups))
                producers[numbered] = producers.get(numbered, 0) + 1
        weights, weight = self._weights(open_conclusions, open_rules)
        verdict_scores: dict[str, float] = {}
        warning_scores: dict[str, float] = {}
        reasons: dict[str, set] = {}  # fact id -> {(conclusion id, subject)}
        for c, key, numbered, groups in live:
            # Shares: settling a conclusion takes all its open rules; settling a rule takes
            # one of its open conditions; a fact that alone decides a condition weighs most.
            verdict_weight, warning_weight = weights[c] or weight(c)  # worked out on first use
            producing = producers[numbered]
            for group in groups:
                share = 1.0 / len(group) / producing
                verdict_share, warning_share = share * verdict_weight, share * warning_weight
                for fact in group:  # a first share is the score (0.0 + x is x); adding 0.0 changes none
                    found = verdict_scores.get(fact)
                    if found is None:
                        verdict_scores[fact], warning_scores[fact], reasons[fact] = verdict_share, warning_share, {key}
                    else:
                        verdict_scores[fact] = found + verdict_share
                        warning_scores[fact] += warning_share
                        reasons[fact].add(key)
        if self.state.upgrade_open:  # whether there is an upgrade comes first: it weighs what its weightiest detail does
            details = [f for f in verdict_scores if f.startswith("upgrade.")]
            if details:
                for scores in (verdict_scores, warning_scores):
                    scores[UPGRADE] = scores.get(UPGRADE, 0.0) + max(scores.pop(f, 0.0) for f in details)
                reasons.setdefault(UPGRADE, set()).update(*(reasons.pop(f) for f in details))
        return Relevance(verdict_scores, warning_scores, reasons, frozenset(verdict_scores), lambda: {
            (cids[c], names[slot]): _STATUS_WORDS[conclusion_rows[slot][c]] for c, slot in settled_conclusions})

    def _weights(self, open_conclusions: set, open_rules: list) -> tuple[list, Callable]:
        """What deciding an open conclusion is worth, for the verdict and for warnings (by
        its number, worked out on first use: the list of those worked out, None where not
        yet, and the function that works one out): its own weight plus, halved per link,
        the most that an open rule reading it (and concluding an open conclusion) can
        still change."""
        index = self.index
        own, conclude, readers = index.own_weights, index.conclude, index.readers
        weights: list = [None] * len(own)

        def weight(c: int) -> tuple[float, float]:
            found = weights[c]
            if found is None:
                if c not in open_conclusions:
                    return (0.0, 0.0)
                weights[c] = (0.0, 0.0)  # the rules form no cycle; this only guards the recursion
                # the most it can change, not the sum: a finding read by five verdict rules
                # still decides one verdict (weights are never negative: none is the least)
                most_verdict = most_warning = 0.0
                for r in readers[c]:  # the open conclusions its open readers conclude
                    if not open_rules[r]:
                        continue
                    k = conclude[r]
                    if k not in open_conclusions:
                        continue
                    verdict, warning = weight(k)
                    if verdict > most_verdict:
                        most_verdict = verdict
                    if warning > most_warning:
                        most_warning = warning
                verdict, warning = own[c]
                found = weights[c] = (verdict + CHAIN_DECAY * most_verdict, warning + CHAIN_DECAY * most_warning)
            return found

        return weights, weight
