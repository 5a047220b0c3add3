"""Derived facts: the numbers that need two or more input facts.

durable_rules only compares a fact with constants reliably (relational joins across facts
can crash it), and an auditor wants the arithmetic spelled out.  So every value that
combines facts is computed here, in plain Python, with its unit, its formula in both
languages and the inputs it used; rules then test it like any other field
(``offer.derived.*``, ``upgrade.derived.*``, ``derived.*``).  A value whose inputs are
not all known is left out (unknown), never guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

from expert.facts.vocabulary import Availability, Offer, PricingModel, Profile, UpgradeKind

DEFAULT_HORIZON_MONTHS = 24


@dataclass(frozen=True)
class Figure:
    """A computed number with what it takes to check it by hand."""

    path: str
    value: float
    unit: str
    formula_en: str
    formula_zh: str
    inputs: dict = field(default_factory=dict)


@dataclass
class Derivation:
    profile: dict = field(default_factory=dict)
    offers: dict = field(default_factory=dict)  # offer name -> {path: value}
    figures: dict = field(default_factory=dict)  # (subject, path) -> Figure


def _round(value: float) -> float:
    return round(value, 2)


@dataclass
class _MustHaves:
    """How an offer treats the required capabilities: counts (derived fields) and the paid items."""

    counts: dict = field(default_factory=dict)
    paywalled: list = field(default_factory=list)
    unpriced: list = field(default_factory=list)  # paywalled items without a published price


def _must_haves(offer: Offer, required: Optional[list]) -> _MustHaves:
    if required is None or offer.capabilities is None:
        return _MustHaves()
    listed = {item.capability: item for item in offer.capabilities}
    paywalled = [listed[c] for c in required if c in listed and listed[c].availability is Availability.paid]
    unpriced = [i for i in paywalled if not isinstance(i.monthly_price_usd, (int, float))]
    counts = {
        "offer.derived.paywalled_must_have_count": len(paywalled),
        "offer.derived.paywalled_unknown_price_count": len(unpriced),
        "offer.derived.unavailable_must_have_count": sum(
            1 for c in required if c in listed and listed[c].availability is Availability.unavailable
        ),
        "offer.derived.unlisted_must_have_count": sum(1 for c in required if c not in listed),
    }
    return _MustHaves(counts, paywalled, unpriced)


class _OfferArithmetic:
    """The per-offer sums; each method records a Figure when its inputs are all known."""

    def __init__(self, profile: Profile, offer: Offer, out: Derivation) -> None:
        self.profile, self.offer, self.out = profile, offer, out
        self.values: dict = {}
        self.exact: dict = {}  # unrounded values, for sums built on other sums
        self.bill_unknown = False  # a price component is known to exist but cannot be costed
        usage = profile.needs.usage
        self.minutes = usage.monthly_minutes if usage else None
        self.mau = usage.mau if usage else None
        self.ratio = usage.peak_to_average_ratio if usage else None
        self.prices = offer.prices

    def record(self, path: str, value: float, unit: str, en: str, zh: str, inputs: dict) -> None:
        self.exact[path] = value
        value = _round(value)
        self.values[path] = value
        self.out.figures[(self.offer.name, path)] = Figure(path, value, unit, en, zh, inputs)

    def paywalled(self, must: _MustHaves) -> None:
        if not must.paywalled:
            return
        priced = {i.capability.value: i.monthly_price_usd for i in must.paywalled if i not in must.unpriced}
        unknown = [i.capability.value for i in must.unpriced]
        self.record(
            "offer.derived.paywalled_must_have_monthly_usd",
            sum(priced.values()),
            "USD/month",
            "sum of the monthly prices of required capabilities this offer sells as paid extras"
            + (f"; {len(unknown)} more have no published price: {', '.join(unknown)}" if unknown else ""),
            "本方案作为付费附加项出售的必需能力的月价之和"
            + (f";另有 {len(unknown)} 项未公布价格:{', '.join(unknown)}" if unknown else ""),
            {**{f"price.{k}": v for k, v in priced.items()}, **({"unpriced": unknown} if unknown else {})},
        )

    def monthly_estimate(self, must: _MustHaves) -> None:
        prices = self.prices
        if must.unpriced:
            self.bill_unknown = True
            return  # a must-have without a price: no honest estimate exists
        parts: dict = {}
        if prices and prices.monthly_fee_usd is not None:
            parts["monthly_fee_usd"] = prices.monthly_fee_usd
        if prices and prices.per_1000_minutes_usd is not None:
            if self.minutes is None:
                self.bill_unknown = True
                return
            billable = max(0.0, self.minutes - (prices.included_minutes or 0))
            parts["minutes_part_usd"] = billable * prices.per_1000_minutes_usd / 1000
        if prices and prices.per_mau_usd is not None:
            if self.mau is None:
                self.bill_unknown = True
                return
            parts["mau_part_usd"] = self.mau * prices.per_mau_usd
        paywalled_sum = self.values.get("offer.derived.paywalled_must_have_monthly_usd")
        if paywalled_sum:
            parts["paywalled_must_haves_usd"] = paywalled_sum
        if prices and prices.yearly_maintenance_usd is not None:
            parts["maintenance_per_month_usd"] = prices.yearly_maintenance_usd / 12
        if not parts:
            return
        self.record(
            "offer.derived.estimated_monthly_usd",
            sum(parts.values()),
            "USD/month",
            "monthly fee + max(0, monthly minutes - included minutes) x price per 1,000 minutes / 1,000"
            " + MAU x price per MAU + paid must-have extras + yearly maintenance / 12",
            "月费 + max(0, 月分钟数 - 套餐内分钟数) x 每千分钟单价 / 1000 + 月活 x 每月活单价 + 必需的付费附加项 + 年维护费 / 12",
            {k: _round(v) for k, v in parts.items()},
        )
        budget = self.profile.company.monthly_budget_usd
        if budget is not None:
            self.values["offer.derived.exceeds_budget"] = self.values["offer.derived.estimated_monthly_usd"] > budget

    def peak_versus_payg(self) -> None:
        """Only for pure per-minute pricing: with a fee or bundled minutes the unit price is an overage rate."""
        prices = self.prices
        unit_price = prices.per_1000_minutes_usd if prices else None
        if None in (unit_price, self.minutes):
            return
        if prices.monthly_fee_usd or prices.included_minutes:
            return
        payg = self.minutes * unit_price / 1000
        inputs = {"monthly_minutes": self.minutes, "per_1000_minutes_usd": unit_price}
        self.record(
            "offer.derived.payg_monthly_usd",
            payg,
            "USD/month",
            "pay-as-you-go: average monthly minutes x price per 1,000 minutes / 1,000",
            "按量付费:月均分钟数 x 每千分钟单价 / 1000",
            inputs,
        )
        if self.ratio is None:
            return  # the peak is not stated: no fixed plan can be sized for it
        inputs = {**inputs, "peak_to_average_ratio": self.ratio}
        self.record(
            "offer.derived.fixed_for_peak_monthly_usd",
            payg * self.ratio,
            "USD/month",
            "fixed plan sized for the peak: average monthly minutes x peak-to-average ratio x price per 1,000 minutes"
            " / 1,000 (capacity paid for every month, used only at the peak)",
            "按峰值购买的固定套餐:月均分钟数 x 峰均比 x 每千分钟单价 / 1000(容量每月都付费,只在高峰用满)",
            inputs,
        )

    def build_versus_buy(self) -> None:
        estimate = self.profile.company.in_house_estimate
        if estimate is None:
            return
        months = self.profile.needs.contract_months or DEFAULT_HORIZON_MONTHS
        assumed = self.profile.needs.contract_months is None
        horizon = f"{months} months" + (" (assumed; contract length not stated)" if assumed else "")
        horizon_zh = f"{months} 个月" + ("(假设值;未说明合同期)" if assumed else "")
        running = estimate.monthly_running_cost_usd or 0.0
        build = estimate.engineer_months * estimate.monthly_cost_per_engineer_usd + running * months
        self.record(
            "offer.derived.build_total_usd",
            build,
            "USD",
            f"build in-house over {horizon}: engineer-months x monthly cost per engineer + monthly running cost x months",
            f"自建 {horizon_zh}:人月 x 每人月成本 + 每月运行成本 x 月数",
            {"engineer_months": estimate.engineer_months, "monthly_cost_per_engineer_usd": estimate.monthly_cost_per_engineer_usd,
             "monthly_running_cost_usd": running, "months": months},
        )
        monthly = self.exact.get("offer.derived.estimated_monthly_usd")
        prices = self.prices
        one_time = prices.one_time_fee_usd if prices else None
        if monthly is None and (one_time is None or self.bill_unknown
                                or self.offer.pricing_model is not PricingModel.buyout):
            return  # an unknown recurring bill is not a zero one: only a pure buyout has none
        if monthly is not None:  # the monthly estimate already holds maintenance / 12
            buy = monthly * months + (one_time or 0.0)
            buy_en, buy_zh = "estimated monthly bill x months + one-time fee", "预估月账单 x 月数 + 一次性费用"
            inputs = {"estimated_monthly_usd": _round(monthly), "one_time_fee_usd": one_time or 0.0, "months": months}
        else:
            buy = one_time
            buy_en, buy_zh = "one-time fee (a pure buyout: no recurring bill)", "一次性费用(纯买断:无持续费用)"
            inputs = {"one_time_fee_usd": one_time, "months": months}
        self.record("offer.derived.buy_total_usd", buy, "USD", f"buy over {horizon}: {buy_en}",
                    f"采购 {horizon_zh}:{buy_zh}", inputs)
        self.values["offer.derived.buy_cheaper_than_build"] = buy < build

    def headroom(self) -> None:
        usage = self.profile.needs.usage
        event = usage.largest_event_participants if usage else None
        capacity = self.offer.max_concurrent_participants
        if event and capacity is not None:
            self.values["offer.derived.event_headroom_ratio"] = _round(capacity / event)


def _upgrade_relevance(profile: Profile, target: Optional[Offer]) -> str:
    """Does the upgrade add a required capability or fix a stated pain?

    needed: it adds a required capability the upgraded offer does not already include,
    or fixes a stated pain point; not_needed: neither, with the deciding facts stated;
    unknown_contents / unknown_capabilities / unknown_pain_points: the fact that would
    decide it is not stated (unknown is not false).
    """
    upgrade, needs = profile.upgrade, profile.needs
    included = {i.capability for i in (target.capabilities or []) if i.availability is Availability.included} \
        if target is not None else set()
    adds = set(upgrade.adds_capabilities or []) - included  # paying again for what you have buys nothing
    fixes = set(upgrade.fixes_pain_points or [])
    if adds & set(needs.capabilities or []) or fixes & set(needs.pain_points or []):
        return "needed"
    if upgrade.adds_capabilities is None and upgrade.fixes_pain_points is None:
        return "unknown_contents"
    if adds and needs.capabilities is None:
        return "unknown_capabilities"
    if fixes and needs.pain_points is None:
        return "unknown_pain_points"
    return "not_needed"


def _best_value(out: Derivation, profile: Profile) -> None:
    """Mark the cheapest offer among those that cover every must-have at a known price."""
    complete = {
        name: values["offer.derived.estimated_monthly_usd"]
        for name, values in out.offers.items()
        if "offer.derived.estimated_monthly_usd" in values
        and values.get("offer.derived.unavailable_must_have_count") == 0
        and values.get("offer.derived.unlisted_must_have_count") == 0
    }
    if len(complete) >= 2:
        cheapest = min(complete.values())
        for name in complete:
            out.offers[name]["offer.derived.cheapest_complete_offer"] = complete[name] == cheapest


def derive(profile: Profile) -> Derivation:
    """Compute every derived field whose inputs are known."""
    out = Derivation()
    out.profile["derived.offer_count"] = len(profile.offers)
    upgrade = profile.upgrade
    target = next((o for o in profile.offers if upgrade and o.name == upgrade.offer), None)
    if upgrade is not None:
        if upgrade.kind in (UpgradeKind.feature, UpgradeKind.mixed):
            out.profile["upgrade.derived.relevance"] = _upgrade_relevance(profile, target)
        if target is not None and target.pricing_model is not None:
            out.profile["upgrade.derived.covered_by_maintenance_subscription"] = (
                target.pricing_model is PricingModel.buyout_subscription
            )
        prices = [p for p in (upgrade.monthly_price_usd, upgrade.one_time_price_usd) if p is not None]
        if prices:
            out.profile["upgrade.derived.priced"] = any(p > 0 for p in prices)
    for offer in profile.offers:
        sums = _OfferArithmetic(profile, offer, out)
        must = _must_haves(offer, profile.needs.capabilities)
        sums.values.update(must.counts)
        if upgrade is not None and upgrade.offer is not None:
            sums.values["offer.derived.is_upgrade_target"] = offer.name == upgrade.offer
        sums.paywalled(must)
        sums.monthly_estimate(must)
        sums.peak_versus_payg()
        sums.build_versus_buy()
        sums.headroom()
        out.offers[offer.name] = {k: v for k, v in sums.values.items() if not (isinstance(v, float) and not math.isfinite(v))}
    _best_value(out, profile)
    return out
