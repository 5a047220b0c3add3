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

from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from expert.advice.model import OutputModel, Text

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
        from expert.facts.problem_text import english_line, user_items  # (error paths only: not imported at start)

        found = []
        for item in user_items(self):
            path, english = english_line(item)
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


def _chinese(item: dict) -> str:
    """An answer error carries its own Chinese; every other problem reads as the CLI and the
    HTTP API word it (``facts/problem_text.py``)."""
    if item["type"] == ANSWER_ERROR:
        return (item.get("ctx") or {})["zh"]
    from expert.facts.problem_text import chinese_message

    return chinese_message(item)
