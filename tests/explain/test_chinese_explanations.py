"""Explanations and what-if results read as Chinese under ``lang="zh"``, over every worked
case and example: every fact, value and unit through its label, full-width punctuation,
您; only citations (rule, conclusion, claim and paragraph ids, file:line) stay as ids.

Per profile: how its verdict was reached; why one conclusion it did not reach was not
(a different one per profile, so the set covers many rules; the smallest-change search
runs for the examples only, where it is shown, to keep the test fast); and a what-if
changing a number, a choice, an offer's pricing model and a capability's price.
"""

from __future__ import annotations

import pytest
import support
import yaml
from chinese import chinese_problems, enum_words, user_names

from expert.audit.cases import load_cases
from expert.consult.render import render_what_if
from expert.explain.render import render_explanation

CASES = load_cases(support.KNOWLEDGE / "cases")
EXAMPLES = sorted(support.EXAMPLES.glob("*.yaml"))
PROFILES = [(case.id, case.profile, False) for case in CASES] + [
    (path.stem, yaml.safe_load(path.read_text(encoding="utf-8")), True) for path in EXAMPLES
]


WORDS = enum_words()


def _problems(text_and_markdown: list[str], profile: dict) -> list[str]:
    return [p for out in text_and_markdown for p in chinese_problems(out, user_names(profile), WORDS)]


def _not_reached(advisor, profile: dict, index: int) -> str:
    reached = advisor.advise(profile).conclusion_ids()
    candidates = sorted(set(advisor.knowledge.conclusions) - reached)
    return candidates[index * 7 % len(candidates)]


@pytest.mark.parametrize("index,name,profile,search", [(i, *p) for i, p in enumerate(PROFILES)],
                         ids=[p[0] for p in PROFILES])
def test_explanations_read_as_chinese(advisor, index, name, profile, search):
    verdict = advisor.advise(profile).verdict.id
    how = advisor.explain(profile, verdict, lang="zh")
    why_not = advisor.explain(profile, _not_reached(advisor, profile, index), lang="zh", search=search)
    outputs = [render_explanation(e, "zh", md, advisor.glossary) for e in (how, why_not) for md in (False, True)]
    problems = _problems(outputs, profile)
    assert not problems, "\n".join(problems[:20])
    assert how.reached and not why_not.reached
    if search:
        assert why_not.smallest_change is not None
        assert any(line.startswith("最小改变") for line in outputs[2].splitlines())


def _changes(profile: dict) -> list[str]:
    changes = ["needs.usage.peak_to_average_ratio=1", "company.stage=growth", "needs.pain_points=latency, weak_network"]
    offers = [o["name"] for o in profile.get("offers") or []]
    if offers:
        changes += [f"offers[{offers[0]}].pricing_model=usage_based", f"offers[{offers[0]}].capabilities.hd_video=paid@20",
                    f"offers[{offers[0]}].prices.monthly_fee_usd=99"]
    return changes


@pytest.mark.parametrize("name,profile", [(n, p) for n, p, _ in PROFILES], ids=[p[0] for p in PROFILES])
def test_what_if_reads_as_chinese(advisor, name, profile):
    result = advisor.what_if(profile, _changes(profile), lang="zh")
    outputs = [render_what_if(result, "zh", md, advisor.glossary) for md in (False, True)]
    problems = _problems(outputs, profile)
    assert not problems, "\n".join(problems[:20])
    assert "峰均比" in outputs[0]  # the fact by its name, not its path


def test_labels_name_what_the_ids_named(advisor):
    """A fact, a choice, a price and a unit each by its label; the ids stay only as citations."""
    profile = yaml.safe_load((support.EXAMPLES / "small-team-chat.yaml").read_text(encoding="utf-8"))
    offer = profile["offers"][0]["name"]
    result = advisor.what_if(profile, [f"offers[{offer}].capabilities.hd_video=paid@449", "needs.usage.mau=50000"],
                             lang="zh")
    text = render_what_if(result, "zh", False, advisor.glossary)
    assert f"{offer} 的高清视频：" in text and "提供，需额外付费（每月 449 美元）" in text
    assert "月活跃用户数：" in text and "50,000 人" in text
    assert "paid" not in text and "USD" not in text and "needs.usage.mau" not in text
    english = render_what_if(result, "en", False, advisor.glossary)
    assert "needs.usage.mau: " in english and "-> 50,000" in english  # English keeps the auditor's ids
