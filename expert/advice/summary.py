"""The summary a manager reads first: at most 12 lines.

The verdict and its one-line reason; what the upgrade is worth paying up to per month
(where the rules computed it) against what it costs; the top warnings by severity; the
next steps.  It only reads the Advice: the rules decided all of it, this picks the
highest-ranked items (the Advice lists them by severity already) and words them.
"""

from __future__ import annotations

from expert.advice.markdown import blocks
from expert.advice.model import Advice, Figure
from expert.advice.phrases import amount, colon, grouped, in_lang, severity_suffix, subjects_text, title_line

MAX_LINES = 12
TOP_ITEMS = 3
_WORDS = {
    "verdict": ("Verdict", "结论"),
    "why": ("Why", "原因"),
    "worth": ("Worth paying up to", "每月最多值得付"),
    "costs": ("the upgrade costs", "升级费用为"),
    "first": ("First to answer", "请先回答"),
    "warnings": ("Top warnings", "主要风险"),
    "actions": ("What to do", "下一步"),
    "of": ("of", "/"),
}


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


def _figure(advice: Advice, figure_id: str) -> Figure | None:
    return next((f for f in advice.figures if f.id == figure_id and f.subject == "company"), None)


def _label(key: str, lang: str, shown: int, total: int) -> str:
    """'Top warnings (3 of 5):' when some are left for the full advice below."""
    more = "" if shown == total else (f"（{shown}{_w('of', lang)}{total}）" if lang == "zh" else f" ({shown} of {total})")
    return f"{_w(key, lang)}{more}{colon(lang).rstrip()}"


def _worth_line(advice: Advice, lang: str) -> list[str]:
    # a needed upgrade's bound, or a version update's (the maintenance fee per month)
    worth = _figure(advice, "figure.upgrade_worth_up_to") or _figure(advice, "figure.update_worth_up_to")
    cost = _figure(advice, "figure.upgrade_cost")
    if worth is None:
        return []
    end = "。" if lang == "zh" else "."
    costs = f"{'，' if lang == 'zh' else '; '}{_w('costs', lang)} {amount(cost, lang)}" if cost else ""
    return [f"{_w('worth', lang)}{colon(lang) if lang == 'zh' else ' '}{amount(worth, lang)}{costs}{end}"]


def _bullets(items: list, lang: str, md: bool, with_severity: bool) -> list[str]:
    lines = []
    for group in items:
        first = group[0]
        title = first.text.get(lang)
        severity = severity_suffix(first.severity, lang) if with_severity else ""
        lines.append(f"- {f'**{title}**' if md else title}{subjects_text([c.subject for c in group], lang)}{severity}")
    return lines


def summary_lines(advice: Advice, lang: str, markdown: bool = False, title: bool = False) -> list[str]:
    """At most ``MAX_LINES`` lines: verdict, reason, worth, top warnings, next steps."""
    verdict = advice.verdict
    lines = [f"{'# ' if markdown else ''}{title_line(advice, lang)}"] if title else []
    head = verdict.text.get(lang)
    label = _w("verdict", lang)
    lines.append(f"{f'**{label}**' if markdown else label}{colon(lang)}{head}")
    if verdict.rules:
        lines.append(f"{_w('why', lang)}{colon(lang)}{verdict.rules[0].because.get(lang)}")
    lines += _worth_line(advice, lang)
    if verdict.questions:
        lines.append(f"{_w('first', lang)}{colon(lang)}{verdict.questions[0].text.get(lang)}")
    for key, items, with_severity in (("warnings", advice.warnings, True), ("actions", advice.actions, False)):
        groups = grouped(items)
        if not groups:
            continue
        room = min(TOP_ITEMS, MAX_LINES - len(lines) - 1)
        if room <= 0:
            break
        lines.append(_label(key, lang, min(room, len(groups)), len(groups)))
        lines += _bullets(groups[:room], lang, markdown, with_severity)
    # Markdown: each line its own block (``markdown.blocks``); blank lines are not counted
    return blocks(lines[:MAX_LINES]) if markdown else lines[:MAX_LINES]
