"""Derived figures: each sum checked against numbers worked out by hand; unknown inputs stay unknown."""

from __future__ import annotations

import copy

import pytest

from expert.facts.derive import DEFAULT_HORIZON_MONTHS, derive
from expert.facts.vocabulary import Profile

BASE = {
    "company": {
        "monthly_budget_usd": 1500,
        "in_house_estimate": {"engineer_months": 10, "monthly_cost_per_engineer_usd": 15000, "monthly_running_cost_usd": 500},
    },
    "needs": {
        "capabilities": ["recording", "hd_video", "moderation", "translation"],
        "usage": {"monthly_minutes": 400000, "mau": 1000, "peak_to_average_ratio": 20, "largest_event_participants": 5000},
        "contract_months": 12,
    },
    "offers": [
        {
            "name": "A",
            "pricing_model": "usage_based",
            "prices": {"monthly_fee_usd": 100, "included_minutes": 100000, "per_1000_minutes_usd": 3.99, "per_mau_usd": 0.01},
            "capabilities": [
                {"capability": "recording", "availability": "paid", "monthly_price_usd": 600},
                {"capability": "hd_video", "availability": "included"},
                {"capability": "moderation", "availability": "unavailable"},
            ],
            "max_concurrent_participants": 20000,
        },
        {
            "name": "B",
            "pricing_model": "buyout_subscription",
            "prices": {"one_time_fee_usd": 50000, "yearly_maintenance_usd": 6000},
            "capabilities": [
                {"capability": "moderation", "availability": "paid", "monthly_price_usd": "unknown"},
                {"capability": "recording", "availability": "paid", "monthly_price_usd": 50},
            ],
        },
    ],
    "upgrade": {"offer": "B", "kind": "feature", "adds_capabilities": ["translation"],
                "monthly_price_usd": 0, "one_time_price_usd": 0},
}


def derived(data: dict):
    return derive(Profile.model_validate(data))


def variant(**changes) -> dict:
    """BASE with dotted-path changes; a value of None deletes the key."""
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


@pytest.fixture(scope="module")
def base():
    return derived(BASE)


def test_profile_level_values(base):
    assert base.profile["derived.offer_count"] == 2
    assert base.profile["upgrade.derived.needed_addition_count"] == 1  # adds translation, which is required
    assert base.profile["upgrade.derived.new_addition_count"] == 1  # B does not include translation
    assert base.profile["upgrade.derived.needed_fix_count"] == 0  # no pain points stated
    assert base.profile["upgrade.derived.update_worth_up_to_usd"] == 500  # B's maintenance: 6,000 / 12
    assert base.profile["upgrade.derived.cost_over_update_worth_usd"] == -500  # a free upgrade: 0 - 500


def test_must_have_counts(base):
    a, b = base.offers["A"], base.offers["B"]
    # required: recording, hd_video, moderation, translation
    assert a["offer.derived.paywalled_must_have_count"] == 1  # recording
    assert a["offer.derived.paywalled_unknown_price_count"] == 0
    assert a["offer.derived.unavailable_must_have_count"] == 1  # moderation
    assert a["offer.derived.unlisted_must_have_count"] == 1  # translation
    assert b["offer.derived.paywalled_must_have_count"] == 2  # moderation, recording
    assert b["offer.derived.paywalled_unknown_price_count"] == 1  # moderation
    assert b["offer.derived.unavailable_must_have_count"] == 0
    assert b["offer.derived.unlisted_must_have_count"] == 2  # hd_video, translation


def test_paywalled_monthly_sum(base):
    assert base.offers["A"]["offer.derived.paywalled_must_have_monthly_usd"] == 600
    assert base.offers["B"]["offer.derived.paywalled_must_have_monthly_usd"] == 50  # priced items only
    figure = base.figures[("B", "offer.derived.paywalled_must_have_monthly_usd")]
    assert "moderation" in figure.formula_en and "moderation" in figure.formula_zh
    assert figure.inputs == {"price.recording": 50, "unpriced": ["moderation"]}


def test_monthly_estimate(base):
    # 100 fee + (400,000 - 100,000) x 3.99 / 1,000 + 1,000 MAU x 0.01 + 600 paid recording
    #   = 100 + 1,197 + 10 + 600 = 1,907
    a = base.offers["A"]
    assert a["offer.derived.estimated_monthly_usd"] == pytest.approx(1907.0)
    assert a["offer.derived.over_budget_usd"] == pytest.approx(407.0)  # 1,907 - 1,500
    figure = base.figures[("A", "offer.derived.estimated_monthly_usd")]
    assert figure.value == pytest.approx(1907.0)
    assert figure.unit == "USD/month"
    assert figure.inputs == {"monthly_fee_usd": 100, "minutes_part_usd": 1197.0, "mau_part_usd": 10.0,
                             "paywalled_must_haves_usd": 600}


