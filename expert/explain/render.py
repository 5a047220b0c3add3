"""Render explanations (how, why not) as text or Markdown.

Only reads the typed models of ``model.py``; decides nothing.  Both languages: the
knowledge's own texts carry both, and the few words added here are in ``_WORDS``.
"""

from __future__ import annotations

from typing import Any

from expert.advice.render import in_lang
from expert.explain.model import ConditionReport, Explanation, ProofNode, RuleRef, WhyNotNode
from expert.rulebase.compiler import ANY_SUBJECT

_WORDS = {
    "how": ("How it was reached", "如何得出"),
    "why_not": ("Why it was not reached", "为何没有得出"),
    "verdict": ("verdict of this profile", "本资料的结论"),
    "rule": ("rule", "规则"),
    "because": ("because", "因为"),
    "fact": ("fact", "事实"),
    "derived": ("computed", "计算值"),
    "from": ("from", "依据"),
    "formula": ("formula", "公式"),
    "set": ("the set", "集合"),
    "absent": ("not concluded", "未得出"),
    "not_stated": ("not stated", "未说明"),
    "concluded": ("concluded", "已得出"),
    "must_not": ("must not be concluded", "必须未得出"),
    "must": ("must be concluded", "必须已得出"),
    "smallest": ("Smallest change", "最小改变"),
    "held": ("held", "成立"),
    "failed": ("failed", "不成立"),
    "unknown": ("unknown", "未知"),
    "any_of": ("any of", "任一"),
    "no_rule": ("No rule can conclude it for this subject.", "没有规则能为该对象得出这一结论。"),
    "none": ("(none)", "(无)"),
    "subject": ("for", "对象"),
    "not_computed": ("not computable from the facts given", "无法由已给事实算出"),
    "given": ("given", "实际"),
    "missing": ("missing", "缺少"),
    "any_offer": ("any offer", "任一方案"),
}
OPERATOR_WORDS = {
    "is": ("is", "等于"), "is_not": ("is not", "不等于"), "one_of": ("is one of", "属于"),
    "not_one_of": ("is none of", "不属于"), "at_least": ("is at least", "不小于"), "at_most": ("is at most", "不大于"),
    "above": ("is above", "大于"), "below": ("is below", "小于"), "includes": ("includes", "包含"),
    "includes_any": ("includes any of", "包含任一"), "includes_all": ("includes all of", "包含全部"),
    "includes_none": ("includes none of", "不包含任何"), "known": ("is stated", "已说明"),
    "unknown": ("is not stated", "未说明"),
}


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


def show(value: Any, lang: str = "en") -> str:
    """A fact's value for people: lists comma-separated, None as 'not stated'."""
    if value is None:
        return _w("not_stated", lang)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(show(v, lang) for v in value) if value else _w("none", lang)
    if isinstance(value, dict):
        if set(value) == {"availability", "monthly_price_usd"}:  # a priced capability
            if value["monthly_price_usd"] == "unknown":
                return f"{value['availability']} ({'价格未公布' if lang == 'zh' else 'price not published'})"
            price = show(value["monthly_price_usd"], lang)
            return f"{value['availability']} ({'每月 ' + price + ' 美元' if lang == 'zh' else price + ' USD/month'})"
        return ", ".join(f"{k}={show(v, lang)}" for k, v in value.items())
    return str(value)


def _rule_line(rule: RuleRef, lang: str, md: bool) -> str:
    cites = ", ".join(rule.claims + rule.paragraphs)
    name = f"`{rule.rule}`" if md else rule.rule
    return f"{_w('rule', lang)} {name}: {rule.title.get(lang)} ({cites}; {rule.file}:{rule.line})"


def conclusion_tag(cid: str, md: bool) -> str:
    return f"`{cid}`" if md else f"[{cid}]"


def subject_suffix(subject: str | None) -> str:
    return "" if subject in (None, "company") else f" ({subject})"


def _about(subject: str | None, lang: str) -> str:
    return f" ({_w('any_offer', lang)})" if subject == ANY_SUBJECT else subject_suffix(subject)


