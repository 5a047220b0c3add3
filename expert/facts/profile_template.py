"""A starter profile to edit rather than write: every field of the vocabulary, each explained.

``starter_profile(lang)`` is YAML that validates as it stands and can be advised on: a
realistic company weighing two offers and an upgrade, with every other field of the
vocabulary present but commented out (``#field: example``, as sshd_config writes its
defaults), so a user uncomments what they know and deletes what they do not.  Above each
field is its description, in English or Chinese, and for a choice its allowed values.

Nothing is written twice: the shape is walked from the vocabulary's models (a field added
to ``vocabulary.py`` appears here by itself), the comments are the descriptions ``expert
schema`` carries (``descriptions.py``: the consultation's questions, or the written
texts) and the choice labels are the consultation's.  Only the placeholder values live
here; prices are 2026 list prices of real vendors (``/work/shared/source/market-facts.md``),
kept vendor-neutral.
"""

from __future__ import annotations

import textwrap
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel

from expert.facts.descriptions import choice_labels, field_descriptions
from expert.facts.vocabulary import Profile

WIDTH = 92  # characters per English comment line; a Chinese comment is one line per sentence

_HEADER = {
    "en": [
        "A starter profile for `expert advise`: a company weighing two offers and an upgrade.",
        "Edit the values; a line starting with '#' followed by a field (#field: ...) is a field left",
        "out: remove the '#' to state it. A field left out is \"not stated\", never \"no\".",
        "Check it with: expert advise FILE    All fields, with their types: expert schema",
    ],
    "zh": [
        "这是 `expert advise` 的入门资料：一家公司正在比较两个方案和一项升级。",
        "请改成您自己的数据；以“#”紧接字段名开头的行是暂未填写的字段，删去“#”即可填写。",
        "未填写的字段表示“未说明”，而不是“否”。",
        "检查方法：expert advise 文件名　　全部字段及其类型：expert schema",
    ],
}

_CHOICES = {"en": "One of: ", "zh": "可选值："}
_SEVERAL = {"en": "Any of: ", "zh": "可选值（可多选）："}

# The profile the starter states: a growing e-commerce start-up with a chat freemium plan
# (Starter $349 for 5,000 MAU, $0.05 per MAU beyond) and a pay-as-you-go RTC service
# ($3.99 per 1,000 HD minutes, 10,000 minutes free), weighing the chat plan's Pro upgrade
# ($699, i.e. $350 more) for longer message history and moderation.
_NAMES = {"en": {"company": "Example Shop", "chat": "Chat Starter", "rtc": "RTC pay-as-you-go", "addon": "Order cards"},
          "zh": {"company": "示例商城", "chat": "即时通讯入门版", "rtc": "音视频按量计费", "addon": "订单卡片"}}


def _starter(names: dict[str, str]) -> dict[str, Any]:
    return {
        "company": {"name": names["company"], "size": "small", "stage": "growth", "industry": "ecommerce",
                    "data_sensitivity": "medium", "rtc_engineering": "basic", "monthly_budget_usd": 2500},
        "needs": {"capabilities": ["text_messaging", "group_chat", "video_calls", "hd_video"],
                  "pain_points": ["video_quality"],
                  "usage": {"monthly_minutes": 400_000, "mau": 8_000, "peak_to_average_ratio": 10},
                  "contract_months": 24},
        "offers": [
            {"name": names["chat"],
             "vendor": {"listed": True, "financial_strength": "moderate", "years_operating": 10,
                        "market_position": "established"},
             "pricing_model": "freemium",
             "capabilities": [{"capability": "message_history", "availability": "paid", "monthly_price_usd": 350},
                              {"capability": "moderation", "availability": "paid", "monthly_price_usd": 350},
                              {"capability": "text_messaging", "availability": "included"},
                              {"capability": "group_chat", "availability": "included"}],
             "prices": {"monthly_fee_usd": 349, "per_mau_usd": 0.05}},
            {"name": names["rtc"],
             "vendor": {"listed": True, "financial_strength": "moderate", "years_operating": 10,
                        "market_position": "leader"},
             "pricing_model": "usage_based",
             "capabilities": [{"capability": "video_calls", "availability": "included"},
                              {"capability": "hd_video", "availability": "included"},
                              {"capability": "recording", "availability": "paid", "monthly_price_usd": "unknown"}],
             "prices": {"included_minutes": 10_000, "per_1000_minutes_usd": 3.99}},
        ],
        "upgrade": {"offer": names["chat"], "kind": "feature", "adds_capabilities": ["message_history", "moderation"],
                    "monthly_price_usd": 350},
    }


def _examples(names: dict[str, str]) -> dict[str, Any]:
    """A value for each field the starter leaves out, shown commented out (by schema path)."""
    return {
        "company.ai_engineering": "none",
        "company.growth_rate_pct_per_year": 40,
        "company.can_forecast_usage_costs": False,
        "company.in_house_estimate": {"engineer_months": 6, "monthly_cost_per_engineer_usd": 12_000,
                                      "monthly_running_cost_usd": 800},
        "needs.usage.largest_event_participants": 500,
        "needs.custom_addons": [{"name": names["addon"], "required": True}],
        "offer.charges_for_version_updates": False,
        "offer.buyout_includes_updates": True,
        "offer.free_tier_hard_cap": True,
        "offer.docs_quality": "good",
        "offer.support_response_hours": 24,
        "offer.data_use_policy": "no_secondary_use",
        "offer.global_coverage": True,
        "offer.max_concurrent_participants": 1_000,
        "offer.custom_addons": [{"name": names["addon"], "availability": "paid", "monthly_price_usd": 99}],
        "offer.vendor.sunset_announced": False,
        "offer.vendor.raised_prices_after_integration": False,
        "offer.vendor.broad_product_line": True,
        "offer.prices.included_minutes": 0,
        "offer.prices.per_1000_minutes_usd": 0.99,
        "offer.prices.one_time_fee_usd": 0,
        "offer.prices.yearly_maintenance_usd": 0,
        "offer.prices.monthly_fee_usd": 0,
        "offer.prices.per_mau_usd": 0.05,
        "upgrade.fixes_pain_points": ["video_quality"],
        "upgrade.one_time_price_usd": 0,
        "upgrade.billed_through_maintenance": False,
        "upgrade.adds_custom_addons": [names["addon"]],
        "asked": [],
    }


