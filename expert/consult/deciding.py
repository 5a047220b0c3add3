"""The facts that decide a verdict: what its proof rests on, and what rules out the rest.

A verdict's proof (``explain/proof.py``) names the input facts its rules matched.  Some of those
rules also need another conclusion to be *absent* (need_more_info beats dont_pay, which
beats pay); the facts that keep that conclusion away decide the verdict as much: for each
rule that could have concluded an absent conclusion, the facts of every condition of it
that fails (each one alone rules the rule out; an unstated fact counts, since stating it
could make the condition hold).  And for every conclusion in the proof, the facts that fail
its other rules: routes to the same conclusion that a consultation has to check before it
can know they are not the ones taken.

A consultation is measured against this set: it should reach the verdict asking no more
questions than there are deciding facts.
"""

from __future__ import annotations

from expert.advice.consultation import Consultant, Consultation
from expert.explain.conditions import HELD, ConditionCheck, FactView, check_rule
from expert.explain.model import ProofNode
from expert.explain.proof import ProofBuilder, derived_inputs, fact_id, input_leaves
from expert.facts.factpaths import OFFERS, UPGRADE
from expert.facts.fields import field_catalogue
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT
from expert.rulebase.rulebook import ABOUT_COMPANY, ConclusionCondition


class _Decider:
    def __init__(self, consultant: Consultant, run: Consultation) -> None:
        self.knowledge = consultant.knowledge
        self.view = FactView.build(run.facts, run.concluded)
        self.data = run.data
        self.proofs = ProofBuilder(consultant.knowledge, run.advice, run.data)
        self.memo: dict = {}

    def of_proof(self, node: ProofNode) -> set[str]:
        facts = set(input_leaves(node)) | self.other_routes(node)
        for step in node.steps:
            for premise in step.premises:
                if premise.kind == "absent":
                    facts |= self.ruling_out(premise.conclusion, premise.subject)
                elif premise.kind == "conclusion":
                    facts |= self.of_proof(premise.proof)
        return facts

    def other_routes(self, node: ProofNode) -> set[str]:
        """Facts that fail the other rules for the same conclusion: routes checked, not taken."""
        taken = {step.rule.rule for step in node.steps}
        facts: set[str] = set()
        for rule in self.knowledge.rules.values():
            same_kind = (rule.about == ABOUT_COMPANY) == (node.subject == COMPANY_SUBJECT)
            if rule.conclude == node.conclusion and rule.id not in taken and same_kind:
                for check in check_rule(rule, self.view, node.subject):
                    if check.status != HELD:
                        facts |= self.condition_facts(check, node.subject)
        return facts

    def ruling_out(self, cid: str, subject: str) -> set[str]:
        """Facts that keep ``cid`` from being concluded for ``subject`` ("*": any subject)."""
        key = (cid, subject)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = set()
        facts: set[str] = set()
        for rule in self.knowledge.rules.values():
            if rule.conclude != cid:
                continue
            if rule.about == ABOUT_COMPANY:
                subjects = [COMPANY_SUBJECT]
            else:
                subjects = list(self.view.offers) if subject in (ANY_SUBJECT, COMPANY_SUBJECT) else [subject]
            for one in subjects:
                for check in check_rule(rule, self.view, one):
                    if check.status != HELD:
                        facts |= self.condition_facts(check, one)
        self.memo[key] = facts
        return facts

    def condition_facts(self, check: ConditionCheck, subject: str) -> set[str]:
        condition = check.condition
        if isinstance(condition, ConclusionCondition):
            if condition.negated:  # it was reached: what it rests on keeps this rule away
                node = self.proofs.node_for(condition.id, check.subject)
                return self.of_proof(node) if node else set()
            return self.ruling_out(condition.id, check.subject)
        facts: set[str] = set()
        for test in check.tests:
            facts |= self.test_facts(test.test.path, subject)
        for alternative in check.alternatives:
            facts |= self.condition_facts(alternative, subject)
        return facts

    def test_facts(self, path: str, subject: str) -> set[str]:
        if field_catalogue()[path].derived:
            return {ref.id for ref in derived_inputs(path, subject, self.data)}
        return {fact_id(path, subject)}


def deciding_facts(consultant: Consultant, run: Consultation) -> set[str]:
    """The input facts (fact ids) that decide ``run``'s verdict."""
    decider = _Decider(consultant, run)
    node = decider.proofs.node(run.advice.verdict.id, COMPANY_SUBJECT)
    facts = decider.of_proof(node) if node else set()
    if any(f.startswith(f"{OFFERS}[") or f == "upgrade.offer" for f in facts):
        facts.add(OFFERS)  # an offer's facts presuppose knowing the offer
    if any(f.startswith(f"{UPGRADE}.") for f in facts):
        facts.add(UPGRADE)
    return facts
