"""Cheap trials (``expert/explain/trials.py``) agree with the straightforward trial.

The straightforward trial (``SmallestChangeSearch.engine_trial``, how every trial ran
before) copies the whole changed profile, validates it, derives, flattens and runs the
engine.  A cheap trial validates only what changed, reuses the base's derivation when no
derived value reads the changed fact, and re-judges only the conclusions that read a
changed value.  On a spread of worked cases, for the candidates of the smallest-change
search and for combinations of them, both must agree: the same validity, the same
validated profile, the same facts, and the same conclusions for every conclusion the
searched one rests on.
"""

from __future__ import annotations

import itertools

import pytest
import support

from expert.audit.cases import load_cases
from expert.explain.conditions import FactView
from expert.explain.smallest_change import SmallestChangeSearch, holds_after
from expert.explain.trials import TrialRunner
from expert.facts.derive import derive
from expert.facts.vocabulary import Profile
from expert.rulebase.compiler import COMPANY_SUBJECT
from expert.rulebase.engine_numbers import engine_number

CASES = load_cases(support.KNOWLEDGE / "cases")
SPREAD = CASES[::9]  # every ninth case: offers, upgrades, version updates, unstated needs
VERDICTS = ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info")


def _numbers(fact: dict) -> dict:
    return {k: engine_number(v) if type(v) is float else v for k, v in fact.items()}


@pytest.mark.parametrize("case", SPREAD, ids=[c.id for c in SPREAD])
def test_cheap_trials_agree_with_the_straightforward_ones(advisor, case):
    run = advisor.consult(case.profile)
    verdict = run.advice.verdict.id
    target = next(v for v in VERDICTS if v != verdict)
    search = SmallestChangeSearch(advisor, run.data, target, None, FactView.build(run.facts, run.concluded))
    runner: TrialRunner = search.runner
    singles = search.candidates()
    pairs = [(a, b) for a, b in itertools.combinations(singles[::7], 2) if a[0] != b[0]][:40]
    subjects = [COMPANY_SUBJECT, *runner.offers]
    checked = 0
    for changes in [*((c,) for c in singles[::2]), *pairs]:
        expected = search.engine_trial(changes, counted=False)  # the straightforward trial
        trial = runner.run(changes)
        assert (trial is None) == (expected is None), changes
        if expected is None:
            continue
        profile = Profile.model_validate(expected.data)
        facts = [expected.view.profile, *expected.view.offers.values()]
        concluded = expected.view.concluded
        assert runner.validated(runner.changed_data(changes)) == profile, changes
        if not any(runner.reach(ref)[0] for ref, _ in changes):  # the base's derivation is reused: it must not move
            fresh = derive(profile)
            assert (fresh.profile, fresh.offers) == (runner.base_derivation.profile, runner.base_derivation.offers), changes
        if trial.view is not runner.base_view:
            assert trial.view.profile == _numbers(facts[0]), changes
            assert list(trial.view.offers.values()) == [_numbers(f) for f in facts[1:]], changes
        for cid in runner.order:
            for subject in subjects:
                assert trial.view.is_concluded(cid, subject) == ((cid, subject) in concluded), (changes, cid, subject)
        if not trial.moved:
            assert all(((cid, s) in concluded) == ((cid, s) in run.concluded) for cid in runner.targets for s in subjects)
        checked += 1
    assert checked > 20


SCREENED = CASES[4::9]  # another spread than SPREAD's: the screen is checked on cases the test above does not use


@pytest.mark.parametrize("case", [*SPREAD, *SCREENED], ids=[c.id for c in [*SPREAD, *SCREENED]])
def test_the_screen_never_passes_over_a_change_that_matters(advisor, case):
    """The search runs a single change only when it may reach the conclusion or fix a
    condition a combination needs (``may_reach``, ``can_fix``: necessary conditions worked
    out from the rules and the catalogue, without running the change).  Run every candidate
    anyway: whenever it does reach the conclusion, or does make a condition that failed in
    the base hold, the screen must have said it may."""
    run = advisor.consult(case.profile)
    verdict = run.advice.verdict.id
    screened = 0
    for target in (v for v in VERDICTS if v != verdict):
        search = SmallestChangeSearch(advisor, run.data, target, None, FactView.build(run.facts, run.concluded))
        needs = search.needs(search.instances())
        for ref, value in search.candidates():
            trial = search.trial(((ref, value),))
            if trial is None:
                continue
            if search.reached(trial.view):
                assert search.may_reach(ref, value, needs), (target, ref.id, value)
            for subject, checks in needs:
                for check in checks:
                    if holds_after(check, trial.view, subject):
                        assert search.can_fix(ref, value, check, subject), (target, ref.id, value, check.condition)
            screened += not search.may_matter(ref, value, needs, search.may_reach(ref, value, needs))
    assert screened > 0  # the screen does pass over some changes
