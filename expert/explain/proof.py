"""How: the proof tree of a conclusion, built from an Advice's firing trace.

A proof node is a conclusion and the rule firings that asserted it; each firing lists the
facts it matched: an input fact (with the value given), a derived value (with its formula
and the input facts it is computed from), an earlier conclusion (expanded the same way,
down to inputs) or a conclusion that had to be absent.  Only firings earlier than the one
that used a conclusion are expanded below it, so a tree is always finite.
"""

from __future__ import annotations

import os
from typing import Any, Optional

from expert.advice.model import Advice, Firing, Text, built
from expert.advice.wording import plural
from expert.explain.model import (
    AbsencePremise,
    ConclusionPremise,
    DerivedPremise,
    InputPremise,
    ProofNode,
    ProofStep,
    RuleRef,
)
from expert.facts.factpaths import FactRef, expand_input, get_fact
from expert.facts.fields import field_catalogue
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT
from expert.rulebase.rulebook import PLACEHOLDER, KnowledgeBase


def _unfilled(template: str, rule) -> str:
    """A because-text for a rule that did not fire: each value it would show names its source."""
    def name(match) -> str:
        source = rule.params.get(match.group(1))
        path = getattr(source, "path", None)
        shown = f"<{path}>" if path else str(source if source is not None else match.group(0))
        return f"{shown} {plural(match.group(2))}" if match.group(2) and shown != match.group(0) else shown
    return PLACEHOLDER.sub(name, template)


# Made once per rule (and conclusion) of a knowledge base, not once per report that shows
# it: output models are frozen values, safe to share (a why-not shows hundreds), but for
# their lists, which each report gets its own of.  Keyed by
# the knowledge's own object, kept alongside so an id reused after it is gone never matches.
_RULE_REFS: dict[int, tuple[Any, RuleRef]] = {}
_TITLES: dict[int, tuple[Any, Text]] = {}
_KEPT = 4096  # knowledge bases come and go in tests: start afresh past this many


def rule_ref(knowledge: KnowledgeBase, rule_id: str, because: Optional[Text] = None) -> RuleRef:
    rule = knowledge.rules[rule_id]
    if because is not None:
        return _new_rule_ref(rule, because)
    known = _RULE_REFS.get(id(rule))
    if known is None or known[0] is not rule:
        if len(_RULE_REFS) >= _KEPT:
            _RULE_REFS.clear()
        known = _RULE_REFS[id(rule)] = (rule, _new_rule_ref(rule, None))
    ref = known[1]  # the cached one is never handed out: each report gets its own lists, so a
    # caller's edit never reaches another report
    return built(RuleRef, {**ref.__dict__, "claims": list(ref.claims), "paragraphs": list(ref.paragraphs)})


def _new_rule_ref(rule, because: Optional[Text]) -> RuleRef:
    return RuleRef(rule=rule.id, title=Text(en=rule.title.en, zh=rule.title.zh),
                   because=because or Text(en=_unfilled(rule.because.en, rule), zh=_unfilled(rule.because.zh, rule)),
                   claims=list(rule.claims), paragraphs=list(rule.paragraphs),
                   file=os.path.basename(rule.file), line=rule.line)  # not Path(): made per rule shown


def title_of(knowledge: KnowledgeBase, cid: str) -> Text:
    conclusion = knowledge.conclusions[cid]
    known = _TITLES.get(id(conclusion))
    if known is None or known[0] is not conclusion:
        if len(_TITLES) >= _KEPT:
            _TITLES.clear()
        title = conclusion.title
        known = _TITLES[id(conclusion)] = (conclusion, Text(en=title.en, zh=title.zh))
    return known[1]


def fact_id(path: str, subject: str) -> str:
    """The fact id of a catalogue path read for a subject (offers are named)."""
    return FactRef(path, subject).id if path.startswith("offer.") else path


def derived_inputs(path: str, subject: str, profile: dict) -> list[FactRef]:
    """The input facts a derived field of ``subject`` is computed from, for this profile."""
    refs = [ref for item in field_catalogue()[path].inputs for ref in expand_input(item, subject, profile)]
    return list(dict.fromkeys(refs))


