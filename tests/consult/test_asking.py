"""The questions ``Asker.questions`` builds without validating (``model.built``) are the
questions pydantic would validate from the same values: same fields in the same order,
same types, same fields set, byte for byte in JSON; on every worked case made partial."""

from __future__ import annotations

import pytest
import support

from expert.advice.model import Question
from expert.audit.cases import load_cases
from expert.facts.factpaths import input_facts_of, parse_fact, set_fact

CASES = load_cases(support.KNOWLEDGE / "cases")


def _same_question(built_one: Question, validated: Question) -> None:
    assert list(built_one.__dict__) == list(Question.model_fields)
    assert built_one.__dict__.keys() == validated.__dict__.keys()
    for name in Question.model_fields:
        assert type(getattr(built_one, name)) is type(getattr(validated, name)), name
    assert built_one.model_fields_set == validated.model_fields_set
    assert built_one.__pydantic_extra__ is None and built_one.__pydantic_private__ is None
    assert built_one == validated
    assert built_one.model_dump_json() == validated.model_dump_json()


@pytest.mark.parametrize("case_index", range(0, len(CASES), 7))
def test_built_questions_equal_validated_ones(advisor, case_index):
    full = advisor.consult(CASES[case_index].profile).data
    stated = sorted(f for f in input_facts_of(full) if f != "offers" and ".in_house_estimate." not in f)  # all or none
    data = full
    for fact in stated[::2]:  # about half the facts unstated: many questions, offers named
        data = set_fact(data, parse_fact(fact), None)
    consultation = advisor.consult(data)
    relevance = advisor.asker.relevance(consultation.data, consultation.facts, consultation.concluded)
    questions = advisor.asker.questions(relevance, consultation.data)
    assert questions, "a partial profile asks something"
    for question in questions:
        _same_question(question, Question.model_validate(dict(question.__dict__)))
