"""Turn a validated profile (plus its derived values) into the flat facts the engine sees.

One ``profile`` fact carries the company, its needs, the upgrade and profile-level derived
values; one ``offer`` fact per offer carries that offer's fields and derived values.
Names are the catalogue's dotted paths with ``__`` for dots.  Only known values are
written: a missing key is how the engine (and the rules) see "not stated".  A list field
is written three ways: ``x`` (stated), ``x__items`` (the array) and ``x__<item>``
(true/false for every item of its domain), so each list operator has a cheap test.
"""

from __future__ import annotations

from functools import cache

from expert.facts.derive import Derivation
from expert.facts.fields import ENGINE_SEPARATOR, LIST_ENUM, field_catalogue
from expert.facts.vocabulary import Profile

PROFILE_FACT, OFFER_FACT, CONCLUSION_FACT, ABSENT_FACT = "profile", "offer", "conclusion", "absent"


def _flatten(data: dict, prefix: str, out: dict) -> None:
    """Flatten a model dump (JSON mode, None excluded) under ``prefix``."""
    catalogue = field_catalogue()
    out[prefix.replace(".", ENGINE_SEPARATOR)] = True  # the section is stated
    for name, value in data.items():
        path = f"{prefix}.{name}"
        if isinstance(value, dict):
            _flatten(value, path, out)
            continue
        spec = catalogue.get(path)
        if spec is None:
            continue
        key = spec.engine_name
        if spec.kind == LIST_ENUM:
            out[key] = True
            out[f"{key}{ENGINE_SEPARATOR}items"] = value
            chosen = set(value)
            for choice, item_key in _item_keys(spec.path):
                out[item_key] = choice in chosen
        else:
            out[key] = value


@cache
def _item_keys(path: str) -> tuple[tuple[str, str], ...]:
    spec = field_catalogue()[path]
    return tuple((choice, f"{spec.engine_name}{ENGINE_SEPARATOR}{choice}") for choice in spec.choices)


def _engine_values(values: dict) -> dict:
    return {path.replace(".", ENGINE_SEPARATOR): value for path, value in values.items()}


def profile_fact(profile: Profile, derivation: Derivation) -> dict:
    fact: dict = {"t": PROFILE_FACT}
    data = profile.model_dump(mode="json", exclude_none=True, include={"company", "needs", "upgrade"})
    for section in ("company", "needs", "upgrade"):
        if section in data:
            _flatten(data[section], section, fact)
    fact.update(_engine_values(derivation.profile))
    return fact


def offer_facts(profile: Profile, derivation: Derivation) -> list[dict]:
    facts = []
    for offer in profile.offers:
        fact: dict = {"t": OFFER_FACT}
        data = offer.model_dump(mode="json", exclude_none=True)
        capabilities = data.pop("capabilities", None)
        _flatten(data, "offer", fact)
        if capabilities is not None:
            fact["offer__capabilities"] = True
            for item in capabilities:
                fact[f"offer__capabilities__{item['capability']}"] = item["availability"]
        fact.update(_engine_values(derivation.offers[offer.name]))
        facts.append(fact)
    return facts


def input_facts(profile: Profile, derivation: Derivation) -> list[dict]:
    """All input facts of one consultation, in a stable order."""
    return [profile_fact(profile, derivation), *offer_facts(profile, derivation)]
