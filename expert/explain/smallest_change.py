"""The smallest change of input facts that would make a conclusion hold.

Every candidate is a changed profile, validated like any input; its conclusions are judged
by ``trials.py`` (only what the change can affect is re-judged, by the rules' own conditions),
and the change reported is run through the real engine before it is reported, so a change
reported is a change that works.  The search:

1. the input facts the conclusion can depend on: those its rules test (through derived
   values too), and, recursively, those of the conclusions its rules need or need absent;
2. for each, candidate values inside the vocabulary's domain: every choice of an enum or
   boolean, unset, the thresholds rules compare a number with (and one step either side),
   a list with one item more or less;
3. every single change is run; if one works, it is the answer (fewest facts: one).  A
   change is screened first, from the rules and the catalogue alone (``can_fix``; for any
   value of every fact at once as sets of facts, ``screen.py``): it is
   judged only if it may make each failing condition of some rule hold, and run at all
   only if it may also fix a condition a combination below needs.  Most single changes
   cannot (they touch one failing condition of a rule missing two); a test holds the
   screen to what the trials find on every candidate of a spread of worked cases;
4. otherwise, for each rule that could conclude it, each condition that does not hold is
   paired with the single changes that make it hold on their own, and the combinations
   (one change per condition, up to ``MAX_FACTS`` facts) are run, smallest first.

When no rule can conclude it for the subject (an offer conclusion with no such offer), or
every rule has a condition no value of the domain satisfies, no input change can help and
the answer says so.  Otherwise "not found" states how far the search went.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from typing import Any, Optional, Union

from pydantic import ValidationError

from expert.advice.consultation import Consultant
from expert.advice.model import Text
from expert.explain.conditions import (
    HELD,
    FactView,
    check_rule,
    conclusion_instances,
    conclusion_subject,
    rules_concluding,
    status_of_test,
)
from expert.explain.model import FactChange, SmallestChange
from expert.explain.proof import derived_inputs, unstated_requirements
from expert.explain.screen import ScreenSets
from expert.explain.trials import TrialFacts, TrialRunner, holds, related
from expert.facts.derive import derive
from expert.facts.factpaths import FactPathError, FactRef, expand_input, get_fact, input_facts_of, set_fact
from expert.facts.fields import BOOL, ENUM, LIST_ENUM, NUMBER, SECTION, field_catalogue, section_fields
from expert.facts.flatten import input_facts
from expert.facts.validation import validate_profile
from expert.facts.vocabulary import Availability, Capability
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT
from expert.rulebase.engine_numbers import engine_number
from expert.rulebase.rulebook import (
    ABOUT_COMPANY,
    FactCondition,
    FactTest,
    KnowledgeBase,
    Rule,
    thresholds_by_field,
)

MAX_FACTS = 3
MAX_RUNS = 1500  # engine runs per search (about 2 ms each)


class _AnyValue:
    """Stands for every value of a fact when the screen asks about the fact alone."""

    def __repr__(self) -> str:
        return "<any value>"


_ANY_VALUE = _AnyValue()


@dataclass
class _Trial:
    changes: tuple  # ((fact ref, value), ...)
    data: dict
    judged: Union[FactView, TrialFacts]  # the engine's view, or the trial's (judged on first use)

    @property
    def view(self) -> FactView:
        return self.judged if isinstance(self.judged, FactView) else self.judged.view

    @property
    def moved(self) -> bool:
        """False when no watched conclusion can differ from the base's (so none is reached)."""
        return isinstance(self.judged, FactView) or self.judged.moved


@dataclass
class _ScreenPlan:
    """The screen's answers for one fact with any value, and what is left to ask per value."""

    reach_any: bool  # some rule may conclude it, whatever the value
    fix_any: bool  # some condition a combination needs may be fixed, whatever the value
    reach_open: list  # (subject, conditions reading the field) of each rule the value may complete
    fix_reading: list  # (subject, condition reading the field) a value may fix
    fix_without_value: bool  # a condition that does not read the field may be fixed


