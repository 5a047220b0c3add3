"""Cheap trials for the smallest-change search: one changed profile's facts and conclusions.

The search tries hundreds of changed profiles.  Run the straightforward way, each trial
re-validates and copies the whole profile and runs the engine: milliseconds, so the
slowest explanations took more than a second.  A trial here shares the work with the
unchanged consultation (the base):

* **copy and validate only what changed**: only the section (or offer) a change touches is
  copied; each field that differs is assigned, with pydantic's validation of an
  assignment, on a copy of the base's validated model, and that model on a copy of its
  parent up to the profile, so the vocabulary's own validators run, those above included,
  and a trial is valid exactly when the whole changed profile would be;
* **read each value only when asked** (``TrialView``): a value whose path the change cannot
  move (``TrialRunner.touched``: the fact, the sections around and inside it, the derived
  values its formulas feed, ``proof.derived_inputs``) is the base's; a moved input value
  comes from flattening only the changed section or offer;
* **derive** the changed profile as any consultation does (the figures depend on many
  facts at once; ``derive`` is the one place that knows how), and only when a moved derived
  value is read: the upgrade's counts alone are counted without it, and a change inside
  the upgrade keeps the offers' values (``derive``'s ``offers``);
* **judge only what is asked**: a conclusion whose rules, or those of what it rests on,
  read no moved value keeps its base status; the others are judged from their rules by
  the same condition checks explanations use (``conditions.py``, which a test holds to the
  engine's firings on every worked case), conditions on values before conditions on
  conclusions, the conclusions a condition names judged the same way when it asks.  A
  condition that reads no moved value keeps its base status unjudged: a rule with such a
  condition failing is passed over, such a condition holding is not judged again.  The
  rules form a DAG, so this gives the engine's stratified result, negation included.

The search asks whether its target is reached: most conclusions are never judged and a
trial that fails on an input value is never derived, so the search's screen
(``smallest_change.py``, ``screen.py``) and the target's rules decide what a trial costs.
The data is copied only along the changed fact's path (``set_fact_shared``).  Only the
conclusions the searched one rests on are judged (``TrialRunner.order``); whatever the
search reports is then run through the real engine (``smallest_change.py``).
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from expert.explain.conditions import (
    HELD,
    FactView,
    conclusion_instances,
    conclusion_subject,
    rules_concluding,
    status_of_test,
)
from expert.explain.proof import unstated_requirements
from expert.facts.derive import Derivation, _upgrade_counts, derive
from expert.facts.factpaths import OFFERS, FactPathError, FactRef, expand_input, set_fact_shared
from expert.facts.fields import ENGINE_SEPARATOR, SECTION, field_catalogue
from expert.facts.flatten import OFFER_FACT, PROFILE_FACT, PROFILE_SECTIONS, offer_fact, profile_fact
from expert.facts.vocabulary import Profile
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT, OFFER_NAME, value_field
from expert.rulebase.engine_numbers import engine_number
from expert.rulebase.rulebook import FactCondition, KnowledgeBase, Rule


class TrialFacts:
    """A changed profile as the search needs it: its data, and its facts with conclusions.

    Only the data is made up front (validating it says whether the trial counts at all);
    the view (``TrialView``) works out each value and conclusion when it is read: the
    search asks for neither on a trial whose change cannot matter (``touches``)."""

    def __init__(self, data: dict, view: Any) -> None:
        self.data, self.view = data, view

    @property
    def moved(self) -> bool:
        """False when no target's rules read a value the change can move, so each stands as in the base."""
        return self.view.moved if isinstance(self.view, TrialView) else False

    @property
    def facts_view(self) -> Any:
        """The trial's view for judging conditions on facts (its conclusions are judged only if asked)."""
        return self.view


