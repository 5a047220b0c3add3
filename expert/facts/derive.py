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

from expert.facts.vocabulary import Availability, Offer, OfferCapability, PainPoint, PricingModel, Profile

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
    """``round(value, 2)``; a whole float is its own rounding, and most figures are whole
    dollars, so those skip the decimal conversion ``round`` makes (about ten times the cost)."""
    if type(value) is float and value.is_integer():
        return value
    return round(value, 2)


ADDON_PREFIX = "addon:"  # custom add-ons share the capabilities' key space under this prefix


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
    """What an offer lists, capabilities and custom add-ons, by key (a ``Capability``, or
    ``addon:<name>``): its own ``OfferCapability`` and ``OfferAddon`` items, each with its
    availability and monthly price; None when it lists nothing."""
    if offer.capabilities is None and offer.custom_addons is None:
        return None
    items: dict = {i.capability: i for i in offer.capabilities or ()}
    for addon in offer.custom_addons or ():
        items[ADDON_PREFIX + addon.name] = addon
    return items


def _label(item: object) -> str:
    """An offer item's name as figures show it: the capability's value, or the add-on's name."""
    return item.capability._value_ if type(item) is OfferCapability else item.name  # _value_: .value, without the descriptor


_PAID, _INCLUDED, _UNAVAILABLE = Availability.paid, Availability.included, Availability.unavailable
_NUMBER = (int, float)
_new, _set = object.__new__, object.__setattr__


def _figure(path: str, value: float, unit: str, en: str, zh: str, inputs: dict) -> Figure:
    """``Figure(path, value, ...)`` without the frozen dataclass's ``__init__`` (an
    ``object.__setattr__`` per field): the same object at about half the cost, and every
    derivation makes a dozen or more."""
    figure = _new(Figure)
    _set(figure, "__dict__", {"path": path, "value": value, "unit": unit, "formula_en": en, "formula_zh": zh,
                              "inputs": inputs})
    return figure


# The offers' derived fields, by name (their formulas: knowledge/formulas.yaml and below).
_PAYWALLED_COUNT = "offer.derived.paywalled_must_have_count"
_UNKNOWN_PRICE_COUNT = "offer.derived.paywalled_unknown_price_count"
_UNAVAILABLE_COUNT = "offer.derived.unavailable_must_have_count"
_UNLISTED_COUNT = "offer.derived.unlisted_must_have_count"
_IS_TARGET = "offer.derived.is_upgrade_target"
_PAYWALLED_USD = "offer.derived.paywalled_must_have_monthly_usd"
_ESTIMATE = "offer.derived.estimated_monthly_usd"
_OVER_BUDGET = "offer.derived.over_budget_usd"
_PAYG = "offer.derived.payg_monthly_usd"
_FIXED_FOR_PEAK = "offer.derived.fixed_for_peak_monthly_usd"
_BUILD = "offer.derived.build_total_usd"
_BUY = "offer.derived.buy_total_usd"
_BUY_SAVING = "offer.derived.buy_saving_usd"
_HEADROOM = "offer.derived.event_headroom_ratio"
_RIVALS = "offer.derived.complete_rival_count"
_CHEAPER_RIVALS = "offer.derived.cheaper_complete_rival_count"

_ESTIMATE_EN = ("monthly fee + max(0, monthly minutes - included minutes) x price per 1,000 minutes / 1,000"
                " + MAU x price per MAU + paid must-have extras + yearly maintenance / 12")
_ESTIMATE_ZH = ("月费 + max（0，月分钟数 - 套餐内分钟数） × 每千分钟单价 / 1000 + 月活 × 每月活单价"
                " + 必需的付费附加项 + 年维护费 / 12")
_PAYG_EN = "pay-as-you-go: average monthly minutes x price per 1,000 minutes / 1,000"
_PAYG_ZH = "按量付费：月均分钟数 × 每千分钟单价 / 1000"
_PEAK_EN = ("fixed plan sized for the peak: average monthly minutes x peak-to-average ratio x price per 1,000 minutes"
            " / 1,000 (capacity paid for every month, used only at the peak)")
_PEAK_ZH = "按峰值购买的固定套餐：月均分钟数 × 峰均比 × 每千分钟单价 / 1000（容量每月都付费，只在高峰用满）"


