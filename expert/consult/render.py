"""Render consultation results as text or Markdown: what-if differences and questions.

Only reads the typed models; decides nothing.  Values, subjects and conclusion tags are
shown the way explanations show them (``explain/render.py``).
"""

from __future__ import annotations

from typing import Optional

from expert.advice.markdown import blocks, detail, no_raw_html
from expert.advice.model import Question
from expert.advice.render import in_lang
from expert.consult.model import WhatIf
from expert.explain.glossary import Glossary
from expert.explain.render import conclusion_tag, show, subject_suffix

_WORDS = {
    "what_if": ("What if", "假如"),
    "changes": ("Changes", "改变"),
    "verdict_word": ("Verdict", "结论"),
    "unchanged": ("unchanged", "不变"),
    "gained": ("Conclusions gained", "新增的结论"),
    "lost": ("Conclusions lost", "失去的结论"),
    "figures": ("Figures changed", "变化的测算"),
    "none": ("(none)", "（无）"),
    "because": ("because", "因为"),
    "why_asked": ("asked because it decides", "询问原因：它影响"),
    "deciding": ("Deciding the verdict: ", "关系到结论："),
    "dont_know": ("or: don't know", "或：不知道"),
    "unit": ("unit", "单位"),
    "range": ("range", "范围"),
}


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


def render_what_if(result: WhatIf, lang: str = "en", markdown: bool = False, glossary: Optional[Glossary] = None) -> str:
    """The difference a change makes.  English shows the auditor's ids; Chinese names every
    fact, value, verdict and figure by its label (``glossary``) and keeps the conclusion ids
    only as citations."""
    g, zh = glossary or Glossary({}, {}), lang == "zh"
    colon, arrow = ("：", " → ") if zh else (": ", " -> ")

    def verdict(cid: str) -> str:
        return f"{g.title(cid, lang)} {conclusion_tag(cid, markdown)}" if zh else cid

    head = f"# {_w('what_if', lang)}" if markdown else (_w("what_if", lang) if zh else _w("what_if", lang).upper())
    item = "- " if markdown else "  - "  # Markdown: each group a list after its label
    none = f"- {_w('none', lang)}" if markdown else f"  {_w('none', lang)}"
    lines = [head, f"{_w('changes', lang)}{colon.rstrip()}"]
    lines += [f"{item}{g.fact(c.fact, lang)}{colon}{g.value(c.fact, c.before, lang)}{arrow}{g.value(c.fact, c.after, lang)}"
              for c in result.changes]
    unchanged = f"（{_w('unchanged', lang)}）" if zh else f" ({_w('unchanged', lang)})"
    shown = f"{verdict(result.verdict_before)}{arrow}{verdict(result.verdict_after)}" if result.verdict_changed \
        else f"{verdict(result.verdict_after)}{unchanged}"
    label = f"**{_w('verdict_word', lang)}**" if markdown else _w("verdict_word", lang)  # as the summary shows it
    lines.append(f"{label}{colon}{shown}")
    for key, items in (("gained", result.gained), ("lost", result.lost)):
        lines.append(f"{_w(key, lang)}{colon.rstrip()}")
        for c in items:
            lines.append(f"{item}{c.title.get(lang)}{g.subject(c.subject, lang)} {conclusion_tag(c.id, markdown)}")
            reached = result.advice.find(c.id, c.subject) if key == "gained" else []
            if reached and reached[0].rules:  # why it now holds: the figures it rests on, e.g. a price ceiling
                lines.append(detail(f"{_w('because', lang)}{colon}{reached[0].rules[0].because.get(lang)}", markdown, "      "))
        if not items:
            lines.append(none)
    lines.append(f"{_w('figures', lang)}{colon.rstrip()}")
    for f in result.figures_changed:
        name = f"{g.title(f.figure, lang)}{g.subject(f.subject, lang)} {conclusion_tag(f.figure, markdown)}" if zh \
            else f"{f.figure}{subject_suffix(f.subject)}"
        lines.append(f"{item}{name}{colon}{_amount(g, f.before, f.unit, lang)}{arrow}{_amount(g, f.after, f.unit, lang)}")
    if not result.figures_changed:
        lines.append(none)
    return no_raw_html("\n".join(blocks(lines)) + "\n") if markdown else "\n".join(lines) + "\n"


def _amount(g, value, unit, lang: str) -> str:
    """A figure's value with its unit, or "not stated" alone: a unit after words reads as a number."""
    shown = g.plain(value, lang)
    return shown if value is None or not unit else f"{shown} {g.unit(unit, lang)}"


def render_question(question: Question, lang: str = "en", number: int = 0) -> str:
    """A question as the terminal consultation shows it, choices numbered."""
    lines = [f"{f'{number}. ' if number else ''}{question.text.get(lang)}"]
    if question.hint is not None:
        lines.append(f"   {question.hint.get(lang)}")
    spec = question.answer
    if spec.choices:
        for index, choice in enumerate(spec.choices, 1):
            label = choice.label.get(lang)
            # the value beside its label, for typing it; in Chinese the label or the number does
            plain = lang == "zh" or not isinstance(choice.value, str) or label == choice.value
            shown = label if plain else f"{label} ({choice.value})"
            lines.append(f"   {index:>2}) {shown}")
    colon, semicolon, to = ("：", "；", " 至 ") if lang == "zh" else (": ", "; ", " .. ")
    parts = [f"{_w('unit', lang)}{colon}{spec.unit.get(lang)}"] if spec.unit else []
    if spec.minimum is not None:
        top = show(spec.maximum) if spec.maximum is not None else "∞"
        parts.append(f"{_w('range', lang)}{colon}{show(spec.minimum)}{to}{top}")
    if parts:
        lines.append(f"   {semicolon.join(parts)}")
    verdicts = list(dict.fromkeys(c.title.get(lang) for c in question.why if c.id.startswith("verdict.")))
    if verdicts:  # what the answer can still decide, in words
        lines.append(f"   {_w('deciding', lang)}{'／'.join(verdicts) if lang == 'zh' else ' / '.join(verdicts)}")
    others = [c for c in question.why if not c.id.startswith("verdict.")]
    if others:
        sep, comma = ("——", "、") if lang == "zh" else (": ", ", ")
        titles = list(dict.fromkeys(c.title.get(lang) for c in others))[:3]  # one per conclusion, whoever it is about
        lines.append(f"   {'（' if lang == 'zh' else '('}{_w('why_asked', lang)}{sep}{comma.join(titles)}"
                     f"{'）' if lang == 'zh' else ')'}")
    lines.append(f"   【{_w('dont_know', lang)}】" if lang == "zh" else f"   [{_w('dont_know', lang)}]")
    return "\n".join(lines) + "\n"
