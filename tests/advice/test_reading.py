"""What a person reads, over every worked case and example: the summary opens the text and
fits in 12 lines, no line is printed twice, nothing on screen contradicts anything else,
and the Chinese reads as Chinese (full-width punctuation, 您, labels instead of ids)."""

from __future__ import annotations

import re

import pytest
import support
import yaml
from chinese import chinese_problems, enum_words, user_names

from expert.advice.render import render
from expert.advice.summary import MAX_LINES
from expert.audit.cases import load_cases

CASES = load_cases(support.KNOWLEDGE / "cases")
PROFILES = [(case.id, case.profile) for case in CASES] + [
    (path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in sorted(support.EXAMPLES.glob("*.yaml"))
]
TAG = re.compile(r"\[([a-z]+\.[a-z_]+)\]")


@pytest.fixture(scope="module")
def advices(advisor):
    return {(name, lang): advisor.advise(profile, lang=lang) for name, profile in PROFILES for lang in ("en", "zh")}


@pytest.mark.parametrize("name", [name for name, _ in PROFILES])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_line_twice_and_nothing_added(advices, name, lang):
    advice = advices[(name, lang)]
    for fmt in ("text", "markdown"):
        out = render(advice, fmt, lang)
        # conclusions and their reasons (a figure's value or input may equal another's)
        lines = [line for line in out.splitlines() if line.startswith("- ") or line.lstrip().startswith(("because", "因为"))]
        repeated = {line for line in lines if lines.count(line) > 1}
        assert not repeated, f"{name} ({fmt}, {lang}) prints these twice: {sorted(repeated)}"
        shown = set(TAG.findall(out)) | set(re.findall(r"`([a-z]+\.[a-z_]+)`", out))
        assert shown <= advice.conclusion_ids()  # the renderer concludes nothing of its own
        assert "<" not in out.replace("<=", "")  # severity as words: Markdown eats <medium>


@pytest.mark.parametrize("name", [name for name, _ in PROFILES])
def test_nothing_on_screen_contradicts(advices, knowledge, name):
    advice = advices[(name, "en")]
    reached = {(c.id, c.subject) for c in advice.all_conclusions()}
    for exclusion in knowledge.exclusions:
        first, second = exclusion.ids
        if exclusion.scope == "anywhere":
            assert not ({first, second} <= {cid for cid, _ in reached}), (name, exclusion.ids)
        else:
            subjects = {s for cid, s in reached if cid == first} & {s for cid, s in reached if cid == second}
            assert not subjects, (name, exclusion.ids, subjects)


@pytest.mark.parametrize("name", [name for name, _ in PROFILES])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_brief_is_the_opening_and_short(advices, name, lang):
    advice = advices[(name, lang)]
    brief = render(advice, "text", lang, brief=True)
    assert len(brief.splitlines()) <= MAX_LINES
    assert brief.splitlines()[1].startswith("Verdict: " if lang == "en" else "结论：")
    full = render(advice, "text", lang)
    body = brief.splitlines()[1:]
    assert full.splitlines()[2:2 + len(body)] == body  # the full text opens with the same summary
    assert advice.verdict.text.get(lang) in brief


@pytest.mark.parametrize("name,profile", PROFILES, ids=[name for name, _ in PROFILES])
def test_chinese_reads_as_chinese(advices, name, profile):
    advice = advices[(name, "zh")]
    words = enum_words()
    problems = []
    for fmt in ("text", "markdown"):
        problems += chinese_problems(render(advice, fmt, "zh"), user_names(profile), words)
    assert not problems, "\n".join(problems[:20])


def test_cli_brief_fits_in_twelve_lines():
    from click.testing import CliRunner

    from expert.interfaces.cli import main

    result = CliRunner().invoke(main, ["advise", str(support.EXAMPLES / "live-commerce.yaml"), "--brief"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) <= MAX_LINES and lines[1].startswith("Verdict: ")
    assert any(line.startswith("Top warnings") for line in lines) and any(line.startswith("What to do") for line in lines)


def joined_in_markdown(markdown: str) -> list[tuple[str, str]]:
    """Pairs of lines a CommonMark reader joins: two consecutive non-blank lines that are not
    both list items (a paragraph continued, or a line swallowed by the list item above it).
    A list item may follow the line that introduces it."""
    lines = markdown.splitlines()
    return [(a, b) for a, b in zip(lines, lines[1:]) if a.strip() and b.strip() and not b.startswith("- ")]


@pytest.mark.parametrize("name", [name for name, _ in PROFILES])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_summary_lines_stay_apart(advices, name, lang):
    advice = advices[(name, lang)]
    brief = render(advice, "markdown", lang, brief=True)
    assert not joined_in_markdown(brief), joined_in_markdown(brief)
    full = render(advice, "markdown", lang)
    opening = full[:full.index("\n## ")]  # the title and the summary, up to the full advice
    assert not joined_in_markdown(opening), joined_in_markdown(opening)
    shown = [line for line in brief.splitlines() if line.strip()]
    assert shown[1:] == [line for line in opening.splitlines() if line.strip()][1:] and len(shown) <= MAX_LINES


def test_the_markdown_check_sees_a_joined_paragraph():
    assert joined_in_markdown("**Verdict**: pay\nWhy: because\n")
    assert joined_in_markdown("- item\nWhat to do:\n")
    assert not joined_in_markdown("Top warnings:\n- one\n- two\n\nWhat to do:\n- act\n")


def test_the_knowledge_writes_chinese_with_full_width_marks(knowledge):
    """Rule and conclusion texts show up inside Chinese lines everywhere (advice, explanations,
    the book): their punctuation and quotation marks are full-width (「」 or “”, never ")."""
    from chinese import half_width_in_chinese

    texts = [(rule.id, text) for rule in knowledge.rules.values() for text in (rule.title.zh, rule.because.zh)]
    texts += [(cid, conclusion.title.zh) for cid, conclusion in knowledge.conclusions.items()]
    bad = [(where, text) for where, text in texts if half_width_in_chinese(text) or '"' in text]
    assert not bad, bad[:5]
