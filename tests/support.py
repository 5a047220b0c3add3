"""Shared helpers for the test suite: a tiny knowledge base, sample profiles, text utilities.

Imported by the tests as ``support`` (pytest puts this directory on ``sys.path``).
"""

from __future__ import annotations

import copy
import re
import shutil
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
EXAMPLES = REPO / "examples"
CJK = re.compile(r"[\u4e00-\u9fff]")

# --- a minimal, self-contained knowledge base ------------------------------------------
# Small enough that every line number is known; it always reaches exactly one verdict:
# spiky traffic (peak/average >= 3) -> verdict.pay, otherwise verdict.dont_pay.

MINI_CLAIMS = """\
article:
  paragraphs: 3
claims:
  - id: C01
    paragraphs: [P01]
    summary: {en: "Claim one.", zh: "论断一。"}
  - id: C02
    paragraphs: [P02, P03]
    summary: {en: "Claim two.", zh: "论断二。"}
"""

MINI_CONCLUSIONS = """\
conclusions:
  - {id: verdict.pay, kind: verdict, about: company, severity: info, title: {en: "Pay", zh: "付费"}}
  - {id: verdict.dont_pay, kind: verdict, about: company, severity: info, title: {en: "Do not pay", zh: "不付费"}}
  - {id: trait.a, kind: trait, about: company, severity: info, title: {en: "Trait A", zh: "特征甲"}}
  - {id: trait.b, kind: trait, about: company, severity: info, title: {en: "Trait B", zh: "特征乙"}}
  - {id: finding.o, kind: finding, about: offer, severity: low, title: {en: "Offer finding", zh: "方案发现"}}
"""

MINI_BASE_RULES = """\
rules:
  - id: base.spiky
    about: company
    title: {en: "Spiky", zh: "尖峰"}
    because: {en: "Peak is {ratio} times the average.", zh: "峰值是平均值的 {ratio} 倍。"}
    cites: {claims: [C01], paragraphs: [P01]}
    basis: stated
    when:
      - needs.usage.peak_to_average_ratio: {at_least: 3}
    thresholds:
      needs.usage.peak_to_average_ratio: {judgement: "three times the average for the test"}
    then:
      conclude: trait.a
      with: {ratio: {fact: needs.usage.peak_to_average_ratio}}

  - id: base.pay
    about: company
    title: {en: "Pay", zh: "付费"}
    because: {en: "Spiky traffic.", zh: "流量有尖峰。"}
    cites: {claims: [C01], paragraphs: [P01]}
    basis: stated
    when:
      - concluded: trait.a
    then: {conclude: verdict.pay}

  - id: base.dont
    about: company
    title: {en: "Do not pay", zh: "不付费"}
    because: {en: "No spiky traffic.", zh: "没有尖峰。"}
    cites: {claims: [C02], paragraphs: [P02]}
    basis: {inferred: "no spiky traffic, so nothing to pay for in this test"}
    when:
      - not_concluded: trait.a
    then: {conclude: verdict.dont_pay}

  - id: base.offer
    about: offer
    title: {en: "Freemium offer", zh: "免费增值方案"}
    because: {en: "Freemium.", zh: "免费增值。"}
    cites: {claims: [C02], paragraphs: [P03]}
    basis: stated
    when:
      - offer.pricing_model: {is: freemium}
    then: {conclude: finding.o}
"""

# A valid extra rule file that tests mutate; PROBE_LINE is the line of its rule.
PROBE_RULE = """\
rules:
  - id: probe.rule
    about: company
    title: {en: "Probe", zh: "探针"}
    because: {en: "Because of the probe.", zh: "因为探针。"}
    cites: {claims: [C02], paragraphs: [P02]}
    basis: stated
    when:
      - company.stage: {is: growth}
    then: {conclude: trait.b}
"""


