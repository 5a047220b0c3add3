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
from typing import NamedTuple, Optional

from expert.facts.vocabulary import Availability, Offer, PainPoint, PricingModel, Profile

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


ADDON_PREFIX = "addon:"  # custom add-ons share the capabilities' key space under this prefix


class _Item(NamedTuple):
    """One capability or custom add-on as an offer lists it (a named tuple: an offer's
    items are made for every offer of every consultation, and a frozen dataclass costs
    several times as much to make)."""

    key: object  # a Capability, or "addon:<name>"
    label: str
    availability: Availability
    monthly_price_usd: object = None


def required_keys(profile: Profile) -> Optional[list]:
    """The must-haves: required catalogue capabilities, then required custom add-ons.

    None when the required capabilities are not stated (unknown is not false); custom
    add-ons not stated are none beyond the catalogue.
    """
    needs = profile.needs
    if needs.capabilities is None:
        return None
    return [*needs.capabilities, *(ADDON_PREFIX + a.name for a in needs.custom_addons or () if a.required)]


def offer_items(offer: Offer) -> Optional[dict]:
    """What an offer lists, capabilities and custom add-ons, by key; None when it lists nothing."""
    if offer.capabilities is None and offer.custom_addons is None:
        return None
    items = {i.capability: _Item(i.capability, i.capability._value_, i.availability, i.monthly_price_usd)
             for i in offer.capabilities or ()}  # _value_: what .value reads, without the enum descriptor
    items.update({ADDON_PREFIX + a.name: _Item(ADDON_PREFIX + a.name, a.name, a.availability, a.monthly_price_usd)
                  for a in offer.custom_addons or ()})
    return items


@dataclass
class _MustHaves:
    """How an offer treats the required capabilities: counts (derived fields) and the paid items."""

    counts: dict = field(default_factory=dict)
    paywalled: list = field(default_factory=list)
    unpriced: list = field(default_factory=list)  # paywalled items without a published price