class _Shared:
    """What every offer's sums read from the rest of the profile, read once per derivation
    (the usage billed, the budget, the months costs are spread over, the in-house build)."""

    __slots__ = ("minutes", "mau", "ratio", "event", "budget", "months", "horizon", "horizon_zh", "estimate",
                 "running", "build", "build_en", "build_zh")

    def __init__(self, profile: Profile) -> None:
        usage = profile.needs.usage
        self.minutes = usage.monthly_minutes if usage is not None else None
        self.mau = usage.mau if usage is not None else None
        self.ratio = usage.peak_to_average_ratio if usage is not None else None
        self.event = usage.largest_event_participants if usage is not None else None
        self.budget = profile.company.monthly_budget_usd
        self.months, self.horizon, self.horizon_zh = _horizon(profile)
        estimate = self.estimate = profile.company.in_house_estimate
        if estimate is not None:  # the same build for every offer
            running = self.running = estimate.monthly_running_cost_usd or 0.0
            self.build = estimate.engineer_months * estimate.monthly_cost_per_engineer_usd + running * self.months
            self.build_en = (f"build in-house over {self.horizon}: engineer-months x monthly cost per engineer"
                             " + monthly running cost x months")
            self.build_zh = f"自建 {self.horizon_zh}：人月 × 每人月成本 + 每月运行成本 × 月数"


def _offer_values(offer: Offer, listed: Optional[dict], required: Optional[list], shared: _Shared,
                  upgrade_offer: Optional[str], figures: dict) -> dict:
    """One offer's derived values, each sum also recorded as a Figure in ``figures`` when
    its inputs are all known: how it treats the must-haves (counts, the paid ones' sum),
    its monthly bill, pay-as-you-go against a plan sized for the peak, buying against
    building, and the headroom for the largest event."""
    name = offer.name
    paywalled, unpriced = [], []  # paywalled: the paid must-haves; unpriced: those without a published price
    if required is not None and listed is not None:
        unavailable = unlisted = 0
        for key in required:
            item = listed.get(key)
            if item is None:
                unlisted += 1
            elif item.availability is _PAID:
                paywalled.append(item)
                if not isinstance(item.monthly_price_usd, _NUMBER):
                    unpriced.append(item)
            elif item.availability is _UNAVAILABLE:
                unavailable += 1
        values = {_PAYWALLED_COUNT: len(paywalled), _UNKNOWN_PRICE_COUNT: len(unpriced),
                  _UNAVAILABLE_COUNT: unavailable, _UNLISTED_COUNT: unlisted}
    else:
        values = {}
    if upgrade_offer is not None:
        values[_IS_TARGET] = name == upgrade_offer
    paywalled_sum = _paywalled_sum(name, paywalled, unpriced, values, figures)
    monthly = None if unpriced else _monthly_estimate(offer, paywalled_sum, shared, values, figures)
    _peak_versus_payg(offer, shared, values, figures)
    if shared.estimate is not None:
        _build_versus_buy(offer, monthly, unpriced, shared, values, figures)
    event, capacity = shared.event, offer.max_concurrent_participants
    if event and capacity is not None:
        values[_HEADROOM] = _round(capacity / event)
    if not math.isfinite(sum(values.values())):  # a value is inf or NaN (or the total overflows): leave those out
        values = {k: v for k, v in values.items() if not (isinstance(v, float) and not math.isfinite(v))}
    return values


def _paywalled_sum(name: str, paywalled: list, unpriced: list, values: dict, figures: dict) -> Optional[float]:
    """The paid must-haves' published monthly prices, summed (None when none is paid)."""
    if not paywalled:
        return None
    priced = {_label(i): i.monthly_price_usd for i in paywalled if isinstance(i.monthly_price_usd, _NUMBER)}
    unknown = [_label(i) for i in unpriced]
    total = values[_PAYWALLED_USD] = _round(sum(priced.values()))
    inputs = {f"price.{k}": v for k, v in priced.items()}
    en = "sum of the monthly prices of required capabilities this offer sells as paid extras"
    zh = "本方案作为付费附加项出售的必需能力的月价之和"
    if unknown:
        inputs["unpriced"] = unknown
        en += f"; {len(unknown)} more {'has' if len(unknown) == 1 else 'have'} no published price (listed below)"
        zh += f"；另有 {len(unknown)} 项未公布价格（见下）"
    figures[(name, _PAYWALLED_USD)] = _figure(_PAYWALLED_USD, total, "USD/month", en, zh, inputs)
    return total


_UNKNOWN_BILL = object()  # _monthly_estimate's answer when a price component cannot be costed