class TrialView:
    """One trial's facts and conclusions, each worked out when it is first read.

    A value the change cannot move (its path is not in ``touched``: the fact, the sections
    around and inside it, and the derived values computed from it) is the base's.  A moved
    input value comes from flattening only the changed section (or offer) it sits in; a
    moved derived value from deriving the changed profile (once per trial).  A conclusion
    whose rules, or the rules of what it rests on, read no moved value keeps its base
    status; the others are judged from their rules on this view, each condition the base
    did not meet first (a rule fires when all hold, in any order, and a trial seldom meets
    what the base did not), the conclusions they rest on judged the same way when a
    condition asks.  The search asks whether one target is reached: most conclusions are
    never judged, and a trial that fails on an input value is never derived.

    Reading ``profile``, ``offers`` or ``concluded`` works out everything (for tests, and
    for any caller that wants the whole view)."""

    def __init__(self, runner: TrialRunner, data: dict, profile: Profile, touched: frozenset, feeds: bool) -> None:
        self.runner, self.data, self.model, self.touched, self.feeds = runner, data, profile, touched, feeds
        self._inputs: dict[tuple, dict] = {}  # fact owner -> its input values, flattened (engine names)
        self._derivation: Optional[Derivation] = None if feeds else runner.base_derivation
        self._derived: dict[tuple, dict] = {} if feeds else runner.base_derived  # owner -> derived values
        self._counts: Optional[dict] = None
        self._judged: dict[tuple[str, str], bool] = {}
        self._moves: dict[str, bool] = {}

    def inputs(self, owner: tuple) -> dict:
        """The input values of one fact (the profile's, an offer's), flattened afresh only if changed."""
        known = self._inputs.get(owner)
        if known is None:
            known = self._inputs[owner] = self.runner.inputs(self.data, self.model, owner)
        return known

    def derived(self, owner: tuple) -> dict:
        """The derived values of one fact, the changed profile's."""
        known = self._derived.get(owner)
        if known is None:
            if self._derivation is None:
                self._derivation = self.runner.derivation(self.data, self.model)
            values = self._derivation.profile if owner[1] is None else self._derivation.offers.get(owner[1], {})
            known = self._derived[owner] = _engine_values(values)
        return known

    def upgrade_counts(self) -> dict:
        """The upgrade's counts (``_UPGRADE_COUNTS``), worked out as ``derive`` works them out."""
        if self._counts is None:
            self._counts = self.runner.upgrade_counts(self.model)
        return self._counts

    def value(self, path: str, subject: str) -> Any:
        if path not in self.touched:
            return self.runner.base_value(path, subject)
        derived, key, section = _reading(path)
        owner = (OFFER_FACT, subject) if path.startswith("offer.") else (PROFILE_FACT, None)
        if owner[1] is not None and subject not in self.runner.base_numbers.offers:
            return None  # no such offer: nothing stated (the changes name no new offer)
        if not derived:
            fact = self.inputs(owner)
        elif path in _UPGRADE_COUNTS and self._derivation is None:
            fact = self.upgrade_counts()  # a count over sets, without the whole derivation's arithmetic
        else:
            fact = self.derived(owner)
        if section:
            return True if fact.get(key) else None
        return fact.get(key)

    def may_differ(self, cid: str) -> bool:
        """Whether ``cid``'s rules, or those of what it rests on, read a value the change can move."""
        known = self._moves.get(cid)
        if known is None:
            judged, reads, always = self.runner.moves(cid)
            known = self._moves[cid] = judged and (always or not self.touched.isdisjoint(reads))
        return known

    @property
    def moved(self) -> bool:
        return any(self.may_differ(cid) for cid in self.runner.targets)

    def is_concluded(self, cid: str, subject: str) -> bool:
        key = (cid, subject)
        known = self._judged.get(key)  # a conclusion the change cannot move is kept with the base's status
        if known is None:
            known = self._judged[key] = (self._fires(cid, subject) if self.may_differ(cid)
                                         else self.runner.base_view.is_concluded(cid, subject))
        return known

    def _fires(self, cid: str, subject: str) -> bool:
        """Whether some rule instance concluding ``cid`` about ``subject`` fires on this view.

        A condition that reads nothing the change can move has its base status here too
        (what it reads is the base's, ``TrialRunner.blockers``): one that fails passes its
        rule over unjudged, one that holds is not judged again."""
        touched = self.touched
        for one, conditions, blockers in self.runner.judging(cid, subject):  # a rule fires when all its conditions hold
            for reads in blockers:
                if touched.isdisjoint(reads):
                    break
            else:
                for condition, reads in conditions:
                    if reads is not None and touched.isdisjoint(reads):
                        continue  # it holds in the base and the change moves nothing it reads
                    if not holds(condition, self, one):
                        break
                else:
                    return True
        return False

    def _whole(self, owner: tuple) -> dict:
        return {**self.inputs(owner), **self.derived(owner)}

    @property
    def profile(self) -> dict:
        return self._whole((PROFILE_FACT, None))

    @property
    def offers(self) -> dict:
        return {name: self._whole((OFFER_FACT, name)) for name in self.runner.base_numbers.offers}

    @property
    def concluded(self) -> frozenset:
        runner = self.runner
        kept = {item for item in runner.base_concluded if not self.may_differ(item[0])}
        judged = {(cid, one) for cid in runner.order if self.may_differ(cid)
                  for one in {one for _, one in runner.instances[cid]} if self.is_concluded(cid, one)}
        return frozenset(kept | judged)


