"""The bot API's turns: questions keyed by fact and subject, one error style, taking an answer back."""

from __future__ import annotations

import json

import pytest
import support
from pydantic import ValidationError

from expert import AnswerResult, InputError

TWO_OFFERS = {"offers": [{"name": "Cloud IM"}, {"name": "Self-host"}], "needs": {"capabilities": ["hd_video"]},
              "upgrade": {"offer": "Cloud IM", "kind": "feature", "adds_capabilities": ["hd_video"]}}


def _all_questions(advisor, profile):
    return advisor.advise(profile).verdict.questions + advisor.next_step(profile).questions


def test_questions_carry_fact_and_subject(advisor):
    questions = _all_questions(advisor, TWO_OFFERS) + _all_questions(advisor, {})
    per_offer = [q for q in questions if q.id.startswith("offers[")]
    assert per_offer and any(not q.id.startswith("offers[") for q in questions)
    for q in questions:
        if q.id.startswith("offers["):
            name = q.id[len("offers["):q.id.index("]")]
            assert q.subject == name and q.fact == "offers[*]" + q.id[q.id.index("]") + 1:]
        else:
            assert (q.fact, q.subject) == (q.id, "company")
    # the same fact about two offers: one key for a bot's answer table
    by_fact: dict = {}
    for q in per_offer:
        by_fact.setdefault(q.fact, set()).add(q.subject)
    assert any(subjects == {"Cloud IM", "Self-host"} for subjects in by_fact.values())


def test_why_subjects_are_company_or_an_offer(advisor):
    names = {"Cloud IM", "Self-host"}
    for profile, allowed in ((TWO_OFFERS, names | {"company"}), ({}, {"company", "*"})):
        subjects = {w.subject for q in _all_questions(advisor, profile) for w in q.why}
        assert "company" in subjects and subjects <= allowed, subjects
        about = {cid: c.about for cid, c in advisor.knowledge.conclusions.items()}
        for q in _all_questions(advisor, profile):
            for w in q.why:
                assert about[w.id] == "either" or (w.subject == "company") == (about[w.id] == "company"), w


def test_next_step_and_apply_answer_raise_the_same_error(advisor):
    bad = {"company": {"size": "huge"}}
    for call in (lambda: advisor.next_step(bad), lambda: advisor.apply_answer(bad, "company.stage", "growth"),
                 lambda: advisor.take_back_answer(bad, "company.stage"), lambda: advisor.advise(bad),
                 lambda: advisor.explain(bad, "verdict.pay"), lambda: advisor.what_if(bad, {"needs.usage.mau": 5})):
        with pytest.raises(InputError) as caught:
            call()
        (problem,) = caught.value.problems
        assert problem.path == "company.size" and "huge" in problem.message.en and support.CJK.search(problem.message.zh)
        assert isinstance(caught.value, ValidationError) and "pydantic.dev" not in str(caught.value)
    with pytest.raises(InputError) as caught:
        advisor.apply_answer({}, "needs.usage.mau", "lots")
    detail = caught.value.detail()
    assert detail.problems[0].path == "needs.usage.mau" and "number" in detail.problems[0].message.en
    assert json.loads(detail.model_dump_json())["message"]["zh"]


def test_an_answer_is_echoed(advisor):
    result = advisor.apply_answer({}, "needs.usage.mau", "50,000")
    assert isinstance(result, AnswerResult) and (result.question, result.value) == ("needs.usage.mau", 50000)
    assert result.profile["needs"]["usage"]["mau"] == 50000 and result.profile["asked"] == ["needs.usage.mau"]
    assert advisor.apply_answer({}, "company.stage", "不知道").value is None


@pytest.mark.parametrize(("question", "answer"), [("needs.usage.mau", "50000"), ("company.stage", "unknown"),
                                                   ("offers[Cloud IM].pricing_model", "freemium"),
                                                   ("offers[Cloud IM].capabilities.hd_video", "paid@20")])
