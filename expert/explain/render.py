"""Render explanations (how, why not) as text or Markdown.

Only reads the typed models of ``model.py``; decides nothing.  Both languages: the
knowledge's own texts carry both, and the few words added here are in ``_WORDS``.
"""

from __future__ import annotations

from typing import Any, Optional

from expert.advice.markdown import no_raw_html
from expert.advice.render import in_lang
from expert.explain.glossary import Glossary, show_plain
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
    "none": ("(none)", "（无）"),
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
    """A fact's value for people, without labels: lists comma-separated, None as 'not stated'."""
    return show_plain(value, lang)


_ZH_OPERATORS = {
    "is": "为", "is_not": "不为", "one_of": "属于以下之一：", "not_one_of": "不属于以下任何一项：",
    "at_least": "不小于 ", "at_most": "不大于 ", "above": "大于 ", "below": "小于 ", "includes": "包含",
    "includes_any": "包含以下任一：", "includes_all": "包含以下全部：", "includes_none": "不包含以下任何一项：",
    "known": "已说明", "unknown": "未说明",
}
_PLAIN = Glossary({}, {})


class _Reader:
    """The language, format and glossary one rendering is for: English shows ids, as an
    auditor reads them; Chinese shows every fact, value and unit through its label, with
    full-width punctuation, and keeps only ids that are citations (rule, conclusion, claim)."""

    def __init__(self, lang: str, md: bool, glossary: Optional[Glossary]) -> None:
        self.lang, self.md, self.g = lang, md, glossary or _PLAIN
        self.zh = lang == "zh"
        self.colon = "：" if self.zh else ": "

    def w(self, key: str) -> str:
        return _w(key, self.lang)

    def fact(self, fact: str) -> str:
        return self.g.fact(fact, self.lang)

    def value(self, fact: str, value: Any) -> str:
        return self.g.value(fact, value, self.lang) if self.zh else show(value, self.lang)

    def is_(self, fact: str, value: Any) -> str:
        """'needs.mau = 25' in English; '月活跃用户数：25 人' in Chinese."""
        if self.zh:
            return f"{self.fact(fact)}：{self.value(fact, value)}"
        return f"{fact} = {show(value, self.lang)}"

    def change(self, fact: str, before: Any, after: Any) -> str:
        if self.zh:
            return f"{self.fact(fact)}：{self.value(fact, before)} → {self.value(fact, after)}"
        return f"{fact}: {show(before, self.lang)} -> {show(after, self.lang)}"

    def about(self, subject: Optional[str]) -> str:
        return self.g.subject(subject, self.lang) if self.zh else subject_suffix(subject)

    def tagged(self, title: str, cid: str, subject: Optional[str]) -> str:
        """A conclusion: its title, whom it is about, and its id (a citation, kept as is)."""
        return f"{title}{self.about(subject)} {conclusion_tag(cid, self.md)}"

    def status(self, status: str) -> str:
        return f"【{self.w(status)}】" if self.zh else f"[{self.w(status)}]"


def _rule_line(rule: RuleRef, reader: _Reader) -> str:
    cites = ", ".join(rule.claims + rule.paragraphs)
    if reader.zh:  # the rule's id, claims and place stay as written: they are citations
        return f"规则「{rule.title.get('zh')}」（{rule.rule}；{cites}；{rule.file}:{rule.line}）"
    name = f"`{rule.rule}`" if reader.md else rule.rule
    return f"{_w('rule', reader.lang)} {name}: {rule.title.get(reader.lang)} ({cites}; {rule.file}:{rule.line})"


def conclusion_tag(cid: str, md: bool) -> str:
    return f"`{cid}`" if md else f"[{cid}]"


def subject_suffix(subject: str | None) -> str:
    return "" if subject in (None, "company") else f" ({subject})"


def _about(subject: str | None, reader: _Reader) -> str:
    if subject == ANY_SUBJECT:
        return "（任一方案）" if reader.zh else f" ({reader.w('any_offer')})"
    return reader.about(subject)