def starter_profile(lang: str = "en") -> str:
    """The commented starter profile, in English (``en``) or Chinese (``zh``) comments."""
    names = _NAMES.get(lang, _NAMES["en"])
    writer = _Writer(lang if lang in _HEADER else "en", _examples(names))
    writer.comment(_HEADER[writer.lang], 0)
    writer.model(Profile, _starter(names), "", 0, commented=False, described=True)
    return "\n".join(writer.lines) + "\n"


class _Writer:
    """Writes one model after another as commented YAML lines."""

    def __init__(self, lang: str, examples: dict[str, Any]) -> None:
        self.lang, self.examples, self.lines = lang, examples, []
        self.descriptions, self.labels = field_descriptions(), choice_labels()

    def comment(self, texts: list[str], indent: int) -> None:
        self.lines += [f"{' ' * indent}# {text}".rstrip() for text in texts]

    def model(self, model: type[BaseModel], data: dict, path: str, indent: int, commented: bool, described: bool,
              dash: bool = False) -> None:
        """The fields of ``model`` at ``indent``; ``dash``: the first is a list item's ("- ")."""
        for name, field in model.model_fields.items():
            field_path = f"{path}.{name}" if path else name
            stated = name in data
            if not stated and not described:
                continue  # a second list item shows what it states; the first showed every field
            value = data[name] if stated else self.examples.get(field_path, _fallback(field.annotation))
            if described:
                if not indent and self.lines:
                    self.lines.append("")  # a blank line before each section
                self.comment(self._about(field_path, field.annotation), indent - 2 if dash else indent)
            hidden = commented or not stated
            lead = f"{' ' * (indent - 2)}{'#' if hidden else ''}- " if dash else f"{' ' * indent}{'#' if hidden else ''}"
            dash = False
            kind, inner = _shape(field.annotation)
            if kind == "model":
                self.lines.append(f"{lead}{name}:")
                self.model(inner, value or {}, field_path, indent + 2, hidden, described)
            elif kind == "models":
                self.lines.append(f"{lead}{name}:" + ("" if value else " []"))
                item_path = "offer" if field_path == "offers" else f"{field_path}[]"
                for number, item in enumerate(value or []):
                    self.model(inner, item, item_path, indent + 4, hidden, described and number == 0, dash=True)
            else:
                self.lines.append(f"{lead}{name}: {_flow(value)}")

    def _about(self, path: str, annotation: Any) -> list[str]:
        """The description of ``path``, wrapped, then its choices when it has any."""
        en, zh = self.descriptions.get(path, ("", ""))
        text = zh if self.lang == "zh" else en
        lines = _sentences(text) if self.lang == "zh" else textwrap.wrap(text, WIDTH)
        kind, inner = _shape(annotation)
        if kind in ("enum", "enums"):
            lead = (_CHOICES if kind == "enum" else _SEVERAL)[self.lang]
            values = [member.value for member in inner]
            if self.lang == "zh":
                shown = [f"{v}（{_flat(self.labels[v][1])}）" if v in self.labels else v for v in values]
                lines += _sentences(lead + "、".join(shown) + "。", per_line=4)
            else:
                lines += textwrap.wrap(lead + ", ".join(values) + ".", WIDTH)
        return lines


def _sentences(text: str, per_line: int = 0) -> list[str]:
    """Chinese text one sentence a line; a long list (``per_line`` items a line, split at 、) wrapped."""
    if per_line:
        items = text.split("、")
        return ["、".join(items[i:i + per_line]) + ("、" if i + per_line < len(items) else "")
                for i in range(0, len(items), per_line)]
    lines, current = [], ""
    for char in text:
        current += char
        if char in "。？！":
            lines.append(current)
            current = ""
    return lines + ([current] if current else [])


def _flat(label: str) -> str:
    """A Chinese label without its own brackets, to sit inside ours: 微型（少于10人） -> 微型，少于10人."""
    return label.replace("（", "，").replace("）", "")


def _unwrap(annotation: Any) -> Any:
    """The type inside Optional[...] / Annotated[...]."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType) and type(None) in get_args(annotation):
            rest = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _shape(annotation: Any) -> tuple[str, Any]:
    """What a field holds: ("model", M), ("models", M), ("enum", E), ("enums", E) or ("value", None)."""
    annotation = _unwrap(annotation)
    if get_origin(annotation) is list:
        item = _unwrap(get_args(annotation)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "models", item
        if isinstance(item, type) and issubclass(item, Enum):
            return "enums", item
        return "value", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "enum", annotation
    return "value", None


def _fallback(annotation: Any) -> Any:
    """A shown value for a field without an example: a choice's first value, a model's fields."""
    kind, inner = _shape(annotation)
    if kind == "enum":
        return next(iter(inner)).value
    if kind == "enums":
        return [next(iter(inner)).value]
    return {} if kind == "model" else None


def _flow(value: Any) -> str:
    """``value`` as one line of YAML (flow style: [a, b] for a list)."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()