class SmallestChangeSearch:
    def __init__(self, consultant: Consultant, data: dict, cid: str, subject: Optional[str], base: FactView) -> None:
        self.consultant, self.knowledge = consultant, consultant.knowledge
        self.data, self.cid, self.subject, self.base = data, cid, subject, base
        self.offers = [o["name"] for o in data.get("offers") or []]
        self.before = input_facts_of(data)
        self.runs = 0
        self.max_runs = MAX_RUNS  # a caller searching many times (lint) may spend less per search
        self.thresholds = rule_thresholds(self.knowledge)
        self.screening = True  # trials judged by TrialRunner; off (engine only) should it ever disagree
        self._runner: Optional[TrialRunner] = None
        self._sets: Optional[ScreenSets] = None
        self._refs: Optional[list[FactRef]] = None
        self._checked: dict[tuple[str, str], tuple] = {}  # (rule, subject) -> its conditions judged on the base
        self._checked_of: dict[tuple[str, str], list] = {}  # (conclusion, subject) -> those of its rules
        self._plans: dict[str, _ScreenPlan] = {}  # fact -> the screen's work for all its values
        self._masks: Optional[tuple] = None  # (needs, per need its checks' fix masks, reach mask, fix mask)
        self._can_turn: dict[tuple, bool] = {}  # (fact, value, conclusion, subject, concluded) -> whether it may
        self._can_fix: dict[tuple, bool] = {}  # (fact, value, condition judged, subject) -> whether it may
        self._unstated: dict[tuple[str, str], tuple] = {}  # (derived path, subject) -> see ``unmet_requirements``

    def watched(self) -> tuple[str, ...]:
        """The conclusions ``reached`` looks at (a trial's view answers for these and what they rest on)."""
        return (self.cid,)

    @property
    def runner(self) -> TrialRunner:
        if self._runner is None:
            facts = [self.base.profile, *self.base.offers.values()]
            self._runner = TrialRunner(self.knowledge, validate_profile(self.data), self.data, facts,
                                       set(self.base.concluded), self.watched())
        return self._runner

    @property
    def sets(self) -> ScreenSets:
        """The screen for any value, worked out for every candidate fact at once (``screen.py``)."""
        if self._sets is None:
            self._sets = ScreenSets(self, self.relevant_refs(), _ANY_VALUE)
        return self._sets

    # --- running ----------------------------------------------------------------------

    def trial(self, changes: tuple) -> Optional[_Trial]:
        """The changed profile's facts and conclusions (``trials.py``: only what the change can
        affect is re-judged); None when it is not a valid profile."""
        if not self.screening:
            return self.engine_trial(changes)
        judged = self.runner.run(changes)
        if judged is None:
            return None
        self.runs += 1
        return _Trial(changes, judged.data, judged)

    def confirmed(self, trial: _Trial) -> bool:
        """Whether the engine, run on the trial's profile, reaches the conclusion too.

        It always has (a test holds the trials to the engine); should it ever not, the rest
        of the search runs the engine on every trial, as it did before trials were cheap."""
        if not self.screening:
            return True
        checked = self.engine_trial(trial.changes, counted=False)
        if checked is not None and self.reached(checked.view):
            return True
        self.screening = False
        trial.judged = checked.view if checked is not None else trial.view
        return False

    def engine_trial(self, changes: tuple, counted: bool = True) -> Optional[_Trial]:
        """Apply changes, validate, run the engine; None when the result is not a valid profile."""
        data = self.data
        try:
            for ref, value in changes:
                data = set_fact(data, ref, value)
            profile = validate_profile(data)  # ``Profile.model_validate``'s answer, faster when well-formed
        except (ValidationError, FactPathError):
            return None
        self.runs += counted
        derivation = derive(profile)
        facts = input_facts(profile, derivation)
        outcome = self.consultant.engine.run(facts, trace=False)
        return _Trial(changes, data, FactView.build(facts, set(outcome.conclusions)))

    def reached(self, view: FactView) -> bool:
        return view.is_concluded(self.cid, self.subject or ANY_SUBJECT)

    # --- the search -------------------------------------------------------------------

    def run(self) -> SmallestChange:
        instances = self.instances()
        if not instances:
            return self.impossible(Text(
                en=f"No change to the facts of the offers given can: every rule that concludes {self.cid} is about an"
                   " offer, and there is no such offer; name one first (e.g. whatif --set offers=NAME).",
                zh="改变已有方案的事实都无法做到：能得出这一结论的规则都针对某个方案，而资料中没有这样的方案；"
                   "请先加入一个方案（例如 whatif --set offers=名称）。"))
        if all(self.unsatisfiable(rule, subject) for rule, subject in instances):
            return self.impossible(Text(
                en=f"No input change can: every rule that concludes {self.cid} has a condition"
                   " no value of the vocabulary satisfies.",
                zh="任何输入的改变都无法做到：能得出这一结论的每条规则都有一个任何取值都无法满足的条件。"))
        needs = self.needs(instances)
        singles: list[_Trial] = []
        screened = 0
        for ref, value in self.candidates():
            if self.runs >= self.max_runs:
                break
            reach = self.may_reach(ref, value, needs)
            if not self.may_matter(ref, value, needs, reach):
                screened += 1  # it can neither reach the conclusion nor fix a condition of a combination: not run
                continue
            trial = self.trial(((ref, value),))
            if trial is None:
                continue
            if reach and trial.moved and self.reached(trial.view) and self.confirmed(trial):
                return self.found(trial)
            singles.append(trial)
        for combo in self.combinations(needs, singles):
            if self.runs >= self.max_runs:
                break
            trial = self.trial(combo)
            if trial is not None and trial.moved and self.reached(trial.view) and self.confirmed(trial):
                return self.found(trial)
        considered = screened + self.runs
        return SmallestChange(found=False, candidates_tried=self.runs, statement=Text(
            en=f"No change of up to {MAX_FACTS} facts found among the {considered:,} considered"
               " (values from the rules' thresholds and the vocabulary's choices):"
               f" {screened:,} could touch no condition it needs and {self.runs:,} were tried.",
            zh=f"在考虑过的 {considered} 种改变（取值来自规则阈值与词表选项）中，"
               f"没有找到最多改变 {MAX_FACTS} 项事实就能成立的方案：其中 {screened} 种触及不到所需的任何条件，"
               f"其余 {self.runs} 种逐一试过。"))

    def found(self, trial: _Trial) -> SmallestChange:
        after = input_facts_of(trial.data)
        dropped_upgrade = "upgrade" in self.before and "upgrade" not in after  # its details go with it: one change
        changes = [FactChange(fact=fact, before=self.before.get(fact), after=after.get(fact))
                   for fact in sorted(set(self.before) | set(after)) if self.before.get(fact) != after.get(fact)
                   and not (dropped_upgrade and fact.startswith("upgrade."))]
        count = len(changes)
        return SmallestChange(found=True, changes=changes, candidates_tried=self.runs, statement=Text(
            en=f"Changing {count} fact{'s' if count != 1 else ''} would make it hold (checked by running the rules).",
            zh=f"改变 {count} 项事实即可使其成立（已运行规则验证）。"))

    def impossible(self, statement: Text) -> SmallestChange:
        return SmallestChange(found=False, statement=statement, candidates_tried=self.runs)

    def instances(self) -> list[tuple[Rule, str]]:
        return conclusion_instances(self.knowledge, self.cid, self.subject, self.offers)

    def unsatisfiable(self, rule: Rule, subject: str, seen: frozenset = frozenset()) -> bool:
        """Conditions of ``rule`` no domain value can satisfy together (input fields only: a sure answer)."""
        by_path: dict[str, list[FactTest]] = {}
        for condition in rule.fact_conditions:
            if not condition.alternatives:  # conditions and their tests all hold together
                for test in condition.tests:
                    by_path.setdefault(test.path, []).append(test)
        for path, tests in by_path.items():
            spec = field_catalogue()[path]
            if spec.derived or spec.kind == SECTION:
                continue
            domain = self.domain(path)
            if domain is not None and not any(all(status_of_test(t, v) == HELD for t in tests) for v in domain):
                return True
        for condition in rule.conclusion_conditions:
            if not condition.negated and condition.id not in seen:
                producers = conclusion_instances(self.knowledge, condition.id, conclusion_subject(condition, subject),
                                                 self.offers)
                if all(self.unsatisfiable(r, s, seen | {condition.id}) for r, s in producers):
                    return True
        return False

    def domain(self, path: str) -> Optional[list]:
        """Every value worth trying for a field, or None when the domain is too wide to list."""
        spec = field_catalogue()[path]
        if spec.kind == BOOL:
            return [True, False, None]
        if spec.kind == ENUM:
            return [*spec.choices, None]
        if spec.kind == NUMBER:
            return self.numbers(path, None) + [None]
        return None

    # --- candidates -------------------------------------------------------------------

    def relevant_refs(self) -> list[FactRef]:
        """Input facts the conclusion can depend on (through rules, derived values, and other conclusions)."""
        if self._refs is None:
            self._refs = self._relevant_refs()
        return list(self._refs)

    def _relevant_refs(self) -> list[FactRef]:
        refs: dict[str, FactRef] = {}
        asked: set[tuple[str, str]] = set()  # (path, subject) already expanded: again would add nothing
        pending, seen = [self.cid], set()
        while pending:
            cid = pending.pop()
            if cid in seen:
                continue
            seen.add(cid)
            for rule in rules_concluding(self.knowledge).get(cid, ()):
                subjects = [COMPANY_SUBJECT] if rule.about == ABOUT_COMPANY else self.offers
                for subject in subjects:
                    for path in (p for c in rule.fact_conditions for p in c.paths):
                        if (path, subject) not in asked:
                            asked.add((path, subject))
                            for ref in self.refs_for(path, subject):
                                refs.setdefault(ref.id, ref)
                pending += [c.id for c in rule.conclusion_conditions]
        return list(refs.values())

    def refs_for(self, path: str, subject: str) -> list[FactRef]:
        spec = field_catalogue()[path]
        if spec.derived:
            refs = derived_inputs(path, subject, self.data)
            if any(i.endswith("capabilities") for i in spec.inputs):  # which capabilities: all, not just the listed
                target = subject if subject != COMPANY_SUBJECT else (self.data.get("upgrade") or {}).get("offer")
                if target:
                    refs += [FactRef(path, target) for path in _capability_paths()]
            return [r for r in refs if r.path != "offers"]
        if spec.kind == SECTION and path != "upgrade":
            return [FactRef(p, subject if p.startswith("offer.") else None) for p in section_fields(path)]
        return [FactRef(path, subject if path.startswith("offer.") else None)]

    def candidates(self) -> list[tuple[FactRef, Any]]:
        """Single changes, those that also state an upgrade (two facts: there is one, and this) last."""
        no_upgrade = self.data.get("upgrade") is None
        return sorted(self._candidates(), key=lambda c: no_upgrade and c[0].path.startswith("upgrade."))

    def _candidates(self) -> list[tuple[FactRef, Any]]:
        result = []
        for ref in self.relevant_refs():
            current = get_fact(self.data, ref)
            for value in self.values(ref, current):
                if value != current:
                    result.append((ref, value))
        return result

    def values(self, ref: FactRef, current: Any) -> list:
        path = ref.path
        if path == "upgrade":
            return [None if current else True]
        if path == "company.in_house_estimate":
            return [{"engineer_months": 6, "monthly_cost_per_engineer_usd": 10_000},
                    {"engineer_months": 60, "monthly_cost_per_engineer_usd": 20_000}, None]
        if path.startswith("offer.capabilities."):
            return [a.value for a in Availability] + [None]
        if path == "upgrade.offer":
            return [*self.offers, None]
        spec = field_catalogue().get(path)
        if spec is None:
            return []
        if spec.kind == LIST_ENUM:
            items = list(current or [])
            options = [[*items, c] for c in spec.choices if c not in items]
            options += [[i for i in items if i != c] for c in items]
            return options + ([[]] if current else []) + [None]
        return self.domain(path) or []

    def numbers(self, path: str, current: Optional[float]) -> list:
        spec = field_catalogue()[path]
        step = 1 if spec.integer else 0.01
        found = set()
        for threshold in self.thresholds.get(path, ()):
            found |= {threshold, threshold - step, threshold + step}
        if not found:  # a number only a derived value reads: try orders of magnitude
            found = {0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000}
            if current:
                found |= {current / 2, current * 2, current * 10}
        low = spec.minimum if spec.minimum is not None else float("-inf")
        high = spec.maximum if spec.maximum is not None else float("inf")
        values = sorted(v for v in found if low <= v <= high and not (spec.minimum == 0 and v < 0))
        return [int(v) if step == 1 or v == int(v) else round(v, 2) for v in values]

    def needs(self, instances: list) -> list[tuple[str, list]]:
        """Per rule instance (rule, subject): its conditions that do not hold in the base."""
        return [(subject, [check for check in checks if check.status != HELD])
                for subject, checks in self.checked(instances)]

    def checked(self, instances: list) -> list[tuple[str, tuple]]:
        """Per rule instance (rule, subject): its conditions judged on the base."""
        result = []
        for rule, subject in instances:
            key = (rule.id, subject)
            if key not in self._checked:
                self._checked[key] = check_rule(rule, self.base, subject)
            result.append((subject, self._checked[key]))
        return result

    def checked_of(self, cid: str, subject: str) -> list[tuple[str, tuple]]:
        key = (cid, subject)
        if key not in self._checked_of:
            self._checked_of[key] = self.checked(conclusion_instances(self.knowledge, cid, subject, self.offers))
        return self._checked_of[key]

    def may_reach(self, ref: FactRef, value: Any, needs: list[tuple[str, list]]) -> bool:
        """Whether setting ``ref`` to ``value`` alone can make some rule conclude it: it must fix
        every condition of that rule that does not hold (``can_fix``), for any value of the
        fact and for this one.  When it cannot, the trial's facts are never derived,
        flattened or judged for the target."""
        if not self.screening:
            return True
        plan = self.screen_plan(ref, needs)
        if not plan.reach_any or ref.path not in self.runner.read:
            return plan.reach_any
        return any(all(self.can_fix(ref, value, check, subject) for check in reading)
                   for subject, reading in plan.reach_open)

    def may_matter(self, ref: FactRef, value: Any, needs: list[tuple[str, list]], reach: bool) -> bool:
        """Whether a single change is worth a trial: it may reach the conclusion (``reach``),
        or fix a condition of a rule the combinations complete (those missing 1 to
        ``MAX_FACTS`` conditions), for any value of the fact and for this one.  A change
        that can do neither cannot change the answer: it is not run."""
        if reach:
            return True
        plan = self.screen_plan(ref, needs)
        if not plan.fix_any or ref.path not in self.runner.read:
            return plan.fix_any
        return plan.fix_without_value or any(self.can_fix(ref, value, check, subject)
                                             for subject, check in plan.fix_reading)

    def screen_plan(self, ref: FactRef, needs: list[tuple[str, list]]) -> _ScreenPlan:
        """The screen's work for one fact, done once for all its values.  ``can_fix`` gives
        the same answer for every value on a condition that reads nothing at the field set
        (it asks with any value there), so per value only the conditions that do read it
        are asked again: for reaching, a rule is open to a value when every other condition
        it misses can be fixed; for fixing, one condition that can be is enough."""
        plan = self._plans.get(ref.id)
        if plan is None and (bit := self.sets.bit(ref)):
            plan = self._plans[ref.id] = self._plan_by_sets(ref, bit, needs)
        elif plan is None:
            reads = self.runner.condition_reads
            reach_open, fix_reading, fix_without_value = [], [], False
            for subject, checks in needs:
                reading, others = [], []
                for check in checks:
                    (reading if ref.path in reads(check.condition) else others).append(check)
                if all(self.can_fix(ref, _ANY_VALUE, check, subject) for check in others):
                    reach_open.append((subject, reading))
                if len(checks) <= MAX_FACTS:
                    fix_reading += [(subject, check) for check in reading]
                    fix_without_value = fix_without_value or any(
                        self.can_fix(ref, _ANY_VALUE, check, subject) for check in others)
            plan = self._plans[ref.id] = _ScreenPlan(
                reach_any=any(all(self.can_fix(ref, _ANY_VALUE, check, subject) for check in checks)
                              for subject, checks in needs),
                fix_any=any(self.can_fix(ref, _ANY_VALUE, check, subject)
                            for subject, checks in needs if len(checks) <= MAX_FACTS for check in checks),
                reach_open=reach_open, fix_reading=fix_reading, fix_without_value=fix_without_value)
        return plan

    def _plan_by_sets(self, ref: FactRef, bit: int, needs: list[tuple[str, list]]) -> _ScreenPlan:
        """``screen_plan`` for a fact the screen's sets cover: ``can_fix`` with any value is
        then ``sets.fix(check, subject) & bit``, so each need's masks are worked out once per
        search (``_need_masks``) and a fact's plan is bit tests, not calls."""
        masks, reach_mask, fix_mask = self._need_masks(needs)
        reach_open, fix_reading, fix_without_value = [], [], False
        if ref.path in self.runner.read:  # the per-value questions are asked only then (``may_reach``, ``may_matter``)
            for subject, items in masks:
                reading, others_fixed, other_fixed = [], True, False
                for check, mask, reads in items:
                    if ref.path in reads:
                        reading.append(check)
                    elif mask & bit:
                        other_fixed = True
                    else:
                        others_fixed = False
                if others_fixed:
                    reach_open.append((subject, reading))
                if len(items) <= MAX_FACTS:
                    fix_reading += [(subject, check) for check in reading]
                    fix_without_value = fix_without_value or other_fixed
        return _ScreenPlan(reach_any=bool(reach_mask & bit), fix_any=bool(fix_mask & bit), reach_open=reach_open,
                           fix_reading=fix_reading, fix_without_value=fix_without_value)

    def _need_masks(self, needs: list[tuple[str, list]]) -> tuple[list, int, int]:
        """Per need (subject, its failing checks): each check with the facts that may fix it
        and the paths it reads; the facts that may fix every check of some need (reach), and
        those that may fix some check of a need small enough to combine (fix)."""
        if self._masks is None or self._masks[0] is not needs:
            sets, reads = self.sets, self.runner.condition_reads
            masks = [(subject, [(check, sets.fix(check, subject), reads(check.condition)) for check in checks])
                     for subject, checks in needs]
            reach_mask = fix_mask = 0
            for _, items in masks:
                every = sets.every
                for _, mask, _ in items:
                    every &= mask
                reach_mask |= every
                if len(items) <= MAX_FACTS:
                    for _, mask, _ in items:
                        fix_mask |= mask
            self._masks = (needs, masks, reach_mask, fix_mask)
        return self._masks[1], self._masks[2], self._masks[3]

    def can_fix(self, ref: FactRef, value: Any, check, subject: str) -> bool:
        """Whether setting ``ref`` to ``value`` alone can make ``check``, a condition of a rule
        about ``subject`` that does not hold in the base, hold.  A necessary condition, never
        a sufficient one: a condition on facts needs each of its tests that does not hold to
        read a value the change can move (``may_move``); a condition on a conclusion needs the
        change to be able to conclude it, or to take it away (``can_turn``)."""
        condition = check.condition
        if value is not _ANY_VALUE and ref.path not in self.runner.condition_reads(condition):
            value = _ANY_VALUE  # the condition reads nothing at the field set itself: the value cannot decide
        if value is _ANY_VALUE and (bit := self.sets.bit(ref)):
            return bool(self.sets.fix(check, subject) & bit)
        key = (ref.id, repr(value), id(check), subject)
        known = self._can_fix.get(key)
        if known is None:
            if isinstance(condition, FactCondition):
                if condition.alternatives:
                    known = self.runner.touches(ref, condition)
                else:
                    known = all(self.may_move(ref, value, item, subject, True)
                                for item in check.tests if item.status != HELD)
            else:
                known = self.can_turn(ref, value, condition.id, check.subject, not condition.negated)
            self._can_fix[key] = known
        return known

    def can_break(self, ref: FactRef, value: Any, check, subject: str) -> bool:
        """Whether the change can make ``check``, a condition that holds in the base, fail."""
        if value is _ANY_VALUE and (bit := self.sets.bit(ref)):
            return bool(self.sets.brk(check, subject) & bit)
        condition = check.condition
        if isinstance(condition, FactCondition):
            if condition.alternatives:
                return self.runner.touches(ref, condition)
            return any(self.may_move(ref, value, item, subject, False) for item in check.tests)
        return self.can_turn(ref, value, condition.id, check.subject, condition.negated)

    def can_turn(self, ref: FactRef, value: Any, cid: str, subject: str, concluded: bool) -> bool:
        """Whether the change can make ``cid`` (about ``subject``) concluded when it is not, or
        not concluded when it is: the first needs one of its rules to be able to fire (each
        condition that does not hold, fixed); the second, each rule that fires in the base
        to be able to stop (one of its conditions, broken).  The rules form a DAG."""
        if value is not _ANY_VALUE and ref.path not in self.runner.conclusion_reads(cid):
            value = _ANY_VALUE  # no rule below reads the field set itself: the value cannot decide
        if value is _ANY_VALUE and (bit := self.sets.bit(ref)):
            return bool(self.sets.turn(cid, subject, concluded) & bit)
        key = (ref.id, repr(value), cid, subject, concluded)
        known = self._can_turn.get(key)
        if known is None:
            self._can_turn[key] = True  # a cycle (there is none: the rules form a DAG) stays possible
            instances = self.checked_of(cid, subject)
            if concluded:
                known = any(all(self.can_fix(ref, value, check, one) for check in checks if check.status != HELD)
                            for one, checks in instances)
            else:
                known = all(any(self.can_break(ref, value, check, one) for check in checks)
                            for one, checks in instances if all(check.status == HELD for check in checks))
            self._can_turn[key] = known
        return known

    def may_move(self, ref: FactRef, value: Any, item, subject: str, to_hold: bool) -> bool:
        """Whether setting ``ref`` to ``value`` can make a test hold (``to_hold``) or fail.

        An input field: only the fact itself (or a section around it or inside it) of the
        same subject moves it, and a plain value set on the field itself is simply tested.
        A derived value: only a fact it is computed from moves it, and one not computed in
        the base (unknown) is computed only once each fact it requires is stated (the
        catalogue's ``requires``): one change must state them all."""
        path = item.test.path
        spec = field_catalogue()[path]
        if spec.derived:
            if path not in self.runner.touched(ref):
                return False
            return not to_hold or item.value is not None or self.states_requirements(ref, path, subject)
        if (ref.offer if path.startswith("offer.") else None) != (subject if path.startswith("offer.") else None):
            return False
        if not related(ref.path, path):
            return False
        if (ref.path == path and spec.kind in (BOOL, ENUM, NUMBER) and value is not _ANY_VALUE
                and (value is None or type(value) in (bool, int, float, str))):
            shown = [value, engine_number(float(value))] if type(value) in (int, float) else [value]
            return any((status_of_test(item.test, one) == HELD) == to_hold for one in shown)
        return True

    def states_requirements(self, ref: FactRef, path: str, subject: str) -> bool:
        """Whether changing ``ref`` can state every fact a derived value requires that the base
        leaves unstated (a requirement with alternatives is met by stating any of them)."""
        fact = ref.id
        return all(any(related(fact, one) for one in unstated) for unstated in self.unmet_requirements(path, subject))

    def unmet_requirements(self, path: str, subject: str) -> tuple[tuple[str, ...], ...]:
        """For ``states_requirements``, worked out once per derived path and subject (the
        screen asks for every fact): per requirement of ``path`` the base leaves unmet, the
        ids of its unstated facts (one of them must be stated)."""
        key = (path, subject)
        known = self._unstated.get(key)
        if known is None:
            owner = subject if subject != COMPANY_SUBJECT else None
            found = []
            for requirement in field_catalogue()[path].requires:
                options = requirement.split("|") if "=" not in requirement else [requirement.partition("=")[0]]
                refs = [one for option in options for one in expand_input(option, owner, self.data)]
                if any(get_fact(self.data, one) is not None for one in refs) and "=" not in requirement:
                    continue
                unstated = [one for one in refs if get_fact(self.data, one) is None]
                if "=" in requirement and not unstated:
                    continue
                found.append(tuple(one.id for one in unstated))
            known = self._unstated[key] = tuple(found)
        return known

    def fixes(self, trial: _Trial, check, subject: str) -> bool:
        """Whether a single change makes ``check`` (which does not hold in the base) hold."""
        ((ref, value),) = trial.changes
        if self.screening and not self.can_fix(ref, value, check, subject):
            return False  # the change cannot move what it reads
        if isinstance(check.condition, FactCondition) and isinstance(trial.judged, TrialFacts):
            return holds_after(check, trial.judged.facts_view, subject)  # facts only: no conclusion judged
        return holds_after(check, trial.view, subject)

    def ruled_out(self, check, subject: str):
        """For ``fixes``: a test that answers, without a call per single, ``can_fix``'s no for
        a change to a field the condition does not read (the any-value screen's sets)."""
        if not self.screening:
            return lambda trial: False
        fixable, reads, bit = self.sets.fix(check, subject), self.runner.condition_reads(check.condition), self.sets.bit

        def ruled_out(trial: _Trial) -> bool:
            ref = trial.changes[0][0]
            return ref.path not in reads and (known := bit(ref)) != 0 and not fixable & known

        return ruled_out

    def combinations(self, needs: list[tuple[str, list]], singles: list[_Trial]):
        """Sets of changes, one fix per condition that does not hold, smallest first.

        A fix is a single change that makes the condition hold on its own or, for a value
        computed from several facts, stating every missing fact it needs at once.
        """
        combos: dict = {}  # (fact, value) reprs -> the changes (values may be lists: not hashable)
        for subject, checks in needs:
            if not checks or len(checks) > MAX_FACTS:
                continue
            fixers = []
            for check in checks:
                ruled_out = self.ruled_out(check, subject)
                options = list(itertools.islice((t.changes for t in singles
                                                 if not ruled_out(t) and self.fixes(t, check, subject)), 12))
                filled = self.fill_requirements(check, subject)
                fixers.append(options + ([filled] if filled else []))
            for parts in itertools.product(*fixers):
                combo = [change for part in parts for change in part]
                refs = [ref.id for ref, _ in combo]
                if len(set(refs)) == len(refs) and len(combo) <= MAX_FACTS:
                    ordered = tuple(sorted(combo, key=lambda c: (c[0].id, repr(c[1]))))
                    combos[tuple((r.id, repr(v)) for r, v in ordered)] = ordered
        for key in sorted(combos, key=lambda k: (len(k), k)):
            yield combos[key]

    def fill_requirements(self, check, subject: str) -> tuple:
        """For a condition on a computed value that is missing: a value for each unstated fact it requires."""
        if not isinstance(check.condition, FactCondition):
            return ()
        changes: dict[str, tuple] = {}
        for item in check.tests:
            spec = field_catalogue()[item.test.path]
            if not spec.derived or item.value is not None:  # only values that cannot be computed yet
                continue
            for ref in unstated_requirements(item.test.path, subject, self.data):
                if ref.path != "upgrade":
                    value = _typical(ref.path)
                    if value is None:
                        return ()
                    changes[ref.id] = (ref, value)
        return tuple(changes.values())