def test_take_back_restores_the_profile_before_the_answer(advisor, question, answer):
    before = advisor.apply_answer(TWO_OFFERS, "needs.pain_points", "latency").profile
    answered = advisor.apply_answer(before, question, answer).profile
    assert answered != before
    assert advisor.take_back_answer(answered, question).profile == before
    first = advisor.next_step(advisor.take_back_answer(answered, question).profile)
    assert first.model_dump() == advisor.next_step(before).model_dump()


def test_a_dont_know_taken_back_is_asked_again(advisor):
    first = advisor.next_step({}).question.id
    skipped = advisor.apply_answer({}, first, "不知道").profile
    assert advisor.next_step(skipped).question.id != first
    assert advisor.next_step(advisor.take_back_answer(skipped, first).profile).question.id == first


def test_taking_back_the_upgrade_or_the_offers_takes_back_what_hangs_on_them(advisor):
    profile = advisor.apply_answer({}, "upgrade", "yes").profile
    profile = advisor.apply_answer(profile, "upgrade.kind", "feature").profile
    profile = advisor.apply_answer(profile, "offers", "A, B").profile
    profile = advisor.apply_answer(profile, "upgrade.offer", "A").profile
    profile = advisor.apply_answer(profile, "offers[A].pricing_model", "unknown").profile
    no_offers = advisor.take_back_answer(profile, "offers").profile
    assert no_offers["asked"] == ["upgrade", "upgrade.kind"] and not no_offers.get("offers")
    assert "offer" not in no_offers["upgrade"]
    nothing = advisor.take_back_answer(no_offers, "upgrade").profile
    assert "upgrade" not in nothing and nothing["asked"] == []


def test_taking_back_what_was_not_answered_is_an_input_error(advisor):
    with pytest.raises(InputError, match="nothing to take back") as caught:
        advisor.take_back_answer({}, "company.stage")
    assert support.CJK.search(caught.value.text.zh)
    with pytest.raises(InputError, match="not an input fact"):
        advisor.take_back_answer({}, "company.nothing")


def _answered(advisor, answers: list[tuple[str, str]]) -> dict:
    data: dict = {}
    for question, answer in answers:
        data = advisor.apply_answer(data, question, answer).profile
    return data


UPGRADED = [("upgrade", "yes"), ("offers", "A, B"), ("upgrade.offer", "A"), ("upgrade.kind", "feature"),
            ("offers[B].pricing_model", "freemium"), ("needs.usage.mau", "100")]


def test_change_replaces_one_answer_and_keeps_the_rest_in_order(advisor):
    data = _answered(advisor, UPGRADED)
    changed = advisor.change_answer(data, "needs.usage.mau", "500").profile
    assert changed["needs"]["usage"]["mau"] == 500
    assert changed["asked"] == data["asked"] and changed["offers"] == data["offers"] and changed["upgrade"] == data["upgrade"]


def test_change_takes_back_only_what_the_new_answer_makes_void(advisor):
    data = _answered(advisor, UPGRADED)
    renamed = advisor.change_answer(data, "offers", "A, C").profile  # B gone: its answers go; A's upgrade stays
    assert [o["name"] for o in renamed["offers"]] == ["A", "C"] and renamed["upgrade"]["offer"] == "A"
    assert "offers[B].pricing_model" not in renamed["asked"] and "upgrade.offer" in renamed["asked"]
    dropped = advisor.change_answer(data, "offers", "B").profile  # A gone: which offer is upgraded is open again
    assert "offer" not in dropped["upgrade"] and "upgrade.offer" not in dropped["asked"]
    assert dropped["offers"] == [{"name": "B", "pricing_model": "freemium"}]
    no_upgrade = advisor.change_answer(data, "upgrade", "no").profile
    assert "upgrade" not in no_upgrade and not any(f.startswith("upgrade.") for f in no_upgrade["asked"])
    assert no_upgrade["asked"][0] == "upgrade"


def test_changing_what_was_not_answered_or_to_a_bad_answer_is_an_input_error(advisor):
    data = _answered(advisor, UPGRADED)
    with pytest.raises(InputError, match="nothing to change"):
        advisor.change_answer(data, "company.stage", "growth")
    with pytest.raises(InputError, match="needs.usage.mau"):
        advisor.change_answer(data, "needs.usage.mau", "lots")
