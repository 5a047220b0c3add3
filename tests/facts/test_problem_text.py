"""Validation problems in both languages: the English is the CLI's line, the Chinese is Chinese."""

from __future__ import annotations

import ast
import inspect

import pytest
import support
from chinese import half_width_in_chinese
from pydantic import ValidationError

from expert.facts import vocabulary
from expert.facts.problem_text import chinese_value_error, describe_problems
from expert.facts.profile_io import validation_problems
from expert.facts.vocabulary import Profile


def _raised_messages() -> list[str]:
    """Every message vocabulary.py raises a ValueError with, f-string parts filled with 'X'."""
    messages = []
    for node in ast.walk(ast.parse(inspect.getsource(vocabulary))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and getattr(node.exc.func, "id", "") == "ValueError":
            argument = node.exc.args[0]
            if isinstance(argument, ast.Constant):
                messages.append(argument.value)
            elif isinstance(argument, ast.JoinedStr):
                messages.append("".join(v.value if isinstance(v, ast.Constant) else "X" for v in argument.values))
    return messages


@pytest.mark.parametrize("message", _raised_messages())
def test_every_check_of_the_vocabulary_has_its_chinese(message):
    chinese = chinese_value_error(message)
    assert not chinese.startswith("取值无效") and support.CJK.search(chinese), message


def test_an_unknown_message_keeps_its_english():
    assert chinese_value_error("something new") == "取值无效：something new"


@pytest.mark.parametrize("profile", [
    {"company": {"nme": "x", "size": "gigantic", "monthly_budget_usd": -1}},
    {"needs": {"contract_months": 1.5, "capabilities": "hd_video", "usage": {"mau": "many"}}},
    {"offers": [{"name": "company"}, {"vendor": {"years_operating": 500}}]},
    {"company": [], "needs": {"custom_addons": [{"name": "a" * 61}]}},
    {"offers": [{"name": "A", "capabilities": [{"capability": "hd_video", "availability": "included",
                                                "monthly_price_usd": 5}]}]},
])
def test_english_is_the_cli_line_and_chinese_names_the_same_field(profile):
    with pytest.raises(ValidationError) as caught:
        Profile.model_validate(profile)
    problems = describe_problems(caught.value)
    assert [p.en for p in problems] == validation_problems(caught.value)
    for problem in problems:
        assert problem.zh.startswith(f"{problem.field}：") and support.CJK.search(problem.zh)
        assert not half_width_in_chinese(problem.zh), problem.zh
        assert "{" not in problem.zh and "Input should" not in problem.zh