def write_mini_kb(directory: Path, extra_rules: str | None = None) -> Path:
    """Write the minimal knowledge base (plus an optional rules/20-probe.yaml) into directory."""
    (directory / "rules").mkdir(parents=True, exist_ok=True)
    (directory / "claims.yaml").write_text(MINI_CLAIMS, encoding="utf-8")
    (directory / "conclusions.yaml").write_text(MINI_CONCLUSIONS, encoding="utf-8")
    (directory / "rules" / "10-base.yaml").write_text(MINI_BASE_RULES, encoding="utf-8")
    if extra_rules is not None:
        (directory / "rules" / "20-probe.yaml").write_text(textwrap.dedent(extra_rules), encoding="utf-8")
    return directory


def copy_knowledge(destination: Path, cases: bool = False) -> Path:
    """Copy the bundled knowledge base (every top-level file and the rules; cases on request)."""
    destination.mkdir(parents=True, exist_ok=True)
    for path in KNOWLEDGE.glob("*.yaml"):  # claims, conclusions, labels, sources, exclusions, questions
        shutil.copy(path, destination / path.name)
    shutil.copytree(KNOWLEDGE / "rules", destination / "rules")
    if cases:
        shutil.copytree(KNOWLEDGE / "cases", destination / "cases")
    else:
        (destination / "cases").mkdir()
    return destination


def line_number(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line of text containing needle."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found in text")


# --- sample profiles -------------------------------------------------------------------

FULL_PROFILE: dict = {
    "company": {
        "name": "ShopLive",
        "size": "medium",
        "stage": "growth",
        "industry": "ecommerce",
        "data_sensitivity": "medium",
        "rtc_engineering": "basic",
        "growth_rate_pct_per_year": 120,
        "can_forecast_usage_costs": False,
        "monthly_budget_usd": 3000,
    },
    "needs": {
        "capabilities": ["text_messaging", "group_chat", "video_calls", "hd_video", "large_events", "recording"],
        "pain_points": ["video_quality", "concurrency_cap"],
        "usage": {"monthly_minutes": 400000, "peak_to_average_ratio": 20, "largest_event_participants": 5000},
        "contract_months": 12,
    },
    "offers": [
        {
            "name": "RTC pay-as-you-go",
            "vendor": {"listed": True, "financial_strength": "moderate", "years_operating": 10, "market_position": "leader"},
            "pricing_model": "usage_based",
            "prices": {"per_1000_minutes_usd": 3.99},
            "capabilities": [
                {"capability": "hd_video", "availability": "included"},
                {"capability": "recording", "availability": "paid", "monthly_price_usd": 600},
            ],
            "max_concurrent_participants": 20000,
        },
        {
            "name": "Chat freemium",
            "vendor": {"financial_strength": "weak", "years_operating": 2, "market_position": "newcomer"},
            "pricing_model": "freemium",
            "free_tier_hard_cap": True,
            "prices": {"monthly_fee_usd": 0},
            "capabilities": [
                {"capability": "hd_video", "availability": "paid", "monthly_price_usd": 499},
                {"capability": "large_events", "availability": "unavailable"},
            ],
            "max_concurrent_participants": 500,
        },
    ],
}

# Nothing said about needs: the bundled knowledge asks for more facts.
EMPTY_PROFILE: dict = {}


def full_profile() -> dict:
    return copy.deepcopy(FULL_PROFILE)


BASIC_CAPS = ["text_messaging", "voice_messages", "group_chat", "voice_calls", "video_calls", "screen_sharing"]
MIXED_CAPS = BASIC_CAPS + ["hd_video", "recording"]


def distinct_profile(i: int) -> dict:
    """The i-th of a family of distinct, valid, cheap-to-advise profiles."""
    profile: dict = {
        "company": {"name": f"co-{i}"},
        "needs": {
            "capabilities": [c for k, c in enumerate(MIXED_CAPS) if (i >> k) & 1],
            "usage": {"monthly_minutes": 1000 + i, "peak_to_average_ratio": 1 + (i % 7)},
        },
    }
    if i % 5 == 0:
        profile["needs"]["pain_points"] = ["latency"]
    if i % 7 == 0:
        profile["upgrade"] = {"kind": "feature", "adds_capabilities": ["hd_video"]}
    if i % 11 == 0:
        profile["offers"] = [{"name": f"offer-{i}", "pricing_model": "usage_based",
                              "prices": {"per_1000_minutes_usd": 1 + i % 4}}]
    return profile