def proof_lines(node: ProofNode, lang: str, md: bool = False, indent: int = 0,
                glossary: Optional[Glossary] = None) -> list[str]:
    return _proof_lines(node, _Reader(lang, md, glossary), indent)


def _proof_lines(node: ProofNode, r: _Reader, indent: int) -> list[str]:
    pad = "  " * indent
    lines = [f"{pad}- {r.tagged(node.title.get(r.lang), node.conclusion, node.subject)}"]
    for step in node.steps:
        lines.append(f"{pad}  {_rule_line(step.rule, r)}")
        lines.append(f"{pad}    {r.w('because')}{r.colon}{step.rule.because.get(r.lang)}")
        for premise in step.premises:
            inner = "  " * (indent + 2)
            if premise.kind == "input":
                lines.append(f"{inner}- {r.w('fact')}{'' if r.zh else ' '}{_quoted(r, premise.fact, premise.value)}")
            elif premise.kind == "derived":
                lines.append(f"{inner}- {r.w('derived')}{'' if r.zh else ' '}{_quoted(r, premise.fact, premise.value)}")
                if premise.formula:
                    lines.append(f"{inner}  {r.w('formula')}{r.colon}{premise.formula.get(r.lang)}")
                if premise.inputs:
                    lines.append(f"{inner}  {r.w('from')}{r.colon.rstrip()}")
                    lines += [f"{inner}    {r.is_(k, v)}" for k, v in premise.inputs.items()]
            elif premise.kind == "absent":
                lines.append(f"{inner}- {r.w('absent')}{r.colon}"
                             f"{r.tagged(premise.title.get(r.lang), premise.conclusion, premise.subject)}")
            else:
                lines += _proof_lines(premise.proof, r, indent + 2)
    return lines


def _quoted(r: _Reader, fact: str, value: Any) -> str:
    """'needs.mau = 25'; in Chinese '「月活跃用户数」：25 人'."""
    if r.zh:
        return f"「{r.fact(fact)}」：{r.value(fact, value)}"
    return r.is_(fact, value)


def _condition_lines(report: ConditionReport, r: _Reader, indent: int) -> list[str]:
    pad = "  " * indent
    status = r.status(report.status)
    if report.conclusion is not None:
        word = r.w("must_not" if report.negated else "must")
        title = f"{report.title.get(r.lang)} " if report.title else ""
        if r.zh:
            tag = f"{report.title.get('zh')}{_about(report.subject, r)} " if report.title else ""
            lines = [f"{pad}{status}{word}：{tag}{conclusion_tag(report.conclusion, r.md)}".rstrip()]
        else:
            lines = [f"{pad}{status} {word}: {title}{conclusion_tag(report.conclusion, r.md)}{_about(report.subject, r)}"]
        if report.proof is not None:
            lines += _proof_lines(report.proof, r, indent + 2)
        if report.why_not is not None:
            lines += _why_not_lines(report.why_not, r, indent + 2)
        return lines
    if report.alternatives:
        lines = [f"{pad}{status}{r.w('any_of')}：" if r.zh else f"{pad}{status} {r.w('any_of')}:"]
        for alternative in report.alternatives:
            lines += _condition_lines(alternative, r, indent + 2)
        return lines
    return [_test_line(test, r, pad) for test in report.tests]


def _test_line(test, r: _Reader, pad: str) -> str:
    if r.zh:
        return _test_line_zh(test, r, pad)
    lang = r.lang
    operator = in_lang(OPERATOR_WORDS[test.operator], lang)
    missing = f"; {_w('missing', lang)}: {', '.join(test.missing)}" if test.missing else ""
    if test.operator in ("known", "unknown"):
        return (f"{pad}[{_w(test.status, lang)}] {test.fact} {operator}"
                + (f"  ({_w('missing', lang)}: {', '.join(test.missing)})" if test.missing else ""))
    actual = _w("not_computed", lang) if test.actual is None and ".derived." in f".{test.fact}" \
        else show(test.actual, lang)
    expected = show(test.expected, lang)
    if test.set_name:
        expected = f"{_w('set', lang)} {test.set_name} ({expected})"
    return f"{pad}[{_w(test.status, lang)}] {test.fact} {operator} {expected}  ({_w('given', lang)}: {actual}{missing})"


