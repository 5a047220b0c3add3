"""Turn the open facts of a partial profile into questions a person or a bot can answer.

The ranking comes from ``relevance.py``; the words from ``knowledge/questions.yaml``; the
allowed answers from the vocabulary (``answers.py``).
"""

from __future__ import annotations

from operator import itemgetter

from expert.advice.model import AnswerSpec, ConclusionRef, Question, Text, builder
from expert.consult.answers import answer_spec
from expert.consult.question_catalogue import QuestionCatalogue
from expert.consult.relevance import PLACEHOLDER_OFFER, Relevance, RelevanceAnalysis, RuleIndex
from expert.explain.conditions import FactView
from expert.facts.factpaths import FactRef, parse_fact
from expert.rulebase.rulebook import KnowledgeBase

_KIND_ORDER = ("warning", "unfit", "fit", "finding", "trait", "action", "figure", "verdict")  # specific first


def _shown_subject(subject: str) -> str:
    """``company``, an offer's name, or ``*`` for an offer not named yet."""
    return "*" if subject == PLACEHOLDER_OFFER else subject


_build_question, _build_answer = builder(Question), builder(AnswerSpec)  # ``model.built``, bound once


def _own(answer: AnswerSpec) -> AnswerSpec:
    """A question's allowed answers, with a choices list of its own: a question's wording is
    worked out once, and no container of one Advice or turn may be another's (a caller's
    edit would reach the next).  A copy of the worked-out values (in declaration order,
    each of its type, as ``model.built`` wants them) with a copy of the list."""
    values = answer.__dict__.copy()
    values["choices"] = values["choices"][:]
    return _build_answer(values)


class Asker:
    """Questions for one knowledge base and its question catalogue."""

    def __init__(self, knowledge: KnowledgeBase, catalogue: QuestionCatalogue) -> None:
        self.knowledge, self.catalogue = knowledge, catalogue
        self.index = RuleIndex(knowledge)
        self._wordings: dict[str, tuple] = {}
        self._refs: dict[tuple[str, str], tuple[tuple, ConclusionRef]] = {}
        self._titles = {cid: Text(en=k.title.en, zh=k.title.zh) for cid, k in knowledge.conclusions.items()}
        # a question's reasons go specific kinds first, then by id: one number per conclusion
        self._ref_rank = {cid: rank for rank, cid in enumerate(sorted(
            knowledge.conclusions, key=lambda cid: (_KIND_ORDER.index(knowledge.conclusions[cid].kind), cid)))}
        self.labels = {value: Text(en=label.en, zh=label.zh) for value, label in catalogue.choices.items()}

    def relevance(self, profile: dict, facts: list[dict], concluded: set, verdict_only: bool = False) -> Relevance:
        """The analysis of a partial profile (only what the verdict depends on, if ``verdict_only``)."""
        view = FactView.build(facts, concluded)
        analysis = RelevanceAnalysis(self.knowledge, view, profile, frozenset(profile.get("asked") or []), self.index)
        return analysis.run(("verdict",) if verdict_only else ("verdict", "warning"))

    def questions(self, relevance: Relevance, profile: dict, verdict_only: bool = False) -> list[Question]:
        """The ranked questions, built from values of the right type (``model.built``: every
        piece is a model validated once, or a str, a list or a float), not validated again
        (a need-more-info consultation lists about twenty; ``tests/consult/test_asking.py``
        holds them equal to the same questions validated)."""
        return self._built(relevance.ranked(verdict_only), relevance, profile)

    def question(self, fact: str, relevance: Relevance, profile: dict) -> Question:
        return self._built([fact], relevance, profile)[0]

    def _built(self, facts: list[str], relevance: Relevance, profile: dict) -> list[Question]:
        """The questions about ``facts``, in one loop (about twenty a consultation: a call
        less per question counts)."""
        wordings, refs, reasons = self._wordings, self._refs, relevance.reasons
        verdict_scores, warning_scores = relevance.verdict_scores, relevance.warning_scores
        build_question = _build_question
        questions = []
        for fact in facts:
            text, hint, answer, named, subject = wordings.get(fact) or self._wording(fact, profile)
            keys = reasons.get(fact, ())
            if len(keys) == 1:  # most questions have one reason: nothing to sort (and no comprehension to call)
                (key,) = keys
                why = [(refs.get(key) or self._conclusion_ref(*key))[1]]
            elif len(keys) == 2:  # the next most common: one comparison, no sort
                first, second = keys
                first, second = refs.get(first) or self._conclusion_ref(*first), refs.get(second) or self._conclusion_ref(*second)
                why = [first[1], second[1]] if first[0] < second[0] else [second[1], first[1]]
            else:
                why = [ref for _, ref in sorted([refs.get(key) or self._conclusion_ref(*key) for key in keys],
                                                key=itemgetter(0))]
            questions.append(build_question({
                "id": fact, "fact": named, "subject": subject, "text": text, "hint": hint,
                "answer": _own(answer), "why": why,
                "score": round(verdict_scores.get(fact, 0.0) + warning_scores.get(fact, 0.0), 2)}))
        return questions

    def question_about(self, fact: str, profile: dict) -> Question:
        """The question for ``fact`` asked again (to change its answer): its wording and
        allowed answers, without the reasons a ranking gives."""
        text, hint, answer, named, subject = self._wording(fact, profile)
        return Question(id=fact, fact=named, subject=subject, text=text, hint=hint, answer=_own(answer), why=[], score=0)

    def _conclusion_ref(self, cid: str, subject: str) -> tuple[tuple, ConclusionRef]:
        """The same few conclusion references recur in every consultation: built once each,
        with the key a question's reasons are sorted by (bounded: offer names are user text)."""
        found = self._refs.get((cid, subject))
        if found is None:
            ref = ConclusionRef(id=cid, subject=_shown_subject(subject), title=self._titles[cid])
            found = ((self._ref_rank[cid], ref.subject, subject), ref)  # the subject itself last: reasons come as a set
            if len(self._refs) < 10_000:
                self._refs[(cid, subject)] = found
        return found

    def _wording(self, fact: str, profile: dict) -> tuple:
        """Text, hint and allowed answers of a question, and the fact and subject it names:
        the same on every turn, so built once (bounded: offer names are user text), except
        the choice of offers, which varies."""
        cached = self._wordings.get(fact)
        if cached is not None:
            return cached
        ref = parse_fact(fact)
        template = self.catalogue.text_of(self._catalogue_key(ref))
        text = Text(en=self._fill(template.text.en, ref, "en"), zh=self._fill(template.text.zh, ref, "zh"))
        hint = Text(en=template.hint.en, zh=template.hint.zh) if template.hint else None
        wording = (text, hint, answer_spec(ref, profile, self.labels), ref.fact, ref.subject)
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
