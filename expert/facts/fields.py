"""The catalogue of fields a rule may test, derived from the pydantic vocabulary.

Rules name facts by dotted paths (``company.stage``, ``offer.vendor.listed``,
``needs.capabilities``).  This module turns the vocabulary models into one flat table of
those paths with their kind (bool, enum, number, list of enum, text, section) and domain,
so that the knowledge loader can check every condition and the engine can flatten a
profile into facts with the same names.  Derived fields (computed in Python from two or
more input facts, see ``derive.py``) are declared here too, under ``derived``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache, cached_property, lru_cache
from typing import Optional

from pydantic import BaseModel

from expert.facts.vocabulary import Availability, Capability, Company, Needs, Offer, Upgrade

BOOL, ENUM, NUMBER, LIST_ENUM, TEXT, SECTION = "bool", "enum", "number", "list", "text", "section"

ENGINE_SEPARATOR = "__"


@dataclass(frozen=True)
class FieldSpec:
    """One testable path: its kind, its domain, and which fact carries it."""

    path: str
    kind: str
    choices: tuple[str, ...] = ()
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    unit: str = ""
    derived: bool = False
    integer: bool = False  # a whole number in the vocabulary (int, not float)
    # For derived fields: the input facts the value is computed from (see derive.py), as
    # paths; "offer.x" is the same offer's field, "offers.x" that field of every offer,
    # "target.x" the field of the offer the upgrade belongs to.
    inputs: tuple[str, ...] = ()
    # Inputs without which the value is never computed ("path"; "path=a|b" for "stated and
    # one of these values"; "path|path" for "one of these stated"): once one is settled
    # otherwise, the value is settled unknown.
    requires: tuple[str, ...] = ()

    @property
    def fact(self) -> str:
        """'offer' for per-offer fields, 'profile' for everything else."""
        return "offer" if self.path.startswith("offer.") else "profile"

    @cached_property
    def engine_name(self) -> str:
        return self.path.replace(".", ENGINE_SEPARATOR)


_UNIONS = (typing.Union, getattr(types, "UnionType", typing.Union))  # X | Y exists from Python 3.10


def _unwrap(annotation: object) -> tuple[object, list]:
    """Strip Optional/Annotated; return the bare type and the metadata found on the way."""
    metadata: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin in _UNIONS:
            # Optional[X] -> X; Union[Money, Literal["unknown"]] -> a number that may be "unknown"
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation, metadata


def _bounds(metadata: list) -> tuple[Optional[float], Optional[float]]:
    low = high = None
    for item in metadata:
        for meta in getattr(item, "metadata", [item]):
            low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
            low = getattr(meta, "gt", None) if getattr(meta, "gt", None) is not None else low
            high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    return low, high


def _walk(model: type[BaseModel], prefix: str) -> list[FieldSpec]:
    specs = [FieldSpec(prefix, SECTION)]
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}"
        bare, metadata = _unwrap(info.annotation)
        metadata.extend(info.metadata)
        if isinstance(bare, type) and issubclass(bare, BaseModel):
            specs.extend(_walk(bare, path))
        elif bare is bool:
            specs.append(FieldSpec(path, BOOL))
        elif isinstance(bare, type) and issubclass(bare, Enum):
            specs.append(FieldSpec(path, ENUM, tuple(m.value for m in bare)))
        elif bare in (int, float):
            low, high = _bounds(metadata)
            specs.append(FieldSpec(path, NUMBER, minimum=low, maximum=high, integer=bare is int))
        elif typing.get_origin(bare) is list:
            (item,) = typing.get_args(bare)
            item, _ = _unwrap(item)
            if isinstance(item, type) and issubclass(item, Enum):
                specs.append(FieldSpec(path, LIST_ENUM, tuple(m.value for m in item)))
            # lists of models (offer.capabilities) are flattened by hand below
        else:
            specs.append(FieldSpec(path, TEXT))
    return specs



# Fields computed by derive.py from several input facts; see its docstrings for formulas.
_PRICES = tuple(f"offer.prices.{p}" for p in ("monthly_fee_usd", "included_minutes", "per_1000_minutes_usd",
                                                "per_mau_usd", "one_time_fee_usd", "yearly_maintenance_usd"))
_MUST_HAVES = ("needs.capabilities", "offer.capabilities")
_BILL = (*_MUST_HAVES, *_PRICES, "needs.usage.monthly_minutes", "needs.usage.mau")
_BUILD = ("company.in_house_estimate", "needs.contract_months")
_PEAK = ("offer.prices.per_1000_minutes_usd", "needs.usage.monthly_minutes", "needs.usage.peak_to_average_ratio")


def _derived(path: str, kind: str, inputs: tuple[str, ...], choices: tuple[str, ...] = (),
             requires: tuple[str, ...] = (), **bounds) -> FieldSpec:
    return FieldSpec(path, kind, choices, derived=True, inputs=inputs, requires=requires, **bounds)


_NEW_INPUTS = ("upgrade", "upgrade.adds_capabilities", "upgrade.offer", "target.capabilities")
_RELEVANCE_INPUTS = (*_NEW_INPUTS, "upgrade.fixes_pain_points", "needs.capabilities", "needs.pain_points")
_UPGRADE_PRICE = ("upgrade", "upgrade.monthly_price_usd", "upgrade.one_time_price_usd")
_UPGRADE_COST = (*_UPGRADE_PRICE, "needs.contract_months")
_A_PRICE = "upgrade.monthly_price_usd|upgrade.one_time_price_usd"  # one of them: no price, no cost
_WORTH = (*_RELEVANCE_INPUTS, "company.monthly_budget_usd", *(p.replace("offer.", "target.") for p in _BILL[1:]),
          *(p.replace("offer.", "offers.") for p in _BILL[1:]), "offers.capabilities", *_BUILD)
_UPDATE_WORTH = ("upgrade", "upgrade.offer", "target.prices.yearly_maintenance_usd")
_COMPLETE = ("offers", "needs.capabilities", "offers.capabilities", "needs.usage.monthly_minutes", "needs.usage.mau",
             *(p.replace("offer.", "offers.") for p in _PRICES))


def _dedupe(paths: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(paths))


# Fields computed by derive.py from several input facts; see its docstrings for formulas.
DERIVED_FIELDS: tuple[FieldSpec, ...] = (
    _derived("derived.offer_count", NUMBER, ("offers",), minimum=0, maximum=20),
    # custom add-ons are volunteered with the needs, never asked: not stated counts as none
    _derived("derived.required_addon_count", NUMBER, (), minimum=0, maximum=20),
    # custom add-ons are volunteered, never asked: not stated counts as none
    _derived("upgrade.derived.added_addon_count", NUMBER, (), requires=("upgrade",), minimum=0, maximum=20),
    _derived("upgrade.derived.new_addition_count", NUMBER, _NEW_INPUTS, requires=("upgrade",), minimum=0),
    _derived("upgrade.derived.new_capability_count", NUMBER, _NEW_INPUTS, requires=("upgrade",), minimum=0),
    _derived("upgrade.derived.needed_addition_count", NUMBER, (*_NEW_INPUTS, "needs.capabilities"), requires=("upgrade",),
             minimum=0),
    _derived("upgrade.derived.needed_fix_count", NUMBER, ("upgrade", "upgrade.fixes_pain_points", "needs.pain_points"),
             requires=("upgrade",), minimum=0),
    _derived("upgrade.derived.monthly_cost_usd", NUMBER, _UPGRADE_COST, requires=("upgrade", _A_PRICE), minimum=0,
             unit="USD/month"),
    _derived("upgrade.derived.worth_up_to_usd", NUMBER, _dedupe(_WORTH), requires=("upgrade",), minimum=0,
             unit="USD/month"),
    _derived("upgrade.derived.cost_over_worth_usd", NUMBER, _dedupe((*_WORTH, *_UPGRADE_COST)),
             requires=("upgrade", _A_PRICE), unit="USD/month"),
    _derived("upgrade.derived.update_worth_up_to_usd", NUMBER, _UPDATE_WORTH, requires=("upgrade", "upgrade.offer"),
             minimum=0, unit="USD/month"),
    _derived("upgrade.derived.cost_over_update_worth_usd", NUMBER, _dedupe((*_UPDATE_WORTH, *_UPGRADE_COST)),
             requires=("upgrade", "upgrade.offer", _A_PRICE), unit="USD/month"),
    _derived("offer.derived.is_upgrade_target", BOOL, ("upgrade", "upgrade.offer"), requires=("upgrade", "upgrade.offer")),
    _derived("offer.derived.complete_rival_count", NUMBER, _COMPLETE, minimum=0),
    _derived("offer.derived.cheaper_complete_rival_count", NUMBER, _COMPLETE, minimum=0),
    _derived("offer.derived.paywalled_must_have_count", NUMBER, _MUST_HAVES, requires=_MUST_HAVES[:1], minimum=0),
    _derived("offer.derived.paywalled_unknown_price_count", NUMBER, _MUST_HAVES, requires=_MUST_HAVES[:1], minimum=0),
    _derived("offer.derived.paywalled_must_have_monthly_usd", NUMBER, _MUST_HAVES, requires=_MUST_HAVES[:1], minimum=0,
             unit="USD/month"),
    _derived("offer.derived.unavailable_must_have_count", NUMBER, _MUST_HAVES, requires=_MUST_HAVES[:1], minimum=0),
    _derived("offer.derived.unlisted_must_have_count", NUMBER, _MUST_HAVES, requires=_MUST_HAVES[:1], minimum=0),
    _derived("offer.derived.estimated_monthly_usd", NUMBER, _BILL, minimum=0, unit="USD/month"),
    _derived("offer.derived.over_budget_usd", NUMBER, (*_BILL, "company.monthly_budget_usd"),
             requires=("company.monthly_budget_usd",), unit="USD/month"),
    _derived("offer.derived.payg_monthly_usd", NUMBER, (*_PRICES[:3], _PEAK[1]), requires=_PEAK[:2], minimum=0,
             unit="USD/month"),
    _derived("offer.derived.fixed_for_peak_monthly_usd", NUMBER, (*_PRICES[:3], *_PEAK[1:]), requires=_PEAK, minimum=0,
             unit="USD/month"),
    _derived("offer.derived.build_total_usd", NUMBER, _BUILD, requires=_BUILD[:1], minimum=0, unit="USD"),
    _derived("offer.derived.buy_total_usd", NUMBER, (*_BILL, *_BUILD, "offer.pricing_model"), requires=_BUILD[:1],
             minimum=0, unit="USD"),
    _derived("offer.derived.buy_saving_usd", NUMBER, (*_BILL, *_BUILD, "offer.pricing_model"), requires=_BUILD[:1],
             unit="USD"),
    _derived("offer.derived.event_headroom_ratio", NUMBER, ("needs.usage.largest_event_participants",
                                                            "offer.max_concurrent_participants"),
             requires=("needs.usage.largest_event_participants", "offer.max_concurrent_participants"), minimum=0),
)


@lru_cache(maxsize=1)
def field_catalogue() -> dict[str, FieldSpec]:
    """Every path a rule may test, keyed by its dotted name."""
    specs: list[FieldSpec] = []
    specs += _walk(Company, "company")
    specs += _walk(Needs, "needs")
    specs += [s for s in _walk(Offer, "offer") if s.path != "offer.capabilities"]
    specs.append(FieldSpec("offer.capabilities", SECTION))
    availability = tuple(m.value for m in Availability)
    specs += [FieldSpec(f"offer.capabilities.{cap.value}", ENUM, availability) for cap in Capability]
    specs += _walk(Upgrade, "upgrade")
    specs += DERIVED_FIELDS
    return {spec.path: spec for spec in specs}


@cache
def section_fields(section: str) -> tuple[str, ...]:
    """The input fields inside a section (``needs.usage`` -> ``needs.usage.mau``, ...)."""
    return tuple(p for p, s in field_catalogue().items()
                 if p.startswith(f"{section}.") and s.kind != SECTION and not s.derived)