def _monthly_estimate(offer: Offer, paywalled_sum: Optional[float], shared: _Shared, values: dict,
                      figures: dict) -> object:
    """The offer's estimated monthly bill, unrounded (None when it has no price at all;
    ``_UNKNOWN_BILL`` when a usage price's usage is not stated); over budget by how much."""
    prices = offer.prices
    parts: dict = {}
    if prices is not None:
        if prices.monthly_fee_usd is not None:
            parts["monthly_fee_usd"] = prices.monthly_fee_usd
        if prices.per_1000_minutes_usd is not None:
            if shared.minutes is None:
                return _UNKNOWN_BILL
            billable = max(0.0, shared.minutes - (prices.included_minutes or 0))
            parts["minutes_part_usd"] = billable * prices.per_1000_minutes_usd / 1000
        if prices.per_mau_usd is not None:
            if shared.mau is None:
                return _UNKNOWN_BILL
            parts["mau_part_usd"] = shared.mau * prices.per_mau_usd
    if paywalled_sum:
        parts["paywalled_must_haves_usd"] = paywalled_sum
    if prices is not None and prices.yearly_maintenance_usd is not None:
        parts["maintenance_per_month_usd"] = prices.yearly_maintenance_usd / 12
    if not parts:
        return None
    monthly = sum(parts.values())
    value = values[_ESTIMATE] = _round(monthly)
    figures[(offer.name, _ESTIMATE)] = _figure(_ESTIMATE, value, "USD/month", _ESTIMATE_EN, _ESTIMATE_ZH,
                                               {k: _round(v) for k, v in parts.items()})
    if shared.budget is not None:
        values[_OVER_BUDGET] = _round(monthly - shared.budget)
    return monthly


def _peak_versus_payg(offer: Offer, shared: _Shared, values: dict, figures: dict) -> None:
    """Only for pure per-minute pricing: with a fee or bundled minutes the unit price is an overage rate."""
    prices = offer.prices
    unit_price = prices.per_1000_minutes_usd if prices is not None else None
    minutes = shared.minutes
    if unit_price is None or minutes is None or prices.monthly_fee_usd or prices.included_minutes:
        return
    payg = minutes * unit_price / 1000
    inputs = {"monthly_minutes": minutes, "per_1000_minutes_usd": unit_price}
    value = values[_PAYG] = _round(payg)
    figures[(offer.name, _PAYG)] = _figure(_PAYG, value, "USD/month", _PAYG_EN, _PAYG_ZH, inputs)
    if shared.ratio is None:
        return  # the peak is not stated: no fixed plan can be sized for it
    inputs = {**inputs, "peak_to_average_ratio": shared.ratio}
    value = values[_FIXED_FOR_PEAK] = _round(payg * shared.ratio)
    figures[(offer.name, _FIXED_FOR_PEAK)] = _figure(_FIXED_FOR_PEAK, value, "USD/month", _PEAK_EN, _PEAK_ZH, inputs)


def _build_versus_buy(offer: Offer, monthly: object, unpriced: list, shared: _Shared, values: dict,
                      figures: dict) -> None:
    """Building in-house over the months against buying this offer over them (an in-house estimate is stated)."""
    name, months, estimate, build = offer.name, shared.months, shared.estimate, shared.build
    value = values[_BUILD] = _round(build)
    figures[(name, _BUILD)] = _figure(_BUILD, value, "USD", shared.build_en,
                                      shared.build_zh, {"engineer_months": estimate.engineer_months,
                                                        "monthly_cost_per_engineer_usd": estimate.monthly_cost_per_engineer_usd,
                                                        "monthly_running_cost_usd": shared.running, "months": months})
    prices = offer.prices
    one_time = prices.one_time_fee_usd if prices is not None else None
    if monthly is None or monthly is _UNKNOWN_BILL:
        if one_time is None or unpriced or monthly is _UNKNOWN_BILL or offer.pricing_model is not PricingModel.buyout:
            return  # an unknown recurring bill is not a zero one: only a pure buyout has none
        buy = one_time
        buy_en, buy_zh = "one-time fee (a pure buyout: no recurring bill)", "一次性费用（纯买断：无持续费用）"
        inputs = {"one_time_fee_usd": one_time, "months": months}
    else:  # the monthly estimate already holds maintenance / 12
        buy = monthly * months + (one_time or 0.0)
        buy_en, buy_zh = "estimated monthly bill x months + one-time fee", "预估月账单 × 月数 + 一次性费用"
        inputs = {"estimated_monthly_usd": _round(monthly), "one_time_fee_usd": one_time or 0.0, "months": months}
    value = values[_BUY] = _round(buy)
    figures[(name, _BUY)] = _figure(_BUY, value, "USD", f"buy over {shared.horizon}: {buy_en}",
                                    f"采购 {shared.horizon_zh}：{buy_zh}", inputs)
    values[_BUY_SAVING] = _round(build - buy)  # above 0: buying costs less


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
    _count_upgrade(out, profile, _included(target), _added_keys(profile.upgrade), required_keys(profile))


