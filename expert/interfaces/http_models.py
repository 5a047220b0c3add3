"""Request and response bodies of the HTTP API, as pydantic models (the OpenAPI document is built from them).

The verbs' results are the library's own models (Advice, Explanation, WhatIf, ConsultStep,
AnswerResult); the requests carry the profile each time (the server keeps nothing between
requests) and the arguments of the library call of the same name.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from expert.advice.model import Text
from expert.audit.rule_info import CitedClaim
from expert.facts.vocabulary import Profile

Lang = Literal["en", "zh"]
LANG = Field("en", description="Language of the texts renderers use and of error messages; every text holds both.")
PROFILE = Field(description="The company's profile (the same document `expert advise` reads); {} is a valid start.")


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ProfileRequest(_Request):
    profile: Profile = PROFILE
    lang: Lang = LANG


class AdviseRequest(_ProfileRequest):
    """The profile to advise on."""


class NextQuestionRequest(_ProfileRequest):
    """The profile so far (the previous step's or answer's ``profile``; {} to start)."""


class ExplainRequest(_ProfileRequest):
    conclusion: str = Field(description="A conclusion id, e.g. verdict.pay (see GET /rules for what rules conclude).")
    subject: Optional[str] = Field(None, description="company, or an offer's name; default: every subject.")
    search: bool = Field(True, description="For a conclusion not reached: search the smallest change of facts "
                                           "that would reach it.")


class WhatIfRequest(_ProfileRequest):
    changes: Union[dict[str, Any], list[str]] = Field(
        description='The facts to change: {"needs.usage.mau": 50000} or ["needs.usage.mau=50000"]; '
                    "an empty value or null removes the fact.", min_length=1)


class AnswerRequest(_ProfileRequest):
    """``lang`` only picks the language of an error's ``message``: the result holds both."""

    question_id: str = Field(description="The id of the question answered (ConsultStep.question.id).")
    answer: Any = Field(description='The answer as a person gives it: a choice, yes/no, a number, a list, or "unknown".')


class Health(BaseModel):
    status: Literal["ok", "busy"] = Field(description="busy: a consultation has run past the time limit and still runs.")
    version: str = Field(description="The expert package's version.")
    knowledge: str = Field(description="Fingerprint of the knowledge base (the one every Advice carries).")
    rules: int
    worker: int = Field(description="Process id of the worker that answered (one engine per worker).")
    busy_for_s: float = Field(description="How long the running consultation has been running; 0 when idle.")


class TakeBackRequest(_ProfileRequest):
    question_id: str = Field(description="The id of the question whose answer to take back.")


class ClaimSummary(CitedClaim):
    rules: list[str] = Field(description="The rules that cite this claim.")


class Problem(BaseModel):
    field: str = Field(description="The field as the CLI names it: company.size, offers.0.name; (profile), (body).")
    loc: list[Union[str, int]] = Field(description="The full location: body, profile, company, size.")
    message: str = Field(description="In the language asked for.")
    text: Text


class ErrorBody(BaseModel):
    """Every error, whatever its status."""

    error: str = Field(description="A stable code: invalid_input, bad_change, unknown_conclusion, unauthorized, "
                                   "not_found, body_too_large, not_json, request_timeout, busy, timeout, internal ...")
    message: str = Field(description="In the language asked for (the body's lang, ?lang=, or Accept-Language).")
    text: Text
    problems: list[Problem] = Field([], description="For 422: each problem with its field.")


ERROR_RESPONSES: dict = {
    "4XX": {"model": ErrorBody, "description": "Refused: 401 token, 404, 408 body too slow, 413 body over 1 MB, "
                                               "415 not JSON, 422 bad input (with the problems)."},
    "5XX": {"model": ErrorBody, "description": "503 busy for the whole time limit (retry), 504 the consultation "
                                               "overran the time limit, 500 internal."},
}

