"""Turn the open facts of a partial profile into questions a person or a bot can answer.

The ranking comes from ``relevance.py``; the words from ``knowledge/questions.yaml``; the
allowed answers from the vocabulary (``answers.py``).
"""

from __future__ import annotations

from expert.advice.model import ConclusionRef, Question, Text
from expert.consult.answers import answer_spec
from expert.consult.question_catalogue import QuestionCatalogue
from expert.consult.relevance import PLACEHOLDER_OFFER, Relevance, RelevanceAnalysis, RuleIndex, fact_ref
from expert.explain.conditions import FactView
from expert.facts.factpaths import FactRef, parse_fact
from expert.rulebase.rulebook import KnowledgeBase

_KIND_ORDER = ("warning", "unfit", "fit", "finding", "trait", "action", "figure", "verdict")  # specific first


def _shown_subject(subject: str) -> str:
    """``company``, an offer's name, or ``*`` for an offer not named yet."""
    return "*" if subject == PLACEHOLDER_OFFER else subject


class Asker:
    """Questions for one knowledge base and its question catalogue."""

    def __init__(self, knowledge: KnowledgeBase, catalogue: QuestionCatalogue) -> None:
        self.knowledge, self.catalogue = knowledge, catalogue
        self.index = RuleIndex(knowledge)
        self._wordings: dict[str, tuple] = {}
        self._refs: dict[tuple[str, str], ConclusionRef] = {}
        self._titles = {cid: Text(en=k.title.en, zh=k.title.zh) for cid, k in knowledge.conclusions.items()}
        kind_rank = {cid: _KIND_ORDER.index(k.kind) for cid, k in knowledge.conclusions.items()}
        self._ref_order = lambda ref: (kind_rank[ref.id], ref.id, ref.subject)
        self.labels = {value: Text(en=label.en, zh=label.zh) for value, label in catalogue.choices.items()}

    def relevance(self, profile: dict, facts: list[dict], concluded: set, verdict_only: bool = False) -> Relevance:
        """The analysis of a partial profile (only what the verdict depends on, if ``verdict_only``)."""
        view = FactView.build(facts, concluded)
        analysis = RelevanceAnalysis(self.knowledge, view, profile, frozenset(profile.get("asked") or []), self.index)
        return analysis.run(("verdict",) if verdict_only else ("verdict", "warning"))

    def questions(self, relevance: Relevance, profile: dict, verdict_only: bool = False) -> list[Question]:
        return [self.question(fact, relevance, profile) for fact in relevance.ranked(verdict_only)]

    def question(self, fact: str, relevance: Relevance, profile: dict) -> Question:
        text, hint, answer = self._wording(fact, profile)
        why = sorted((self._conclusion_ref(cid, subject) for cid, subject in relevance.reasons.get(fact, [])),
                     key=self._ref_order)
        ref = fact_ref(fact)
        return Question(id=fact, fact=ref.fact, subject=ref.subject, text=text, hint=hint, answer=answer, why=why,
                        score=round(relevance.score(fact), 2))

    def question_about(self, fact: str, profile: dict) -> Question:
        """The question for ``fact`` asked again (to change its answer): its wording and
        allowed answers, without the reasons a ranking gives."""
        text, hint, answer = self._wording(fact, profile)
        ref = FactRef.from_id(fact)
        return Question(id=fact, fact=ref.fact, subject=ref.subject, text=text, hint=hint, answer=answer, why=[], score=0)

    def _conclusion_ref(self, cid: str, subject: str) -> ConclusionRef:
        """The same few conclusion references recur in every consultation: built once each
        (bounded: offer names are user text)."""
        ref = self._refs.get((cid, subject))
        if ref is None:
            ref = ConclusionRef(id=cid, subject=_shown_subject(subject), title=self._titles[cid])
            if len(self._refs) < 10_000:
                self._refs[(cid, subject)] = ref
        return ref

    def _wording(self, fact: str, profile: dict) -> tuple:
        """Text, hint and allowed answers of a question: the same on every turn, so built once
        (bounded: offer names are user text), except the choice of offers, which varies."""
        cached = self._wordings.get(fact)
        if cached is not None:
            return cached
        ref = parse_fact(fact)
        template = self.catalogue.text_of(self._catalogue_key(ref))
        text = Text(en=self._fill(template.text.en, ref, "en"), zh=self._fill(template.text.zh, ref, "zh"))
        hint = Text(en=template.hint.en, zh=template.hint.zh) if template.hint else None
        wording = (text, hint, answer_spec(ref, profile, self.labels))
        if fact != "upgrade.offer" and len(self._wordings) < 10_000:
            self._wordings[fact] = wording
        return wording

    @staticmethod
    def _catalogue_key(ref: FactRef) -> str:
        return "offer.capabilities" if ref.path.startswith("offer.capabilities.") else ref.path

    def _fill(self, template: str, ref: FactRef, lang: str) -> str:
        text = template.replace("{offer}", ref.offer or "")
        if "{capability}" in text:
            capability = ref.path.rsplit(".", 1)[-1]
            label = self.labels.get(capability)
            text = text.replace("{capability}", label.get(lang) if label else capability)
        return text