def _count_upgrade(out: Derivation, profile: Profile, included: set, added: set, required: Optional[list]) -> None:
    """``_upgrade_counts`` from what ``derive`` has worked out already: the target offer's
    included keys, the upgrade's added keys, the must-haves (``required_keys``)."""
    upgrade, needs = profile.upgrade, profile.needs
    new = added - included  # paying again for what you have buys nothing
    if needs.capabilities is None:  # required custom add-ons are known even when capabilities are not
        required = [ADDON_PREFIX + a.name for a in needs.custom_addons or () if a.required]
    out.profile.update({  # formulas: knowledge/formulas.yaml
        "upgrade.derived.added_addon_count": len(upgrade.adds_custom_addons or ()),
        "upgrade.derived.new_addition_count": len(new),
        "upgrade.derived.new_capability_count": len(set(upgrade.adds_capabilities or ()) - included),
        "upgrade.derived.needed_addition_count": len(new.intersection(required)),
        "upgrade.derived.needed_fix_count": len(set(upgrade.fixes_pain_points or ()).intersection(needs.pain_points or ())),
    })


def _included(offer: Optional[Offer], listed: object = None) -> set:
    """What an offer includes at no extra charge, capabilities and custom add-ons (none for no
    offer); ``listed``: its items (``offer_items``) when already worked out."""
    if offer is None:
        return set()
    if listed is None:
        listed = offer_items(offer)
    return {key for key, item in listed.items() if item.availability is _INCLUDED} if listed else set()


def _added_keys(upgrade) -> set:
    return set(upgrade.adds_capabilities or []) | {ADDON_PREFIX + n for n in upgrade.adds_custom_addons or ()}


def _complete(values: dict) -> bool:
    """An offer that provides every must-have (included or at a known price) with a known bill."""
    return _ESTIMATE in values and values.get(_UNAVAILABLE_COUNT) == 0 and values.get(_UNLISTED_COUNT) == 0


def _record_company(out: Derivation, path: str, value: float, unit: str, en: str, zh: str, inputs: dict) -> None:
    value = out.profile[path] = _round(value)
    out.figures[("company", path)] = _figure(path, value, unit, en, zh, inputs)


def _upgrade_cost(out: Derivation, profile: Profile, shared: _Shared) -> Optional[float]:
    """The upgrade's monthly equivalent: monthly price + one-time price spread over the horizon."""
    upgrade = profile.upgrade
    if upgrade.monthly_price_usd is None and upgrade.one_time_price_usd is None:
        return None  # no price stated: the cost is unknown, not zero
    months = shared.months
    monthly, one_time = upgrade.monthly_price_usd or 0.0, upgrade.one_time_price_usd or 0.0
    cost = monthly + one_time / months
    _record_company(out, "upgrade.derived.monthly_cost_usd", cost, "USD/month",
                    f"monthly price + one-time price / {shared.horizon}", f"月费 + 一次性费用 / {shared.horizon_zh}",
                    {"monthly_price_usd": monthly, "one_time_price_usd": one_time, "months": months})
    return cost


def _current_bill(out: Derivation, profile: Profile, target: Offer, listed: Optional[dict], required: set,
                  added: set) -> Optional[float]:
    """What the company pays per month for the upgraded offer without the upgrade: its
    estimated bill less what the upgrade's price stands for, the paid items the upgrade
    brings and, when the upgrade is billed through the maintenance fee, that fee (otherwise
    both would be counted twice).  One-time fees already paid are sunk and not in it.
    ``listed``: the target's items; ``required``, ``added``: the must-haves' and the upgrade's keys."""
    estimate = out.offers.get(target.name, {}).get(_ESTIMATE)
    if estimate is None:
        return None
    brought = sum(item.monthly_price_usd for key, item in (listed or {}).items()
                  if key in added and key in required and item.availability is _PAID
                  and isinstance(item.monthly_price_usd, _NUMBER))
    maintenance = target.prices.yearly_maintenance_usd if target.prices is not None else None
    if profile.upgrade.billed_through_maintenance and maintenance is not None:
        brought += maintenance / 12
    return max(0.0, estimate - brought)


def _whole_monthly(values: dict, offer: Offer, months: int) -> float:
    """An offer taken up anew, per month: its estimated bill plus its one-time fee over the months."""
    one_time = offer.prices.one_time_fee_usd if offer.prices is not None else None
    return values[_ESTIMATE] + (one_time or 0.0) / months


