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
* **derive** the changed profile as any consultation does (the figures depend on many
  facts at once; ``derive`` is the one place that knows how), unless no derived value is
  computed from the changed facts (``proof.derived_inputs``, i.e. the formulas' inputs):
  then the base's derivation stands; **flatten** only the changed sections;
* **re-infer only what depends on a changed value**: the flattened facts are compared
  with the base's; a conclusion whose rules read none of the changed values, and rest on no
  conclusion that changes, keeps its base status; the others are re-judged in dependency
  order by the same three-valued condition checks explanations use (``conditions.py``,
  which a test holds to the engine's firings on every worked case).  The rules form a DAG,
  so judging each conclusion after everything it rests on gives the engine's stratified
  result, negation included.

All of it lazily: a trial validates its changed data up front, derives and flattens on
first use of its facts, and judges conclusions on first use of them, so the search's
screen (``smallest_change.py``) decides what a trial costs.  The data is copied only along
the changed fact's path (``set_fact_shared``).

Only the conclusions the searched one rests on are re-judged (``TrialRunner.order``):
a trial's view answers for those and for the facts, nothing else.  Whatever the search
reports is then run through the real engine (``smallest_change.py``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, Optional

from pydantic import BaseModel, ValidationError

from expert.explain.conditions import (
    HELD,
    FactView,
    conclusion_instances,
    conclusion_subject,
    rules_concluding,
    status_of_test,
)
from expert.explain.proof import derived_inputs, unstated_requirements
from expert.facts.derive import derive
from expert.facts.factpaths import OFFERS, FactPathError, FactRef, set_fact_shared
from expert.facts.fields import ENGINE_SEPARATOR, LIST_ENUM, field_catalogue
from expert.facts.flatten import OFFER_FACT, PROFILE_FACT, offer_facts, profile_fact
from expert.facts.vocabulary import Profile
from expert.rulebase.compiler import COMPANY_SUBJECT, OFFER_NAME, value_field
from expert.rulebase.engine_numbers import engine_number
from expert.rulebase.rulebook import FactCondition, KnowledgeBase

_EVERYTHING = "*"  # a changed engine field no catalogue path names: re-judge every conclusion


class TrialFacts:
    """A changed profile as the search needs it: its data, and its facts with conclusions.

    Only the data is made up front (validating it says whether the trial counts at all);
    the facts are derived and flattened on first use, and the conclusions judged on first
    use: the search asks for neither on a trial whose change cannot matter (``touches``)."""

    def __init__(self, data: dict, view: Optional[FactView] = None,
                 build: Optional[Callable[[], tuple[list[dict], set, bool]]] = None,
                 judge: Optional[Callable[[list[dict], set], FactView]] = None,
                 base_concluded: frozenset = frozenset()) -> None:
        self.data, self._view, self._build, self._judge = data, view, build, judge
        self._base_concluded = base_concluded
        self._facts: Optional[tuple[list[dict], set]] = None
        self._facts_view: Optional[FactView] = None
        self._moved: Optional[bool] = None if build is not None else False

    def _built(self) -> tuple[list[dict], set]:
        if self._facts is None:
            assert self._build is not None
            facts, affected, self._moved = self._build()
            self._facts, self._build = (facts, affected), None
        return self._facts

    @property
    def moved(self) -> bool:
        """False when no target's rules read a changed value, so each stands as in the base."""
        if self._moved is None:
            self._built()
        return bool(self._moved)

    @property
    def view(self) -> FactView:
        if self._view is None:
            assert self._judge is not None
            self._view = self._judge(*self._built())
        return self._view

    @property
    def facts_view(self) -> FactView:
        """The trial's facts, for judging conditions on facts only: its conclusions are left
        unjudged (the base's stand in), so ask ``view`` for anything about a conclusion."""
        if self._view is not None:
            return self._view
        if self._facts_view is None:
            facts, _ = self._built()
            self._facts_view = FactView(facts[0], {f[OFFER_NAME]: f for f in facts[1:]}, self._base_concluded)
        return self._facts_view


def _engine_paths() -> dict[str, str]:
    """Engine field name -> the catalogue path whose value it carries."""
    paths: dict[str, str] = {}
    for path, spec in field_catalogue().items():
        paths[spec.engine_name] = path
        paths[value_field(path)] = path
        if spec.kind == LIST_ENUM:
            for choice in spec.choices:
                paths[f"{spec.engine_name}__{choice}"] = path
    return paths


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
        self.base_concluded = frozenset(concluded)
        self.engine_paths = _engine_paths()
        self.targets = set(targets)
        self.order, self.reads, self.rests_on = self._index(targets)
        self.position = {cid: number for number, cid in enumerate(self.order)}
        self.readers: dict[str, list[str]] = {}  # catalogue path -> the closure's conclusions whose rules read it
        self.dependents: dict[str, list[str]] = {}  # conclusion -> the closure's conclusions resting on it
        for cid in self.order:
            for path in self.reads.get(cid, ()):
                self.readers.setdefault(path, []).append(cid)
            for dep in self.rests_on.get(cid, ()):
                self.dependents.setdefault(dep, []).append(cid)
        self.instances = {cid: conclusion_instances(knowledge, cid, None, self.offers) for cid in self.order}
        self.read = {path for cid in self.order for path in self.reads.get(cid, ())}  # what the closure's rules read
        base_offers = {f[OFFER_NAME]: f for f in facts[1:]}
        self.base_view = FactView(facts[0], base_offers, self.base_concluded)
        self._reach: dict[str, tuple[bool, bool]] = {}
        self._condition_reads: dict[int, frozenset] = {}
        self._touched: dict[str, frozenset] = {}
        self.derived_by_fact: dict[str, set[str]] = {}  # input fact id -> the derived paths computed from it
        self.derived_by_prefix: dict[str, set[str]] = {}  # a section around input facts -> those derived paths
        for path, inputs in self.derived_from.items():
            for fact in inputs:
                self.derived_by_fact.setdefault(fact, set()).add(path)
                for section in _ancestors(fact):
                    self.derived_by_prefix.setdefault(section, set()).add(path)
        self._conclusion_reads: dict[str, frozenset] = {}

    def _index(self, targets: tuple[str, ...]) -> tuple[list[str], dict[str, set], dict[str, set]]:
        """The conclusions the targets rest on, each after those it rests on; what their rules read."""
        reads: dict[str, set] = {}
        rests_on: dict[str, set] = {}
        for cid, rules in rules_concluding(self.knowledge).items():
            reads[cid] = {p for rule in rules for c in rule.conditions if isinstance(c, FactCondition) for p in c.paths}
            rests_on[cid] = {c.id for rule in rules for c in rule.conclusion_conditions}
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
        feeds = any(feeds for feeds, _ in reach)
        return TrialFacts(data, build=lambda: self.judged(data, profile, feeds), judge=self.judge,
                          base_concluded=self.base_concluded)

    def judged(self, data: dict, profile: Profile, feeds: bool) -> tuple[list[dict], set, bool]:
        """The trial's facts (derived afresh when ``feeds``), the conclusions to re-judge for
        them, and whether a target may differ from the base's."""
        facts, fresh = self.facts(data, profile, derive(profile) if feeds else self.base_derivation)
        affected = self.affected(facts, fresh)
        return facts, affected, bool(affected & self.targets)

    def touches(self, ref: FactRef, condition: Any) -> bool:
        """Whether changing ``ref`` can change what ``condition`` reads: a value at one of its
        paths (the fact itself, the sections around it, a derived value the fact feeds), or,
        for a condition on a conclusion, a value any rule it rests on reads.  A condition
        that does not hold in the base and is not touched does not hold in the trial either
        (its status is a function of what it reads)."""
        reads = self._condition_reads.get(id(condition))  # the knowledge's conditions outlive the runner
        if reads is None:
            paths = condition.paths if isinstance(condition, FactCondition) else self.conclusion_reads(condition.id)
            reads = self._condition_reads[id(condition)] = frozenset(paths)
        return not self.touched(ref).isdisjoint(reads) or not reads <= _catalogue_paths()

    def touched(self, ref: FactRef) -> frozenset:
        """The catalogue paths whose value changing ``ref`` may change: its own, the sections
        it sits in and the fields inside it, and the derived values computed from it (or from
        a fact inside it or around it: ``related``, by index rather than by scan)."""
        key = ref.id
        known = self._touched.get(key)
        if known is None:
            around = _ancestors(key)
            paths = {ref.path, *_ancestors(ref.path), *_descendants().get(ref.path, ())}
            for fact in (key, *around):
                paths.update(self.derived_by_fact.get(fact, ()))
            paths.update(self.derived_by_prefix.get(key, ()))
            known = self._touched[key] = frozenset(paths)
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

    def facts(self, data: dict, profile: Profile, derivation) -> tuple[list[dict], dict[tuple, Optional[dict]]]:
        """The flattened facts: sections the changes left alone keep the base's flattening,
        with the newly derived values in place of the base's.  Also, per fact, the derived
        values put in (None for a fact flattened afresh): what may differ from the base."""
        derived = _derived_values(derivation)
        fresh: dict[tuple, Optional[dict]] = {}
        if all(data.get(key) is self.data.get(key) for key in ("company", "needs", "upgrade")):
            head = {**self.base_inputs[(PROFILE_FACT, None)], **derived[(PROFILE_FACT, None)]}
            fresh[(PROFILE_FACT, None)] = derived[(PROFILE_FACT, None)]
        else:
            head = _engine_numbers(profile_fact(profile, derivation))
            fresh[(PROFILE_FACT, None)] = None
        facts = [head]
        base_offers = {id(o) for o in self.data.get(OFFERS) or []}
        for offer_data, offer in zip(data.get(OFFERS) or [], profile.offers, strict=True):
            owner = (OFFER_FACT, offer.name)
            if id(offer_data) in base_offers:
                facts.append({**self.base_inputs[owner], **derived[owner]})
                fresh[owner] = derived[owner]
            else:
                # one offer flattened alone, from its own dump (as flattening dumps a profile)
                alone = {OFFERS: [offer.model_dump(mode="json", exclude_none=True)]}
                (fact,) = offer_facts(profile, derivation, alone)
                facts.append(_engine_numbers(fact))
                fresh[owner] = None
        return facts, fresh

    # --- re-inference ------------------------------------------------------------------

    def changed_paths(self, facts: list[dict], fresh: dict[tuple, Optional[dict]]) -> set:
        """Catalogue paths whose value differs from the base's in some fact (only the derived
        values can differ in a fact whose inputs were reused)."""
        changed: set = set()
        for fact in facts:
            owner = _owner(fact)
            derived = fresh.get(owner)
            if derived is not None:
                before, after = self.base_derived.get(owner, {}), derived
            else:
                before, after = self.base_facts.get(owner, {}), fact
            if before == after:
                continue
            for key in before.keys() | after.keys():
                if before.get(key) != after.get(key):
                    changed.add(self.engine_paths.get(key, _EVERYTHING))
        return changed

    def affected(self, facts: list[dict], fresh: dict[tuple, Optional[dict]]) -> set:
        """The conclusions of the closure whose rules read a changed value, or rest on one that does."""
        changed = self.changed_paths(facts, fresh)
        if _EVERYTHING in changed:
            return set(self.order)
        pending = [cid for path in changed for cid in self.readers.get(path, ())]
        affected: set = set()
        while pending:  # what reads a changed value, then what rests on that
            cid = pending.pop()
            if cid not in affected:
                affected.add(cid)
                pending.extend(self.dependents.get(cid, ()))
        return affected

    def judge(self, facts: list[dict], affected: set) -> FactView:
        """Conclusions of the closure for these facts: the base's, re-judged where ``affected``."""
        concluded = {item for item in self.base_concluded if item[0] not in affected}
        offers = {f[OFFER_NAME]: f for f in facts[1:]}
        view = FactView(facts[0], offers, concluded)  # type: ignore[arg-type]  # filled in below, then frozen
        for cid in sorted(affected, key=self.position.__getitem__):  # each after what it rests on
            for rule, subject in self.instances[cid]:
                if (cid, subject) not in concluded and _fires(rule, view, subject):
                    concluded.add((cid, subject))
        return FactView(facts[0], offers, frozenset(concluded))


def _fires(rule, view: FactView, subject: str) -> bool:
    """Whether every condition holds: ``check_rule``'s judgement, without its report,
    stopping at the first condition that does not hold."""
    return all(_holds(condition, view, subject) for condition in rule.conditions)


def _holds(condition, view: FactView, subject: str) -> bool:
    if isinstance(condition, FactCondition):
        if condition.alternatives:
            return any(_holds(alternative, view, subject) for alternative in condition.alternatives)
        return all(status_of_test(test, view.value(test.path, subject)) == HELD for test in condition.tests)
    return view.is_concluded(condition.id, conclusion_subject(condition, subject)) != condition.negated


def _owner(fact: dict) -> tuple:
    return (fact["t"], fact.get(OFFER_NAME))



def related(a: str, b: str) -> bool:
    """Same fact or path, or one inside the other (a section and its fields)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


# Facts derive.py reads that the catalogue does not list as inputs of a derived value
# (custom add-ons count like capabilities in must-have and upgrade counts), and the
# upgrade as a whole (what it targets and adds decides what the counts read).
_UNDECLARED_INPUTS = ("needs.custom_addons", "upgrade", "offers")


def _ancestors(key: str) -> list[str]:
    """The sections a path or fact id sits in: each prefix ending before a dot."""
    return [key[:i] for i, char in enumerate(key) if char == "."]


@cache
def _catalogue_paths() -> frozenset:
    return frozenset(field_catalogue())


@cache
def _descendants() -> dict[str, frozenset]:
    """Catalogue path -> the catalogue paths inside it."""
    inside: dict[str, set] = {}
    for path in field_catalogue():
        for section in _ancestors(path):
            inside.setdefault(section, set()).add(path)
    return {section: frozenset(paths) for section, paths in inside.items()}


def _derive_inputs(data: dict, offers: list[str]) -> dict[str, set[str]]:
    """Per derived path (all subjects together): the ids of the input facts it is computed
    from, the facts derive.py reads without the catalogue saying so included in each."""
    undeclared = set(_UNDECLARED_INPUTS) | {f"offers[{name}].custom_addons" for name in offers}
    inputs: dict[str, set[str]] = {}
    for path, spec in field_catalogue().items():
        if spec.derived:
            facts = inputs[path] = set(undeclared)
            for subject in offers if path.startswith("offer.") else [COMPANY_SUBJECT]:
                facts.update(ref.id for ref in derived_inputs(path, subject, data))
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
        if old == new:
            continue
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
        if position < len(old) and old[position] == item:
            return models[position]
    if (isinstance(item, dict) and index < len(old) and isinstance(old[index], dict)
            and isinstance(models[index], BaseModel) and "name" in item and old[index].get("name") == item["name"]):
        return _updated(models[index], old[index], item)
    return item


def _engine_numbers(fact: dict) -> dict:
    """Numbers as the engine compares them (rounded to its grid): the search judges what it would."""
    return {k: engine_number(v) if type(v) is float else v for k, v in fact.items()}