@cache
def _capability_paths() -> tuple[str, ...]:
    """An offer's field for each capability of the vocabulary (walking the enum is not free)."""
    return tuple(f"offer.capabilities.{c.value}" for c in Capability)


def _typical(path: str):
    """A valid value that makes a fact stated (for computing a value that needs it)."""
    spec = field_catalogue().get(path)
    if spec is None or spec.kind != NUMBER:
        return True if spec is not None and spec.kind == BOOL else None
    low = spec.minimum if spec.minimum is not None else 0
    return int(max(low, 1)) if spec.integer else max(low, 1)


def holds_after(check, view: FactView, subject: str) -> bool:
    """Whether a condition holds on ``view`` (``check_fact_condition``'s judgement, as a boolean)."""
    return holds(check.condition, view, subject)


_THRESHOLDS: dict[int, tuple[dict, dict[str, set]]] = {}  # id(rules index) -> it, the thresholds


def rule_thresholds(knowledge: KnowledgeBase) -> dict[str, set]:
    """The constants rules compare each number with: worked out once per knowledge base
    (``rules_concluding``'s index, rebuilt when its rules are, stands for the knowledge)."""
    index = rules_concluding(knowledge)
    entry = _THRESHOLDS.get(id(index))
    if entry is None or entry[0] is not index:
        if len(_THRESHOLDS) >= 8:  # knowledge bases come and go in tests: keep the few in use
            _THRESHOLDS.clear()
        entry = _THRESHOLDS[id(index)] = (index, thresholds_by_field(knowledge))
    return entry[1]


def smallest_change(consultant: Consultant, data: dict, cid: str, subject: Optional[str], base: FactView) -> SmallestChange:
    """The search for ``cid``; ``base`` is the unchanged profile's facts and conclusions."""
    return SmallestChangeSearch(consultant, data, cid, subject, base).run()
