"""Turn a validated profile (plus its derived values) into the flat facts the engine sees.

One ``profile`` fact carries the company, its needs, the upgrade and profile-level derived
values; one ``offer`` fact per offer carries that offer's fields and derived values.
Names are the catalogue's dotted paths with ``__`` for dots.  Only known values are
written: a missing key is how the engine (and the rules) see "not stated".
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from expert.derive import Derivation
from expert.fields import ENGINE_SEPARATOR, LIST_ENUM, field_catalogue
from expert.vocabulary import Profile

PROFILE_FACT, OFFER_FACT, CONCLUSION_FACT, ABSENT_FACT = "profile", "offer", "conclusion", "absent"


def _scalar(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def _flatten_model(model: BaseModel, prefix: str, out: dict) -> None:
    catalogue = field_catalogue()
    out[prefix.replace(".", ENGINE_SEPARATOR)] = True  # the section is stated
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}.{name}"
        spec = catalogue.get(path)
        if value is None or spec is None:
            continue
        if isinstance(value, BaseModel):
            _flatten_model(value, path, out)
        elif spec.kind == LIST_ENUM:
            key = spec.engine_name
            out[key] = True
            chosen = {_scalar(v) for v in value}
            for choice in spec.choices:
                out[f"{key}{ENGINE_SEPARATOR}{choice}"] = choice in chosen
        else:
            out[spec.engine_name] = _scalar(value)


def _engine_values(values: dict) -> dict:
    return {path.replace(".", ENGINE_SEPARATOR): value for path, value in values.items()}


def profile_fact(profile: Profile, derivation: Derivation) -> dict:
    fact: dict = {"t": PROFILE_FACT}
    _flatten_model(profile.company, "company", fact)
    _flatten_model(profile.needs, "needs", fact)
    if profile.upgrade is not None:
        _flatten_model(profile.upgrade, "upgrade", fact)
    fact.update(_engine_values(derivation.profile))
    return fact


def offer_facts(profile: Profile, derivation: Derivation) -> list[dict]:
    facts = []
    for offer in profile.offers:
        fact: dict = {"t": OFFER_FACT}
        _flatten_model(offer.model_copy(update={"capabilities": None}), "offer", fact)
        if offer.capabilities is not None:
            fact["offer__capabilities"] = True
            for item in offer.capabilities:
                fact[f"offer__capabilities__{item.capability.value}"] = item.availability.value
        fact.update(_engine_values(derivation.offers[offer.name]))
        facts.append(fact)
    return facts


def input_facts(profile: Profile, derivation: Derivation) -> list[dict]:
    """All input facts of one consultation, in a stable order."""
    return [profile_fact(profile, derivation), *offer_facts(profile, derivation)]