def _test_line_zh(test, r: _Reader, pad: str) -> str:
    """'【不成立】痛点包含以下任一：视频质量差、延迟高（实际：无）'."""
    fact = f"「{r.fact(test.fact)}」"
    missing = "、".join(r.fact(m) for m in test.missing)
    operator = _ZH_OPERATORS[test.operator]
    if test.operator in ("known", "unknown"):
        return f"{pad}{r.status(test.status)}{fact}{operator}" + (f"（缺少：{missing}）" if missing else "")
    actual = _w("not_computed", "zh") if test.actual is None and ".derived." in f".{test.fact}" \
        else r.value(test.fact, test.actual)
    expected = r.value(test.fact, test.expected)
    if test.operator in ("is", "is_not") and isinstance(test.expected, bool):
        operator, expected = "：", "是" if test.expected == (test.operator == "is") else "否"
    given = f"（实际：{actual}{'；缺少：' + missing if missing else ''}）"
    return f"{pad}{r.status(test.status)}{fact}{operator}{expected}{given}"


def why_not_lines(node: WhyNotNode, lang: str, md: bool = False, indent: int = 0,
                  glossary: Optional[Glossary] = None) -> list[str]:
    return _why_not_lines(node, _Reader(lang, md, glossary), indent)


def _why_not_lines(node: WhyNotNode, r: _Reader, indent: int) -> list[str]:
    pad = "  " * indent
    if not node.rules:
        return [f"{pad}{r.w('no_rule')}"]
    lines = []
    for rule in node.rules:
        lines.append(f"{pad}- {_rule_line(rule.rule, r)}{r.about(rule.subject)}{r.colon}{r.w(rule.status)}")
        for condition in rule.conditions:
            lines += _condition_lines(condition, r, indent + 2)
    return lines


def render_explanation(explanation: Explanation, lang: str = "en", markdown: bool = False,
                       glossary: Optional[Glossary] = None) -> str:
    """The explanation as text or Markdown; ``glossary`` names facts, values and the verdict
    in Chinese (without one, ids stand in for the words it does not know)."""
    r = _Reader(lang, markdown, glossary)
    md = markdown
    title = r.tagged(explanation.title.get(lang), explanation.conclusion, explanation.subject)
    heading = r.w("how" if explanation.reached else "why_not")
    head = f"{heading}{r.colon}{title}"
    if r.zh:
        verdict = f"（{r.w('verdict')}：{r.g.title(explanation.verdict, lang)} {conclusion_tag(explanation.verdict, md)}）"
    else:
        verdict = f"({r.w('verdict')}: {explanation.verdict})"
    lines = [f"# {head}" if md else head, verdict, ""]
    if md:
        lines.append("```")
    body = _Reader(lang, False, glossary)  # inside a code block: no Markdown marks
    for proof in explanation.proofs:
        lines += _proof_lines(proof, body, 0)
    if explanation.why_not is not None:
        lines += _why_not_lines(explanation.why_not, body, 0)
    if md:
        lines.append("```")
    change = explanation.smallest_change
    if change is not None:
        smallest = r.w("smallest")
        lines += ["", f"## {smallest}" if md else (f"{smallest}：" if r.zh else f"{smallest.upper()}:"),
                  change.statement.get(lang)]
        for item in change.changes:
            lines.append(f"  - {r.change(item.fact, item.before, item.after)}")
    out = "\n".join(lines).rstrip() + "\n"
    return no_raw_html(out) if md else out
