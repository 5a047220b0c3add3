"""How: proof trees, checked against golden files and against the profile they explain.

Golden files (tests/explain/golden/proof-*.json) hold the stable JSON of the verdict's proof for
a few worked cases; a change to the rules that changes a proof shows up as a diff to
review.  Regenerate them with ``EXPERT_UPDATE_GOLDEN=1 pytest tests/explain/test_proof.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import support

from expert.audit.cases import load_cases
from expert.explain.render import render_explanation
from expert.facts.factpaths import get_fact, parse_fact

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {c.id: c for c in load_cases(support.KNOWLEDGE / "cases")}
GOLDEN_CASES = ["live-commerce-peaks", "fintech-paid-stability-patch", "credit-union-data-monetizing-upgrade",
                "esports-2k-over-budget", "im-upgrade-kind-unstated"]


def _golden(name: str, data: dict) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("EXPERT_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with EXPERT_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"proof changed; review and regenerate {path.name}"


@pytest.mark.parametrize("case_id", GOLDEN_CASES)
def test_verdict_proof_matches_golden_file(advisor, case_id):
    case = CASES[case_id]
    verdict = advisor.advise(case.profile).verdict.id
    explanation = advisor.explain(case.profile, verdict)
    assert explanation.reached and explanation.proofs
    _golden(f"proof-{case_id}", explanation.model_dump(mode="json"))


def _walk(node, profile, seen_rules):
    for step in node.steps:
        seen_rules.add(step.rule.rule)
        assert step.rule.claims and step.rule.paragraphs
        for premise in step.premises:
            if premise.kind == "input":
                given = get_fact(profile, parse_fact(premise.fact, sections=True))
                if isinstance(given, dict):  # a section (the rule read whether it is stated) or a priced capability
                    given = given.get("availability", True)
                assert given == premise.value, premise.fact
            elif premise.kind == "derived":
                for fact, value in premise.inputs.items():
                    assert get_fact(profile, parse_fact(fact)) == value, fact
            elif premise.kind == "conclusion":
                _walk(premise.proof, profile, seen_rules)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_every_conclusion_proof_rests_on_the_profile(advisor, case_id):
    """Each reached conclusion has a proof whose input leaves are exactly the values given."""
    run = advisor.consult(CASES[case_id].profile)
    from expert.explain.proof import ProofBuilder

    builder = ProofBuilder(advisor.knowledge, run.advice, run.data)
    fired = {f.rule for f in run.advice.trace}
    seen: set = set()
    for cid, subject in run.concluded:
        node = builder.node(cid, subject)
        assert node is not None and node.steps, (cid, subject)
        _walk(node, run.data, seen)
    assert seen == fired  # every firing appears in some proof


def test_proof_renders_in_both_languages(advisor):
    explanation = advisor.explain(CASES["live-commerce-peaks"].profile, "verdict.pay")
    english = render_explanation(explanation, "en")
    chinese = render_explanation(explanation, "zh")
    markdown = render_explanation(explanation, "en", markdown=True)
    assert "How it was reached" in english and "rule verdict." in english and "C19" in english
    assert "如何得出" in chinese and "因为" in chinese
    assert markdown.startswith("# How it was reached")


def test_explanations_share_no_list_a_caller_could_change(advisor):
    """Rule references are made once per rule (``proof.rule_ref``), but each explanation gets
    its own claims and paragraphs lists: one caller's edit must never reach another's report."""
    from expert.explain.model import RuleRef
    from expert.explain.proof import rule_ref

    rule = next(r for r in advisor.knowledge.rules.values() if r.claims and r.paragraphs and "{" not in r.because.en)
    first, second = rule_ref(advisor.knowledge, rule.id), rule_ref(advisor.knowledge, rule.id)
    assert first == second and isinstance(first, RuleRef)
    assert first.claims is not second.claims and first.paragraphs is not second.paragraphs
    clean = second.model_dump_json()
    first.claims.append("INJECTED")
    first.paragraphs.append("INJECTED")
    assert rule_ref(advisor.knowledge, rule.id).model_dump_json() == clean
    # the same as validating it afresh, type for type
    fresh = RuleRef.model_validate(rule_ref(advisor.knowledge, rule.id).model_dump())
    again = rule_ref(advisor.knowledge, rule.id)
    assert again == fresh and again.model_fields_set == fresh.model_fields_set