def test_no_estimate_with_an_unpriced_must_have(base):
    assert "offer.derived.estimated_monthly_usd" not in base.offers["B"]
    assert "offer.derived.over_budget_usd" not in base.offers["B"]


def test_under_budget():
    values = derived(variant(company__monthly_budget_usd=5000)).offers["A"]
    assert values["offer.derived.over_budget_usd"] == pytest.approx(-3093.0)  # 1,907 - 5,000


def test_included_minutes_above_usage_bill_nothing():
    data = variant(offers__0__prices={"included_minutes": 1e6, "per_1000_minutes_usd": 3.99})
    values = derived(data).offers["A"]
    assert values["offer.derived.estimated_monthly_usd"] == pytest.approx(600.0)  # only the paid recording


def test_payg_versus_fixed_for_peak(base):
    result = derived(variant(offers__0__prices={"per_1000_minutes_usd": 3.99}))
    a = result.offers["A"]
    assert a["offer.derived.payg_monthly_usd"] == pytest.approx(1596.0)  # 400,000 x 3.99 / 1,000
    assert a["offer.derived.fixed_for_peak_monthly_usd"] == pytest.approx(31920.0)  # x 20
    figure = result.figures[("A", "offer.derived.fixed_for_peak_monthly_usd")]
    assert figure.inputs == {"monthly_minutes": 400000, "peak_to_average_ratio": 20, "per_1000_minutes_usd": 3.99}
    assert "offer.derived.payg_monthly_usd" not in base.offers["B"]  # no per-minute price
    # with a monthly fee or bundled minutes the per-minute price is an overage rate: no comparison
    assert "offer.derived.payg_monthly_usd" not in base.offers["A"]
    no_ratio = derived(variant(offers__0__prices={"per_1000_minutes_usd": 3.99},
                               needs__usage__peak_to_average_ratio=None))
    assert "offer.derived.fixed_for_peak_monthly_usd" not in no_ratio.offers["A"]


def test_build_versus_buy(base):
    a, b = base.offers["A"], base.offers["B"]
    # build: 10 x 15,000 + 500 x 12 = 156,000
    assert a["offer.derived.build_total_usd"] == pytest.approx(156000.0)
    # buy A: 1,907 x 12 = 22,884
    assert a["offer.derived.buy_total_usd"] == pytest.approx(22884.0)
    assert a["offer.derived.buy_saving_usd"] == pytest.approx(133116.0)  # 156,000 - 22,884
    figure = base.figures[("A", "offer.derived.buy_total_usd")]
    assert figure.inputs["months"] == 12 and "assumed" not in figure.formula_en
    assert b["offer.derived.build_total_usd"] == pytest.approx(156000.0)


def test_monthly_estimate_spreads_yearly_maintenance():
    data = variant(offers=[{"name": "B", "prices": {"monthly_fee_usd": 10, "yearly_maintenance_usd": 1200}}])
    assert derived(data).offers["B"]["offer.derived.estimated_monthly_usd"] == pytest.approx(110.0)  # 10 + 1,200 / 12


def test_build_versus_buy_for_a_buyout_with_maintenance():
    data = variant(offers=[{"name": "B", "pricing_model": "buyout_subscription",
                            "prices": {"one_time_fee_usd": 50000, "yearly_maintenance_usd": 6000}}])
    b = derived(data).offers["B"]
    # buy over 12 months: 50,000 + 6,000 x 12 / 12 = 56,000
    assert b["offer.derived.buy_total_usd"] == pytest.approx(56000.0)
    assert b["offer.derived.buy_saving_usd"] == pytest.approx(100000.0)  # 156,000 - 56,000


def test_horizon_defaults_to_24_months_and_says_so():
    result = derived(variant(needs__contract_months=None))
    # build: 150,000 + 500 x 24 = 162,000; buy: 1,907 x 24 = 45,768
    assert result.offers["A"]["offer.derived.build_total_usd"] == pytest.approx(162000.0)
    assert result.offers["A"]["offer.derived.buy_total_usd"] == pytest.approx(45768.0)
    figure = result.figures[("A", "offer.derived.build_total_usd")]
    assert figure.inputs["months"] == DEFAULT_HORIZON_MONTHS
    assert "assumed" in figure.formula_en and "假设" in figure.formula_zh


