"""The library façade: one object that composes every part of the expert.

``Advisor`` is a ``Consultant`` (validate, derive, infer, assemble) that also explains
(``expert.explain``), asks (``expert.consult``) and lists its questions on a
need-more-info verdict.  Nothing below the interfaces imports it: the parts take the
consultant they need.  ``advise()`` uses one default advisor, loaded on first use.
"""

from __future__ import annotations

import gc
import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any, Optional, Union

from expert.advice.consultation import Consultant, profile_data
from expert.advice.model import Advice
from expert.facts.vocabulary import Profile
from expert.inference.engine import Outcome

if TYPE_CHECKING:
    from expert.consult.asking import Asker
    from expert.consult.model import AnswerResult, ConsultStep, WhatIf
    from expert.explain.glossary import Glossary
    from expert.explain.model import Explanation


class Advisor(Consultant):
    """One knowledge base, compiled once, consulted, explained and asked about many times.

    The explain and ask modules are imported on first use: ``expert advise`` starts
    without them.
    """

    def explain(self, profile: Union[Profile, dict], conclusion_id: str, subject: Optional[str] = None,
                lang: str = "en", search: bool = True) -> Explanation:
        """How ``conclusion_id`` was reached (proof trees), or why not (every rule that could
        conclude it, condition by condition, and the smallest change of facts that would)."""
        from expert.explain.explainer import explain

        return explain(self, profile, conclusion_id, subject, lang, search)

    def what_if(self, profile: Union[Profile, dict], changes: Union[dict, list], lang: str = "en") -> WhatIf:
        """Re-run with ``changes`` ({fact path: value} or ["PATH=VALUE", ...]) and report the difference."""
        from expert.consult.whatif import what_if

        return what_if(self, self.asker, profile, changes, lang)

    def next_step(self, profile: Union[Profile, dict], lang: str = "en") -> ConsultStep:
        """Stateless consultation turn: the next question, or the final advice.
        Raises ``InputError`` for a profile that is not valid."""
        from expert.consult.turns import next_step

        return next_step(self, self.asker, profile, lang)

    def apply_answer(self, profile: Union[Profile, dict], question_id: str, raw_answer: Any) -> AnswerResult:
        """Validate one answer and put it in place: the profile to pass to the next turn.

        ``raw_answer`` is what the user typed ("yes", "50,000", "2", "不知道") or a JSON value;
        "unknown" / "不知道" / None is "don't know".  Raises ``InputError`` (bilingual, the
        question id as its path) when the answer does not fit or the profile is not valid."""
        from expert.consult.turns import apply_answer

        return apply_answer(self, self.asker, profile, question_id, raw_answer)

    def take_back_answer(self, profile: Union[Profile, dict], question_id: str) -> AnswerResult:
        """Take back the answer to ``question_id`` ("don't know" included): the fact is unstated
        and may be asked again.  Raises ``InputError`` when it was not answered."""
        from expert.consult.turns import take_back_answer

        return take_back_answer(self, profile, question_id)

    def change_answer(self, profile: Union[Profile, dict], question_id: str, raw_answer: Any) -> AnswerResult:
        """Replace the answer to ``question_id``: only that answer is taken back (and those the
        new one makes void, e.g. about an offer no longer weighed).  Raises ``InputError``
        when it was not answered or the new answer does not fit."""
        from expert.consult.turns import change_answer

        return change_answer(self, self.asker, profile, question_id, raw_answer)

    @cached_property
    def asker(self) -> Asker:
        """Questions for this knowledge base (``questions.yaml`` is read on first use)."""
        from expert.consult.asking import Asker
        from expert.consult.question_catalogue import load_questions

        return Asker(self.knowledge, load_questions(self.knowledge))

    @cached_property
    def glossary(self) -> Glossary:
        """Words for the ids an explanation or a what-if shows: the questions' answer
        labels, labels.yaml, conclusion titles (a Chinese reader reads these, not ids)."""
        from expert.explain.glossary import Glossary

        return Glossary.of(self.knowledge, self.asker.labels)

    def questions_for(self, profile: Profile, facts: list[dict], outcome: Outcome,
                      data: Optional[dict] = None) -> Optional[list]:
        """The ranked questions that could still change a need-more-info verdict
        (``data``: the profile's dump, when the caller has it)."""
        if data is None:
            data = profile_data(profile)
        relevance = self.asker.relevance(data, facts, set(outcome.conclusions))
        return self.asker.questions(relevance, data)


_default: Optional[Advisor] = None
_default_lock = threading.Lock()


def default_advisor() -> Advisor:
    """The shared advisor on the bundled knowledge base, loaded once.

    Once it is loaded, the objects alive (modules, the knowledge base) are moved out of
    the garbage collector's generations (``gc.freeze``): they live as long as the process,
    and re-scanning them on every full collection was measured to cost up to tens of ms.
    """
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Advisor()
                gc.freeze()
    return _default


def advise(profile: Union[Profile, dict], lang: str = "en") -> Advice:
    """Advise on one profile with the bundled knowledge base (shared, thread-safe).

    The Advice carries both languages; ``lang`` is recorded as the one renderers use.
    """
    return default_advisor().advise(profile, lang=lang)
