"""Validation problems of a profile, worded in English and in Chinese.

The CLI prints the English lines (``profile_io.validation_problems``); the HTTP API
answers a bad profile with both languages, field by field, so a bot can show the user
the reason in the user's language.  pydantic words its errors in English only: the
Chinese is built here from each error's type and context (its limits, the values
expected), and the vocabulary's own checks are matched by their English text.

Paths are the user's (``needs.usage.mau``, ``offers.0.capabilities.1.monthly_price_usd``),
never pydantic's internals: the member tags of a union (``constrained-float``,
``literal['unknown']``) are dropped and the union's alternatives read as one problem
("... (or 'unknown')"); a check of the whole profile that names its field in its text
(``upgrade.offer: 'Nope' is not ...``) is reported at that field (``user_items``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

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
    return [problem_of(item) for item in user_items(error)]


# pydantic's tag of a union member in a location: constrained-float, literal['unknown'], function-after[...]
_UNION_TAG = re.compile(r"[a-z]+(?:-[a-z]+)+(?:\[.*\])?|[a-z]+\[.*\]", re.DOTALL)
_USER_KEYS = ("extra_forbidden", "answer_error")  # their location holds the user's key or a question id
# A check of the whole profile that starts with the field it is about: "upgrade.offer: ..."
_FIELD_FIRST = re.compile(r"(?P<path>[a-z_]+(?:\.[a-z_]+)*): (?P<rest>.+)", re.DOTALL)
ALTERNATIVES = "alternatives"  # the literal values a union also accepts, on a merged item


def user_items(error: Union[ValidationError, list[dict]]) -> list[dict]:
    """pydantic's error items with the user's paths: union member tags dropped (a union's
    failed alternatives merged into one item, the literal values it also accepts under
    ``ALTERNATIVES``), and a whole-profile check that names its field moved to that field."""
    items: list[dict] = []
    raws = error.errors(include_url=False, include_input=True) if isinstance(error, ValidationError) else error
    for raw in raws:
        item = dict(raw)
        loc = tuple(item["loc"])
        if item["type"] not in _USER_KEYS:
            item["loc"] = tuple(p for p in loc if not isinstance(p, str) or not _UNION_TAG.fullmatch(p))
        if not item["loc"] and item["type"] == "value_error":
            found = _FIELD_FIRST.fullmatch(str((item.get("ctx") or {}).get("error", "")))
            if found:
                item["loc"] = tuple(found["path"].split("."))
                item["msg"] = f"Value error, {found['rest']}"
                item["ctx"] = {**item["ctx"], "error": found["rest"]}
        merged = items[-1] if items and item["loc"] != loc and items[-1]["loc"] == item["loc"] else None
        if merged is not None and merged.get(ALTERNATIVES) is not None:
            if item["type"] == "literal_error":
                merged[ALTERNATIVES].append(str((item.get("ctx") or {}).get("expected", "")))
            continue  # the first alternative's problem stands for the union
        if item["loc"] != loc:
            item[ALTERNATIVES] = []
        items.append(item)
    return items


def problem_of(item: dict, root: str = ROOT) -> Problem:
    """One pydantic error item (``ValidationError.errors()``, or ``user_items``) as a
    bilingual Problem; ``root`` names the place of a problem with the whole document.

    Never raises: values are quoted short and escaped (``shown``), whatever they are.
    """
    path, en = english_line(item, root)
    return Problem(tuple(item["loc"]), path, f"{path}: {en}", f"{WHOLE_ZH.get(path, path)}：{chinese_message(item)}")


def english_line(item: dict, root: str = ROOT) -> tuple[str, str]:
    """(field path, what was expected (got ...)) of one error item, in English."""
    path = ".".join(shown(p, 60) if not isinstance(p, (str, int)) else escape_controls(str(p))[:60]
                    for p in item["loc"]) or root
    message = escape_controls(item["msg"])[:200]
    if item["type"] == "extra_forbidden":
        message = "unknown field (not part of the profile vocabulary; see `expert schema`)"
    if item.get(ALTERNATIVES):
        message += f" (or {', '.join(item[ALTERNATIVES])})"
    return path, message + (f" (got {shown(item.get('input'))})" if _quoted(item) else "")


def _quoted(item: dict) -> bool:
    """Whether the value given is worth quoting after the message (not for a whole mapping)."""
    return "input" in item and item["type"] not in ("extra_forbidden", "missing") \
        and not isinstance(item.get("input"), (dict, list))


def chinese_message(item: dict) -> str:
    """One pydantic error item's message in Chinese, with the value given quoted short;
    the one Chinese wording of validation problems (the CLI's, the HTTP API's, InputError's)."""
    alternatives = f"（或填 {'、'.join(item[ALTERNATIVES])}）" if item.get(ALTERNATIVES) else ""
    return escape_controls(_chinese(item))[:200] + alternatives \
        + (f"（收到的是 {shown(item.get('input'))}）" if _quoted(item) else "")


_BY_TYPE = {
    "extra_forbidden": "未知字段（资料中没有这一项；见 `expert schema`）",
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
    (re.compile(r"expected a list, got (.+)"), "应为列表"),
    (re.compile(r"expected a list of values, got a list inside a list"), "应为由值组成的列表，收到的是嵌套的列表"),
    (re.compile(r"expected text or a number, not binary data"), "应为文字或数字，而不是二进制数据"),
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
    (re.compile(r"(?:offers: )?each offer needs a distinct name"), "每个方案需要一个不同的名称"),
    (re.compile(r"(?:upgrade\.offer: )?(.+) is not the name of an offer in offers"), "{0} 不是所列方案中任何一个的名称"),
]


def _chinese(item: dict) -> str:
    kind, context = item["type"], dict(item.get("ctx") or {})
    if kind == "value_error":
        return chinese_value_error(str(context.get("error", item["msg"])))
    template = _BY_TYPE.get(kind)
    if template is None:
        return f"取值无效：{item['msg']}"
    if "expected" in context:
        context["expected"] = re.sub(r", | or ", "、", str(context["expected"]))
    for key, value in context.items():  # a bound of 0.0 reads 0
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            context[key] = int(value)
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


# The YAML parser's (libyaml's or PyYAML's) most common complaints, in Chinese; any other is
# quoted as the parser wrote it.  Keys are the start of the parser's message.
_YAML_PROBLEMS_ZH = (
    ("did not find expected ',' or ']'", "列表缺少逗号或右方括号“]”"),
    ("expected ',' or ']'", "列表缺少逗号或右方括号“]”"),
    ("did not find expected ',' or '}'", "映射缺少逗号或右花括号“}”"),
    ("expected ',' or '}'", "映射缺少逗号或右花括号“}”"),
    ("did not find expected key", "此处应为一个键（多半是缩进不一致）"),
    ("did not find expected '-' indicator", "此处应为以“-”开头的列表项（多半是缩进不一致）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("mapping values are not allowed", "此处不能出现“键: 值”（多半是冒号后缺少空格、值中含冒号未加引号，或缩进有误）"),
    ("found character that cannot start any token", "出现了不能开始任何内容的字符（例如用制表符缩进，请改用空格）"),
    ("found character", "出现了不能开始任何内容的字符（例如用制表符缩进，请改用空格）"),
    ("found unexpected end of stream", "文件意外结束（多半是引号未闭合）"),
    ("found unexpected end of flow", "文件意外结束（多半是括号未闭合）"),
    ("found undefined alias", "引用了未定义的锚点"),
    ("found unknown escape character", "引号内有无法识别的转义字符"),
    ("did not find expected node content", "此处缺少内容"),
    ("expected the node content", "此处缺少内容"),
    ("sequence entries are not allowed", "此处不能出现列表项“-”（多半是缩进有误）"),
    ("block sequence entries are not allowed", "此处不能出现列表项“-”（多半是缩进有误）"),
    ("found duplicate key", "同一个键出现了两次"),
)


def yaml_problem_zh(problem: str) -> str:
    """The YAML parser's complaint in Chinese when it is a common one, else quoted as is."""
    for start, chinese in _YAML_PROBLEMS_ZH:
        if problem.startswith(start):
            return chinese
    return f"“{problem}”"
