"""What counts as an answer for each input fact, and turning a typed answer into a value.

A person types ``yes``, ``是``, ``2`` (the second choice), ``hd_video, recording``,
``50,000`` or ``不知道``; a chat bot may pass JSON values instead.  Either way the answer
becomes the value the vocabulary expects, or an ``AnswerError`` saying, in both
languages, what was expected.  Range and type are checked again by the pydantic Profile
when the answer is put in place, so this module never has the last word on validity.
"""

from __future__ import annotations

import math
import re
from typing import Any, Optional

from expert.advice.model import AnswerSpec, Choice, Text
from expert.facts.factpaths import OFFERS, UPGRADE, FactRef
from expert.facts.fields import BOOL, ENUM, LIST_ENUM, NUMBER, field_catalogue
from expert.facts.shown import shown
from expert.facts.vocabulary import Availability

DONT_KNOW = object()  # the answer "I don't know": the fact stays unstated, and is not asked again
_DONT_KNOW_WORDS = {"unknown", "don't know", "dont know", "do not know", "not sure", "?", "skip",
                    "不知道", "不清楚", "未知", "不确定", "跳过"}
_NONE_WORDS = {"none", "nothing", "no", "[]", "无", "没有", "都没有", "不需要"}
_YES = {"yes", "y", "true", "1", "是", "是的", "有", "对", "会", "能"}
_NO = {"no", "n", "false", "0", "否", "不是", "没有", "无", "不", "不会", "不能"}
_SPLIT = re.compile(r"[,，、;；\n]+")
_ESTIMATE_SPLIT = re.compile(r",\s+|[;；，、]")


