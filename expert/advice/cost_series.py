"""Each offer's cumulative cost over the contract, month by month: the numbers the HTML
page's chart draws.

Arithmetic only, on the figures ``expert.facts.derive`` already computes: an offer's
cumulative cost after ``m`` months is its one-time fee (paid at signing) plus ``m`` times
its estimated monthly bill (which holds a buyout's yearly maintenance / 12), so the last
point equals the ``buy_total_usd`` figure.  Pure per-minute offers add the article's
pay-as-you-go against fixed-for-peak comparison (the same bill with its minutes bought for
the peak; the minutes alone when the whole bill is unknown); an in-house estimate adds the
build line (engineer cost at the start: engineer-months are effort, not calendar months,
then the running cost each month), ending at ``build_total_usd``.  Nothing here ranks or
judges the lines: which offer to take is for the rules.  An offer whose bill is unknown
gets no bill line, only the reasons it is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from expert.facts.derive import DEFAULT_HORIZON_MONTHS, Derivation, derive
from expert.facts.vocabulary import Offer, PricingModel, Profile

BILL, BILL_AT_PEAK, BUILD = "bill", "bill_fixed_for_peak", "build"
PAYG_MINUTES, PEAK_MINUTES = "payg_minutes", "fixed_for_peak_minutes"  # an offer whose whole bill is unknown
# why a bill is unknown: its must-haves without a price; a per-unit price with the usage it
# multiplies not stated; no recurring price stated at all
UNPRICED, NO_MINUTES, NO_MAU, NO_PRICE = "unpriced_must_haves", "minutes_not_stated", "mau_not_stated", "no_price"


@dataclass(frozen=True)
class Series:
    """One line: ``one_time_usd`` at month 0, then ``monthly_usd`` more each month."""

    offer: str  # the offer's name as the user wrote it ("" for the in-house build)
    kind: str  # BILL, BILL_AT_PEAK, PAYG_MINUTES, PEAK_MINUTES or BUILD
    one_time_usd: float
    monthly_usd: float
    peak_ratio: Optional[float] = None  # for the fixed-for-peak lines: the peak-to-average ratio

    def at(self, month: int) -> float:
        """The cumulative cost after ``month`` months."""
        return self.one_time_usd + self.monthly_usd * month


@dataclass(frozen=True)
class Reason:
    code: str  # UNPRICED, NO_MINUTES, NO_MAU or NO_PRICE
    items: tuple[str, ...] = ()  # for UNPRICED: the must-haves without a price (capability values, add-on names)


@dataclass(frozen=True)
class UnknownCost:
    offer: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class CostSeries:
    months: int
    horizon_assumed: bool  # the contract length is not stated: DEFAULT_HORIZON_MONTHS is used
    series: tuple[Series, ...]
    unknown: tuple[UnknownCost, ...]

    @property
    def highest(self) -> float:
        """The largest cumulative cost any line reaches (at the horizon: no line falls)."""
        return max((s.at(self.months) for s in self.series), default=0.0)


def _figure_value(derivation: Derivation, offer: str, path: str) -> Optional[float]:
    figure = derivation.figures.get((offer, path))
    return figure.value if figure is not None else None


def _bill(offer: Offer, derivation: Derivation, profile: Profile) -> Optional[Series]:
    """The offer's whole bill, or None when it is not known (derive's rule: a buyout with
    no recurring price stated costs its one-time fee alone; any other offer needs a bill)."""
    one_time = offer.prices.one_time_fee_usd if offer.prices is not None else None
    monthly = _figure_value(derivation, offer.name, "offer.derived.estimated_monthly_usd")
    if monthly is not None:
        return Series(offer.name, BILL, one_time or 0.0, monthly)
    if one_time is not None and offer.pricing_model is PricingModel.buyout and not _missing(offer, derivation, profile):
        return Series(offer.name, BILL, one_time, 0.0)
    return None


def _missing(offer: Offer, derivation: Derivation, profile: Profile) -> list[Reason]:
    """What keeps the bill from being computed, every reason that applies (derive stops at the first)."""
    reasons = []
    paid = derivation.figures.get((offer.name, "offer.derived.paywalled_must_have_monthly_usd"))
    unpriced = paid.inputs.get("unpriced") if paid is not None else None
    if unpriced:
        reasons.append(Reason(UNPRICED, tuple(unpriced)))
    prices, usage = offer.prices, profile.needs.usage
    if prices is not None and prices.per_1000_minutes_usd is not None and (usage is None or usage.monthly_minutes is None):
        reasons.append(Reason(NO_MINUTES))
    if prices is not None and prices.per_mau_usd is not None and (usage is None or usage.mau is None):
        reasons.append(Reason(NO_MAU))
    return reasons


def _reasons(offer: Offer, derivation: Derivation, profile: Profile) -> tuple[Reason, ...]:
    """Why an offer has no bill line: what is missing, else no recurring price is stated."""
    return tuple(_missing(offer, derivation, profile)) or (Reason(NO_PRICE),)


def _minutes_pair(offer: Offer, derivation: Derivation, bill: Optional[Series]) -> list[Series]:
    """Pay-as-you-go against a fixed plan sized for the peak, where derive computed both
    (pure per-minute pricing, so the minutes are the bill's pay-as-you-go part): with a
    known bill, the bill again with its minutes bought for the peak; without one, the two
    minutes-only lines."""
    payg = _figure_value(derivation, offer.name, "offer.derived.payg_monthly_usd")
    peak = derivation.figures.get((offer.name, "offer.derived.fixed_for_peak_monthly_usd"))
    if payg is None or peak is None:
        return []
    ratio = peak.inputs.get("peak_to_average_ratio")
    if bill is not None:
        return [Series(offer.name, BILL_AT_PEAK, bill.one_time_usd, bill.monthly_usd - payg + peak.value, ratio)]
    return [Series(offer.name, PAYG_MINUTES, 0.0, payg), Series(offer.name, PEAK_MINUTES, 0.0, peak.value, ratio)]


def _build(profile: Profile) -> Optional[Series]:
    estimate = profile.company.in_house_estimate
    if estimate is None:
        return None
    return Series("", BUILD, estimate.engineer_months * estimate.monthly_cost_per_engineer_usd,
                  estimate.monthly_running_cost_usd or 0.0)


def cost_series(profile: Profile, derivation: Optional[Derivation] = None) -> CostSeries:
    """The lines to draw for ``profile`` (its derivation is computed when not given)."""
    derivation = derivation if derivation is not None else derive(profile)
    series: list[Series] = []
    unknown: list[UnknownCost] = []
    for offer in profile.offers:
        bill = _bill(offer, derivation, profile)
        if bill is not None:
            series.append(bill)
        else:
            unknown.append(UnknownCost(offer.name, _reasons(offer, derivation, profile)))
        series += _minutes_pair(offer, derivation, bill)
    build = _build(profile)
    if build is not None:
        series.append(build)
    months = profile.needs.contract_months or DEFAULT_HORIZON_MONTHS
    return CostSeries(months, profile.needs.contract_months is None, tuple(series), tuple(unknown))
