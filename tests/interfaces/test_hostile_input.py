"""Hostile and loose input is refused with a short, clean message (issue 11).

Huge integers, booleans where numbers are meant, sets and generators for lists, deeply
nested lists, control characters and enormous values: from the CLI (exit 2, no
traceback) and from the library (the documented validation error, or ``apply_answer``'s
typed result).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from expert.advice.input_errors import InputError
from expert.facts.profile_io import describe_validation_error
from expert.interfaces.advisor import default_advisor
from expert.interfaces.cli import main

HUGE = "9" * 5000


@pytest.fixture(scope="module")
def advisor():
    return default_advisor()


def cli(args: list[str], stdin: str | None = None):
    return CliRunner().invoke(main, args, input=stdin)


def clean_exit_2(result, *expected: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert len(result.stderr) < 2000


@pytest.mark.parametrize("command", [["advise"], ["explain", "_", "verdict.pay"], ["whatif", "_", "--set",
                                                                                       "needs.usage.mau=5"],
                                     ["consult", "--from"]])
def test_a_5000_digit_integer_in_a_profile_is_a_clean_refusal(tmp_path, command):
    profile = tmp_path / "huge.yaml"
    profile.write_text(f"needs: {{usage: {{mau: {HUGE}}}}}\n", encoding="utf-8")
    args = [str(profile) if part == "_" else part for part in command]
    if "advise" in args or "--from" in args:
        args.append(str(profile))
    clean_exit_2(cli(args, stdin=""), "a number of 5,000 characters")


def test_a_5000_digit_integer_in_json_from_stdin(tmp_path):
    clean_exit_2(cli(["advise", "-"], stdin=f'{{"needs": {{"usage": {{"mau": {HUGE}}}}}}}'),
                 "a number of 5,000 characters")


def test_whatif_set_with_a_huge_integer(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("company: {name: X}\n", encoding="utf-8")
    result = cli(["whatif", str(profile), "--set", f"needs.usage.mau={HUGE}"])
    clean_exit_2(result)


def test_apply_answer_with_huge_integers_returns_a_clean_error(advisor):
    for question in ("needs.usage.mau", "needs.usage.monthly_minutes", "needs.capabilities", "company.size", "upgrade"):
        for raw in (10**5000, -(10**5000), HUGE, [10**5000], {"a": 10**5000}, 1e308):
            with pytest.raises(InputError) as caught:  # the one error style of the bot API (issue 10)
                advisor.apply_answer({}, question, raw)
            text = caught.value.text.en
            assert len(text) < 1000 and "9" * 50 not in text, question


@settings(max_examples=150, deadline=None)
@given(raw=st.one_of(st.integers(), st.floats(), st.text(max_size=50), st.booleans(), st.none(),
                     st.lists(st.one_of(st.integers(), st.text(max_size=10)), max_size=5),
                     st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)),
       question=st.sampled_from(["needs.usage.mau", "needs.usage.peak_to_average_ratio", "needs.capabilities",
                                 "company.stage", "upgrade", "company.in_house_estimate", "offers"]))
def test_apply_answer_always_returns_its_typed_result(advisor, raw, question):
    """A result, or the bot API's one documented error (InputError), short; nothing else escapes."""
    try:
        result = advisor.apply_answer({}, question, raw)
    except InputError as error:
        assert len(error.text.en) < 600
    else:
        assert result.question == question


@settings(max_examples=150, deadline=None)
@given(value=st.one_of(st.integers(min_value=-(10**6000), max_value=10**6000), st.floats(), st.text(max_size=2000),
                       st.binary(max_size=50), st.lists(st.integers(), max_size=3)),
       field=st.sampled_from([("needs", "usage", "mau"), ("company", "name"), ("needs", "capabilities"),
                              ("company", "monthly_budget_usd"), ("offers",)]))
def test_describe_validation_error_never_raises_and_stays_short(value, field):
    data: dict = {}
    node = data
    for key in field[:-1]:
        node = node.setdefault(key, {})
    node[field[-1]] = value
    try:
        default_advisor().validate(data)
    except ValidationError as error:
        text = describe_validation_error(error)
        assert len(text) < 1500 and "\x1b" not in text


def test_a_list_nested_100000_deep_is_a_validation_error(advisor):
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    for data in ({"needs": {"capabilities": nested}}, {"asked": nested}, {"offers": [{"name": "a", "capabilities": nested}]}):
        with pytest.raises(ValidationError) as caught:
            advisor.advise(data)
        assert "list inside a list" in describe_validation_error(caught.value)


@pytest.mark.parametrize("data, field", [
    ({"needs": {"usage": {"mau": True}}}, "needs.usage.mau"),
    ({"needs": {"usage": {"monthly_minutes": False}}}, "needs.usage.monthly_minutes"),
    ({"company": {"monthly_budget_usd": True}}, "company.monthly_budget_usd"),
])
def test_booleans_are_not_numbers(advisor, data, field):
    with pytest.raises(ValidationError) as caught:
        advisor.advise(data)
    assert f"{field}: Value error, expected a number, not true/false" in describe_validation_error(caught.value)


@pytest.mark.parametrize("make", [lambda: {"text_messaging"}, lambda: (c for c in ["text_messaging"]),
                                  lambda: frozenset(["text_messaging"]), lambda: "text_messaging"])
def test_a_list_must_be_a_list(advisor, make):
    with pytest.raises(ValidationError) as caught:
        advisor.advise({"needs": {"capabilities": make()}})
    assert "needs.capabilities: Value error, expected a list" in describe_validation_error(caught.value)


@pytest.mark.parametrize("name", ["Evil\x1b]0;pwned\x07Corp", "A\x00B", "bell\x07", "c1\x9bcontrol"])
def test_control_characters_in_names_are_refused(advisor, name):
    with pytest.raises(ValidationError) as caught:
        advisor.advise({"company": {"name": name}, "offers": [{"name": "ok"}]})
    text = describe_validation_error(caught.value)
    assert "company.name" in text and "control characters" in text
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text


def test_control_characters_never_reach_the_terminal_from_the_cli(tmp_path):
    profile = tmp_path / "evil.json"
    profile.write_text('{"company": {"name": "Evil\\u001b]0;pwned\\u0007"}}', encoding="utf-8")
    result = cli(["advise", str(profile)])
    clean_exit_2(result, "company.name")
    assert "\x1b" not in result.output + result.stderr and "\x07" not in result.output + result.stderr


def test_echoed_values_are_cut_short(advisor):
    with pytest.raises(ValidationError) as caught:
        advisor.advise({"company": {"name": "x" * 900_000}})
    assert len(describe_validation_error(caught.value)) < 300
    with pytest.raises(InputError) as answer:
        advisor.apply_answer({}, "needs.usage.mau", "1e308")
    assert len(answer.value.text.en) < 200 and "0" * 30 not in answer.value.text.en
