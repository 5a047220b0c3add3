"""Every Markdown output, rendered by a CommonMark reader (markdown-it-py), shows line for
line what its renderer meant: advice (full and brief), explanations (how the verdict was
reached, why another was not) and what-if, in English and Chinese, for every worked case
and example.  ``markdown_check.problems`` says what "as meant" is."""

from __future__ import annotations

import pytest
import support
import yaml
from markdown_check import problems, read

from expert.advice.render import render
from expert.audit.cases import load_cases
from expert.consult.render import render_what_if
from expert.explain.render import render_explanation

CASES = load_cases(support.KNOWLEDGE / "cases")
EXAMPLES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(support.EXAMPLES.glob("*.yaml"))}
PROFILES = [(case.id, case.profile) for case in CASES] + list(EXAMPLES.items())
NAMES = [name for name, _ in PROFILES]
# one change per example that gains conclusions with reasons, loses some, or changes figures
WHAT_IFS = {
    "live-commerce": ["needs.usage.peak_to_average_ratio=1.2"],
    "clinic-telehealth": ["upgrade.monthly_price_usd=500000"],
    "small-team-chat": ["needs.pain_points=audio_quality"],
}


@pytest.fixture(scope="module")
def advices(advisor):
    return {(name, lang): advisor.advise(profile, lang=lang) for name, profile in PROFILES for lang in ("en", "zh")}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_advice_markdown_renders_line_for_line(advices, name, lang):
    advice = advices[(name, lang)]
    for brief in (False, True):
        out = render(advice, "markdown", lang, brief=brief)
        assert not problems(out), (name, lang, brief, problems(out))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explanation_markdown_renders_line_for_line(advisor, advices, knowledge, name, lang):
    profile = dict(PROFILES)[name]
    verdict = advices[(name, lang)].verdict.id
    other = sorted(cid for cid in knowledge.conclusions if cid.startswith("verdict.") and cid != verdict)[0]
    for cid in (verdict, other):  # how the verdict was reached; why another was not (--no-search)
        out = render_explanation(advisor.explain(profile, cid, lang=lang, search=False), lang, True, advisor.glossary)
        assert not problems(out), (name, lang, cid, problems(out))


@pytest.mark.parametrize("name", sorted(WHAT_IFS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_if_markdown_renders_line_for_line(advisor, name, lang):
    result = advisor.what_if(EXAMPLES[name], WHAT_IFS[name], lang=lang)
    assert result.gained or result.lost or result.figures_changed  # the change shows something
    out = render_what_if(result, lang, True, advisor.glossary)
    assert not problems(out), (name, lang, problems(out))


def test_the_check_sees_what_a_reader_would_get_wrong():
    """The shapes the renderers used to write, each caught; the shapes they write now, passed."""
    assert problems("- **Pay** `verdict.pay`\n    because: pain points\n")  # a line continuing the item
    assert problems("- **Bill** = 499 USD\n    formula: fee + extras\n    inputs: fee = 0\n")
    assert problems("Changes:\n  - mau: 1 -> 2\nVerdict: verdict.pay (unchanged)\n")  # a lazy continuation
    assert problems("**Verdict**: pay\nWhy: pain\n")  # one paragraph
    assert problems("- **Bill** `warning.bill` <medium>\n")  # severity as a tag, eaten
    assert problems("# Advice\n```\n# not a heading\n") == []  # inside a code block
    assert problems("#Advice\n")  # not a heading at all
    assert not problems("- **Pay** `verdict.pay`\n  - because: pain points\n  - formula: a + b\n\n"
                        "**Verdict**: pay\n\nChanges:\n- mau: 1 -> 2\n")
    assert [tag for tag, _ in read("# Advice\n\n## Verdict\n").blocks] == ["h1", "h2"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tags_in_user_text_show_as_text_not_html(advisor, lang):
    """Our Markdown writes no HTML, so a tag in a company or offer name (user text) must
    render as text in a renderer that allows HTML: advice, brief, explanation and what-if."""
    from markdown_it import MarkdownIt

    profile = yaml.safe_load((support.REPO / "examples" / "small-team-chat.yaml").read_text(encoding="utf-8"))
    old = profile["offers"][0]["name"]
    evil = "<img src=x onerror=alert(2)>"
    profile["company"]["name"] = "<script>alert(1)</script> & Co"
    profile["offers"][0]["name"] = evil
    if profile.get("upgrade", {}).get("offer") == old:
        profile["upgrade"]["offer"] = evil
    advice = advisor.advise(profile, lang=lang)
    outputs = [render(advice, "markdown", lang), render(advice, "markdown", lang, brief=True),
               render_explanation(advisor.explain(profile, advice.verdict.id, lang=lang, search=False), lang, True,
                                  advisor.glossary),
               render_what_if(advisor.what_if(profile, ["needs.usage.mau=100000"], lang=lang), lang, True,
                              advisor.glossary)]
    for number, markdown in enumerate(outputs):
        html = MarkdownIt("commonmark").render(markdown)
        assert "<script" not in html and "<img" not in html, markdown[:400]
        if number < 3:  # the advice names both; this what-if changes no line that names an offer
            assert "&lt;img src=x" in html or "&lt;script&gt;" in html
