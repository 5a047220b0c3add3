"""A consultation in stateless turns: the next question, or the advice when nothing left
unanswered can change the verdict.

Everything a turn needs travels in the profile (a plain JSON object): the facts stated so
far and ``asked``, the facts already asked (so a "don't know" is never asked again).  The
library keeps nothing between turns, so a chat bot can run a whole consultation by
passing JSON back and forth, and ``expert consult`` is one more client of these two
functions.
"""

from __future__ import annotations

from typing import Any, Union

from pydantic import ValidationError

from expert.advice.consultation import Consultant, profile_data
from expert.advice.input_errors import InputError
from expert.consult.answers import DONT_KNOW, AnswerError, answer_spec, parse_answer
from expert.consult.asking import Asker
from expert.consult.model import AnswerResult, ConsultStep
from expert.facts.factpaths import OFFERS, UPGRADE, FactPathError, FactRef, get_fact, parse_fact, set_fact
from expert.facts.shown import shown
from expert.facts.vocabulary import Profile


def next_step(consultant: Consultant, asker: Asker, profile: Union[Profile, dict], lang: str = "en") -> ConsultStep:
    """The most valuable open question for the verdict, or ``done`` with the advice.

    Raises ``InputError`` for a profile that is not valid (as ``advise`` does).
    """
    run = consultant.consult(profile, lang)
    data = run.data
    relevance = asker.relevance(data, run.facts, run.concluded, verdict_only=True)
    questions = asker.questions(relevance, data, verdict_only=True)
    if relevance.verdict_settled or not questions:
        return ConsultStep(done=True, advice=run.advice, profile=data)
    return ConsultStep(done=False, question=questions[0], questions=questions, advice=run.advice, profile=data)


def apply_answer(consultant: Consultant, asker: Asker, profile: Union[Profile, dict], question_id: str,
                 raw_answer: Any) -> AnswerResult:
    """Validate one answer and put it in place.

    The profile given back records the question as asked, whatever the answer (a "don't
    know" leaves the fact unstated).  Raises ``InputError`` (bilingual, the question id as
    its path) for an answer that does not fit, or for a profile that is not valid; the
    profile passed in is never changed.
    """
    data = profile_data(consultant.validate(profile))
    ref = _question(question_id)
    try:
        spec = answer_spec(ref, data, asker.labels)
        value = parse_answer(ref, raw_answer, spec)
        updated = set_fact(data, ref, None if value is DONT_KNOW else value)
    except AnswerError as error:
        raise InputError.answer(ref.id, error.text.en, error.text.zh, raw_answer) from None
    except (FactPathError, ValueError) as error:
        raise InputError.answer(ref.id, str(error), f"无法处理该问题：{error}", raw_answer) from None
    except (OverflowError, TypeError, RecursionError) as error:  # an answer of a shape no check foresaw
        problem = f"{type(error).__name__}: {shown(str(error), 80)}"
        raise InputError.answer(ref.id, f"cannot use that answer ({problem})", f"无法使用该答案（{problem}）",
                                raw_answer) from None
    updated["asked"] = list(dict.fromkeys([*(data.get("asked") or []), ref.id]))
    try:
        validated = Profile.model_validate(updated)
    except ValidationError as error:
        text = InputError.from_validation(error).text
        raise InputError.answer(ref.id, f"that answer does not fit: {text.en}", f"该答案不符合要求：{text.zh}",
                                raw_answer) from None
    return AnswerResult(profile=profile_data(validated), question=ref.id, value=None if value is DONT_KNOW else value)


def take_back_answer(consultant: Consultant, profile: Union[Profile, dict], question_id: str) -> AnswerResult:
    """Take back the answer to ``question_id``, a "don't know" included: the fact is unstated
    again and no longer recorded as asked, so the consultation may ask it again.

    Taking back ``upgrade`` takes back what was answered about the upgrade; taking back
    ``offers`` takes back every offer and what was answered about them (and which offer
    the upgrade belongs to); taking back an offer's last capability leaves its capability
    list unstated.  Raises ``InputError`` for a question that was not answered,
    or a profile that is not valid.
    """
    data = profile_data(consultant.validate(profile))
    ref = _question(question_id)
    asked = list(data.get("asked") or [])
    if ref.id not in asked and get_fact(data, ref) is None:
        raise InputError.answer(ref.id, f"{ref.id} has not been answered: nothing to take back",
                                f"{ref.id} 尚未回答，无可撤回")
    if ref.path == OFFERS:
        data = set_fact(data, FactRef("upgrade.offer"), None) if data.get(UPGRADE) else data
        gone = ("offers[", "upgrade.offer")
    else:
        gone = (f"{ref.id}.", f"{ref.id}[") if ref.path in (UPGRADE, "offer.capabilities") else ()
    updated = set_fact(data, ref, None)
    if ref.path.startswith("offer.capabilities."):  # the last capability taken back: the list was not stated
        for offer in updated.get(OFFERS) or []:
            if offer["name"] == ref.offer and offer.get("capabilities") == []:
                del offer["capabilities"]
    updated["asked"] = [fact for fact in asked if fact != ref.id and not (gone and fact.startswith(gone))]
    return AnswerResult(profile=profile_data(consultant.validate(updated)), question=ref.id, value=None)


