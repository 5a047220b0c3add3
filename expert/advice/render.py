"""Render an Advice as text, Markdown or JSON, in English or Chinese.

Rendering only reads the typed Advice; it decides nothing.  Text opens with the summary
(``summary.py``: what a manager reads), then the full advice: verdict, fit, warnings,
actions, figures, findings, each with a one-line "because" and its citations.  A
conclusion reached for several subjects is shown once, naming them all, so no line is
printed twice.
"""

from __future__ import annotations

from typing import Optional

from expert.advice.markdown import detail, no_raw_html
from expert.advice.model import Advice, Conclusion, Figure
from expert.advice.phrases import (  # noqa: F401  (in_lang: other renderers import it from here)
    amount,
    colon,
    grouped,
    in_lang,
    number,
    severity_suffix,
    severity_text,
    subjects_text,
    title_line,
    word,
    worst_severity,
)
from expert.advice.summary import summary_lines


def _because_lines(group: list[Conclusion], lang: str, md: bool) -> list[str]:
    seen, lines = set(), []
    for conclusion in group:
        for support in conclusion.rules:
            text = support.because.get(lang)
            if (support.rule, text) in seen:
                continue
            seen.add((support.rule, text))
            cites = ", ".join(support.claims + support.paragraphs)
            refs = f"（{support.rule}；{cites}）" if lang == "zh" else f" ({support.rule}; {cites})"
            lines.append(detail(f"{word('because', lang)}{colon(lang)}{text}{refs}", md))
    return lines


def _figure_lines(group: list[Figure], lang: str, md: bool) -> list[str]:
    lines = []
    several = len(group) > 1
    if several:  # one figure's value is on its title line
        lines += [detail(f"= {amount(f, lang)}{subjects_text([f.subject], lang)}", md) for f in group]
    lines.append(detail(f"{word('formula', lang)}{colon(lang)}{group[0].formula.get(lang)}", md))
    for figure in group:
        if figure.inputs:
            sep = "，" if lang == "zh" else ", "
            shown = sep.join(f"{_input_name(figure, k, lang)} = {_input_value(figure, v, lang)}"
                             for k, v in figure.inputs.items())
            whose = subjects_text([figure.subject], lang) if several else ""
            lines.append(detail(f"{word('inputs', lang)}{whose}{colon(lang)}{shown}", md))
    return lines


def _input_name(figure: Figure, key: str, lang: str) -> str:
    label = figure.input_labels.get(key)
    return label.get(lang) if label else key


def _input_value(figure: Figure, value: object, lang: str) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(_input_name(figure, str(v), lang) for v in value)
    return str(value)


def _lines(group: list[Conclusion], lang: str, bullet: str, md: bool) -> list[str]:
    first = group[0]
    title = first.text.get(lang)
    head = f"**{title}**" if md else title
    tag = f"`{first.id}`" if md else f"[{first.id}]"
    subjects = subjects_text([c.subject for c in group], lang)
    worst = worst_severity(group)
    severity = severity_suffix(worst, lang)
    if md and severity:
        severity = f" — *{severity_text(worst, lang)}*"
    value = f" = {amount(first, lang)}" if isinstance(first, Figure) and len(group) == 1 else ""
    lines = [f"{bullet}{head}{subjects} {tag}{severity}{value}"]
    if isinstance(first, Figure):
        lines += _figure_lines(group, lang, md)
    return lines + _because_lines(group, lang, md)


def _section(key: str, items: list[Conclusion], lang: str, md: bool) -> list[str]:
    if not items:
        return []
    heading = f"## {word(key, lang)}" if md else word(key, lang).upper()
    lines = [heading]
    for group in grouped(items):
        lines += _lines(group, lang, "- ", md)
    return lines + [""]


def missing_text(advice: Advice, lang: str) -> str:
    """The facts a need-more-info verdict waits on, as their questions where there are some."""
    asked = {q.id: q.text.get(lang) for q in advice.verdict.questions}
    sep = "；" if lang == "zh" else "; "
    labels = advice.verdict.missing_labels
    return sep.join(asked.get(fact) or (labels[fact].get(lang) if fact in labels else fact) for fact in advice.verdict.missing)


def render_text(advice: Advice, lang: Optional[str] = None, markdown: bool = False,
                findings: bool = True, summary: bool = True) -> str:
    """Human-readable advice (the summary first, unless ``summary`` is false); Markdown when
    ``markdown`` is true."""
    lang = lang or advice.lang
    title = title_line(advice, lang)
    lines = [f"# {title}" if markdown else title, ""]
    if summary:
        lines += summary_lines(advice, lang, markdown) + [""]
        lines += [f"## {word('full', lang)}" if markdown else word("full", lang).upper(), ""]
    lines += _section("verdict", [advice.verdict], lang, markdown)
    if advice.verdict.missing:
        lines.insert(-1, detail(f"{word('missing', lang)}{colon(lang)}{missing_text(advice, lang)}", markdown))
    for key in ("fits", "unfits", "warnings", "actions", "figures"):
        lines += _section(key, getattr(advice, key), lang, markdown)
    if findings:
        lines += _section("findings", advice.findings, lang, markdown)
    out = "\n".join(lines).rstrip() + "\n"
    return no_raw_html(out) if markdown else out


def render_brief(advice: Advice, lang: Optional[str] = None, markdown: bool = False) -> str:
    """Only the summary: at most 12 lines a manager reads first."""
    out = "\n".join(summary_lines(advice, lang or advice.lang, markdown, title=True)) + "\n"
    return no_raw_html(out) if markdown else out


def render_json(advice: Advice) -> str:
    """Indented UTF-8 JSON (pydantic's own serializer: no second encoding pass in Python)."""
    return advice.model_dump_json(indent=2) + "\n"


FORMATS = ("text", "markdown", "json")


def render(advice: Advice, fmt: str = "text", lang: Optional[str] = None, brief: bool = False) -> str:
    """The advice in ``fmt``; ``brief``: only the summary (text and Markdown)."""
    if fmt == "json":
        return render_json(advice)
    if fmt not in ("text", "markdown"):
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if brief:
        return render_brief(advice, lang, markdown=fmt == "markdown")
    return render_text(advice, lang, markdown=fmt == "markdown")
