"""One error for every bad input a library verb is given, in both languages, with field paths.

``InputError`` is what ``advise``, ``explain``, ``what_if``, ``next_step``,
``apply_answer`` and ``take_back_answer`` raise on a profile that is not valid, and what
the answer verbs raise on an answer that does not fit its question.  It is a subclass of
pydantic's ``ValidationError`` (``except ValidationError`` and ``.errors()`` keep
working), whose message is ours, not pydantic's: one line per problem, the field path
first, and no link to pydantic's site.  ``problems`` gives each problem as data
(``InputProblem``: path and message in English and Chinese), and ``detail()`` the whole
error as a JSON-ready model, which the HTTP API, the MCP server and batch runs return.

Paths are pydantic's locations joined by dots (``offers.0.capabilities.1.availability``),
as the command line prints them; a bad answer's path is its question id
(``offers[Cloud IM].pricing_model``); ``""`` is the whole profile.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from expert.advice.model import OutputModel, Text
from expert.facts.profile_io import problem_lines

ANSWER_ERROR = "answer_error"  # the pydantic error type of an answer that does not fit its question


class InputProblem(OutputModel):
    """One thing wrong with an input: where, and what was expected."""

    path: str  # "company.size", "offers.0.pricing_model", a question id; "" for the whole input
    message: Text


class InputErrorDetail(OutputModel):
    """An ``InputError`` as data: a summary and every problem."""

    message: Text
    problems: list[InputProblem]


class InputError(ValidationError):
    """A bad profile or answer.  ``problems`` and ``text`` are bilingual; ``errors()`` is pydantic's."""

    @classmethod
    def from_validation(cls, error: ValidationError) -> InputError:
        """The same problems as ``error`` (a pydantic ValidationError), worded by us."""
        if isinstance(error, InputError):
            return error
        return cls.from_exception_data(error.title, error.errors(include_url=False))

    @classmethod
    def answer(cls, question_id: str, en: str, zh: str, given: Any = None) -> InputError:
        """An answer that does not fit the question ``question_id``."""
        detail = InitErrorDetails(type=PydanticCustomError(ANSWER_ERROR, "{en}", {"en": en, "zh": zh}),
                                  loc=(question_id,), input=given)
        return cls.from_exception_data("Answer", [detail])

    @property
    def problems(self) -> list[InputProblem]:
        found = []
        for item, (path, english) in zip(self.errors(include_url=False), problem_lines(self), strict=True):
            if item["type"] == ANSWER_ERROR:
                path = str(item["loc"][0]) if item["loc"] else ""
                english = item["ctx"]["en"]
            found.append(InputProblem(path="" if path == "(profile)" else path,
                                      message=Text(en=english, zh=_chinese(item))))
        return found

    @property
    def text(self) -> Text:
        """Every problem on its own line, "path: message", in each language."""
        problems = self.problems
        return Text(**{lang: "\n".join(f"{p.path}: {p.message.get(lang)}" if p.path else p.message.get(lang)
                                       for p in problems) for lang in ("en", "zh")})

    def detail(self) -> InputErrorDetail:
        problems = self.problems
        what = ("answer", "答案") if self.title == "Answer" else ("profile", "资料")
        count = len(problems)
        summary = Text(en=f"invalid {what[0]}: {count} problem{'s' if count != 1 else ''}",
                       zh=f"{what[1]}无效：{count} 处问题")
        return InputErrorDetail(message=summary, problems=problems)

    def __str__(self) -> str:
        return self.text.en

    def __repr__(self) -> str:
        return f"InputError({self.text.en!r})"


# --- Chinese wording of pydantic's error types -------------------------------------------

_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段(不属于资料的词汇;见 `expert schema`)",
    "enum": "应为以下之一:{expected}",
    "literal_error": "应为以下之一:{expected}",
    "string_too_short": "至少需要 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than_equal": "应大于或等于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应小于或等于 {le}",
    "less_than": "应小于 {lt}",
    "finite_number": "应为有限的数字",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "float_type": "应为数字", "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为映射(键: 值)", "model_type": "应为映射(键: 值)", "model_attributes_type": "应为映射(键: 值)",
    "json_invalid": "不是有效的 JSON:{error}",
}

# Our own validators' messages (expert/facts/vocabulary.py), and how each reads in Chinese.
_VALUE_ERRORS = [
    (re.compile(r"monthly_price_usd is only for availability 'paid'"),
     "只有 availability 为 'paid' 时才能填写 monthly_price_usd"),
    (re.compile(r"must not start or end with spaces nor contain control characters"), "首尾不能有空格,也不能包含控制字符"),
    (re.compile(r"each custom add-on may be listed once"), "每个自定义附加功能只能列出一次"),
    (re.compile(r"each capability may be listed once"), "每项能力只能列出一次"),
    (re.compile(r"list items must be unique"), "列表中的项目不能重复"),
    (re.compile(r"must not be 'company' or '\*' nor start or end with spaces"), "不能是 'company' 或 '*',首尾也不能有空格"),
    (re.compile(r"must not contain control characters"), "不能包含控制字符"),
    (re.compile(r"offers: each offer needs a distinct name"), "offers:每个方案的名称必须互不相同"),
    (re.compile(r"upgrade\.offer: (.*) is not the name of an offer in offers"), r"upgrade.offer:\1 不是 offers 中任何方案的名称"),
]


def _chinese(item: dict) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == ANSWER_ERROR:
        return ctx["zh"]
    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error", item["msg"]))
        for pattern, zh in _VALUE_ERRORS:
            found = pattern.search(message)
            if found:
                text = found.expand(zh)
                break
        else:
            text = f"取值无效:{message}"
    elif kind in _ZH:
        shown = {key: _plain(value) for key, value in ctx.items()}
        try:
            text = _ZH[kind].format(**shown)
        except (KeyError, IndexError):
            text = _ZH[kind].split(":")[0]
    else:
        text = f"取值无效:{item['msg']}"
    given = item.get("input")
    if kind not in ("extra_forbidden", "missing", ANSWER_ERROR) and not isinstance(given, (dict, list)):
        text += f"(收到的是 {given!r})"
    return text


def _plain(value: Any) -> Any:
    """A bound or list of choices as Chinese text reads it: 0.0 as 0, "a' or 'b" as "a' 或 'b"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value.replace(" or ", " 或 ") if isinstance(value, str) else value
