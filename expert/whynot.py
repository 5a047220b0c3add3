"""Why not: for a conclusion that was not reached, every rule that could conclude it, with
each condition judged held / failed / unknown against the facts given.

Conditions on other conclusions are expanded the same way: a conclusion that was needed
but not reached gets its own why-not (to a bounded depth); one that had to be absent but
was reached gets its proof.  The smallest change of facts is ``smallest_change.py``'s job.
"""

from __future__ import annotations

from typing import Any, Optional

from expert.compiler import COMPANY_SUBJECT
from expert.conditions import FAILED, UNKNOWN, ConditionCheck, FactView, check_rule
from expert.explanation import ConditionReport, RuleReport, TestReport, WhyNotNode
from expert.factpaths import expand_input, get_fact
from expert.fields import field_catalogue
from expert.proof import ProofBuilder, derived_inputs, fact_id, rule_ref, title_of
from expert.rulebook import ABOUT_COMPANY, ConclusionCondition, KnowledgeBase

MAX_DEPTH = 3  # nested why-nots: deep enough for the longest chain, short enough to read


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class WhyNotBuilder:
    def __init__(self, knowledge: KnowledgeBase, view: FactView, proofs: ProofBuilder) -> None:
        self.knowledge, self.view, self.proofs = knowledge, view, proofs
        self.data = proofs.profile

    def subjects(self, cid: str, subject: Optional[str]) -> list[str]:
        about = self.knowledge.conclusions[cid].about
        if about == ABOUT_COMPANY:
            return [COMPANY_SUBJECT]
        offers = list(self.view.offers)
        if subject not in (None, "*", COMPANY_SUBJECT):
            return [subject] if subject in offers else []
        return ([COMPANY_SUBJECT] if about != "offer" else []) + offers

    def node(self, cid: str, subject: Optional[str], depth: int = 0, seen: frozenset = frozenset()) -> WhyNotNode:
        reports = []
        for rule in self.knowledge.rules.values():
            if rule.conclude != cid:
                continue
            for one in self.subjects(cid, subject):
                if (rule.about == ABOUT_COMPANY) != (one == COMPANY_SUBJECT):
                    continue
                checks = check_rule(rule, self.view, one)
                conditions = [self.condition(c, one, depth, seen | {cid}) for c in checks]
                status = _combine([c.status for c in conditions])
                reports.append(RuleReport(rule=rule_ref(self.knowledge, rule.id), subject=one, status=status,
                                          conditions=conditions))
        return WhyNotNode(conclusion=cid, subject=None if subject in (None, "*") else subject,
                          title=title_of(self.knowledge, cid), rules=reports)

    def condition(self, check: ConditionCheck, subject: str, depth: int, seen: frozenset) -> ConditionReport:
        condition = check.condition
        if not isinstance(condition, ConclusionCondition):
            tests = [TestReport(fact=fact_id(t.test.path, subject), operator=t.test.operator,
                                expected=_plain(t.test.value), actual=t.value, status=t.status,
                                missing=self.missing(t.test.path, subject) if t.value is None else [])
                     for t in check.tests]
            alternatives = [self.condition(a, subject, depth, seen) for a in check.alternatives]
            return ConditionReport(status=check.status, tests=tests, alternatives=alternatives)
        report: dict = {"status": check.status, "conclusion": condition.id, "negated": condition.negated,
                        "subject": check.subject, "title": title_of(self.knowledge, condition.id)}
        if check.status == FAILED and condition.negated:  # reached, but had to be absent: show why it was reached
            subjects = [check.subject] if check.subject != "*" else [COMPANY_SUBJECT, *self.view.offers]
            report["proof"] = next((n for s in subjects for n in [self.proofs.node(condition.id, s)] if n), None)
        elif check.status == FAILED and depth < MAX_DEPTH and condition.id not in seen:
            nested = self.node(condition.id, check.subject, depth + 1, seen)
            report["why_not"] = nested
            if any(r.status == UNKNOWN for r in nested.rules):
                report["status"] = UNKNOWN  # stating some facts could still make it hold
        return ConditionReport(**report)


    def missing(self, path: str, subject: str) -> list[str]:
        """The unstated facts a computed value needs (those it requires, else any of its inputs)."""
        spec = field_catalogue()[path]
        if not spec.derived:
            return []
        owner = subject if subject != COMPANY_SUBJECT else None
        required = [ref for r in spec.requires for ref in expand_input(r.partition("=")[0], owner, self.data)]
        unstated = [ref.id for ref in required if get_fact(self.data, ref) is None]
        if not unstated:
            unstated = [ref.id for ref in derived_inputs(path, subject, self.data) if get_fact(self.data, ref) is None]
        return list(dict.fromkeys(unstated))


def _combine(statuses: list[str]) -> str:
    if FAILED in statuses:
        return FAILED
    return UNKNOWN if UNKNOWN in statuses else "held"
