"""The cost chart's numbers (issue 13): each offer's cumulative cost is its one-time fee at
signing plus its monthly bill each month, ending at derive's own totals; an offer whose
bill is not known gets no line, only its reasons; the chart draws what it is given."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expert.advice.cost_chart import cost_chart_html, month_step, nice_ceiling, reason_text, table_months
from expert.advice.cost_series import (
    BILL,
    BILL_AT_PEAK,
    BUILD,
    NO_MAU,
    NO_MINUTES,
    NO_PRICE,
    PAYG_MINUTES,
    PEAK_MINUTES,
    UNPRICED,
    cost_series,
)
from expert.facts.derive import DEFAULT_HORIZON_MONTHS, derive
from expert.facts.vocabulary import Profile

CAPS = ["text_messaging", "video_calls", "moderation"]


def _profile(*offers: dict, usage: dict | None = None, months: int | None = 12, build: dict | None = None) -> Profile:
    company: dict = {"name": "Co"}
    if build:
        company["in_house_estimate"] = build
    needs: dict = {"capabilities": CAPS}
    if usage is not None:
        needs["usage"] = usage
    if months is not None:
        needs["contract_months"] = months
    return Profile.model_validate({"company": company, "needs": needs, "offers": list(offers)})


def _offer(name: str, model: str, prices: dict, moderation: dict | None = None) -> dict:
    capabilities = [{"capability": c, "availability": "included"} for c in CAPS[:2]]
    capabilities.append(moderation or {"capability": "moderation", "availability": "included"})
    return {"name": name, "pricing_model": model, "prices": prices, "capabilities": capabilities}


def _line(costs, offer: str, kind: str):
    return next(s for s in costs.series if s.offer == offer and s.kind == kind)


def test_a_buyout_is_its_one_time_fee_then_maintenance_each_month():
    profile = _profile(_offer("Licence", "buyout_subscription", {"one_time_fee_usd": 90000, "yearly_maintenance_usd": 18000}))
    costs = cost_series(profile)
    line = _line(costs, "Licence", BILL)
    assert (line.one_time_usd, line.monthly_usd) == (90000, 1500)
    assert [line.at(m) for m in (0, 1, 12)] == [90000, 91500, 108000]
    assert costs.unknown == ()


def test_a_pure_buyout_without_maintenance_is_flat():
    line = _line(cost_series(_profile(_offer("Once", "buyout", {"one_time_fee_usd": 5000}))), "Once", BILL)
    assert line.at(0) == line.at(12) == 5000


def test_a_subscription_starts_at_zero_and_grows_by_its_fee_and_paid_must_haves():
    paid = {"capability": "moderation", "availability": "paid", "monthly_price_usd": 50}
    costs = cost_series(_profile(_offer("Seats", "fixed_subscription", {"monthly_fee_usd": 200}, paid)))
    line = _line(costs, "Seats", BILL)
    assert (line.at(0), line.at(1), line.at(12)) == (0, 250, 3000)


def test_pay_as_you_go_against_a_fixed_plan_for_the_peak():
    usage = {"monthly_minutes": 100_000, "peak_to_average_ratio": 4}
    costs = cost_series(_profile(_offer("RTC", "usage_based", {"per_1000_minutes_usd": 2}), usage=usage))
    bill, peak = _line(costs, "RTC", BILL), _line(costs, "RTC", BILL_AT_PEAK)
    assert bill.monthly_usd == 200 and peak.monthly_usd == 800 and peak.peak_ratio == 4
    assert {s.kind for s in costs.series} == {BILL, BILL_AT_PEAK}  # the pay-as-you-go line is the bill


def test_the_peak_line_keeps_the_rest_of_the_bill():
    usage = {"monthly_minutes": 100_000, "peak_to_average_ratio": 4}
    paid = {"capability": "moderation", "availability": "paid", "monthly_price_usd": 50}
    costs = cost_series(_profile(_offer("RTC", "usage_based", {"per_1000_minutes_usd": 2}, paid), usage=usage))
    assert _line(costs, "RTC", BILL).monthly_usd == 250 and _line(costs, "RTC", BILL_AT_PEAK).monthly_usd == 850


def test_an_unpriced_must_have_leaves_no_bill_line_and_says_why():
    usage = {"monthly_minutes": 100_000, "peak_to_average_ratio": 4}
    unpriced = {"capability": "moderation", "availability": "paid", "monthly_price_usd": "unknown"}
    costs = cost_series(_profile(_offer("RTC", "usage_based", {"per_1000_minutes_usd": 2}, unpriced), usage=usage))
    assert not [s for s in costs.series if s.kind == BILL]
    assert [(u.offer, [(r.code, r.items) for r in u.reasons]) for u in costs.unknown] == \
        [("RTC", [(UNPRICED, ("moderation",))])]
    # the minutes alone still show the article's comparison, said to be minutes only
    assert {s.kind: s.monthly_usd for s in costs.series} == {PAYG_MINUTES: 200, PEAK_MINUTES: 800}


@pytest.mark.parametrize("prices,usage,codes", [
    ({"per_1000_minutes_usd": 2}, None, [NO_MINUTES]),
    ({"per_mau_usd": 0.1}, {"monthly_minutes": 10}, [NO_MAU]),
    ({"per_1000_minutes_usd": 2, "per_mau_usd": 0.1}, None, [NO_MINUTES, NO_MAU]),
    ({}, None, [NO_PRICE]),
    ({"one_time_fee_usd": 500}, None, [NO_PRICE]),  # a one-time fee alone is not a subscription's bill
])
def test_an_unknown_bill_names_every_reason(prices, usage, codes):
    costs = cost_series(_profile(_offer("X", "fixed_subscription", prices), usage=usage))
    assert costs.series == () and [r.code for r in costs.unknown[0].reasons] == codes


def test_a_buyout_with_an_uncosted_usage_price_is_unknown_not_its_fee_alone():
    costs = cost_series(_profile(_offer("X", "buyout", {"one_time_fee_usd": 500, "per_1000_minutes_usd": 1})))
    assert costs.series == () and [r.code for r in costs.unknown[0].reasons] == [NO_MINUTES]


def test_building_is_the_engineers_at_the_start_then_the_running_cost():
    build = {"engineer_months": 10, "monthly_cost_per_engineer_usd": 15000, "monthly_running_cost_usd": 1000}
    costs = cost_series(_profile(_offer("S", "fixed_subscription", {"monthly_fee_usd": 100}), build=build))
    line = _line(costs, "", BUILD)
    assert (line.at(0), line.at(12)) == (150000, 162000)
    assert derive(_profile(_offer("S", "fixed_subscription", {"monthly_fee_usd": 100}), build=build)) \
        .figures[("S", "offer.derived.build_total_usd")].value == line.at(12)


def test_the_horizon_is_the_contract_else_the_assumed_default():
    assert cost_series(_profile(months=36)).months == 36 and not cost_series(_profile(months=36)).horizon_assumed
    assumed = cost_series(_profile(months=None))
    assert assumed.months == DEFAULT_HORIZON_MONTHS and assumed.horizon_assumed


@settings(max_examples=60, deadline=None)
@given(one_time=st.one_of(st.none(), st.floats(0, 1e6)), fee=st.one_of(st.none(), st.floats(0, 1e5)),
       maintenance=st.one_of(st.none(), st.floats(0, 1e6)), months=st.integers(1, 120))
def test_the_last_point_is_derives_buy_total(one_time, fee, maintenance, months):
    prices = {k: v for k, v in {"one_time_fee_usd": one_time, "monthly_fee_usd": fee,
                                "yearly_maintenance_usd": maintenance}.items() if v is not None}
    build = {"engineer_months": 1, "monthly_cost_per_engineer_usd": 1}
    profile = _profile(_offer("O", "buyout_subscription", prices), months=months, build=build)
    buy = derive(profile).figures.get(("O", "offer.derived.buy_total_usd"))
    costs = cost_series(profile)
    bills = [s for s in costs.series if s.kind == BILL]
    assert (buy is None) == (not bills)
    if bills:  # derive rounds the monthly bill to cents before multiplying; so does the line
        assert bills[0].at(months) == pytest.approx(buy.value, abs=0.01 * months + 0.01)


@pytest.mark.parametrize("value,ceiling", [(0, 1), (383_040, 400_000), (5988, 6000), (100, 100), (101, 150), (0.3, 0.3)])
def test_axis_ends_are_round(value, ceiling):
    assert nice_ceiling(value) == pytest.approx(ceiling)


@pytest.mark.parametrize("months,step", [(1, 1), (12, 1), (13, 2), (36, 3), (120, 12)])
def test_at_most_twelve_month_ticks(months, step):
    assert month_step(months) == step


def test_the_table_lists_every_month_up_to_two_years_then_the_ticks():
    assert table_months(12) == list(range(13))
    assert table_months(120) == list(range(0, 121, 12))


def test_reasons_read_in_both_languages_with_labels(knowledge):
    costs = cost_series(_profile(_offer("X", "fixed_subscription", {}, {"capability": "moderation", "availability": "paid"})))
    reason = costs.unknown[0].reasons[0]
    assert reason_text(reason, "en", knowledge.labels) == "no published price for content moderation"
    assert reason_text(reason, "zh", knowledge.labels) == "内容审核没有公布价格"


def test_the_chart_draws_one_path_per_line_and_lists_the_unknown(knowledge):
    usage = {"monthly_minutes": 100_000, "peak_to_average_ratio": 4}
    profile = _profile(_offer("RTC", "usage_based", {"per_1000_minutes_usd": 2}),
                       _offer("Mystery", "fixed_subscription", {}), usage=usage)
    for lang, unknown in (("en", "Cost not known: Mystery: no recurring price is stated."),
                          ("zh", "成本未知：Mystery：未说明持续收费的价格。")):
        html = cost_chart_html(cost_series(profile), lang, knowledge.labels)
        assert html.count('<path class="cost-line"') == 2 and unknown in html
        assert html.count("<tr>") == 1 + 13  # the header and months 0..12


def test_nothing_to_draw_is_said_not_drawn(knowledge):
    html = cost_chart_html(cost_series(_profile(_offer("Mystery", "fixed_subscription", {}))), "en", knowledge.labels)
    assert "<svg" not in html and "No offer has a cost that can be drawn." in html and "Mystery" in html
