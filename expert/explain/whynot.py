"""Why not: for a conclusion that was not reached, every rule that could conclude it, with
each condition judged held / failed / unknown against the facts given.

Conditions on other conclusions are expanded the same way: a conclusion that was needed
but not reached gets its own why-not (to a bounded depth); one that had to be absent but
was reached gets its proof.  The smallest change of facts is ``smallest_change.py``'s job.
"""

from __future__ import annotations

from typing import Any, Optional

from expert.advice.model import builder
from expert.explain.conditions import FAILED, UNKNOWN, ConditionCheck, FactView, check_rule, combine_all, conclusion_instances
from expert.explain.model import ConditionReport, RuleReport, TestReport, WhyNotNode
from expert.explain.proof import ProofBuilder, derived_inputs, fact_id, rule_ref, title_of, unstated_requirements
from expert.facts.factpaths import get_fact
from expert.facts.fields import field_catalogue
from expert.rulebase.compiler import ANY_SUBJECT
from expert.rulebase.rulebook import ConclusionCondition, KnowledgeBase

MAX_DEPTH = 3  # nested why-nots: deep enough for the longest chain, short enough to read


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# The reports are made from values built here or read from the knowledge base and the
# profile (``explainer.explain`` hands over their own strings, not a caller's), each of its
# field's type, so they are built without validation (``advice/model.built``: every field
# given, in declaration order); a why-not with its nested why-nots holds hundreds of them,
# and validating each was about a fifth of the report's cost.  ``tests/explain/test_whynot.py``
# holds every report built so equal, type for type, to the same report validated.
_test_report, _condition_report, _rule_report, _node = (
    builder(cls) for cls in (TestReport, ConditionReport, RuleReport, WhyNotNode))
# A condition on facts names no conclusion: the rest of its ConditionReport, in field order
_NO_CONCLUSION = {"conclusion": None, "title": None, "negated": False, "subject": None, "why_not": None, "proof": None}


class WhyNotBuilder:
    def __init__(self, knowledge: KnowledgeBase, view: FactView, proofs: ProofBuilder) -> None:
        self.knowledge, self.view, self.proofs = knowledge, view, proofs
        self.data = proofs.profile

    def node(self, cid: str, subject: Optional[str], depth: int = 0, seen: frozenset = frozenset()) -> WhyNotNode:
        reports = []
        for rule, one in conclusion_instances(self.knowledge, cid, subject, list(self.view.offers)):
            conditions = [self.condition(c, one, depth, seen | {cid}) for c in check_rule(rule, self.view, one)]
            reports.append(_rule_report({"rule": rule_ref(self.knowledge, rule.id), "subject": one,
                                         "status": combine_all([c.status for c in conditions]),
                                         "conditions": conditions}))
        return _node({"conclusion": cid, "subject": None if subject in (None, ANY_SUBJECT) else subject,
                      "title": title_of(self.knowledge, cid), "rules": reports})

    def condition(self, check: ConditionCheck, subject: str, depth: int, seen: frozenset) -> ConditionReport:
        condition = check.condition
        if not isinstance(condition, ConclusionCondition):
            tests = [_test_report({"fact": fact_id(t.test.path, subject), "operator": t.test.operator,
                                   "expected": _plain(t.test.value), "actual": t.value, "status": t.status,
                                   "missing": self.missing(t.test.path, subject) if t.value is None else [],
                                   "set_name": t.test.set_name})
                     for t in check.tests]
            alternatives = [self.condition(a, subject, depth, seen) for a in check.alternatives]
            return _condition_report({"status": check.status, "tests": tests, "alternatives": alternatives,
                                      **_NO_CONCLUSION})
        report: dict = {"status": check.status, "tests": [], "alternatives": [], "conclusion": condition.id,
                        "title": title_of(self.knowledge, condition.id), "negated": condition.negated,
                        "subject": check.subject, "why_not": None, "proof": None}
        if check.status == FAILED and condition.negated:  # reached, but had to be absent: show why it was reached
            report["proof"] = self.proofs.node_for(condition.id, check.subject)
        elif check.status == FAILED and depth < MAX_DEPTH and condition.id not in seen:
            nested = self.node(condition.id, check.subject, depth + 1, seen)
            report["why_not"] = nested
            if any(r.status == UNKNOWN for r in nested.rules):
                report["status"] = UNKNOWN  # stating some facts could still make it hold
        return _condition_report(report)


    def missing(self, path: str, subject: str) -> list[str]:
        """The unstated facts a computed value needs (those it requires, else any of its inputs)."""
        spec = field_catalogue()[path]
        if not spec.derived:
            return []
        unstated = [ref.id for ref in unstated_requirements(path, subject, self.data)]
        if not unstated:
            unstated = [ref.id for ref in derived_inputs(path, subject, self.data) if get_fact(self.data, ref) is None]
        return list(dict.fromkeys(unstated))