def _must_haves(offer: Offer, required: Optional[list]) -> _MustHaves:
    listed = offer_items(offer)
    if required is None or listed is None:
        return _MustHaves()
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
        priced = {i.label: i.monthly_price_usd for i in must.paywalled if i not in must.unpriced}
        unknown = [i.label for i in must.unpriced]
        self.record(
            "offer.derived.paywalled_must_have_monthly_usd",
            sum(priced.values()),
            "USD/month",
            "sum of the monthly prices of required capabilities this offer sells as paid extras"
            + (f"; {len(unknown)} more {'has' if len(unknown) == 1 else 'have'} no published price (listed below)"
               if unknown else ""),
            "本方案作为付费附加项出售的必需能力的月价之和"
            + (f"；另有 {len(unknown)} 项未公布价格（见下）" if unknown else ""),
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
            "月费 + max（0，月分钟数 - 套餐内分钟数） × 每千分钟单价 / 1000 + 月活 × 每月活单价"
            " + 必需的付费附加项 + 年维护费 / 12",
            {k: _round(v) for k, v in parts.items()},
        )
        budget = self.profile.company.monthly_budget_usd
        if budget is not None:
            self.values["offer.derived.over_budget_usd"] = _round(self.exact["offer.derived.estimated_monthly_usd"] - budget)

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
            "按量付费：月均分钟数 × 每千分钟单价 / 1000",
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
            "按峰值购买的固定套餐：月均分钟数 × 峰均比 × 每千分钟单价 / 1000（容量每月都付费，只在高峰用满）",
            inputs,
        )

    def build_versus_buy(self) -> None:
        estimate = self.profile.company.in_house_estimate
        if estimate is None:
            return
        months, horizon, horizon_zh = _horizon(self.profile)
        running = estimate.monthly_running_cost_usd or 0.0
        build = estimate.engineer_months * estimate.monthly_cost_per_engineer_usd + running * months
        self.record(
            "offer.derived.build_total_usd",
            build,
            "USD",
            f"build in-house over {horizon}: engineer-months x monthly cost per engineer + monthly running cost x months",
            f"自建 {horizon_zh}：人月 × 每人月成本 + 每月运行成本 × 月数",
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
            buy_en, buy_zh = "estimated monthly bill x months + one-time fee", "预估月账单 × 月数 + 一次性费用"
            inputs = {"estimated_monthly_usd": _round(monthly), "one_time_fee_usd": one_time or 0.0, "months": months}
        else:
            buy = one_time
            buy_en, buy_zh = "one-time fee (a pure buyout: no recurring bill)", "一次性费用（纯买断：无持续费用）"
            inputs = {"one_time_fee_usd": one_time, "months": months}
        self.record("offer.derived.buy_total_usd", buy, "USD", f"buy over {horizon}: {buy_en}",
                    f"采购 {horizon_zh}：{buy_zh}", inputs)
        self.values["offer.derived.buy_saving_usd"] = _round(build - buy)  # above 0: buying costs less

    def headroom(self) -> None:
        usage = self.profile.needs.usage
        event = usage.largest_event_participants if usage else None
        capacity = self.offer.max_concurrent_participants
        if event and capacity is not None:
            self.values["offer.derived.event_headroom_ratio"] = _round(capacity / event)


def _horizon(profile: Profile) -> tuple[int, str, str]:
    """The months costs are spread over: the contract's, else 24, said to be assumed."""
    months = profile.needs.contract_months or DEFAULT_HORIZON_MONTHS
    assumed = profile.needs.contract_months is None
    return (months, f"{months} months" + (" (assumed; contract length not stated)" if assumed else ""),
            f"{months} 个月" + ("（假设值；未说明合同期）" if assumed else ""))


def _upgrade_counts(out: Derivation, profile: Profile, target: Optional[Offer]) -> None:
    """Counts over what the upgrade adds and fixes, for the rules in ``30-upgrade.yaml`` to judge.

    Arithmetic on sets, no judgement: a list not stated counts as empty here, and the rules
    test the stated-or-not facts themselves where unknown must not read as none.
    """
    upgrade, needs = profile.upgrade, profile.needs
    included = _included(target)
    new = _added_keys(upgrade) - included  # paying again for what you have buys nothing
    required = set(required_keys(profile) or [])
    if needs.capabilities is None:  # required custom add-ons are known even when capabilities are not
        required = {ADDON_PREFIX + a.name for a in needs.custom_addons or () if a.required}
    fixes, pains = set(upgrade.fixes_pain_points or []), set(needs.pain_points or [])
    out.profile.update({  # formulas: knowledge/formulas.yaml
        "upgrade.derived.added_addon_count": len(upgrade.adds_custom_addons or ()),
        "upgrade.derived.new_addition_count": len(new),
        "upgrade.derived.new_capability_count": len(set(upgrade.adds_capabilities or []) - included),
        "upgrade.derived.needed_addition_count": len(new & required),
        "upgrade.derived.needed_fix_count": len(fixes & pains),
    })


def _included(offer: Optional[Offer]) -> set:
    """What an offer includes at no extra charge, capabilities and custom add-ons (none for no offer)."""
    listed = (offer_items(offer) or {}) if offer is not None else {}
    return {key for key, item in listed.items() if item.availability is Availability.included}


def _added_keys(upgrade) -> set:
    return set(upgrade.adds_capabilities or []) | {ADDON_PREFIX + n for n in upgrade.adds_custom_addons or ()}


def _complete(values: dict) -> bool:
    """An offer that provides every must-have (included or at a known price) with a known bill."""
    return "offer.derived.estimated_monthly_usd" in values and values.get("offer.derived.unavailable_must_have_count") == 0 \
        and values.get("offer.derived.unlisted_must_have_count") == 0


def _record_company(out: Derivation, path: str, value: float, unit: str, en: str, zh: str, inputs: dict) -> None:
    out.profile[path] = _round(value)
    out.figures[("company", path)] = Figure(path, _round(value), unit, en, zh, inputs)


def _upgrade_cost(out: Derivation, profile: Profile) -> Optional[float]:
    """The upgrade's monthly equivalent: monthly price + one-time price spread over the horizon."""
    upgrade = profile.upgrade
    if upgrade.monthly_price_usd is None and upgrade.one_time_price_usd is None:
        return None  # no price stated: the cost is unknown, not zero
    months, horizon, horizon_zh = _horizon(profile)
    monthly, one_time = upgrade.monthly_price_usd or 0.0, upgrade.one_time_price_usd or 0.0
    cost = monthly + one_time / months
    _record_company(out, "upgrade.derived.monthly_cost_usd", cost, "USD/month",
                    f"monthly price + one-time price / {horizon}", f"月费 + 一次性费用 / {horizon_zh}",
                    {"monthly_price_usd": monthly, "one_time_price_usd": one_time, "months": months})
    return cost


def _current_bill(out: Derivation, profile: Profile, target: Offer) -> Optional[float]:
    """What the company pays per month for the upgraded offer without the upgrade: its
    estimated bill less what the upgrade's price stands for, the paid items the upgrade
    brings and, when the upgrade is billed through the maintenance fee, that fee (otherwise
    both would be counted twice).  One-time fees already paid are sunk and not in it."""
    estimate = out.offers.get(target.name, {}).get("offer.derived.estimated_monthly_usd")
    if estimate is None:
        return None
    listed = offer_items(target) or {}
    required = set(required_keys(profile) or [])
    added = _added_keys(profile.upgrade)
    brought = sum(item.monthly_price_usd for key, item in listed.items()
                  if key in added and key in required and item.availability is Availability.paid
                  and isinstance(item.monthly_price_usd, (int, float)))
    maintenance = target.prices.yearly_maintenance_usd if target.prices is not None else None
    if profile.upgrade.billed_through_maintenance and maintenance is not None:
        brought += maintenance / 12
    return max(0.0, estimate - brought)


def _whole_monthly(values: dict, offer: Offer, months: int) -> float:
    """An offer taken up anew, per month: its estimated bill plus its one-time fee over the months."""
    one_time = offer.prices.one_time_fee_usd if offer.prices is not None else None
    return values["offer.derived.estimated_monthly_usd"] + (one_time or 0.0) / months


_BASES_EN = {"budget_headroom": "budget headroom (budget - current bill)",
             "budget": "the whole budget (the current bill is not known)",
             "cheapest_complete_alternative": "cheapest complete alternative (its bill + one-time fee / months - current bill)",
             "build_in_house": "building it (build total / months)"}
_BASES_ZH = {"budget_headroom": "预算余量（预算 - 当前账单）", "budget": "整个预算（当前账单未知）",
             "cheapest_complete_alternative": "最便宜的完整替代方案（其账单 + 一次性费用 / 月数 - 当前账单）",
             "build_in_house": "自建（自建总成本 / 月数）"}


def _upgrade_worth(out: Derivation, profile: Profile, target: Optional[Offer], cost: Optional[float]) -> None:
    """The most the upgrade's additions could be worth per month: the lowest known of the
    bounds the article judges a price by.  Whether the upgrade is needed, and so whether the
    bound applies, is for the rules (``upgrade.priced-above-worth``) to say.

    - budget headroom: the monthly budget less the upgraded offer's current bill (P38);
      when that bill is not known, the whole budget, which the headroom cannot exceed;
    - a complete alternative: the cheapest other offer that provides every must-have, its
      whole bill with any one-time fee spread over the months, less the current bill (P46,
      P48).  An alternative counts only when it is known to give what the upgrade brings:
      what it adds, yes (it has every must-have), a pain it fixes, no (offers do not state
      what pains they cure), except a missing capability that a needed addition provides;
    - building it: the in-house estimate spread over the horizon (do the math: P36).
    The comparison with the price is a whole-dollar difference, for the rules to test.
    """
    bases: dict[str, float] = {}
    months = _horizon(profile)[0]
    current = _current_bill(out, profile, target) if target is not None else None
    budget = profile.company.monthly_budget_usd
    if budget is not None:
        if current is not None:
            bases["budget_headroom"] = max(0.0, budget - current)
        else:
            bases["budget"] = budget
    needed_adds = _added_keys(profile.upgrade) & set(required_keys(profile) or [])
    uncured_pain = set(profile.upgrade.fixes_pain_points or []) & set(profile.needs.pain_points or []) \
        - ({PainPoint.missing_capability} if needed_adds else set())
    alternatives = [_whole_monthly(v, offer, months) for offer in profile.offers
                    for v in [out.offers[offer.name]] if target is not None and offer.name != target.name
                    and _complete(v)]
    if current is not None and alternatives and not uncured_pain:
        bases["cheapest_complete_alternative"] = max(0.0, min(alternatives) - current)
    build = next((o.get("offer.derived.build_total_usd") for o in out.offers.values()
                  if "offer.derived.build_total_usd" in o), None)
    if build is not None:
        bases["build_in_house"] = build / months
    if bases:
        worth = min(bases.values())
        _record_company(out, "upgrade.derived.worth_up_to_usd", worth, "USD/month",
                        "the lowest of: " + "; ".join(_BASES_EN[k] for k in bases),
                        "以下各项中的最低值：" + "；".join(_BASES_ZH[k] for k in bases),
                        {k: _round(v) for k, v in bases.items()})
        _cost_over(out, cost, worth, "upgrade.derived.cost_over_worth_usd", "the worth bound", "价值上限")
    maintenance = target.prices.yearly_maintenance_usd if target is not None and target.prices is not None else None
    if maintenance is not None:
        _record_company(out, "upgrade.derived.update_worth_up_to_usd", maintenance / 12, "USD/month",
                        "the upgraded offer's yearly maintenance fee / 12 (what pays for its updates)",
                        "升级所属方案的年维护费 / 12（更新本来就由它支付）", {"yearly_maintenance_usd": maintenance})
        _cost_over(out, cost, maintenance / 12, "upgrade.derived.cost_over_update_worth_usd", "the maintenance fee per month",
                   "每月维护费")


def _cost_over(out: Derivation, cost: Optional[float], bound: float, path: str, what_en: str, what_zh: str) -> None:
    """The upgrade's monthly cost less a bound, in whole dollars: quotes round a yearly fee
    / 12 (5,000 / 12 = 416.67 is quoted as 417), so cents must not tip the comparison."""
    if cost is None:
        return
    _record_company(out, path, round(cost) - round(bound), "USD/month",
                    f"the upgrade's monthly cost - {what_en}, each rounded to whole dollars",
                    f"升级的月均成本 - {what_zh}，各自取整到美元", {"monthly_cost_usd": _round(cost), "bound_usd": _round(bound)})


def _best_value_counts(out: Derivation, profile: Profile) -> None:
    """For each offer, how many other complete offers there are and how many cost less per
    month (a one-time fee spread over the months: the whole cost path, not the headline).
    Complete: every must-have included or sold at a known price, and a known bill."""
    months = _horizon(profile)[0]
    complete = {offer.name: _whole_monthly(out.offers[offer.name], offer, months) for offer in profile.offers
                if _complete(out.offers[offer.name])}
    for offer in profile.offers:
        values = out.offers[offer.name]
        rivals = [cost for name, cost in complete.items() if name != offer.name]
        values["offer.derived.complete_rival_count"] = len(rivals)
        if offer.name in complete:
            values["offer.derived.cheaper_complete_rival_count"] = sum(1 for c in rivals if c < complete[offer.name])


def derive(profile: Profile, offers: Optional[dict] = None) -> Derivation:
    """Compute every derived field whose inputs are known.  ``offers``: the offers' values
    of a derivation of a profile that differs from this one only inside its upgrade (not
    in whether there is one, nor in the offer it names): no offer's value reads those, so
    they are taken as they are (the why-not search's trials; their figures are not kept)."""
    out = Derivation()
    out.profile["derived.offer_count"] = len(profile.offers)
    out.profile["derived.required_addon_count"] = sum(1 for a in profile.needs.custom_addons or () if a.required)
    upgrade = profile.upgrade
    target = next((o for o in profile.offers if upgrade and o.name == upgrade.offer), None)
    if upgrade is not None:
        _upgrade_counts(out, profile, target)
    required = required_keys(profile)  # the same for every offer
    for offer in profile.offers if offers is None else ():
        sums = _OfferArithmetic(profile, offer, out)
        must = _must_haves(offer, required)
        sums.values.update(must.counts)
        if upgrade is not None and upgrade.offer is not None:
            sums.values["offer.derived.is_upgrade_target"] = offer.name == upgrade.offer
        sums.paywalled(must)
        sums.monthly_estimate(must)
        sums.peak_versus_payg()
        sums.build_versus_buy()
        sums.headroom()
        out.offers[offer.name] = {k: v for k, v in sums.values.items() if not (isinstance(v, float) and not math.isfinite(v))}
    if offers is None:
        _best_value_counts(out, profile)
    else:
        out.offers = {name: dict(values) for name, values in offers.items()}
    if upgrade is not None:
        _upgrade_worth(out, profile, target, _upgrade_cost(out, profile))
    return out