def change_answer(consultant: Consultant, asker: Asker, profile: Union[Profile, dict], question_id: str,
                  raw_answer: Any) -> AnswerResult:
    """Replace the answer to ``question_id`` with ``raw_answer``, taking back only that answer
    and what the new one makes void: the answers about an offer no longer weighed, or about
    an upgrade no longer weighed.  Every other answer, and the order they were asked in,
    stays.  Raises ``InputError`` when the question was not answered, or the new answer
    does not fit (the profile passed in is never changed).
    """
    data = profile_data(consultant.validate(profile))
    ref = _question(question_id)
    if ref.id not in (data.get("asked") or []) and get_fact(data, ref) is None:
        raise InputError.answer(ref.id, f"{ref.id} has not been answered: nothing to change",
                                f"{ref.id} 尚未回答，无可更改")
    upgraded = (data.get(UPGRADE) or {}).get("offer")
    if ref.path == OFFERS and upgraded is not None:  # re-pointed below if the offer is still weighed
        data = set_fact(data, FactRef("upgrade.offer"), None)
    answered = apply_answer(consultant, asker, data, question_id, raw_answer)
    updated = answered.profile
    names = {offer["name"] for offer in updated.get(OFFERS) or []}
    if upgraded in names and updated.get(UPGRADE) is not None:
        updated = set_fact(updated, FactRef("upgrade.offer"), upgraded)

    def still_meant(fact: str) -> bool:
        asked_ref = FactRef.from_id(fact)
        if asked_ref.offer is not None and asked_ref.offer not in names:
            return False
        if fact == "upgrade.offer" and upgraded not in names:
            return False
        return not (fact.startswith("upgrade.") and updated.get(UPGRADE) is None)

    updated["asked"] = [fact for fact in updated.get("asked") or [] if still_meant(fact)]
    return AnswerResult(profile=profile_data(consultant.validate(updated)), question=ref.id, value=answered.value)


def _question(question_id: Any) -> FactRef:
    """The fact a question id names; ``InputError`` for anything else."""
    if not isinstance(question_id, str):
        raise InputError.answer("question_id", f"question id must be text, got {shown(question_id)}",
                                f"问题编号应为文字，收到的是 {shown(question_id)}", question_id)
    try:
        return parse_fact(question_id)
    except FactPathError as error:
        raise InputError.answer(question_id, str(error), f"没有这个问题：{error}", question_id) from None


def volunteered_facts(profile: dict) -> dict:
    """The part of a full profile no question asks for, to start a replayed consultation with:
    custom add-ons (outside the catalogue), with the offers and the upgrade they belong to named.
    A person states these up front; the consultation then asks only what can change the verdict."""
    seed: dict = {}
    if (profile.get("needs") or {}).get("custom_addons"):
        seed["needs"] = {"custom_addons": profile["needs"]["custom_addons"]}
    offers = [{"name": o["name"], "custom_addons": o["custom_addons"]} for o in profile.get("offers") or []
              if o.get("custom_addons")]
    if offers:
        seed["offers"] = offers
    if (profile.get("upgrade") or {}).get("adds_custom_addons"):
        seed["upgrade"] = {"adds_custom_addons": profile["upgrade"]["adds_custom_addons"]}
    return seed


def answer_from(profile: dict, question_id: str) -> Any:
    """The answer someone who knows ``profile`` (a full profile, as data) gives to a question:
    the value stated there, or "unknown".  Used to replay a known case as a consultation."""
    ref = parse_fact(question_id)
    if ref.path == "upgrade":
        return profile.get("upgrade") is not None
    value = get_fact(profile, ref)
    return "unknown" if value is None else value
