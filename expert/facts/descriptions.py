"""A description of every profile field, in English and Chinese, for the profile's JSON Schema.

A field a consultation asks about is described by its question, with its hint, from the
bundled ``knowledge/questions.yaml``: the question is what a person is asked to fill the
field, so it is the best description there is, and it is written (and reviewed) once.
An offer's question reads "this offer" for ``{offer}``; where a hint is about typing the
answer, a sentence on what the field holds replaces it.  The fields no question asks
(names, the items of a capability list, the in-house estimate's parts, bookkeeping) are
described here.

In the schema, English is the standard ``description`` keyword and Chinese the
``x-description-zh`` annotation (an ``x-`` keyword: JSON Schema validators ignore unknown
annotations, OpenAPI allows ``x-`` extensions, and tools that read only ``description``
still get a full sentence).  The text is read when a schema is first generated, never at
import, so ``import expert`` stays light.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from expert.facts.bundled import DEFAULT_KNOWLEDGE_DIR

ZH_KEY = "x-description-zh"
_FILLS = {"en": {"{offer}": "this offer", "{capability}": "each capability"},
          "zh": {"{offer}": "该方案", "{capability}": "各项能力"}}

_AVAILABILITY = ("included: in the plan weighed, at no extra charge; paid: offered at an extra charge; "
                 "unavailable: not offered.",
                 "included：所评估的套餐已包含，不另收费；paid：另行收费；unavailable：不提供。")
_PRICE = ("For a paid item only: its monthly price in US dollars, or \"unknown\" when no price is published.",
          "仅用于付费项：每月价格（美元）；未公布价格时填 \"unknown\"。")

# Paths as in questions.yaml: "offer.*" for an offer's fields, "[]" for a list's items.
WRITTEN: dict[str, tuple[str, str]] = {
    "company": ("The company seeking advice: size, stage, industry, skills, budget and what building in-house "
                "would cost.", "寻求建议的公司：规模、阶段、行业、技术能力、预算，以及自研的成本。"),
    "needs": ("What the company needs: required capabilities, pain points, usage, planning horizon and custom "
              "add-ons.", "公司的需求：必需的能力、痛点、用量、使用期限与自定义附加功能。"),
    "asked": ("Consultation bookkeeping, not a fact: the question ids already asked (answered, or \"don't know\"), "
              "so a resumed consultation never asks one twice. The advice ignores it.",
              "咨询记录，而非事实：已问过的问题编号（已回答或“不知道”），续接的咨询不会重复提问；建议不考虑此项。"),
    "company.name": ("The company's name, shown in the advice; \"company\" when not given.",
                     "公司名称，显示在建议中；未填写时为 \"company\"。"),
    "company.in_house_estimate.engineer_months": ("Engineer-months needed to build the capability in-house.",
                                                  "自研该能力所需的人月数。"),
    "company.in_house_estimate.monthly_cost_per_engineer_usd": ("Monthly cost of one engineer, in US dollars.",
                                                                "每名工程师每月的成本（美元）。"),
    "company.in_house_estimate.monthly_running_cost_usd": (
        "Monthly cost of running what was built (servers, bandwidth, operations), in US dollars.",
        "自研系统每月的运行成本（服务器、带宽、运维，美元）。"),
    "needs.usage": ("How much the service is used: minutes, monthly active users, peak-to-average ratio, largest "
                    "event.", "服务的用量：分钟数、月活跃用户、峰均比、最大单场活动人数。"),
    "needs.custom_addons": ("Add-ons the capability catalogue does not name, each required or optional; they count "
                            "like catalogue capabilities.",
                            "能力目录中没有的附加功能，各自注明是否必需；与目录中的能力同样计算。"),
    "needs.custom_addons[].name": ("The add-on's name, as the offers and the upgrade name it.",
                                   "附加功能的名称，与各方案及升级中使用的名称一致。"),
    "needs.custom_addons[].required": ("true: the company must have it (a must-have); false: merely wanted.",
                                       "true：公司必须具备（必需项）；false：仅为可选。"),
    "offer.name": ("The offer's name, distinct among the offers: fact ids and the upgrade refer to the offer by it "
                   "(not \"company\" nor \"*\").",
                   "方案名称，各方案之间互不相同：事实编号和升级以此指代该方案（不能是 \"company\" 或 \"*\"）。"),
    "offer.vendor": ("The vendor behind this offer: listing, finances, years operating, market position, sunset, "
                     "price rises after integration, product line.",
                     "该方案的供应商：是否上市、财务状况、经营年限、市场地位、停服公告、接入后涨价、产品线。"),
    "offer.prices": ("This offer's list prices in US dollars (convert other currencies first).",
                     "该方案的标价，单位美元（其他货币请先换算）。"),
    "offer.custom_addons": ("How this offer provides each custom add-on (named as in needs.custom_addons).",
                            "该方案如何提供各项自定义附加功能（名称与 needs.custom_addons 一致）。"),
    "offer.capabilities[].capability": ("The capability, from the catalogue.", "能力（取自能力目录）。"),
    "offer.capabilities[].availability": _AVAILABILITY,
    "offer.capabilities[].monthly_price_usd": _PRICE,
    "offer.custom_addons[].name": ("The add-on's name, as in needs.custom_addons.",
                                   "附加功能的名称，与 needs.custom_addons 一致。"),
    "offer.custom_addons[].availability": _AVAILABILITY,
    "offer.custom_addons[].monthly_price_usd": _PRICE,
    "upgrade.adds_custom_addons": ("The custom add-ons (named as in needs.custom_addons) the upgrade adds.",
                                   "该升级新增的自定义附加功能（名称与 needs.custom_addons 一致）。"),
}


# Questions whose hint is about typing the answer in a consultation: the schema gives the
# question and, instead of the hint, what the field holds.
INSTEAD_OF_HINT: dict[str, tuple[str, str]] = {
    "upgrade": ("Leave it out when no specific upgrade is weighed.", "未考虑具体升级时省略此项。"),
    "offers": ("One object per offer, each with a distinct name.", "每个方案一个对象，名称互不相同。"),
    "offer.capabilities": ("One entry per capability: the capability, its availability and, for a paid one, its "
                           "monthly price.", "每项能力一条：能力、提供方式，付费项可注明每月价格。"),
    "company.in_house_estimate": ("Engineer-months, monthly cost per engineer and, optionally, monthly running cost.",
                                  "人月数、每名工程师月成本，以及可选的每月运行成本。"),
}


def _fill(text: str, lang: str) -> str:
    for placeholder, word in _FILLS[lang].items():
        text = text.replace(placeholder, word)
    return text


@cache
def _questions() -> dict:
    path = DEFAULT_KNOWLEDGE_DIR / "questions.yaml"
    if not path.is_file():
        return {}
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def choice_labels() -> dict[str, tuple[str, str]]:
    """(English, Chinese) label of each enum value, as a consultation offers it (questions.yaml's choices)."""
    return {value: (text["en"], text["zh"]) for value, text in (_questions().get("choices") or {}).items()}


@cache
def field_descriptions() -> dict[str, tuple[str, str]]:
    """(English, Chinese) by field path: the question texts, then the written descriptions."""
    found: dict[str, tuple[str, str]] = {}
    data = _questions()
    if data:
        for question in data.get("questions") or []:
            text, hint = question["text"], question.get("hint") or {"en": "", "zh": ""}
            if question["fact"] in INSTEAD_OF_HINT:
                hint = dict(zip(("en", "zh"), INSTEAD_OF_HINT[question["fact"]], strict=True))
            en = f"{_fill(text['en'], 'en')} {_fill(hint['en'], 'en')}".strip()
            found[question["fact"]] = (en, _fill(text["zh"], "zh") + _fill(hint["zh"], "zh"))
    return {**WRITTEN, **found}


def describe_properties(schema: dict[str, Any], path: str) -> None:
    """Put each property's description in ``schema`` (a model's JSON Schema), ``path`` being
    the model's place in the profile ("" for the profile itself)."""
    descriptions = field_descriptions()
    for name, prop in schema.get("properties", {}).items():
        found = descriptions.get(f"{path}.{name}" if path else name)
        if found is not None:
            prop["description"], prop[ZH_KEY] = found