class AnswerError(ValueError):
    """An answer that does not fit the question; ``text`` says why in both languages."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.text = Text(en=en, zh=zh)


def answer_spec(ref: FactRef, profile: dict, labels: dict[str, Text]) -> AnswerSpec:
    """The allowed answers of ``ref``: choices for enums and booleans, unit and range for numbers."""
    yes_no = [Choice(value=True, label=Text(en="yes", zh="是")), Choice(value=False, label=Text(en="no", zh="否"))]
    if ref.path == UPGRADE:
        return AnswerSpec(kind="boolean", choices=yes_no)
    if ref.path == OFFERS:
        return AnswerSpec(kind="names")
    if ref.path == "company.in_house_estimate":
        return AnswerSpec(kind="estimate", unit=Text(en="engineer-months, USD per engineer-month, USD per month",
                                                     zh="人月，美元/人月，美元/月"))
    if ref.path == "upgrade.offer":
        names = [o["name"] for o in profile.get(OFFERS) or []]
        return AnswerSpec(kind="choice", choices=[Choice(value=n, label=Text(en=n, zh=n)) for n in names])
    if ref.path.startswith("offer.capabilities."):
        return AnswerSpec(kind="availability", unit=_UNITS["usd_month"],
                          choices=[_choice(a.value, labels) for a in Availability])
    spec = field_catalogue()[ref.path]
    if spec.kind == BOOL:
        return AnswerSpec(kind="boolean", choices=yes_no)
    if spec.kind == ENUM:
        return AnswerSpec(kind="choice", choices=[_choice(c, labels) for c in spec.choices])
    if spec.kind == LIST_ENUM:
        return AnswerSpec(kind="choices", choices=[_choice(c, labels) for c in spec.choices])
    if spec.kind == NUMBER:
        return AnswerSpec(kind="number", unit=_unit(ref.path), minimum=spec.minimum, maximum=spec.maximum)
    raise ValueError(f"{ref.id}: no answer form for a {spec.kind} fact")


def _choice(value: str, labels: dict[str, Text]) -> Choice:
    return Choice(value=value, label=labels.get(value) or Text(en=value, zh=value))


_UNITS = {
    "usd_month": Text(en="USD/month", zh="美元/月"), "usd": Text(en="USD", zh="美元"),
    "usd_year": Text(en="USD/year", zh="美元/年"), "usd_1000": Text(en="USD per 1,000 minutes", zh="美元/千分钟"),
    "usd_mau": Text(en="USD per monthly active user", zh="美元/月活跃用户"),
    "pct": Text(en="% per year", zh="%/年"), "minutes": Text(en="minutes", zh="分钟"),
    "months": Text(en="months", zh="个月"), "hours": Text(en="hours", zh="小时"), "ratio": Text(en="ratio", zh="倍"),
    "mau": Text(en="monthly active users", zh="月活跃用户"), "participants": Text(en="participants", zh="人"),
    "years": Text(en="years", zh="年"),
}


def _unit(path: str) -> Optional[Text]:
    name = path.rsplit(".", 1)[-1]
    if name.endswith("_usd"):
        for prefix, unit in (("monthly_", "usd_month"), ("yearly_", "usd_year"), ("per_1000_minutes", "usd_1000"),
                             ("per_mau", "usd_mau")):
            if name.startswith(prefix):
                return _UNITS[unit]
        return _UNITS["usd"]
    if name.endswith("_pct_per_year"):
        return _UNITS["pct"]
    for word in ("minutes", "months", "hours", "ratio", "mau", "participants", "years"):
        if word in name:
            return _UNITS[word]
    return None


def is_dont_know(raw: Any) -> bool:
    return raw is None or isinstance(raw, str) and raw.strip().lower() in _DONT_KNOW_WORDS


def parse_answer(ref: FactRef, raw: Any, spec: AnswerSpec) -> Any:
    """The value an answer gives ``ref``; DONT_KNOW for "don't know"; AnswerError if it does not fit."""
    if is_dont_know(raw):
        return DONT_KNOW
    text = raw.strip() if isinstance(raw, str) else raw
    if text == "":
        raise AnswerError("empty answer: type an answer, 'none' for none, or 'unknown'",
                          "答案为空：请输入答案，没有请输入「无」，不知道请输入「不知道」")
    if spec.kind == "boolean":
        return _boolean(text, spec)
    if spec.kind == "names":
        return _names(text)
    if spec.kind == "choice":
        return _pick(text, spec.choices)
    if spec.kind == "choices":
        if not isinstance(text, (list, str)):
            raise AnswerError(f"expected a list of choices, got {shown(text)}", f"请给出若干选项（列表），收到的是 {shown(text)}")
        items = text if isinstance(text, list) else [] if _lower(text) in _NONE_WORDS else _SPLIT.split(text)
        values = [_pick(item.strip() if isinstance(item, str) else item, spec.choices) for item in items
                  if not isinstance(item, str) or item.strip()]
        return list(dict.fromkeys(values))
    if spec.kind == "number":
        return _number(text, spec, integer=field_catalogue()[ref.path].integer)
    if spec.kind == "estimate":
        return _estimate(text)
    if spec.kind == "availability":
        return _availability(text, spec)
    raise ValueError(spec.kind)


def _lower(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


def _boolean(value: Any, spec: AnswerSpec) -> bool:
    if isinstance(value, bool):
        return value
    word = _lower(value)
    if word in _YES:
        return True
    if word in _NO:
        return False
    if word.isdecimal() and len(word) < 4 and 1 <= int(word) <= len(spec.choices):  # the numbered choices: 1) yes 2) no
        return spec.choices[int(word) - 1].value
    raise AnswerError(f"expected yes or no, got {shown(value)}", f"请回答“是”或“否”，收到的是 {shown(value)}")


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise AnswerError("expected offer names (text)", "方案名称应为文字")
        names = [v.strip() for v in value]
    elif not isinstance(value, str):
        raise AnswerError(f"expected offer names, got {shown(value)}", f"请给出方案名称，收到的是 {shown(value)}")
    elif _lower(value) in _NONE_WORDS:
        return []
    else:
        names = [n.strip() for n in _SPLIT.split(str(value))]
    names = [n for n in names if n]
    if len(set(names)) != len(names):
        raise AnswerError("each offer needs a distinct name", "每个方案的名称必须互不相同")
    return names


def _pick(value: Any, choices: list[Choice]) -> Any:
    for choice in choices:
        if value == choice.value:
            return choice.value
    word = _lower(value).strip()
    for choice in choices:
        if word and word in (_lower(choice.value), choice.label.en.lower(), choice.label.zh.lower()):
            return choice.value
    if isinstance(value, str) and value.isdecimal() and len(value) < 4 and 1 <= int(value) <= len(choices):
        return choices[int(value) - 1].value
    allowed = ", ".join(str(c.value) for c in choices)
    allowed_zh = "、".join(f"「{c.label.zh}」" for c in choices)  # a Chinese label is accepted as the answer too
    raise AnswerError(f"{shown(value)} is not one of: {allowed} (or its number in the list)",
                      f"{shown(value)} 不是可选答案之一：{allowed_zh}（也可以输入序号）")


def _number(value: Any, spec: AnswerSpec, integer: bool) -> float:
    if isinstance(value, bool):
        raise AnswerError(f"expected a number, got {shown(value)}", f"请输入一个数字，收到的是 {shown(value)}")
    if isinstance(value, str):
        cleaned = value.replace(",", "").replace("_", "").replace("$", "").replace("%", "").strip()
        try:
            number = float(cleaned)
        except ValueError:
            raise AnswerError(f"expected a number, got {shown(value)}", f"请输入一个数字，收到的是 {shown(value)}") from None
    elif isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float: out of every range
            number = math.inf if value > 0 else -math.inf
    else:
        raise AnswerError(f"expected a number, got {shown(value)}", f"请输入一个数字，收到的是 {shown(value)}")
    if not math.isfinite(number):
        raise AnswerError("expected a finite number", "请输入一个有限的数字")
    low, high = spec.minimum, spec.maximum
    if low is not None and number < low or high is not None and number > high:
        bounds = f"between {_plain(low)} and {_plain(high)}" if high is not None else f"at least {_plain(low)}"
        bounds_zh = f"介于 {_plain(low)} 与 {_plain(high)} 之间" if high is not None else f"不小于 {_plain(low)}"
        raise AnswerError(f"{_plain(number)} is out of range: expected a number {bounds}",
                          f"{_plain(number)} 超出范围：应为{bounds_zh}的数字")
    if integer:
        if number != int(number):
            raise AnswerError(f"expected a whole number, got {shown(value)}", f"请输入整数，收到的是 {shown(value)}")
        return int(number)
    return int(number) if number == int(number) and abs(number) < 1e15 else number


def _plain(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


def _estimate(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        parts = value
    elif isinstance(value, str):  # "6, 12,000, 2,000": a comma then a space separates, "12,000" is one number
        parts = [p.strip() for p in _ESTIMATE_SPLIT.split(value) if p.strip()]
    else:
        raise AnswerError(f"expected engineer-months and costs, got {shown(value)}",
                          f"请给出人月数与成本，收到的是 {shown(value)}")
    if len(parts) not in (2, 3):
        raise AnswerError("expected: engineer-months, monthly cost per engineer in USD[, monthly running cost in USD]",
                          "格式：人月数，每人月成本（美元）[，每月运行成本（美元）]")
    keys = ("engineer_months", "monthly_cost_per_engineer_usd", "monthly_running_cost_usd")
    number = AnswerSpec(kind="number", minimum=0)
    return {key: _number(part, number, integer=False) for key, part in zip(keys, parts, strict=False)}


def _availability(value: Any, spec: AnswerSpec) -> dict:
    if isinstance(value, dict):
        extra = set(value) - {"availability", "monthly_price_usd"}
        if extra or "availability" not in value:
            raise AnswerError("expected {availability, monthly_price_usd (optional)}",
                              "格式应为 {availability, monthly_price_usd（可选）}")
        return value
    text = str(value)
    head, _, price = text.partition("@")
    availability = _pick(head.strip(), spec.choices)
    if not price.strip():
        return {"availability": availability}
    if availability != Availability.paid.value:
        raise AnswerError("only a paid capability has a price (write paid@20)", "只有付费能力才有价格（写作 paid@20）")
    if is_dont_know(price):
        return {"availability": availability, "monthly_price_usd": "unknown"}
    return {"availability": availability,
            "monthly_price_usd": _number(price.strip(), AnswerSpec(kind="number", minimum=0, maximum=1e9), False)}
