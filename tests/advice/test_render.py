"""Rendering: text, Markdown and JSON, in English and Chinese; JSON round-trips into Advice."""

from __future__ import annotations

import json

import pytest
import support

from expert.advice.model import Advice
from expert.advice.render import render, render_json, render_text


@pytest.fixture(scope="module")
def advice(advisor) -> Advice:
    return advisor.advise(support.full_profile())


@pytest.fixture(scope="module")
def unsure(advisor) -> Advice:
    return advisor.advise({})


def test_text_english(advice):
    out = render(advice, "text", "en")
    assert out.startswith("Advice for ShopLive\n")
    assert "VERDICT" in out
    assert "[verdict.pay]" in out
    assert "because:" in out
    assert "C19" in out and "P35" in out  # citations are shown
    assert out.index("VERDICT") < out.index("WARNINGS") < out.index("FIGURES")
    assert not support.CJK.search(out.replace("ShopLive", ""))
    assert out.endswith("\n") and not out.endswith("\n\n")


def test_text_chinese(advice):
    out = render(advice, "text", "zh")
    assert support.CJK.search(out)
    assert "结论" in out and "因为" in out
    assert "[verdict.pay]" in out  # ids stay stable across languages
    assert "because:" not in out


def test_markdown(advice):
    out = render(advice, "markdown", "en")
    assert out.startswith("# Advice for ShopLive\n")
    assert "## Verdict" in out
    assert "`verdict.pay`" in out
    assert "- **" in out
    out_zh = render(advice, "markdown", "zh")
    assert "## 结论" in out_zh and support.CJK.search(out_zh)


def test_figures_show_value_formula_inputs(advice):
    out = render(advice, "text", "en")
    assert "= 1,596 USD a month" in out  # the unit said once, in words
    assert "formula:" in out and "inputs:" in out
    assert "公式" in render(advice, "text", "zh")


def test_missing_facts_are_listed(unsure):
    out = render(unsure, "text", "en")
    asked = next(q for q in unsure.verdict.questions if q.id == "needs.capabilities")
    assert "missing facts:" in out and asked.text.en in out  # each missing fact as its question
    lines = out.splitlines()
    verdict_at = lines.index("VERDICT")
    missing_at = next(i for i, line in enumerate(lines) if "missing facts:" in line)
    assert verdict_at < missing_at < lines.index("", verdict_at)  # inside the verdict section
    assert "缺少的事实" in render(unsure, "text", "zh")
    assert "needs.capabilities" not in render(unsure, "text", "zh")  # asked as its question, not its id


def test_default_language_is_the_advice_language(advisor):
    advice_zh = advisor.advise(support.full_profile(), lang="zh")
    assert render_text(advice_zh) == render(advice_zh, "text", "zh")


def test_findings_can_be_left_out(advice):
    assert "FINDINGS" in render_text(advice, "en")
    assert "FINDINGS" not in render_text(advice, "en", findings=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_json_round_trips_into_advice(advisor, lang):
    advice = advisor.advise(support.full_profile(), lang=lang)
    out = render(advice, "json", lang)
    data = json.loads(out)
    assert data["verdict"]["id"] == "verdict.pay"
    assert data["lang"] == lang
    assert data["schema_version"]
    again = Advice.model_validate(data)
    assert again == advice
    assert again.model_dump() == advice.model_dump()
    assert Advice.model_validate_json(out) == advice


def test_json_keeps_chinese_unescaped(advice):
    out = render_json(advice)
    assert support.CJK.search(out)
    assert "\\u" not in out


def test_json_for_need_more_info(unsure):
    data = json.loads(render_json(unsure))
    assert "needs.capabilities" in data["verdict"]["missing"]
    assert Advice.model_validate(data) == unsure


def test_unknown_format_is_refused(advice):
    with pytest.raises(ValueError, match="format"):
        render(advice, "pdf")
