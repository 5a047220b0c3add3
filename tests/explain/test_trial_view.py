"""A trial's view, read value by value, agrees with the changed profile worked out whole.

``trials.TrialView`` reads a value the change cannot move from the base, flattens only the
changed section, counts the upgrade without deriving the whole profile, and judges a
conclusion only when asked, each rule's failing conditions first.  Against the
straightforward trial (validate the whole changed profile, derive, flatten, run the
engine), on a spread of worked cases, for single changes and pairs of them, for every
catalogue path, subject and conclusion: the same values and the same conclusions.
``test_trials.py`` compares the whole facts; this compares what the search reads.
"""

from __future__ import annotations

import itertools

import pytest
import support

from expert.audit.cases import load_cases
from expert.explain.conditions import FactView
from expert.explain.smallest_change import SmallestChangeSearch
from expert.explain.trials import TrialView
from expert.facts.factpaths import FactRef
from expert.facts.fields import field_catalogue
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT
from expert.rulebase.engine_numbers import engine_number

CASES = load_cases(support.KNOWLEDGE / "cases")
SPREAD = CASES[2::9]  # another spread than test_trials.py's
VERDICTS = ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info")


def _numbers(value):
    return engine_number(value) if type(value) is float else value


@pytest.mark.parametrize("case", SPREAD, ids=[c.id for c in SPREAD])
def test_a_trial_read_value_by_value_agrees_with_the_engine(advisor, case):
    run = advisor.consult(case.profile)
    target = next(v for v in VERDICTS if v != run.advice.verdict.id)
    search = SmallestChangeSearch(advisor, run.data, target, None, FactView.build(run.facts, run.concluded))
    runner = search.runner
    singles = search.candidates()
    pairs = [(a, b) for a, b in itertools.combinations(singles[::5], 2) if a[0] != b[0]][:30]
    subjects = [COMPANY_SUBJECT, *runner.offers]
    paths = sorted(field_catalogue(), key=lambda p: not p.startswith("upgrade.derived."))  # the counts first
    lazy = 0
    for changes in [*((c,) for c in singles), *pairs]:
        expected = search.engine_trial(changes, counted=False)
        trial = runner.run(changes)
        if expected is None or not isinstance(trial.view, TrialView):
            continue
        lazy += 1
        for path in paths:  # values first, on a fresh trial: nothing is worked out whole before them
            for subject in subjects:
                assert trial.view.value(path, subject) == _numbers(expected.view.value(path, subject)), (changes, path)
        view = runner.run(changes).view  # conclusions first, on another
        for cid in runner.order:
            for subject in [*subjects, ANY_SUBJECT]:
                assert view.is_concluded(cid, subject) == expected.view.is_concluded(cid, subject), (changes, cid, subject)
    assert lazy > 10


@pytest.mark.parametrize("case", CASES[::3], ids=[c.id for c in CASES[::3]])
def test_a_change_inside_the_upgrade_derives_as_the_whole_profile_does(advisor, case):
    """``TrialRunner.derivation`` keeps the offers' values when only the upgrade's contents
    changed (``derive``'s ``offers``); every value must be what deriving afresh gives."""
    from expert.facts.derive import derive

    run = advisor.consult(case.profile)
    search = SmallestChangeSearch(advisor, run.data, "verdict.pay", None, FactView.build(run.facts, run.concluded))
    runner = search.runner
    refs = {ref.id: ref for ref in search.relevant_refs()}
    refs.update({path: FactRef(path) for path in field_catalogue() if path.startswith("upgrade.")
                 and not field_catalogue()[path].derived})
    compared = 0
    for ref in refs.values():
        for value in search.values(ref, None):
            trial = runner.run(((ref, value),))
            if trial is None:
                continue
            model = runner.validated(trial.data)
            expected, got = derive(model), runner.derivation(trial.data, model)
            assert (got.profile, got.offers) == (expected.profile, expected.offers), (ref.id, value)
            compared += 1
    assert compared > 0