def proof_lines(node: ProofNode, lang: str, md: bool = False, indent: int = 0) -> list[str]:
    pad = "  " * indent
    lines = [f"{pad}- {node.title.get(lang)}{subject_suffix(node.subject)} {conclusion_tag(node.conclusion, md)}"]
    for step in node.steps:
        lines.append(f"{pad}  {_rule_line(step.rule, lang, md)}")
        lines.append(f"{pad}    {_w('because', lang)}: {step.rule.because.get(lang)}")
        for premise in step.premises:
            inner = "  " * (indent + 2)
            if premise.kind == "input":
                lines.append(f"{inner}- {_w('fact', lang)} {premise.fact} = {show(premise.value, lang)}")
            elif premise.kind == "derived":
                lines.append(f"{inner}- {_w('derived', lang)} {premise.fact} = {show(premise.value, lang)}")
                if premise.formula:
                    lines.append(f"{inner}  {_w('formula', lang)}: {premise.formula.get(lang)}")
                if premise.inputs:
                    lines.append(f"{inner}  {_w('from', lang)}:")
                    lines += [f"{inner}    {k} = {show(v, lang)}" for k, v in premise.inputs.items()]
            elif premise.kind == "absent":
                lines.append(f"{inner}- {_w('absent', lang)}: {premise.title.get(lang)}{subject_suffix(premise.subject)}"
                             f" {conclusion_tag(premise.conclusion, md)}")
            else:
                lines += proof_lines(premise.proof, lang, md, indent + 2)
    return lines


def _condition_lines(report: ConditionReport, lang: str, md: bool, indent: int) -> list[str]:
    pad = "  " * indent
    status = f"[{_w(report.status, lang)}]"
    if report.conclusion is not None:
        word = _w("must_not" if report.negated else "must", lang)
        title = f"{report.title.get(lang)} " if report.title else ""
        lines = [f"{pad}{status} {word}: {title}{conclusion_tag(report.conclusion, md)}{_about(report.subject, lang)}"]
        if report.proof is not None:
            lines += proof_lines(report.proof, lang, md, indent + 2)
        if report.why_not is not None:
            lines += why_not_lines(report.why_not, lang, md, indent + 2)
        return lines
    if report.alternatives:
        lines = [f"{pad}{status} {_w('any_of', lang)}:"]
        for alternative in report.alternatives:
            lines += _condition_lines(alternative, lang, md, indent + 2)
        return lines
    lines = []
    for test in report.tests:
        operator = in_lang(OPERATOR_WORDS[test.operator], lang)
        missing = f"; {_w('missing', lang)}: {', '.join(test.missing)}" if test.missing else ""
        if test.operator in ("known", "unknown"):
            lines.append(f"{pad}[{_w(test.status, lang)}] {test.fact} {operator}"
                         + (f"  ({_w('missing', lang)}: {', '.join(test.missing)})" if test.missing else ""))
            continue
        actual = _w("not_computed", lang) if test.actual is None and ".derived." in f".{test.fact}" \
            else show(test.actual, lang)
        expected = show(test.expected, lang)
        if test.set_name:
            expected = f"{_w('set', lang)} {test.set_name} ({expected})"
        lines.append(f"{pad}[{_w(test.status, lang)}] {test.fact} {operator} {expected}"
                     f"  ({_w('given', lang)}: {actual}{missing})")
    return lines


def why_not_lines(node: WhyNotNode, lang: str, md: bool = False, indent: int = 0) -> list[str]:
    pad = "  " * indent
    if not node.rules:
        return [f"{pad}{_w('no_rule', lang)}"]
    lines = []
    for rule in node.rules:
        lines.append(f"{pad}- {_rule_line(rule.rule, lang, md)}{subject_suffix(rule.subject)}: {_w(rule.status, lang)}")
        for condition in rule.conditions:
            lines += _condition_lines(condition, lang, md, indent + 2)
    return lines


def render_explanation(explanation: Explanation, lang: str = "en", markdown: bool = False) -> str:
    md = markdown
    title = f"{explanation.title.get(lang)} {conclusion_tag(explanation.conclusion, md)}{subject_suffix(explanation.subject)}"
    heading = _w("how" if explanation.reached else "why_not", lang)
    lines = [f"# {heading}: {title}" if md else f"{heading}: {title}",
             f"({_w('verdict', lang)}: {explanation.verdict})", ""]
    if md:
        lines.append("```")
    for proof in explanation.proofs:
        lines += proof_lines(proof, lang, md=False)
    if explanation.why_not is not None:
        lines += why_not_lines(explanation.why_not, lang, md=False)
    if md:
        lines.append("```")
    change = explanation.smallest_change
    if change is not None:
        lines += ["", f"## {_w('smallest', lang)}" if md else f"{_w('smallest', lang).upper()}:", change.statement.get(lang)]
        for item in change.changes:
            lines.append(f"  - {item.fact}: {show(item.before, lang)} -> {show(item.after, lang)}")
    return "\n".join(lines).rstrip() + "\n"
