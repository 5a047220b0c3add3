"""Answers as people type them (and as bots pass them), turned into vocabulary values."""

from __future__ import annotations

import pytest
import support

from expert import InputError
from expert.consult.answers import DONT_KNOW, AnswerError, answer_spec, parse_answer
from expert.facts.factpaths import parse_fact


def _parse(advisor, fact, raw, profile=None):
    ref = parse_fact(fact)
    return parse_answer(ref, raw, answer_spec(ref, profile or {}, advisor.asker.labels))


@pytest.mark.parametrize(("fact", "raw", "value"), [
    ("upgrade", "yes", True), ("upgrade", "否", False), ("company.can_forecast_usage_costs", True, True),
    ("company.stage", "growth", "growth"), ("company.stage", "3", "growth"), ("company.stage", "Growth", "growth"),
    ("needs.pain_points", "latency, video_quality", ["latency", "video_quality"]),
    ("needs.pain_points", "2、1", ["latency", "video_quality"]), ("needs.pain_points", "none", []),
    ("needs.pain_points", ["latency"], ["latency"]), ("needs.usage.mau", "50,000", 50000),
    ("needs.usage.peak_to_average_ratio", "2.5", 2.5), ("company.growth_rate_pct_per_year", "-20%", -20),
    ("offers", "Cloud IM, Self-host", ["Cloud IM", "Self-host"]),
    ("company.in_house_estimate", "6, 15000", {"engineer_months": 6, "monthly_cost_per_engineer_usd": 15000}),
    ("offers[X].capabilities.hd_video", "paid@20", {"availability": "paid", "monthly_price_usd": 20}),
    ("offers[X].capabilities.hd_video", "included", {"availability": "included"}),
    ("company.stage", "不知道", DONT_KNOW), ("company.stage", "unknown", DONT_KNOW), ("company.stage", None, DONT_KNOW),
])
def test_answers(advisor, fact, raw, value):
    assert _parse(advisor, fact, raw) == value


@pytest.mark.parametrize(("fact", "raw", "message"), [
    ("upgrade", "maybe", "yes or no"), ("company.stage", "teen", "is not one of"), ("company.stage", "9", "is not one of"),
    ("needs.usage.mau", "many", "expected a number"), ("needs.usage.mau", "2.5", "whole number"),
    ("needs.usage.peak_to_average_ratio", "0.5", "out of range"), ("offers", "A, A", "distinct"),
    ("offers[X].capabilities.hd_video", "included@5", "only a paid capability"),
    ("company.in_house_estimate", "6", "engineer-months"),
])
def test_bad_answers_say_why_in_both_languages(advisor, fact, raw, message):
    with pytest.raises(AnswerError, match=message) as caught:
        _parse(advisor, fact, raw)
    assert caught.value.text.zh and caught.value.text.en


def test_upgrade_offer_choices_are_the_offers(advisor):
    ref = parse_fact("upgrade.offer")
    spec = answer_spec(ref, {"offers": [{"name": "A"}, {"name": "B"}]}, advisor.asker.labels)
    assert [c.value for c in spec.choices] == ["A", "B"]


MALFORMED = [{"x": 1}, [1, 2], 3.5, True, ["a", {"b": 1}], {"availability": {"x": 1}}, float("nan"), 10**30,
             {"capability": "recording", "availability": "paid"}, "", "\x00"]
FACTS = ["upgrade", "offers", "company.stage", "needs.capabilities", "needs.usage.mau", "company.in_house_estimate",
         "offers[A].capabilities.hd_video", "upgrade.offer", "company.can_forecast_usage_costs",
         "offers[A].prices.monthly_fee_usd", "needs.pain_points", "no.such.fact", "offers[B].pricing_model"]


@pytest.mark.parametrize("fact", FACTS)
def test_malformed_answers_raise_only_input_error(advisor, fact):
    """A bad answer is an InputError naming the question, in both languages; the profile given is untouched."""
    profile = {"offers": [{"name": "A"}], "upgrade": {}}
    refused = 0
    for raw in MALFORMED:
        try:
            result = advisor.apply_answer(profile, fact, raw)
        except InputError as error:
            refused += 1
            (problem,) = error.problems
            assert problem.path == fact and problem.message.en and support.CJK.search(problem.message.zh)
            assert str(error).startswith(f"{fact}: ")
        else:
            assert fact in result.profile["asked"] and result.question == fact
    assert refused and profile == {"offers": [{"name": "A"}], "upgrade": {}}


@pytest.mark.parametrize(("fact", "raw", "value"), [
    ("upgrade", "2", False), ("upgrade", "1", True),
    ("company.in_house_estimate", "6, 12,000, 2,000",
     {"engineer_months": 6, "monthly_cost_per_engineer_usd": 12000, "monthly_running_cost_usd": 2000}),
    ("company.in_house_estimate", "6；12000；2000",
     {"engineer_months": 6, "monthly_cost_per_engineer_usd": 12000, "monthly_running_cost_usd": 2000}),
])
def test_answers_found_in_review(advisor, fact, raw, value):
    assert _parse(advisor, fact, raw) == value


@pytest.mark.parametrize(("fact", "raw"), [("needs.pain_points", ""), ("offers", "   "), ("company.stage", "²"),
                                           ("offers", {"a": 1}), ("offers", [{"name": "x"}]), ("needs.capabilities", 5)])
def test_refused_answers_found_in_review(advisor, fact, raw):
    with pytest.raises(AnswerError):
        _parse(advisor, fact, raw)


def test_capability_answer_cannot_set_another_capability(advisor):
    with pytest.raises(InputError):
        advisor.apply_answer({"offers": [{"name": "A"}]}, "offers[A].capabilities.hd_video",
                             {"availability": "paid", "capability": "recording"})


def test_non_text_question_id(advisor):
    with pytest.raises(InputError) as caught:
        advisor.apply_answer({}, None, "yes")
    assert caught.value.problems[0].path == "question_id"


def test_units_in_both_languages(advisor):
    spec = answer_spec(parse_fact("offers[A].prices.per_1000_minutes_usd"), {}, advisor.asker.labels)
    assert (spec.unit.en, spec.unit.zh) == ("USD per 1,000 minutes", "美元/千分钟")
    assert answer_spec(parse_fact("needs.usage.mau"), {}, advisor.asker.labels).unit.zh == "月活跃用户"
