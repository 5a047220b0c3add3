"""The rules as typed data for programs and people: a catalogue of every rule and one rule in full.

``expert rules list`` / ``rules show`` print these, and the MCP server returns them as
structured results, so an agent and an auditor read the same facts: what each rule
concludes, where it is written, what it cites (with the claims' text), its basis, where
its thresholds come from and which worked cases fire it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from expert.advice.model import OutputModel, Text
from expert.audit.cases import CheckReport
from expert.rulebase.logic import chain_lines, fields_and_sets, supporting_rules
from expert.rulebase.rulebook import KnowledgeBase, Rule, ThresholdSource


class RuleSummary(OutputModel):
    id: str
    title: Text
    about: str  # company | offer: what the rule's conclusion is about
    concludes: str  # the conclusion id it reaches
    file: str  # the knowledge file it is written in
    line: int
    claims: list[str]  # the article's claims (Cnn) it rests on
    paragraphs: list[str]  # and paragraphs (Pnn)
    basis: str  # stated (the article says so) | inferred (reasoned from the claims)


class RuleList(OutputModel):
    rules: list[RuleSummary]


class CitedClaim(OutputModel):
    id: str
    paragraphs: list[str]
    summary: Text


class ThresholdNote(OutputModel):
    fact: str  # the field the rule compares with a number
    kind: str  # paragraph | market | judgement ...
    ref: str = ""  # the paragraph or market fact id
    detail: str  # where the number comes from, in words


class ComputedValue(OutputModel):
    fact: str  # a derived field the rule, or a rule below it, tests
    formula: Text  # how it is computed (knowledge/formulas.yaml)


class NamedSetInfo(OutputModel):
    id: str
    title: Text
    members: list[str]
    definition: Text  # how the members were chosen, with the paragraphs behind it


class RuleDetail(RuleSummary):
    because: Text  # the reason it gives, with {placeholders} filled from the facts
    source: str  # the rule as written in YAML
    reasoning: str = ""  # for an inferred rule: the line of reasoning from its claims
    cites: list[CitedClaim]
    thresholds: list[ThresholdNote]
    fired_by_cases: list[str]  # ids of the worked cases whose consultation fires it
    # the whole logic in data: the rules below it (one line each, down to input facts), the
    # formulas of the computed values and the named sets they test
    chain: list[str] = []
    computed: list[ComputedValue] = []
    sets: list[NamedSetInfo] = []


class UnknownRuleError(ValueError):
    """No rule has that id; the message says where to look."""


def summary(rule: Rule) -> RuleSummary:
    return RuleSummary(**_summary_fields(rule))


def _summary_fields(rule: Rule) -> dict:
    return {"id": rule.id, "title": Text(en=rule.title.en, zh=rule.title.zh), "about": rule.about,
            "concludes": rule.conclude, "file": rule.file, "line": rule.line, "claims": list(rule.claims),
            "paragraphs": list(rule.paragraphs), "basis": rule.basis}


def rule_list(knowledge: KnowledgeBase, concludes: Optional[str] = None) -> RuleList:
    """Every rule in the order written; with ``concludes``, those reaching that conclusion id
    (or, when it ends with ".", any conclusion id starting with it, e.g. "verdict.")."""
    def wanted(rule: Rule) -> bool:
        if concludes is None:
            return True
        return rule.conclude.startswith(concludes) if concludes.endswith(".") else rule.conclude == concludes

    return RuleList(rules=[summary(rule) for rule in knowledge.rules.values() if wanted(rule)])


def rule_detail(knowledge: KnowledgeBase, rule_id: str, report: CheckReport) -> RuleDetail:
    """One rule in full; ``report`` (the worked cases run) tells which cases fire it."""
    rule = knowledge.rules.get(rule_id)
    if rule is None:
        raise UnknownRuleError(f"no rule {rule_id!r}; see `expert rules list`")
    cites = [CitedClaim(id=claim_id, paragraphs=list(knowledge.claims[claim_id].paragraphs),
                        summary=Text(en=knowledge.claims[claim_id].summary.en, zh=knowledge.claims[claim_id].summary.zh))
             for claim_id in rule.claims]
    thresholds = [ThresholdNote(fact=path, kind=source.kind, ref=source.ref, detail=_threshold_detail(knowledge, source))
                  for path, source in rule.thresholds.items()]
    fields, sets = fields_and_sets(knowledge, supporting_rules(knowledge, rule))
    computed = [ComputedValue(fact=p, formula=Text(en=knowledge.formulas[p].en, zh=knowledge.formulas[p].zh))
                for p in fields]
    named = [NamedSetInfo(id=n, title=Text(en=knowledge.sets[n].title.en, zh=knowledge.sets[n].title.zh),
                          members=list(knowledge.sets[n].members),
                          definition=Text(en=knowledge.sets[n].definition.en, zh=knowledge.sets[n].definition.zh))
             for n in sets]
    return RuleDetail(**_summary_fields(rule), because=Text(en=rule.because.en, zh=rule.because.zh),
                      source=rule.source, reasoning=rule.reasoning, cites=cites, thresholds=thresholds,
                      fired_by_cases=[r.case.id for r in report.results if rule.id in r.rules_fired],
                      chain=chain_lines(knowledge, rule), computed=computed, sets=named)


def _threshold_detail(knowledge: KnowledgeBase, source: ThresholdSource) -> str:
    if source.kind == "market":
        fact = knowledge.market_facts[source.ref]
        return f"market fact {source.ref} ({fact.section}): {fact.text}"
    if source.kind == "paragraph":
        return f"paragraph {source.ref}"
    return f"{source.kind}: {source.note}"


def render_rule_list(rules: RuleList) -> str:
    """One line per rule: id, what it concludes, file:line, citations."""
    return "".join(f"{r.id:40} -> {r.concludes:38} {f'{Path(r.file).name}:{r.line}':24} {' '.join(r.claims + r.paragraphs)}\n"
                   for r in rules.rules)


def render_rule_detail(rule: RuleDetail, lang: str = "en") -> str:
    """The rule as written, its citations with the claims' text, its basis, its thresholds'
    sources and the cases that fire it."""
    lines = [f"{rule.id}  ({rule.file}:{rule.line})", rule.title.get(lang), "", rule.source, "", "cites:"]
    lines += [f"  {c.id} ({', '.join(c.paragraphs)}): {c.summary.get(lang)}" for c in rule.cites]
    lines.append(f"  paragraphs: {', '.join(rule.paragraphs)}")
    lines.append(f"basis: inferred: {rule.reasoning}" if rule.basis == "inferred" else f"basis: {rule.basis or '(not stated)'}")
    lines += [f"threshold {t.fact}: {t.detail}" for t in rule.thresholds]
    if rule.chain:
        lines += ["how what it reads is reached:", *rule.chain]
    lines += [f"computed {c.fact} = {c.formula.get(lang)}" for c in rule.computed]
    for named in rule.sets:
        lines += [f"set {named.id} ({named.title.get(lang)}): {', '.join(named.members)}", f"  {named.definition.get(lang)}"]
    lines.append(f"fired by cases: {', '.join(rule.fired_by_cases) if rule.fired_by_cases else '(none)'}")
    return "\n".join(lines) + "\n"
