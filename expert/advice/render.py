"""Render an Advice as text, Markdown or JSON, in English or Chinese.

Rendering only reads the typed Advice; it decides nothing.  Order: verdict first, then
fit, warnings, actions, figures; each line with a one-line "because" and its citations.
"""

from __future__ import annotations

from typing import Optional

from expert.advice.model import Advice, Conclusion, Figure

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
    "none": ("(none)", "(无)"),
    "title": ("Advice for", "建议对象:"),
    "your_company": ("your company", "贵公司"),
}


def in_lang(pair: tuple[str, str], lang: str) -> str:
    """The (English, Chinese) pair's text in ``lang``: the renderers' own few words."""
    return pair[1] if lang == "zh" else pair[0]


def _word(key: str, lang: str) -> str:
    return in_lang(_WORDS[key] if key in _WORDS else _HEADINGS[key], lang)


def _subject(conclusion: Conclusion, lang: str) -> str:
    return _word("company", lang) if conclusion.subject == "company" else conclusion.subject


def _cite(conclusion: Conclusion) -> str:
    return ", ".join(conclusion.claims + conclusion.paragraphs)


def _number(value: float) -> str:
    return f"{value:,.2f}"


def _lines(conclusion: Conclusion, lang: str, bullet: str, md: bool) -> list[str]:
    title = conclusion.text.get(lang)
    head = f"**{title}**" if md else title
    tag = f"`{conclusion.id}`" if md else f"[{conclusion.id}]"
    subject = "" if conclusion.subject == "company" else f" ({conclusion.subject})"
    severity = "" if conclusion.severity == "info" else f" <{conclusion.severity}>"
    lines = [f"{bullet}{head}{subject} {tag}{severity}"]
    if isinstance(conclusion, Figure):
        lines.append(f"    = {_number(conclusion.value)} {conclusion.unit}")
        lines.append(f"    {_word('formula', lang)}: {conclusion.formula.get(lang)}")
        if conclusion.inputs:
            shown = ", ".join(f"{k}={v}" for k, v in conclusion.inputs.items())
            lines.append(f"    {_word('inputs', lang)}: {shown}")
    for support in conclusion.rules:
        cites = ", ".join(support.claims + support.paragraphs)
        lines.append(f"    {_word('because', lang)}: {support.because.get(lang)} ({support.rule}; {cites})")
    return lines


def _section(key: str, items: list[Conclusion], lang: str, md: bool) -> list[str]:
    if not items:
        return []
    heading = f"## {_word(key, lang)}" if md else _word(key, lang).upper()
    lines = [heading]
    for item in items:
        lines += _lines(item, lang, "- ", md)
    return lines + [""]


def render_text(advice: Advice, lang: Optional[str] = None, markdown: bool = False,
                findings: bool = True) -> str:
    """Human-readable advice; Markdown when ``markdown`` is true."""
    lang = lang or advice.lang
    company = _word("your_company", lang) if advice.company == "company" else advice.company  # the default name
    title = f"{_word('title', lang)} {company}"
    lines = [f"# {title}" if markdown else title, ""]
    lines += _section("verdict", [advice.verdict], lang, markdown)
    if advice.verdict.missing:
        lines.insert(-1, f"    {_word('missing', lang)}: {', '.join(advice.verdict.missing)}")
    for key in ("fits", "unfits", "warnings", "actions", "figures"):
        lines += _section(key, getattr(advice, key), lang, markdown)
    if findings:
        lines += _section("findings", advice.findings, lang, markdown)
    return "\n".join(lines).rstrip() + "\n"


def render_json(advice: Advice) -> str:
    """Indented UTF-8 JSON (pydantic's own serializer: no second encoding pass in Python)."""
    return advice.model_dump_json(indent=2) + "\n"


def render(advice: Advice, fmt: str = "text", lang: Optional[str] = None) -> str:
    if fmt == "json":
        return render_json(advice)
    if fmt not in ("text", "markdown"):
        raise ValueError("format must be text, markdown or json")
    return render_text(advice, lang, markdown=fmt == "markdown")
