"""Consultation results as typed data: a what-if difference, a consultation turn, an answer's result.

Pydantic models with stable JSON field names for chat bots and agents, like the Advice
and the Explanation they embed; ``consult/render.py`` turns them into text.
"""

from __future__ import annotations

from typing import Any, Optional

from expert.advice.model import Advice, ConclusionRef, OutputModel, Question
from expert.explain.model import FactChange

# --- what if -----------------------------------------------------------------------------

class FigureChange(OutputModel):
    figure: str
    subject: str
    before: Optional[float]
    after: Optional[float]
    unit: str


class WhatIf(OutputModel):
    changes: list[FactChange]
    verdict_before: str
    verdict_after: str
    verdict_changed: bool
    gained: list[ConclusionRef]
    lost: list[ConclusionRef]
    figures_changed: list[FigureChange]
    advice: Advice  # the advice on the changed profile


# --- asking ------------------------------------------------------------------------------

class ConsultStep(OutputModel):
    """One turn of a stateless consultation: the next question, or the advice when done."""

    done: bool
    question: Optional[Question] = None
    questions: list[Question] = []  # every open question, most valuable first
    advice: Advice
    profile: dict[str, Any]  # the profile so far, to pass back with the answer


class AnswerResult(OutputModel):
    """An answer put in place (or taken back): the profile to pass to the next turn.

    A bad answer is not a result: ``apply_answer`` raises ``InputError`` for it, as
    ``next_step`` does for a bad profile.
    """

    profile: dict[str, Any]  # the profile with the answer, and the question recorded as asked
    question: str  # the question id answered
    value: Any = None  # the value recorded; null for "don't know" (and after taking an answer back)
