"""The relevance analysis written the straightforward way, as the module docstring of
``expert/consult/relevance.py`` states it: rules and conditions read from the knowledge
base as written, tests judged by ``status_of_test``, values read through ``FactView``.

``RelevanceAnalysis`` runs a compiled form of the same analysis (integer-indexed
programs, one pass per consultation); ``consult/test_relevance_reference.py`` checks that both give
the same ``Relevance``, float for float, on many partial profiles.  The profile's own
openness (which facts are unstated, what a derived value reads) is ``relevance._State``,
shared by both: it is tested on its own in ``test_relevance.py``.
"""

from __future__ import annotations

from expert.consult.relevance import (
    CHAIN_DECAY,
    FALSE,
    OPEN,
    PLACEHOLDER_OFFER,
    TRUE,
    UPGRADE,
    UPGRADE_COUNTS,
    VERDICT_WEIGHT,
    WARNING_WEIGHTS,
    Relevance,
    _State,
)
from expert.explain.conditions import FAILED, HELD, UNKNOWN, conclusion_subject, status_of_test
from expert.facts.fields import field_catalogue
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT
from expert.rulebase.rulebook import ABOUT_COMPANY, ConclusionCondition


class ReferenceAnalysis:
    def __init__(self, knowledge, view, profile: dict, asked: frozenset) -> None:
        self.knowledge, self.view = knowledge, view
        self.state = _State(knowledge, view, profile, asked)
        self.instances: dict = {}  # (rule id, subject) -> (status, open facts per open condition), in post-order
        self.conclusion_status: dict = {}

    def judge_path(self, path: str, subject: str) -> tuple[list, object]:
        state, spec = self.state, field_catalogue()[path]
        if spec.derived and any(state.requirement_fails(r, subject) for r in spec.requires):
            return [], None
        open_deps = [f for f in state.deps(path, subject) if state.is_open(f)]
        if open_deps and path in UPGRADE_COUNTS:
            open_deps = state.upgrade_count_open(path, open_deps)
        if open_deps:
            return open_deps, None
        if path.startswith("offer.") and subject == PLACEHOLDER_OFFER:
            return [], None
        return [], self.view.value(path, subject)

    def test(self, test, subject: str) -> tuple[str, list]:
        open_deps, value = self.judge_path(test.path, subject)
        if open_deps:
            return OPEN, open_deps
        status = status_of_test(test, value)
        return (FAILED if status == UNKNOWN else status), []

    def fact_condition(self, condition, subject: str) -> tuple[str, list]:
        if condition.alternatives:
            results = [self.fact_condition(a, subject) for a in condition.alternatives]
            statuses = [s for s, _ in results]
            if HELD in statuses:
                return HELD, []
            return (OPEN if OPEN in statuses else FAILED), [f for s, fs in results if s == OPEN for f in fs]
        results = [self.test(t, subject) for t in condition.tests]
        statuses = [s for s, _ in results]
        if FAILED in statuses:
            return FAILED, []
        return (OPEN if OPEN in statuses else HELD), [f for _, fs in results for f in fs]

    def conclusion_condition(self, condition: ConclusionCondition, subject: str) -> str:
        about = conclusion_subject(condition, subject)
        if about == ANY_SUBJECT:
            statuses = [self.status(condition.id, s) for s in self.state.subjects]
            status = TRUE if TRUE in statuses else OPEN if OPEN in statuses else FALSE
        else:
            status = self.status(condition.id, about)
        if status == OPEN:
            return OPEN
        return HELD if (status == TRUE) != condition.negated else FAILED

    def instance(self, rule, subject: str) -> str:
        key = (rule.id, subject)
        if key in self.instances:
            return self.instances[key][0]
        status, groups = HELD, []
        for condition in rule.conditions:
            if isinstance(condition, ConclusionCondition):
                one = self.conclusion_condition(condition, subject)
            else:
                one, facts = self.fact_condition(condition, subject)
                if facts:
                    groups.append(tuple(dict.fromkeys(facts)))
            if one == FAILED:
                status = FAILED
                break
            if one == OPEN:
                status = OPEN
        self.instances[key] = (status, groups if status == OPEN else [])
        return status

    def status(self, cid: str, subject: str) -> str:
        key = (cid, subject)
        if key not in self.conclusion_status:
            company = subject == COMPANY_SUBJECT
            statuses = [self.instance(rule, subject) for rule in self.knowledge.rules.values()
                        if rule.conclude == cid and (rule.about == ABOUT_COMPANY) == company]
            self.conclusion_status[key] = TRUE if HELD in statuses else OPEN if OPEN in statuses else FALSE
        return self.conclusion_status[key]

    def run(self, kinds: tuple[str, ...] = ("verdict", "warning")) -> Relevance:
        conclusions = self.knowledge.conclusions
        roots = dict.fromkeys((rule.conclude, rule.about == ABOUT_COMPANY) for rule in self.knowledge.rules.values()
                              if conclusions[rule.conclude].kind in kinds)
        for cid, about_company in roots:
            for subject in (COMPANY_SUBJECT,) if about_company else self.state.subjects:
                self.status(cid, subject)
        rules = self.knowledge.rules
        live, producers = [], {}
        for (rule_id, subject), (status, groups) in self.instances.items():
            key = (rules[rule_id].conclude, subject)
            if status == OPEN and self.conclusion_status[key] == OPEN:
                live.append((key, groups))
                producers[key] = producers.get(key, 0) + 1
        open_conclusions = {cid for (cid, _), status in self.conclusion_status.items() if status == OPEN}
        open_rules = {rule_id for (rule_id, _), (status, _) in self.instances.items() if status == OPEN}
        weights: dict = {}

        def weight(cid: str) -> tuple[float, float]:
            if cid not in open_conclusions:
                return (0.0, 0.0)
            if cid not in weights:
                kind = conclusions[cid]
                verdict = VERDICT_WEIGHT if kind.kind == "verdict" else 0.0
                warning = WARNING_WEIGHTS[kind.severity] if kind.kind == "warning" else 0.0
                downstream = [weight(rule.conclude) for rule in rules.values()
                              if any(isinstance(c, ConclusionCondition) and c.id == cid for c in rule.conditions)
                              and rule.conclude in open_conclusions and rule.id in open_rules]
                weights[cid] = (verdict + CHAIN_DECAY * max((w[0] for w in downstream), default=0.0),
                                warning + CHAIN_DECAY * max((w[1] for w in downstream), default=0.0))
            return weights[cid]

        verdict_scores: dict = {}
        warning_scores: dict = {}
        reasons: dict = {}
        for key, groups in live:
            verdict_weight, warning_weight = weight(key[0])
            for group in groups:
                share = 1.0 / len(group) / producers[key]
                for fact in group:
                    verdict_scores[fact] = verdict_scores.get(fact, 0.0) + share * verdict_weight
                    warning_scores[fact] = warning_scores.get(fact, 0.0) + share * warning_weight
                    reasons.setdefault(fact, set()).add(key)
        if self.state.upgrade_open:
            details = [f for f in verdict_scores if f.startswith("upgrade.")]
            if details:
                for scores in (verdict_scores, warning_scores):
                    scores[UPGRADE] = scores.get(UPGRADE, 0.0) + max(scores.pop(f, 0.0) for f in details)
                reasons.setdefault(UPGRADE, set()).update(*(reasons.pop(f) for f in details))
        statuses = dict(self.conclusion_status)
        return Relevance(verdict_scores, warning_scores, {f: sorted(r) for f, r in reasons.items()},
                         frozenset(verdict_scores), lambda: statuses)


def reference_questions(asker, relevance: Relevance, profile: dict, verdict_only: bool = False) -> list:
    """The questions as ``Asker.questions`` words them, one model at a time."""
    from expert.advice.model import ConclusionRef, Question, Text
    from expert.consult.relevance import fact_ref

    kinds = {cid: kind.kind for cid, kind in asker.knowledge.conclusions.items()}
    order = ("warning", "unfit", "fit", "finding", "trait", "action", "figure", "verdict")
    questions = []
    for fact in relevance.ranked(verdict_only):
        text, hint, answer = asker._wording(fact, profile)[:3]
        why = sorted((ConclusionRef(id=cid, subject="*" if subject == PLACEHOLDER_OFFER else subject,
                                    title=Text(en=asker.knowledge.conclusions[cid].title.en,
                                               zh=asker.knowledge.conclusions[cid].title.zh))
                      for cid, subject in relevance.reasons.get(fact, [])),
                     key=lambda ref: (order.index(kinds[ref.id]), ref.id, ref.subject))
        ref = fact_ref(fact)
        questions.append(Question(id=fact, fact=ref.fact, subject=ref.subject, text=text, hint=hint, answer=answer,
                                  why=why, score=round(relevance.score(fact), 2)))
    return questions