class TrialRunner:
    """Trials of changes to one base profile, judged for the conclusions the targets rest on."""

    def __init__(self, knowledge: KnowledgeBase, profile: Profile, data: dict, facts: list[dict],
                 concluded: set, targets: tuple[str, ...]) -> None:
        self.knowledge, self.profile, self.data = knowledge, profile, data
        self.offers = [o["name"] for o in data.get(OFFERS) or []]
        self.base_facts = {_owner(f): _engine_numbers(f) for f in facts}
        derived = self.base_derivation = derive(profile)  # the base facts without their derived values: reused
        self.derived_from = _derive_inputs(data, self.offers)  # derived path -> the input facts it reads
        self.derive_inputs = set().union(*self.derived_from.values())
        self.base_derived = _derived_values(derived)
        self.base_inputs = {owner: {k: v for k, v in fact.items() if k not in self.base_derived.get(owner, ())}
                            for owner, fact in self.base_facts.items()}
        self.base_by_section: dict[str, dict] = {}  # head section -> the profile fact's input values under it
        for key, value in self.base_inputs[(PROFILE_FACT, None)].items():
            self.base_by_section.setdefault(key.split(ENGINE_SEPARATOR, 1)[0], {})[key] = value
        self.base_concluded = frozenset(concluded)
        self.targets = set(targets)
        self.order, self.reads, self.rests_on = self._index(targets)
        self.position = {cid: number for number, cid in enumerate(self.order)}
        self.instances = {cid: conclusion_instances(knowledge, cid, None, self.offers) for cid in self.order}
        self.read = {path for cid in self.order for path in self.reads.get(cid, ())}  # what the closure's rules read
        base_offers = {f[OFFER_NAME]: f for f in facts[1:]}
        self.base_view = FactView(facts[0], base_offers, self.base_concluded)
        numbers = [self.base_facts[_owner(f)] for f in facts]  # what a trial reads where the change moves nothing
        self.base_numbers = FactView(numbers[0], {f[OFFER_NAME]: f for f in numbers[1:]}, self.base_concluded)
        self._condition_order: dict[tuple[str, str], tuple] = {}
        self._judging: dict[tuple[str, str], tuple] = {}  # (conclusion, subject) -> what ``judging`` gives
        self._base_values: dict[tuple[str, str], Any] = {}
        self._reach: dict[str, tuple[bool, bool]] = {}
        self._counts: dict[tuple, tuple] = {}  # ids of what the upgrade's counts read -> (those objects, the counts)
        self._condition_reads: dict[int, frozenset] = {}
        self._touched: dict[str, frozenset] = {}
        self.derived_by_fact: dict[str, set[str]] = {}  # input fact id -> the derived paths computed from it
        self.derived_by_prefix: dict[str, set[str]] = {}  # a section around input facts -> those derived paths
        for path, inputs in self.derived_from.items():
            for fact in inputs:
                self.derived_by_fact.setdefault(fact, set()).add(path)
        for fact, paths in self.derived_by_fact.items():
            for section in ancestors(fact):
                self.derived_by_prefix.setdefault(section, set()).update(paths)
        self._conclusion_reads: dict[str, frozenset] = {}
        self._moves: dict[str, tuple[bool, frozenset, bool]] = {}  # conclusion -> what ``moves`` gives

    def _index(self, targets: tuple[str, ...]) -> tuple[list[str], dict[str, set], dict[str, set]]:
        """The conclusions the targets rest on, each after those it rests on; what their rules read."""
        reads, rests_on = _reads_and_rests_on(self.knowledge)
        order: list[str] = []
        done: set = set()
        stack: list = [(target, False) for target in targets]
        while stack:  # depth first, explicit: a chain thousands deep is no recursion
            cid, expanded = stack.pop()
            if expanded:
                if cid not in done:
                    done.add(cid)
                    order.append(cid)
                continue
            if cid in done:
                continue
            stack.append((cid, True))
            stack.extend((dep, False) for dep in rests_on.get(cid, ()) if dep not in done)
        return order, reads, rests_on

    # --- the changed profile ---------------------------------------------------------------

    def changed_data(self, changes: tuple) -> dict:
        """The base data with the changes applied, copying only the sections they touch."""
        data = dict(self.data)
        for ref, value in changes:
            data = set_fact_shared(data, ref, value)
        return data

    def validated(self, data: dict) -> Profile:
        """The changed profile, validated as the vocabulary would validate it whole.

        Each field that differs from the base is assigned, with pydantic's validation of an
        assignment, on a copy of the base's validated model that holds it, and that model on
        a copy of its parent, up to the profile: the field's own validators and every model
        validator above it run (an offer's "each capability once", the profile's "the upgrade
        names an offer"), and nothing that did not change is validated again.
        """
        return _updated(self.profile, self.data, data)

    def run(self, changes: tuple) -> Optional[TrialFacts]:
        """The trial's facts and conclusions; None when the changed profile is not valid."""
        try:
            data = self.changed_data(changes)
            profile = self.validated(data)
        except (ValidationError, FactPathError):
            return None
        reach = [self.reach(ref) for ref, _ in changes]
        if not any(feeds or read for feeds, read in reach):
            return TrialFacts(data, self.base_view)  # nothing the conclusions read changes
        touched = frozenset().union(*(self.touched(ref) for ref, _ in changes))
        return TrialFacts(data, TrialView(self, data, profile, touched, any(feeds for feeds, _ in reach)))

    def derivation(self, data: dict, profile: Profile) -> Derivation:
        """The changed profile's derivation.  When no offer's value can differ from the
        base's (``offers_kept``), the offers' values are the base's (``derive``'s ``offers``):
        only the upgrade's and the company's are worked out."""
        if self.offers_kept(data, profile):
            return derive(profile, self.base_derivation.offers)
        return derive(profile)

    def offers_kept(self, data: dict, profile: Profile) -> bool:
        """Whether the changed profile's offers' derived values are the base's: the offers and
        the company as in the base, whether there is an upgrade and the offer it names too,
        and of the needs only what no offer's value reads changed (``_NEEDS_OFFERS_READ``);
        the upgrade's contents may differ (no offer's value reads them)."""
        base, upgrade = self.profile.upgrade, profile.upgrade
        if (base is None) != (upgrade is None) or (base is not None and upgrade.offer != base.offer):
            return False
        for key in data.keys() | self.data.keys():
            new, old = data.get(key), self.data.get(key)
            if new is old or key == "upgrade":
                continue
            if key != "needs" or not isinstance(new, dict) or not isinstance(old, dict):
                return False
            if any(new.get(name) is not old.get(name) and new.get(name) != old.get(name) for name in _NEEDS_OFFERS_READ):
                return False
        return True

    def upgrade_counts(self, model: Profile) -> dict:
        """A changed profile's upgrade counts (``_upgrade_counts``), worked out once per set of
        what they read: the upgrade's additions and fixes, the needs' capabilities, custom
        add-ons and pains, the target offer (``_COUNTED``).  A trial copies only what its
        change touches, so a change elsewhere (the upgrade's price) leaves these the same
        objects as another trial's, and the counts are that trial's."""
        upgrade = model.upgrade
        if upgrade is None:
            return {}
        target = next((o for o in model.offers if o.name == upgrade.offer), None)
        read = (*(getattr(upgrade, name) for name in _COUNTED[0]), *(getattr(model.needs, name) for name in _COUNTED[1]),
                target)
        key = tuple(map(id, read))
        known = self._counts.get(key)
        if known is None or any(a is not b for a, b in zip(known[0], read, strict=True)):
            out = Derivation()
            _upgrade_counts(out, model, target)
            known = self._counts[key] = (read, _engine_values(out.profile))  # what it read, kept: ids stay theirs
        return known[1]

    def base_value(self, path: str, subject: str) -> Any:
        """What a rule about ``subject`` reads at ``path`` in the base (numbers on the engine's grid)."""
        key = (path, subject)
        known = self._base_values.get(key, _UNREAD)
        if known is _UNREAD:
            known = self._base_values[key] = self.base_numbers.value(path, subject)
        return known

    def judging(self, cid: str, subject: str) -> tuple:
        """What a trial judges for ``cid`` about ``subject``: each rule instance that may
        conclude it, as (its subject, its conditions in ``condition_order`` each with what
        it reads when it holds unmoved, the reads of those that fail unmoved), worked out
        once (``blockers``)."""
        key = (cid, subject)
        known = self._judging.get(key)
        if known is None:
            known = self._judging[key] = tuple((one, *self.blockers(rule, one))
                                               for rule, one in self.instances[cid] if subject in (ANY_SUBJECT, one))
        return known

    def blockers(self, rule: Rule, subject: str) -> tuple[tuple, tuple]:
        """``rule``'s conditions for ``subject`` judged on the values a trial reads where the
        change moves nothing (``base_numbers``).  A trial that moves nothing a condition
        reads gives it those values (``TrialView.value``) and the base status of a
        conclusion it names (``TrialView.may_differ``), so the condition's status there is
        this one: the conditions in ``condition_order``, each with its reads if it holds
        (None: judge it whatever the change), and the reads of each that fails (a trial
        that moves none of one cannot fire the rule).  A condition that reads beyond the
        catalogue is always judged (any change may move it)."""
        conditions, failing = [], []
        for condition in self.condition_order(rule, subject):
            reads = self.condition_reads(condition)
            judged = reads <= catalogue_paths()
            held = judged and holds(condition, self.base_numbers, subject)
            if judged and not held:
                failing.append(reads)
            conditions.append((condition, reads if held else None))
        return tuple(conditions), tuple(failing)

    def condition_order(self, rule: Rule, subject: str) -> tuple:
        """``rule``'s conditions for ``subject``, cheapest to judge first (``_reading_cost``),
        then those that do not hold in the base: a trial judges a rule until a condition
        fails, and these are the ones that likely do."""
        key = (rule.id, subject)
        known = self._condition_order.get(key)
        if known is None:
            held = [holds(condition, self.base_view, subject) for condition in rule.conditions]
            ranked = sorted(((_reading_cost(c), h, c) for c, h in zip(rule.conditions, held, strict=True)),
                            key=lambda one: one[:2])
            known = self._condition_order[key] = tuple(c for _, _, c in ranked)
        return known

    def touches(self, ref: FactRef, condition: Any) -> bool:
        """Whether changing ``ref`` can change what ``condition`` reads: a value at one of its
        paths (the fact itself, the sections around it, a derived value the fact feeds), or,
        for a condition on a conclusion, a value any rule it rests on reads.  A condition
        that does not hold in the base and is not touched does not hold in the trial either
        (its status is a function of what it reads)."""
        reads = self.condition_reads(condition)
        return not self.touched(ref).isdisjoint(reads) or not reads <= catalogue_paths()

    def condition_reads(self, condition: Any) -> frozenset:
        """The paths a condition reads: its own, or for a condition on a conclusion, those
        of every rule the conclusion rests on."""
        reads = self._condition_reads.get(id(condition))  # the knowledge's conditions outlive the runner
        if reads is None:
            paths = condition.paths if isinstance(condition, FactCondition) else self.conclusion_reads(condition.id)
            reads = self._condition_reads[id(condition)] = frozenset(paths)
        return reads

    def touched(self, ref: FactRef) -> frozenset:
        """The catalogue paths whose value changing ``ref`` may change: its own, the sections
        it sits in and the fields inside it, and the derived values computed from it (or from
        a fact inside it or around it: ``related``, by index rather than by scan)."""
        key = ref.id
        known = self._touched.get(key)
        if known is None:
            around = ancestors(key)
            paths = {ref.path, *ancestors(ref.path), *_descendants().get(ref.path, ())}
            for fact in (key, *around):
                paths.update(self.derived_by_fact.get(fact, ()))
            paths.update(self.derived_by_prefix.get(key, ()))
            known = self._touched[key] = frozenset(paths)
        return known

    def moves(self, cid: str) -> tuple[bool, frozenset, bool]:
        """What ``TrialView.may_differ`` needs of ``cid``, the same for every trial, worked out
        once: whether trials judge it, what its rules and those it rests on read, and whether
        they read beyond the catalogue (then any change may move it)."""
        known = self._moves.get(cid)
        if known is None:
            reads = self.conclusion_reads(cid)
            known = self._moves[cid] = (cid in self.position, reads, not reads <= catalogue_paths())
        return known

    def conclusion_reads(self, cid: str) -> frozenset:
        """Every path the rules of ``cid``, and of the conclusions it rests on, read."""
        if cid not in self._conclusion_reads:
            paths: set = set()
            pending, seen = [cid], set()
            while pending:
                one = pending.pop()
                if one not in seen:
                    seen.add(one)
                    paths.update(self.reads.get(one, ()))
                    pending.extend(self.rests_on.get(one, ()))
            self._conclusion_reads[cid] = frozenset(paths)
        return self._conclusion_reads[cid]

    def reach(self, ref: FactRef) -> tuple[bool, bool]:
        """(whether a derived value of this profile is computed from the fact, its formula's
        inputs as ``proof.derived_inputs`` expands them here; whether a rule of the closure
        reads it): when neither, the trial's conclusions are the base's."""
        if ref.id not in self._reach:
            self._reach[ref.id] = (any(related(ref.id, fact) for fact in self.derive_inputs),
                                   any(related(path, ref.path) for path in self.read))
        return self._reach[ref.id]

    def inputs(self, data: dict, profile: Profile, owner: tuple) -> dict:
        """One fact's input values (engine names, numbers on the engine's grid) for the changed
        ``data``: the base's when its sections are the base's objects (a change copies only
        what it touches), else the changed sections flattened straight from their models
        (flattening reads a consultation's profile so: the same facts as from a dump), the
        others kept."""
        base = self.base_inputs[owner]
        if owner[1] is None:
            kept = [key for key in PROFILE_SECTIONS if data.get(key) is self.data.get(key)]
            if len(kept) == len(PROFILE_SECTIONS):
                return base
            fact = {}
            for key in kept:
                fact.update(self.base_by_section.get(key, ()))
            changed = tuple(key for key in PROFILE_SECTIONS if key not in kept)
            fact.update(_engine_numbers(profile_fact(profile, Derivation(), sections=changed)))
            return fact
        base_offers = {id(o) for o in self.data.get(OFFERS) or []}
        for offer_data, offer in zip(data.get(OFFERS) or [], profile.offers, strict=True):
            if offer.name == owner[1]:
                if id(offer_data) in base_offers:
                    return base
                return _engine_numbers(offer_fact(offer, Derivation(offers={offer.name: {}})))
        return {}


