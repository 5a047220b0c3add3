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
from expert.advice.model import Text
from expert.consult.answers import DONT_KNOW, AnswerError, answer_spec, parse_answer
from expert.consult.asking import Asker
from expert.consult.model import AnswerResult, ConsultStep
from expert.facts.factpaths import FactPathError, get_fact, parse_fact, set_fact
from expert.facts.profile_io import validation_problems
from expert.facts.shown import shown
from expert.facts.vocabulary import Profile


def next_step(consultant: Consultant, asker: Asker, profile: Union[Profile, dict], lang: str = "en") -> ConsultStep:
    """The most valuable open question for the verdict, or ``done`` with the advice.

    Raises pydantic.ValidationError for a profile that is not valid (as ``advise`` does).
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
    """Validate one answer and put it in place; on a bad answer, the reason in both languages.

    The profile given back records the question as asked, whatever the answer (a "don't
    know" leaves the fact unstated).  The profile itself must be valid.
    """
    data = profile_data(consultant.validate(profile))
    if not isinstance(question_id, str):
        return AnswerResult(ok=False, profile=data, error=Text(en=f"question id must be text, got {shown(question_id)}",
                                                               zh=f"问题编号应为文字，收到的是 {shown(question_id)}"))
    try:
        ref = parse_fact(question_id)
        spec = answer_spec(ref, data, asker.labels)
        value = parse_answer(ref, raw_answer, spec)
        updated = set_fact(data, ref, None if value is DONT_KNOW else value)
    except AnswerError as error:
        return AnswerResult(ok=False, profile=data, error=error.text)
    except (FactPathError, ValueError) as error:
        return AnswerResult(ok=False, profile=data, error=Text(en=str(error), zh=f"无法处理该问题：{error}"))
    except (OverflowError, TypeError, RecursionError) as error:  # an answer of a shape no check foresaw
        problem = f"{type(error).__name__}: {shown(str(error), 80)}"
        return AnswerResult(ok=False, profile=data, error=Text(en=f"cannot use that answer ({problem})",
                                                               zh=f"无法使用该答案（{problem}）"))
    updated["asked"] = list(dict.fromkeys([*(data.get("asked") or []), ref.id]))
    try:
        validated = Profile.model_validate(updated)
    except ValidationError as error:
        detail = "\n  ".join(validation_problems(error))
        return AnswerResult(ok=False, profile=data,
                            error=Text(en=f"that answer does not fit: {detail}", zh=f"该答案不符合要求：{detail}"))
    return AnswerResult(ok=True, profile=profile_data(validated))


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
