"""One consultation run: validate a profile, derive figures, flatten, infer, assemble.

``Consultant`` owns one knowledge base compiled into one engine and is safe to share
between threads (the engine serialises its sessions).  It is the advice part alone: the
``Advisor`` façade (``expert.interfaces.advisor``) adds explanations and questions on top,
so nothing in this package needs to know those exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional, Union

from pydantic import ValidationError

from expert.advice.assembly import NEED_MORE_INFO, AdviceAssembler
from expert.advice.model import Advice
from expert.facts.derive import derive
from expert.facts.flatten import input_facts
from expert.facts.validation import validate_profile
from expert.facts.vocabulary import Profile
from expert.inference.engine import Engine, Outcome
from expert.rulebase.compiler import COMPANY_SUBJECT
from expert.rulebase.knowledge import load_knowledge
from expert.rulebase.rulebook import KnowledgeBase


def profile_data(profile: Profile) -> dict:
    """A validated profile as plain JSON-ready data (what bots pass and fact paths address)."""
    return profile.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


@dataclass(frozen=True)
class Consultation:
    """One consultation's inputs and outcome, as explanations need them."""

    profile: Profile
    facts: list  # the flattened input facts the engine saw
    concluded: set  # {(conclusion id, subject)}
    advice: Advice

    @cached_property
    def data(self) -> dict:
        """The profile as plain data (dumped once, on first use)."""
        return profile_data(self.profile)


class Consultant:
    """One knowledge base, compiled once, consulted many times."""

    def __init__(self, knowledge_dir: Optional[Union[str, Path]] = None,
                 knowledge: Optional[KnowledgeBase] = None) -> None:
        """Load ``knowledge_dir`` (the bundled knowledge by default), or take a ``knowledge``
        base already loaded (``expert lint`` loads one without demanding bases)."""
        self.knowledge: KnowledgeBase = knowledge if knowledge is not None else load_knowledge(knowledge_dir)
        self.engine = Engine(self.knowledge)
        self.assembler = AdviceAssembler(self.knowledge)

    def validate(self, profile: Union[Profile, dict]) -> Profile:
        """Return a validated Profile; raise ``InputError`` (a pydantic ValidationError) with
        field paths and bilingual messages."""
        if isinstance(profile, Profile):
            return profile
        try:
            return validate_profile(profile)
        except ValidationError as error:
            from expert.advice.input_errors import InputError  # (bad input only: not imported at start)

            raise InputError.from_validation(error) from None

    def advise(self, profile: Union[Profile, dict], lang: str = "en", trace: bool = True) -> Advice:
        """Validate, derive, infer and assemble; raise ``InputError`` on a bad profile."""
        return self.consult(profile, lang, trace).advice

    def consult(self, profile: Union[Profile, dict], lang: str = "en", trace: bool = True) -> Consultation:
        """Like ``advise``, keeping what explanations need: the facts the engine saw and what it concluded."""
        if lang not in ("en", "zh"):
            raise ValueError("lang must be 'en' or 'zh'")
        profile = self.validate(profile)
        derivation = derive(profile)
        facts = input_facts(profile, derivation)  # from the models: the profile is dumped only if needed
        outcome = self.engine.run(facts, trace=trace)
        questions, data = None, None
        if (NEED_MORE_INFO, COMPANY_SUBJECT) in outcome.conclusions:
            data = profile_data(profile)  # one dump: the questions and explanations read it
            questions = self.questions_for(profile, facts, outcome, data)
        advice = self.assembler.assemble(profile, derivation, outcome, lang, questions)
        consultation = Consultation(profile, facts, set(outcome.conclusions), advice)
        if data is not None:
            consultation.__dict__["data"] = data  # what the cached property would dump again
        return consultation

    def questions_for(self, profile: Profile, facts: list[dict], outcome: Outcome,
                      data: Optional[dict] = None) -> Optional[list]:
        """The questions a need-more-info verdict lists; none at this level (the façade asks)."""
        return None