_READS: dict[int, tuple[dict, dict[str, set], dict[str, set]]] = {}  # id(rules index) -> it, reads, rests on


def _reads_and_rests_on(knowledge: KnowledgeBase) -> tuple[dict[str, set], dict[str, set]]:
    """Per conclusion: the paths its rules read, and the conclusions they rest on; worked out
    once per knowledge base (``rules_concluding``'s index, kept while its knowledge is)."""
    index = rules_concluding(knowledge)
    entry = _READS.get(id(index))
    if entry is None or entry[0] is not index:
        reads = {cid: {p for rule in rules for c in rule.conditions if isinstance(c, FactCondition) for p in c.paths}
                 for cid, rules in index.items()}
        rests_on = {cid: {c.id for rule in rules for c in rule.conclusion_conditions} for cid, rules in index.items()}
        if len(_READS) >= 8:  # knowledge bases come and go in tests: keep the few in use
            _READS.clear()
        entry = _READS[id(index)] = (index, reads, rests_on)
    return entry[1], entry[2]


def holds(condition, view: Any, subject: str) -> bool:
    """Whether one condition holds for ``subject`` on ``view`` (a ``FactView`` or a trial's)."""
    if isinstance(condition, FactCondition):
        if condition.alternatives:  # loops, not any() over a generator: this is the search's hottest call
            for alternative in condition.alternatives:
                if holds(alternative, view, subject):
                    return True
            return False
        value = view.value
        for test in condition.tests:
            if status_of_test(test, value(test.path, subject)) != HELD:
                return False
        return True
    return view.is_concluded(condition.id, conclusion_subject(condition, subject)) != condition.negated