# --- generated knowledge bases, for the engine's limits (issue 11) ----------------------
_GENERATED_RULE = """\
  - id: gen.r{i}
    about: company
    title: {{en: "Generated {i}", zh: "生成规则 {i}"}}
    because: {{en: "Generated rule {i}.", zh: "生成的规则 {i}。"}}
    cites: {{claims: [C02], paragraphs: [P02]}}
    basis: stated
    when:
      - {condition}
{thresholds}    then: {{conclude: {conclude}}}
"""
_NUMERIC_FIELDS = ("needs.usage.monthly_minutes", "needs.usage.mau", "needs.usage.largest_event_participants",
                   "company.monthly_budget_usd")


def write_generated_kb(directory: Path, kind: str, count: int) -> Path:
    """A knowledge base of ``count`` generated rules on top of the minimal one.

    kind "constants": every rule tests needs.usage.monthly_minutes against its own constant;
    "flat": the constants spread over four numeric fields; "chain": rule i concludes gen.c{i}
    from gen.c{i-1}; "reversed-chain": the same chain written last rule first.
    """
    write_mini_kb(directory)
    rules, conclusions = [], []
    for i in range(count):
        if kind in ("chain", "reversed-chain"):
            conclusions.append(f"  - {{id: gen.c{i}, kind: trait, about: company, severity: info, "
                               f"title: {{en: \"Step {i}\", zh: \"步骤 {i}\"}}}}\n")
            condition = "concluded: trait.a" if i == 0 else f"concluded: gen.c{i - 1}"
            rules.append(_GENERATED_RULE.format(i=i, condition=condition, thresholds="", conclude=f"gen.c{i}"))
            continue
        path = _NUMERIC_FIELDS[0] if kind == "constants" else _NUMERIC_FIELDS[i % len(_NUMERIC_FIELDS)]
        value = 1000 + i
        thresholds = f"    thresholds:\n      {path}: {{judgement: \"a generated test threshold\"}}\n"
        rules.append(_GENERATED_RULE.format(i=i, condition=f"{path}: {{at_least: {value}}}", thresholds=thresholds,
                                            conclude="trait.b"))
    if kind == "reversed-chain":
        rules.reverse()
    (directory / "rules" / "50-generated.yaml").write_text("rules:\n" + "\n".join(rules), encoding="utf-8")
    if conclusions:
        with (directory / "conclusions.yaml").open("a", encoding="utf-8") as handle:
            handle.writelines(conclusions)
    return directory


def same_models(built_one: object, validated: object, where: str, passed_through: tuple = ()) -> None:
    """Walk a model built without validation (``advice/model.built``) and the same model
    validated: the same classes, field order, fields set and leaf types.  An instance of a
    ``passed_through`` class is compared whole (validation passes an instance through)."""
    from pydantic import BaseModel

    assert type(built_one) is type(validated), where
    if isinstance(built_one, passed_through):
        assert built_one == validated, where
    elif isinstance(built_one, BaseModel):
        assert list(built_one.__dict__) == list(type(built_one).model_fields), where
        assert built_one.__dict__.keys() == validated.__dict__.keys(), where
        assert built_one.model_fields_set == validated.model_fields_set, where
        assert built_one.__pydantic_extra__ is None and built_one.__pydantic_private__ is None, where
        for name in type(built_one).model_fields:
            same_models(getattr(built_one, name), getattr(validated, name), f"{where}.{name}", passed_through)
    elif isinstance(built_one, (list, tuple)):
        assert len(built_one) == len(validated), where
        for i, (a, b) in enumerate(zip(built_one, validated, strict=True)):
            same_models(a, b, f"{where}[{i}]", passed_through)
    elif isinstance(built_one, dict):
        assert list(built_one) == list(validated), where
        for key in built_one:
            same_models(built_one[key], validated[key], f"{where}.{key}", passed_through)
    else:
        assert built_one == validated, where
