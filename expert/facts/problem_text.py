"""Validation problems of a profile, worded in English and in Chinese.

The CLI prints the English lines (``profile_io.validation_problems``); the HTTP API
answers a bad profile with both languages, field by field, so a bot can show the user
the reason in the user's language.  pydantic words its errors in English only: the
Chinese is built here from each error's type and context (its limits, the values
expected), and the vocabulary's own checks are matched by their English text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError

from expert.facts.shown import escape_controls, shown

ROOT = "(profile)"
# a problem with a whole document, as the Chinese names it
WHOLE_ZH = {"(profile)": "（档案）", "(body)": "（请求内容）", "(query)": "（查询参数）", "(path)": "（路径）"}


@dataclass(frozen=True)
class Problem:
    """One problem: where (``loc`` as pydantic gives it, ``field`` as the CLI prints it) and why."""

    loc: tuple
    field: str
    en: str  # "field.path: what was expected (got ...)", exactly the CLI's line
    zh: str


def describe_problems(error: ValidationError) -> list[Problem]:
    return [problem_of(item) for item in error.errors(include_url=False, include_input=True)]


def problem_of(item: dict, root: str = ROOT) -> Problem:
    """One pydantic error item (``ValidationError.errors()``) as a bilingual Problem;
    ``root`` names the place of a problem with the whole document.

    Never raises: values are quoted short and escaped (``shown``), whatever they are.
    """
    loc = tuple(item["loc"])
    path = ".".join(shown(p, 60) if not isinstance(p, (str, int)) else escape_controls(str(p))[:60]
                    for p in loc) or root
    message = escape_controls(item["msg"])[:200]
    if item["type"] == "extra_forbidden":
        message = "unknown field (not part of the profile vocabulary; see `expert schema`)"
    given = item.get("input")
    en = f"{path}: {message}" + (f" (got {shown(given)})" if _quoted(item) else "")
    return Problem(loc, path, en, f"{WHOLE_ZH.get(path, path)}：{chinese_message(item)}")


def _quoted(item: dict) -> bool:
    """Whether the value given is worth quoting after the message (not for a whole mapping)."""
    return "input" in item and item["type"] not in ("extra_forbidden", "missing") \
        and not isinstance(item.get("input"), (dict, list))


def chinese_message(item: dict) -> str:
    """One pydantic error item's message in Chinese, with the value given quoted short;
    the one Chinese wording of validation problems (the CLI's, the HTTP API's, InputError's)."""
    return escape_controls(_chinese(item))[:200] + (f"（收到的是 {shown(item.get('input'))}）" if _quoted(item) else "")


_BY_TYPE = {
    "extra_forbidden": "未知字段（不属于档案词汇；见 `expert schema`）",
    "missing": "缺少必填字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数，不能带小数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为是或否（true 或 false）",
    "bool_type": "应为是或否（true 或 false）",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为映射（键值对）",
    "model_type": "应为映射（键值对）",
    "model_attributes_type": "应为映射（键值对）",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "too_short": "至少 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "greater_than_equal": "应大于或等于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应小于或等于 {le}",
    "less_than": "应小于 {lt}",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "json_invalid": "不是有效的 JSON:{error}",
}

# The vocabulary's own checks (``vocabulary.py``), matched by their English text.
_VALUE_ERRORS = [
    (re.compile(r"expected a number, not true/false"), "应为数字，而不是是或否"),
    (re.compile(r"expected a list, got (.+)"), "应为列表，收到的是 {0}"),
    (re.compile(r"expected a list of values, got a list inside a list"), "应为由值组成的列表，收到的是嵌套的列表"),
    (re.compile(r"control characters \(escape, bell, NUL, line breaks\.\.\.\) are not accepted in text"),
     "文字中不能含控制字符（转义、响铃、NUL、换行等）"),
    (re.compile(r"monthly_price_usd is only for availability 'paid'"),
     "只有 availability 为 'paid' 时才能填写 monthly_price_usd"),
    (re.compile(r"must not start or end with spaces nor contain control characters"), "不能以空格开头或结尾，也不能含控制字符"),
    (re.compile(r"each custom add-on may be listed once"), "每个自定义附加项只能列出一次"),
    (re.compile(r"each (.+) may be listed once"), "每个 {0} 只能列出一次"),
    (re.compile(r"list items must be unique"), "列表中的项不能重复"),
    (re.compile(r"must not be 'company' or '\*' nor start or end with spaces"),
     "不能是 'company' 或 '*'，也不能以空格开头或结尾"),
    (re.compile(r"must not contain control characters"), "不能含控制字符"),
    (re.compile(r"offers: each offer needs a distinct name"), "offers：每个方案需要一个不同的名称"),
    (re.compile(r"upgrade\.offer: (.+) is not the name of an offer in offers"),
     "upgrade.offer：{0} 不是 offers 中任何方案的名称"),
]


def _chinese(item: dict) -> str:
    kind, context = item["type"], dict(item.get("ctx") or {})
    if kind == "value_error":
        return chinese_value_error(str(context.get("error", item["msg"])))
    template = _BY_TYPE.get(kind)
    if template is None:
        return f"取值无效：{item['msg']}"
    if "expected" in context:
        context["expected"] = str(context["expected"]).replace(" or ", ", ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return f"取值无效：{item['msg']}"


def chinese_value_error(english: str) -> str:
    """The Chinese of one of the vocabulary's own checks; the English kept when none is known."""
    for pattern, chinese in _VALUE_ERRORS:
        match = pattern.fullmatch(english)
        if match:
            return chinese.format(*match.groups())
    return f"取值无效：{english}"