# Derived values ``derive`` computes in one step from the upgrade, the needs and the target
# offer's items alone (``_upgrade_counts``): a trial that reads only these need not derive.
_UPGRADE_COUNTS = frozenset(f"upgrade.derived.{name}" for name in (
    "added_addon_count", "new_addition_count", "new_capability_count", "needed_addition_count", "needed_fix_count"))
_UNREAD = object()  # a base value not read yet (None is a value: not stated)
# What ``_upgrade_counts`` reads: of the upgrade, of the needs (and the target offer).
_COUNTED = (("adds_capabilities", "adds_custom_addons", "fixes_pain_points", "offer"),
            ("capabilities", "custom_addons", "pain_points"))
# The needs an offer's derived values read (``derive``: the must-haves, the usage billed,
# the months costs are spread over); a change to other needs (pain points, ...) keeps them.
_NEEDS_OFFERS_READ = ("capabilities", "custom_addons", "usage", "contract_months")


def _reading_cost(condition: Any) -> int:
    """What judging a condition on a trial may cost, cheapest first (a rule fires when all
    its conditions hold, in any order, so the order only decides what is worked out): input
    values (flattened), the upgrade's counts (sets), other derived values (the whole
    derivation), a conclusion (its own rules, whatever they read)."""
    if not isinstance(condition, FactCondition):
        return 3
    derived = [path for path in condition.paths if _reading(path)[0]]
    return 0 if not derived else 1 if all(path in _UPGRADE_COUNTS for path in derived) else 2


