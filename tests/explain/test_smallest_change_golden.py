"""The smallest-change search gives the same answers as the straightforward search did.

The search was made faster (issue 12: incremental trials, a screen before the engine).  Its
answers must not move: for every worked case, every verdict it does not reach and a fixed
sample of the other conclusions it does not reach, the golden file
(``golden/smallest-changes.json``) holds what the search before that work found, the changes
(fact, before, after), or that none was found, or that none can exist.  The file was made
from main before the search changed; regenerate it only for a reviewed change of the
knowledge, with ``EXPERT_UPDATE_GOLDEN=1 pytest tests/explain/test_smallest_change_golden.py``.

How many candidates were tried is not pinned: a cheaper search order may try fewer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import support

from expert.audit.cases import load_cases
from expert.facts.factpaths import parse_fact, set_fact

GOLDEN = Path(__file__).resolve().parent / "golden" / "smallest-changes.json"
CASES = load_cases(support.KNOWLEDGE / "cases")
VERDICTS = ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info")
OTHERS_PER_CASE = 3


def sample_conclusions(conclusions: list[str], index: int) -> list[str]:
    """A fixed spread of non-verdict conclusions for the index-th case (every one is hit across the cases)."""
    others = [c for c in sorted(conclusions) if not c.startswith("verdict.")]
    return sorted({others[(index * OTHERS_PER_CASE + k) % len(others)] for k in range(OTHERS_PER_CASE)})


def answer(explanation) -> dict:
    """What a search answered, without the count of candidates tried."""
    change = explanation.smallest_change
    result: dict = {"found": change.found}
    if change.found:
        result["changes"] = [[c.fact, c.before, c.after] for c in change.changes]
    else:
        result["statement"] = change.statement.en if "No change of up to" not in change.statement.en else "searched"
    return result


def current_answers(advisor) -> dict:
    answers: dict = {}
    conclusions = list(advisor.knowledge.conclusions)
    for index, case in enumerate(CASES):
        reached = advisor.advise(case.profile).conclusion_ids()
        for cid in [*VERDICTS, *sample_conclusions(conclusions, index)]:
            if cid not in reached:
                answers[f"{case.id} {cid}"] = answer(advisor.explain(case.profile, cid))
    return answers


@pytest.fixture(scope="module")
def golden(advisor) -> dict:
    if os.environ.get("EXPERT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(current_answers(advisor), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                          encoding="utf-8")
    assert GOLDEN.exists(), f"missing golden file {GOLDEN}; run with EXPERT_UPDATE_GOLDEN=1 to create it"
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_golden_file_covers_every_case_and_many_conclusions(golden, advisor):
    assert {key.split(" ")[0] for key in golden} == {case.id for case in CASES}
    assert len({key.split(" ")[1] for key in golden}) >= len(advisor.knowledge.conclusions) // 2
    assert sum(a["found"] for a in golden.values()) >= len(golden) // 4  # mostly answers, not give-ups


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case.id for case in CASES])
def test_same_smallest_changes_as_before(advisor, golden, index):
    case = CASES[index]
    reached = advisor.advise(case.profile).conclusion_ids()
    for cid in [*VERDICTS, *sample_conclusions(list(advisor.knowledge.conclusions), index)]:
        key = f"{case.id} {cid}"
        if cid in reached:
            assert key not in golden, f"{key}: reached now, not before"
            continue
        explanation = advisor.explain(case.profile, cid)
        assert answer(explanation) == golden[key], key
        if explanation.smallest_change.found:  # and the change found still works
            profile = case.profile
            for change in explanation.smallest_change.changes:
                profile = set_fact(profile, parse_fact(change.fact), change.after)
            assert cid in advisor.advise(profile).conclusion_ids(), key
