"""The HTML advice page (issue 13): self-contained (no network, no script), the summary,
the cost chart and the full advice with every reason folded under <details>; user names
escaped everywhere; every worked case and example renders in both languages, the Chinese
page reading as Chinese."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest
import support
import yaml
from chinese import chinese_problems

from expert.advice.cost_series import cost_series
from expert.advice.html_page import render_page
from expert.advice.phrases import grouped
from expert.advice.summary import summary_lines
from expert.audit.cases import load_cases
from expert.interfaces.cli import main

PROFILES = [(case.id, case.profile) for case in load_cases(support.KNOWLEDGE / "cases")] + [
    (path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in sorted(support.EXAMPLES.glob("*.yaml"))
]
LIVE = support.EXAMPLES / "live-commerce.yaml"


class _Page(HTMLParser):
    """The page as a browser sees it: its tags, attributes and text (entities decoded)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data) -> None:
        if data.strip():
            self.text.append(data.strip())

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def _page(advisor, profile: dict, lang: str, brief: bool = False) -> str:
    model = advisor.validate(profile)
    return render_page(advisor.advise(model, lang=lang), model, advisor.knowledge.labels, lang, brief)


@pytest.fixture(scope="module")
def pages(advisor):
    """Every case and example as a page in both languages; each advised once (an Advice holds both texts)."""
    out = {}
    for name, profile in PROFILES:
        model = advisor.validate(profile)
        advice = advisor.advise(model)
        for lang in ("en", "zh"):
            out[(name, lang)] = (advice, render_page(advice, model, advisor.knowledge.labels, lang))
    return out


@pytest.mark.parametrize("name", [name for name, _ in PROFILES])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_case_and_example_renders(pages, name, lang):
    advice, html = pages[(name, lang)]
    page = _Page(html)
    assert page.count("script") == page.count("link") == page.count("img") == 0
    assert not any(key in ("src", "href") or key.startswith("on") for _, attrs in page.tags for key in attrs)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    # the summary, then one folded item per conclusion (all its subjects), then the chart's table
    shown = "".join(page.text).replace(" ", "")
    assert all(line.removeprefix("- ").replace(" ", "") in shown for line in summary_lines(advice, lang))
    conclusions = sum(len(grouped(getattr(advice, key))) for key in
                      ("fits", "unfits", "warnings", "actions", "figures", "findings")) + 1
    tables = 1 if "<table>" in html else 0
    assert page.count("details") == conclusions + tables
    assert all(f"[{c.id}]" in html for c in advice.all_conclusions() if c.kind != "trait")


@pytest.mark.parametrize("name,profile", PROFILES, ids=[name for name, _ in PROFILES])
def test_the_chinese_page_reads_as_chinese(pages, name, profile):
    names = {(profile.get("company") or {}).get("name") or ""} | {o.get("name", "") for o in profile.get("offers") or []}
    names |= {a.get("name", "") for a in (profile.get("needs") or {}).get("custom_addons") or []}
    problems = chinese_problems("\n".join(_Page(pages[(name, "zh")][1]).text), {n for n in names if n})
    assert not problems, "\n".join(problems[:20])


def test_the_chart_has_a_line_per_known_cost_and_names_the_unknown(advisor):
    profile = yaml.safe_load(LIVE.read_text(encoding="utf-8"))
    costs = cost_series(advisor.validate(profile))
    html = _page(advisor, profile, "en")
    assert html.count('<path class="cost-line"') == len(costs.series) == 3
    assert "Cost not known: RTC pay-as-you-go: no published price for content moderation." in html
    zh = _page(advisor, profile, "zh")
    assert "成本未知：RTC pay-as-you-go：内容审核没有公布价格。" in zh and "累计成本（美元）" in zh


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{months}&amp;'


def test_user_names_cannot_inject_markup(advisor):
    profile = copy.deepcopy(yaml.safe_load(LIVE.read_text(encoding="utf-8")))
    profile["company"]["name"] = HOSTILE
    profile["offers"][1]["name"] = "Chat " + HOSTILE
    for lang in ("en", "zh"):
        html = _page(advisor, profile, lang)
        page = _Page(html)
        assert page.count("script") == page.count("img") == 0
        assert not any(key.startswith("on") for _, attrs in page.tags for key in attrs)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp;amp;" in html
        shown = " ".join(page.text)
        assert HOSTILE in shown and "Chat " + HOSTILE in shown  # shown as written, in the legend and the advice


def test_brief_is_the_summary_and_the_chart(advisor):
    profile = yaml.safe_load(LIVE.read_text(encoding="utf-8"))
    html = _page(advisor, profile, "en", brief=True)
    assert 'id="summary"' in html and 'id="costs"' in html and 'id="advice"' not in html


def test_cli_writes_the_page(runner):
    result = runner.invoke(main, ["advise", str(LIVE), "--format", "html", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in result.output
    several = runner.invoke(main, ["advise", str(LIVE), str(LIVE), "--format", "html"])
    assert several.exit_code == 2 and "--format html writes one page" in several.output
    assert "Traceback" not in several.output


def test_cli_refuses_a_bad_profile_for_the_page(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("needs: {contract_months: 0}\n", encoding="utf-8")
    result = runner.invoke(main, ["advise", str(bad), "--format", "html"])
    assert result.exit_code == 2 and "contract_months" in result.output and "<html" not in result.output


def test_the_readme_shows_the_page():
    assert (support.REPO / "docs" / "advice-page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    readme = (support.REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/advice-page.png" in readme and "--format html" in readme