@cache
def _reading(path: str) -> tuple[bool, str, bool]:
    """How ``FactView.value`` reads a path: (derived, the engine key, whether it is a section's presence)."""
    spec = field_catalogue()[path]
    section = spec.kind == SECTION
    return spec.derived, spec.engine_name if section else value_field(path), section


def _owner(fact: dict) -> tuple:
    return (fact["t"], fact.get(OFFER_NAME))


def related(a: str, b: str) -> bool:
    """Same fact or path, or one inside the other (a section and its fields)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


# Facts derive.py reads that the catalogue does not list as inputs of a derived value
# (custom add-ons count like capabilities in must-have and upgrade counts), and the
# upgrade as a whole (what it targets and adds decides what the counts read).
_UNDECLARED_INPUTS = ("needs.custom_addons", "upgrade", "offers")


@lru_cache(maxsize=8192)  # paths and fact ids: a few hundred per knowledge base and profile
def ancestors(key: str) -> tuple[str, ...]:
    """The sections a path or fact id sits in: each prefix ending before a dot."""
    found, at = [], key.find(".")
    while at != -1:
        found.append(key[:at])
        at = key.find(".", at + 1)
    return tuple(found)


@cache
def catalogue_paths() -> frozenset:
    return frozenset(field_catalogue())


@cache
def _descendants() -> dict[str, frozenset]:
    """Catalogue path -> the catalogue paths inside it."""
    inside: dict[str, set] = {}
    for path in field_catalogue():
        for section in ancestors(path):
            inside.setdefault(section, set()).add(path)
    return {section: frozenset(paths) for section, paths in inside.items()}


def _derive_inputs(data: dict, offers: list[str]) -> dict[str, set[str]]:
    """Per derived path (all subjects together): the ids of the input facts it is computed
    from, the facts derive.py reads without the catalogue saying so included in each."""
    undeclared = set(_UNDECLARED_INPUTS) | {f"offers[{name}].custom_addons" for name in offers}
    inputs: dict[str, set[str]] = {}
    expanded: dict[tuple, list[str]] = {}  # (inputs entry, subject) -> its fact ids: entries recur across paths
    for path, spec in field_catalogue().items():
        if spec.derived:
            facts = inputs[path] = set(undeclared)
            subjects = offers if path.startswith("offer.") else [COMPANY_SUBJECT]
            for item in spec.inputs if subjects else ():  # ``derived_inputs``, each subject's, together
                # only an ``offer.`` entry stands for other facts per subject (``expand_input``)
                for subject in subjects if item.startswith("offer.") else subjects[:1]:
                    ids = expanded.get((item, subject))
                    if ids is None:
                        ids = expanded[item, subject] = [ref.id for ref in expand_input(item, subject, data)]
                    facts.update(ids)
            if spec.requires:
                for subject in subjects:
                    facts.update(ref.id for ref in unstated_requirements(path, subject, data))
    return inputs


def _derived_values(derivation) -> dict[tuple, dict]:
    """A derivation's values per fact owner (the profile, each offer), as ``_engine_values``."""
    derived = {(PROFILE_FACT, None): _engine_values(derivation.profile)}
    derived.update({(OFFER_FACT, name): _engine_values(values) for name, values in derivation.offers.items()})
    return derived