def test_event_headroom(base):
    assert base.offers["A"]["offer.derived.event_headroom_ratio"] == pytest.approx(4.0)  # 20,000 / 5,000
    assert "offer.derived.event_headroom_ratio" not in base.offers["B"]  # capacity unknown


def test_event_headroom_rounds_to_two_places():
    data = variant(offers__0__max_concurrent_participants=500, needs__usage__largest_event_participants=3000)
    assert derived(data).offers["A"]["offer.derived.event_headroom_ratio"] == 0.17


# --- unknown inputs give absent values, never guesses ------------------------------------

def test_no_usage_means_no_usage_based_figures():
    values = derived(variant(needs__usage=None)).offers["A"]
    for path in ("estimated_monthly_usd", "payg_monthly_usd", "fixed_for_peak_monthly_usd", "event_headroom_ratio",
                 "over_budget_usd", "buy_total_usd", "buy_saving_usd"):
        assert f"offer.derived.{path}" not in values


def test_unknown_required_capabilities_mean_no_counts():
    result = derived(variant(needs__capabilities=None))
    for name in ("A", "B"):
        assert not any("must_have" in path for path in result.offers[name])
    assert result.profile["upgrade.derived.needed_addition_count"] == 0  # unknown requirements count as none
    assert result.profile["upgrade.derived.new_capability_count"] == 1  # the rules ask for the requirements


def test_offer_without_capability_list_has_no_counts():
    values = derived(variant(offers__0__capabilities=None)).offers["A"]
    assert "offer.derived.paywalled_must_have_count" not in values
    assert "offer.derived.unlisted_must_have_count" not in values


def test_no_in_house_estimate_means_no_build_or_buy():
    values = derived(variant(company__in_house_estimate=None)).offers["A"]
    assert "offer.derived.build_total_usd" not in values
    assert "offer.derived.buy_total_usd" not in values
    assert "offer.derived.buy_saving_usd" not in values


def test_no_budget_means_no_budget_verdict():
    assert "offer.derived.over_budget_usd" not in derived(variant(company__monthly_budget_usd=None)).offers["A"]


def test_zero_sized_event_gives_no_headroom():
    data = variant(needs__usage__largest_event_participants=0)
    assert "offer.derived.event_headroom_ratio" not in derived(data).offers["A"]


def test_upgrade_values_absent_when_inputs_unknown():
    result = derived(variant(upgrade={"kind": "version_update"}))
    assert "upgrade.derived.update_worth_up_to_usd" not in result.profile  # no target offer
    assert "upgrade.derived.monthly_cost_usd" not in result.profile  # no price stated
    assert "upgrade.derived.cost_over_worth_usd" not in result.profile


def test_no_upgrade_no_upgrade_values():
    result = derived(variant(upgrade=None))
    assert not any(path.startswith("upgrade.") for path in result.profile)


def test_cost_over_bounds_in_whole_dollars():
    result = derived(variant(upgrade__monthly_price_usd=500.4))
    assert result.profile["upgrade.derived.cost_over_update_worth_usd"] == 0  # 500 - 500: not above the fee


def test_buy_total_unknown_when_monthly_bill_unknown():
    # The offer bills per minute but usage is unknown: its monthly bill is unknown, so the
    # cost of buying over the horizon is unknown too; it must not be the one-time fee alone.
    data = variant(needs__usage=None, offers=[{
        "name": "B", "pricing_model": "usage_based",
        "prices": {"one_time_fee_usd": 50000, "per_1000_minutes_usd": 100}}])
    values = derived(data).offers["B"]
    assert "offer.derived.estimated_monthly_usd" not in values
    assert "offer.derived.buy_total_usd" not in values
    assert "offer.derived.buy_saving_usd" not in values


def test_figures_match_values(base):
    for (subject, path), figure in base.figures.items():
        values = base.profile if subject == "company" else base.offers[subject]
        assert values[path] == figure.value
        assert figure.formula_en and figure.formula_zh and figure.unit


def test_payg_needs_no_peak_ratio(advisor):
    """Pay-as-you-go is minutes x unit price; only the fixed plan sized for the peak needs the ratio."""
    profile = {"needs": {"usage": {"monthly_minutes": 10000}},
               "offers": [{"name": "A", "prices": {"per_1000_minutes_usd": 4}}]}
    figures = {f.id: f.value for f in advisor.advise(profile).figures}
    assert figures == {"figure.payg_monthly": 40.0, "figure.monthly_estimate": 40.0}
