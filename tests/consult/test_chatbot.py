"""A simulated chat bot runs a whole consultation per worked case, statelessly.

It starts from what a user volunteers (custom add-ons, which no question asks) and answers each
question from the case's full profile,
passing only JSON between turns.  It must reach the case's verdict, never be asked the
same question twice, and be asked no more questions than the verdict's deciding facts
(``deciding.py``).  The average number of questions is printed (``pytest -s``) and
measured again by ``benchmarks/bench.py``.
"""

from __future__ import annotations

import json

import pytest
import support

from expert.audit.cases import load_cases
from expert.consult.deciding import deciding_facts
from expert.consult.turns import answer_from, volunteered_facts

CASES = load_cases(support.KNOWLEDGE / "cases")
ASKED: dict[str, int] = {}
OVER: dict[str, bool] = {}


def run_bot(advisor, full: dict) -> tuple[list[str], dict]:
    profile_json = json.dumps(volunteered_facts(full))
    asked: list[str] = []
    for _ in range(100):
        step = json.loads(advisor.next_step(json.loads(profile_json)).model_dump_json())
        if step["done"]:
            return asked, step
        question = step["question"]
        assert question["id"] not in asked, f"asked twice: {question['id']}"
        assert question["text"]["en"] and question["text"]["zh"] and question["why"]
        asked.append(question["id"])
        result = json.loads(advisor.apply_answer(step["profile"], question["id"], answer_from(full, question["id"]))
                            .model_dump_json())
        assert result["question"] == question["id"]
        profile_json = json.dumps(result["profile"])
    raise AssertionError("the consultation did not end")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bot_reaches_the_case_verdict(advisor, case):
    full_run = advisor.consult(case.profile)
    asked, final = run_bot(advisor, full_run.data)
    assert final["advice"]["verdict"]["id"] == full_run.advice.verdict.id
    deciding = deciding_facts(advisor, full_run)
    # At most one question beyond the deciding facts: when two open facts can each settle the
    # same rule (an offer's data policy, the company's data sensitivity), the asker cannot know
    # which answer will; the one asked first may turn out not to be the one the proof rests on.
    assert len(asked) <= len(deciding) + 1, (asked, sorted(deciding))
    ASKED[case.id] = len(asked)
    OVER[case.id] = len(asked) > len(deciding)


def test_report_average_questions():
    if len(ASKED) != len(CASES):
        pytest.skip("needs every bot case to have run")
    average = sum(ASKED.values()) / len(ASKED)
    over = sum(OVER.values())
    print(f"\nchat bot: {len(ASKED)} cases, {sum(ASKED.values())} questions, {average:.2f} per case, "
          f"{over} one beyond the deciding facts")
    assert average < 15 and over <= len(ASKED) // 10