def _engine_values(values: dict) -> dict:
    """Derived values under their engine names, numbers on the engine's grid."""
    return {path.replace(".", ENGINE_SEPARATOR): engine_number(value) if type(value) is float else value
            for path, value in values.items()}


def _updated(model: BaseModel, before: dict, after: dict) -> BaseModel:
    """A copy of ``model`` (validated from ``before``) holding ``after``; raises ValidationError."""
    changed = model.model_copy()
    validator = type(model).__pydantic_validator__
    fields = type(model).model_fields
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is new or (type(new) not in (dict, list) and old == new):  # a change copies only what it
            continue  # touches: the rest is the same object (a copied section is compared field by field below)
        current = getattr(model, key, None) if key in fields else None
        if key not in after:
            value = fields[key].get_default(call_default_factory=True) if key in fields else None
        elif isinstance(new, dict) and isinstance(old, dict) and isinstance(current, BaseModel):
            value = _updated(current, old, new)
        elif isinstance(new, list) and isinstance(old, list) and isinstance(current, list):
            value = [_item(item, old, current, i) for i, item in enumerate(new)]
        else:
            value = new
        validator.validate_assignment(changed, key, value)
    return changed


def _item(item: Any, old: list, models: list, index: int) -> Any:
    """One item of a changed list: the base's model when unchanged, updated when the same
    named item changed (an offer), else as given (validated afresh)."""
    for position in (index, index + 1, *range(len(old))):  # where it was, or one on (an item removed before it)
        if position < len(old) and (old[position] is item or old[position] == item):
            return models[position]
    if (isinstance(item, dict) and index < len(old) and isinstance(old[index], dict)
            and isinstance(models[index], BaseModel) and "name" in item and old[index].get("name") == item["name"]):
        return _updated(models[index], old[index], item)
    return item


def _engine_numbers(fact: dict) -> dict:
    """Numbers as the engine compares them (rounded to its grid): the search judges what it would."""
    return {k: engine_number(v) if type(v) is float else v for k, v in fact.items()}