def _complete_costs(out: Derivation, profile: Profile, months: int) -> dict:
    """Offer name -> its whole monthly cost (``_whole_monthly``), for each complete offer, in the offers' order."""
    offers = out.offers
    return {offer.name: _whole_monthly(values, offer, months) for offer in profile.offers
            if _complete(values := offers[offer.name])}


_BASES_EN = {"budget_headroom": "budget headroom (budget - current bill)",
             "budget": "the whole budget (the current bill is not known)",
             "cheapest_complete_alternative": "cheapest complete alternative (its bill + one-time fee / months - current bill)",
             "build_in_house": "building it (build total / months)"}
_BASES_ZH = {"budget_headroom": "预算余量（预算 - 当前账单）", "budget": "整个预算（当前账单未知）",
             "cheapest_complete_alternative": "最便宜的完整替代方案（其账单 + 一次性费用 / 月数 - 当前账单）",
             "build_in_house": "自建（自建总成本 / 月数）"}


def _upgrade_worth(out: Derivation, profile: Profile, target: Optional[Offer], cost: Optional[float], shared: _Shared,
                   listed: Optional[dict], required: set, added: set, complete: dict) -> None:
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
    ``listed``: the target's items; ``required``, ``added``: the must-haves' and the upgrade's
    keys; ``complete``: ``_complete_costs``.
    """
    bases: dict[str, float] = {}
    months = shared.months
    current = _current_bill(out, profile, target, listed, required, added) if target is not None else None
    budget = shared.budget
    if budget is not None:
        if current is not None:
            bases["budget_headroom"] = max(0.0, budget - current)
        else:
            bases["budget"] = budget
    uncured_pain = set(profile.upgrade.fixes_pain_points or []) & set(profile.needs.pain_points or []) \
        - ({PainPoint.missing_capability} if added & required else set())
    if current is not None and not uncured_pain:
        alternatives = [whole for name, whole in complete.items() if name != target.name]
        if alternatives:
            bases["cheapest_complete_alternative"] = max(0.0, min(alternatives) - current)
    build = next((o.get(_BUILD) for o in out.offers.values() if _BUILD in o), None)
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


def _best_value_counts(out: Derivation, profile: Profile, complete: dict) -> None:
    """For each offer, how many other complete offers there are and how many cost less per
    month (a one-time fee spread over the months: the whole cost path, not the headline).
    Complete: every must-have included or sold at a known price, and a known bill
    (``complete``: ``_complete_costs``)."""
    costs = complete.values()
    for offer in profile.offers:
        values = out.offers[offer.name]
        mine = complete.get(offer.name)
        values[_RIVALS] = len(complete) - (mine is not None)
        if mine is not None:  # its own cost is not below itself: no need to leave it out
            values[_CHEAPER_RIVALS] = sum(1 for c in costs if c < mine)


def derive(profile: Profile, offers: Optional[dict] = None) -> Derivation:
    """Compute every derived field whose inputs are known.  ``offers``: the offers' values
    of a derivation of a profile that differs from this one only inside its upgrade (not
    in whether there is one, nor in the offer it names): no offer's value reads those, so
    they are taken as they are (the why-not search's trials; their figures are not kept)."""
    out = Derivation()
    needs, upgrade = profile.needs, profile.upgrade
    out.profile["derived.offer_count"] = len(profile.offers)
    addons = needs.custom_addons
    out.profile["derived.required_addon_count"] = sum(1 for a in addons if a.required) if addons else 0
    required = required_keys(profile)  # the same for every offer
    listed = {o.name: offer_items(o) for o in profile.offers} if offers is None else {}  # each offer's items, once
    if upgrade is not None:
        target = next((o for o in profile.offers if o.name == upgrade.offer), None)
        target_items = (listed[target.name] if offers is None else offer_items(target)) if target is not None else None
        added = _added_keys(upgrade)
        _count_upgrade(out, profile, _included(target, target_items), added, required)
    shared = _Shared(profile)
    if offers is None:
        upgrade_offer = upgrade.offer if upgrade is not None else None
        figures = out.figures
        for offer in profile.offers:
            out.offers[offer.name] = _offer_values(offer, listed[offer.name], required, shared, upgrade_offer, figures)
        complete = _complete_costs(out, profile, shared.months)
        _best_value_counts(out, profile, complete)
    else:
        out.offers = {name: dict(values) for name, values in offers.items()}
        complete = _complete_costs(out, profile, shared.months) if upgrade is not None else {}
    if upgrade is not None:
        _upgrade_worth(out, profile, target, _upgrade_cost(out, profile, shared), shared, target_items,
                       set(required or ()), added, complete)
    return out
