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
from functools import cached_property, lru_cache
from typing import Optional

from pydantic import BaseModel

from expert.vocabulary import Availability, Capability, Company, Needs, Offer, Upgrade

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
            specs.append(FieldSpec(path, NUMBER, minimum=low, maximum=high))
        elif typing.get_origin(bare) is list:
            (item,) = typing.get_args(bare)
            item, _ = _unwrap(item)
            if isinstance(item, type) and issubclass(item, Enum):
                specs.append(FieldSpec(path, LIST_ENUM, tuple(m.value for m in item)))
            # lists of models (offer.capabilities) are flattened by hand below
        else:
            specs.append(FieldSpec(path, TEXT))
    return specs


_RELEVANCE = ("needed", "not_needed", "unknown_contents", "unknown_capabilities", "unknown_pain_points")

# Fields computed by derive.py from several input facts; see its docstrings for formulas.
DERIVED_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("derived.offer_count", NUMBER, minimum=0, maximum=20, derived=True),
    FieldSpec("upgrade.derived.relevance", ENUM, _RELEVANCE, derived=True),
    FieldSpec("upgrade.derived.covered_by_maintenance_subscription", BOOL, derived=True),
    FieldSpec("upgrade.derived.priced", BOOL, derived=True),
    FieldSpec("offer.derived.is_upgrade_target", BOOL, derived=True),
    FieldSpec("offer.derived.cheapest_complete_offer", BOOL, derived=True),
    FieldSpec("offer.derived.paywalled_must_have_count", NUMBER, minimum=0, derived=True),
    FieldSpec("offer.derived.paywalled_unknown_price_count", NUMBER, minimum=0, derived=True),
    FieldSpec("offer.derived.paywalled_must_have_monthly_usd", NUMBER, minimum=0, unit="USD/month", derived=True),
    FieldSpec("offer.derived.unavailable_must_have_count", NUMBER, minimum=0, derived=True),
    FieldSpec("offer.derived.unlisted_must_have_count", NUMBER, minimum=0, derived=True),
    FieldSpec("offer.derived.estimated_monthly_usd", NUMBER, minimum=0, unit="USD/month", derived=True),
    FieldSpec("offer.derived.exceeds_budget", BOOL, derived=True),
    FieldSpec("offer.derived.payg_monthly_usd", NUMBER, minimum=0, unit="USD/month", derived=True),
    FieldSpec("offer.derived.fixed_for_peak_monthly_usd", NUMBER, minimum=0, unit="USD/month", derived=True),
    FieldSpec("offer.derived.build_total_usd", NUMBER, minimum=0, unit="USD", derived=True),
    FieldSpec("offer.derived.buy_total_usd", NUMBER, minimum=0, unit="USD", derived=True),
    FieldSpec("offer.derived.buy_cheaper_than_build", BOOL, derived=True),
    FieldSpec("offer.derived.event_headroom_ratio", NUMBER, minimum=0, derived=True),
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
