"""A rule's conditions and conclusion in plain language, in English or Chinese."""

from __future__ import annotations

from expert.advice.render import in_lang
from expert.explain.render import OPERATOR_WORDS, show
from expert.rulebase.rulebook import ConclusionCondition, FactCondition, KnowledgeBase, Rule

_WORDS = {
    "when": ("When", "当"), "and": ("and", "且"), "or": ("or", "或"), "conclude": ("conclude", "得出"),
    "concluded": ("has been concluded", "已得出"), "not_concluded": ("has not been concluded", "未得出"),
    "about_company": ("for the company", "（公司）"), "about_offer": ("for this offer", "（本方案）"),
    "about_any": ("for any subject", "（任一对象）"), "offer": ("the offer's", "方案的"),
}


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


def _field(path: str, lang: str) -> str:
    return f"{_w('offer', lang)} {path.removeprefix('offer.')}" if path.startswith("offer.") else path


def fact_condition(condition: FactCondition, lang: str) -> str:
    if condition.alternatives:
        joined = f" {_w('or', lang)} ".join(fact_condition(a, lang) for a in condition.alternatives)
        return f"({joined})"
    parts = []
    for test in condition.tests:
        words = in_lang(OPERATOR_WORDS[test.operator], lang)
        value = "" if test.operator in ("known", "unknown") else f" {show(test.value, lang)}"
        parts.append(f"{_field(test.path, lang)} {words}{value}")
    return f" {_w('and', lang)} ".join(parts)


def conclusion_condition(condition: ConclusionCondition, knowledge: KnowledgeBase, lang: str) -> str:
    title = knowledge.conclusions[condition.id].title.get(lang) if condition.id in knowledge.conclusions else condition.id
    word = _w("not_concluded" if condition.negated else "concluded", lang)
    about = _w(f"about_{condition.about}", lang)
    return f"\u201c{title}\u201d [{condition.id}] {about} {word}"


def sentence(rule: Rule, knowledge: KnowledgeBase, lang: str) -> str:
    """'When <conditions>, conclude: <title> [id], <severity>.'"""
    parts = [fact_condition(c, lang) if isinstance(c, FactCondition) else conclusion_condition(c, knowledge, lang)
             for c in rule.conditions]
    conclusion = knowledge.conclusions[rule.conclude]
    severity = rule.severity or conclusion.severity
    joined = f"; {_w('and', lang)} ".join(parts)
    return (f"{_w('when', lang)} {joined}, {_w('conclude', lang)}: \u201c{conclusion.title.get(lang)}\u201d "
            f"[{rule.conclude}], {severity}.")
