"""The semantic difference of two rulebooks: rules added, removed, and changed in what they
test, conclude, cite, or rest on (not a text diff: moving or reformatting a rule is no change)."""

from __future__ import annotations

from dataclasses import dataclass, field

from expert.rulebase.rulebook import KnowledgeBase, Rule, condition_key


@dataclass
class RuleChange:
    rule: str
    what: list[str] = field(default_factory=list)  # "conditions", "conclusion", ...


@dataclass
class RuleDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)


def _aspects(rule: Rule) -> dict[str, object]:
    return {
        "about": rule.about,
        "conditions": frozenset(condition_key(c) for c in rule.conditions),
        "conclusion": (rule.conclude, rule.severity),
        "parameters": tuple(sorted((k, repr(v)) for k, v in rule.params.items())),
        "citations": (rule.claims, rule.paragraphs),
        "basis": (rule.basis, rule.reasoning),
        "threshold sources": tuple(sorted((k, repr(v)) for k, v in rule.thresholds.items())),
        "texts": (rule.title, rule.because),
    }


def rule_diff(old: KnowledgeBase, new: KnowledgeBase) -> RuleDiff:
    diff = RuleDiff(added=sorted(set(new.rules) - set(old.rules)), removed=sorted(set(old.rules) - set(new.rules)))
    for rule_id in sorted(set(old.rules) & set(new.rules)):
        before, after = _aspects(old.rules[rule_id]), _aspects(new.rules[rule_id])
        what = [name for name in before if before[name] != after[name]]
        if what:
            diff.changed.append(RuleChange(rule_id, what))
    return diff