def unstated_requirements(path: str, subject: str, profile: dict) -> list[FactRef]:
    """The unstated facts without which a computed value of ``subject`` is never computed."""
    owner = subject if subject != COMPANY_SUBJECT else None
    refs = []
    for requirement in field_catalogue()[path].requires:
        if "=" not in requirement and "|" in requirement:  # one of several: met by any, else name the first
            options = [expand_input(alternative, owner, profile) for alternative in requirement.split("|")]
            if any(get_fact(profile, ref) is not None for found in options for ref in found):
                continue
            refs += options[0]
        else:
            refs += expand_input(requirement.partition("=")[0], owner, profile)
    return [ref for ref in dict.fromkeys(refs) if get_fact(profile, ref) is None]


class ProofBuilder:
    """Builds proof nodes for one Advice (and the profile it was given)."""

    def __init__(self, knowledge: KnowledgeBase, advice: Advice, profile: dict) -> None:
        self.knowledge, self.advice, self.profile = knowledge, advice, profile
        self.firings: dict[tuple[str, str], list[Firing]] = {}
        for firing in advice.trace:
            self.firings.setdefault((firing.concluded, firing.subject), []).append(firing)
        self.supports = {(c.id, c.subject): {r.rule: r.because for r in c.rules} for c in advice.all_conclusions()}
        self.figures = {(f.subject, knowledge.conclusions[f.id].shows): f for f in advice.figures}

    def node(self, cid: str, subject: str, before: Optional[int] = None) -> Optional[ProofNode]:
        """The proof of ``cid`` for ``subject`` from firings earlier than ``before``."""
        firings = [f for f in self.firings.get((cid, subject), []) if before is None or f.order < before]
        if not firings:
            return None
        seen: set = set()
        steps = []
        for firing in firings:  # one step per rule: a rule that fired on several facts gives one proof
            if firing.rule in seen:
                continue
            seen.add(firing.rule)
            because = self.supports.get((cid, subject), {}).get(firing.rule)
            steps.append(ProofStep(rule=rule_ref(self.knowledge, firing.rule, because),
                                   premises=[p for m in firing.matched for p in self.premises(m, firing)]))
        return ProofNode(conclusion=cid, subject=subject, title=title_of(self.knowledge, cid), steps=steps)

    def node_for(self, cid: str, subject: str) -> Optional[ProofNode]:
        """The proof of ``cid`` for ``subject``; for any subject, for the first it was reached for."""
        if subject != ANY_SUBJECT:
            return self.node(cid, subject)
        subjects = [COMPANY_SUBJECT, *(o["name"] for o in self.profile.get("offers") or [])]
        return next((node for s in subjects for node in [self.node(cid, s)] if node), None)

    def premises(self, matched, firing: Firing) -> list:
        if matched.kind in ("conclusion", "absent"):
            cid, _, subject = matched.ref.partition("@")
            if matched.kind == "absent":
                return [AbsencePremise(conclusion=cid, subject=subject, title=title_of(self.knowledge, cid))]
            node = self.node(cid, subject, before=firing.order)
            return [ConclusionPremise(proof=node)] if node is not None else []
        subject = COMPANY_SUBJECT if matched.kind == "profile" else matched.ref
        return [self.fact_premise(path, value, subject) for path, value in matched.values.items()]

    def fact_premise(self, path: str, value: Any, subject: str):
        spec = field_catalogue()[path]
        if not spec.derived:
            return InputPremise(fact=fact_id(path, subject), value=value)
        figure = self.figures.get((subject, path))
        written = self.knowledge.formulas.get(path)  # every derived field has one (formulas.yaml)
        formula = figure.formula if figure is not None else \
            Text(en=written.en, zh=written.zh) if written is not None else None
        inputs = {ref.id: get_fact(self.profile, ref) for ref in derived_inputs(path, subject, self.profile)}
        return DerivedPremise(fact=fact_id(path, subject), value=value, formula=formula, inputs=inputs)


def input_leaves(node: ProofNode) -> set[str]:
    """Every input fact a proof rests on (directly or through derived values)."""
    leaves: set[str] = set()
    for step in node.steps:
        for premise in step.premises:
            if premise.kind == "input":
                leaves.add(premise.fact)
            elif premise.kind == "derived":
                leaves.update(premise.inputs)
            elif premise.kind == "conclusion":
                leaves |= input_leaves(premise.proof)
    return leaves
