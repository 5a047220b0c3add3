"""The renderers' shared wording: their own few words in both languages, severities as
words, amounts with their unit said once, the subjects a conclusion is about, and the
grouping that shows a conclusion reached for several subjects once."""

from __future__ import annotations

from expert.advice.model import Advice, Figure
from expert.rulebase.rulebook import SEVERITIES

_HEADINGS = {
    "verdict": ("Verdict", "结论"),
    "fits": ("Pricing models that fit", "适合的收费模式"),
    "unfits": ("Pricing models that do not fit", "不适合的收费模式"),
    "warnings": ("Warnings", "风险提示"),
    "actions": ("Next steps", "下一步行动"),
    "figures": ("Figures", "测算"),
    "findings": ("Findings", "发现"),
}
_WORDS = {
    "because": ("because", "因为"),
    "sources": ("sources", "依据"),
    "missing": ("missing facts", "缺少的事实"),
    "formula": ("formula", "公式"),
    "inputs": ("inputs", "输入"),
    "company": ("company", "公司"),
    "none": ("(none)", "（无）"),
    "title": ("Advice for", "建议对象："),
    "your_company": ("your company", "贵公司"),
    "severity": ("severity", "严重程度"),
    "full": ("In full", "完整建议"),
}
SEVERITY_WORDS = {"low": ("low", "低"), "medium": ("medium", "中"), "high": ("high", "高"), "info": ("info", "提示")}


def in_lang(pair: tuple[str, str], lang: str) -> str:
    """The (English, Chinese) pair's text in ``lang``: the renderers' own few words."""
    return pair[1] if lang == "zh" else pair[0]


def word(key: str, lang: str) -> str:
    return in_lang(_WORDS[key] if key in _WORDS else _HEADINGS[key], lang)


def colon(lang: str) -> str:
    """The colon that follows a label: full-width in Chinese."""
    return "：" if lang == "zh" else ": "


def severity_text(severity: str, lang: str) -> str:
    """A severity as words ("severity high", "严重程度：高"), never a tag a renderer could eat."""
    return f"{word('severity', lang)}{colon(lang) if lang == 'zh' else ' '}{in_lang(SEVERITY_WORDS[severity], lang)}"


def worst_severity(items: list) -> str:
    """The highest severity among ``items`` (conclusions), "info" the lowest."""
    return max((item.severity for item in items), key=SEVERITIES.index)


def severity_suffix(severity: str, lang: str) -> str:
    """What follows a conclusion's title: its severity in words, nothing for plain information."""
    if severity == "info":
        return ""
    return f"（{severity_text(severity, lang)}）" if lang == "zh" else f", {severity_text(severity, lang)}"


def number(value: float) -> str:
    """A figure for people: thousands separated, cents only when there are any."""
    return f"{value:,.2f}" if value != int(value) else f"{int(value):,}"


def unit_text(figure: Figure, lang: str) -> str:
    return figure.unit_label.get(lang) if figure.unit_label else figure.unit


def amount(figure: Figure, lang: str) -> str:
    """The figure's value with its unit, said once: "181.25 USD a month", "181.25 美元/月"."""
    unit = unit_text(figure, lang)
    return f"{number(figure.value)} {unit}".rstrip()


def subjects_text(subjects: list[str], lang: str) -> str:
    """" (Offer A, Offer B)": the subjects a grouped conclusion is about, the company unnamed."""
    named = [s for s in subjects if s != "company"]
    if not named:
        return ""
    if "company" in subjects:
        named.append(word("your_company", lang))
    return f"（{'、'.join(named)}）" if lang == "zh" else f" ({', '.join(named)})"


def grouped(items: list) -> list[list]:
    """Conclusions with one id, in first-seen order: one group per id, each subject once."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.id, []).append(item)
    return list(groups.values())


def title_line(advice: Advice, lang: str) -> str:
    company = word("your_company", lang) if advice.company == "company" else advice.company  # the default name
    return f"{word('title', lang)}{'' if lang == 'zh' else ' '}{company}"
