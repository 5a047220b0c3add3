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
from typing import Optional

from expert.facts.derive import Derivation
from expert.facts.fields import ENGINE_SEPARATOR, LIST_ENUM, field_catalogue
from expert.facts.vocabulary import Profile

PROFILE_FACT, OFFER_FACT, CONCLUSION_FACT, ABSENT_FACT = "profile", "offer", "conclusion", "absent"


def _flatten(data: dict, prefix: str, out: dict) -> None:
    """Flatten a model dump (JSON mode, None excluded) under ``prefix``."""
    out[_section_key(prefix)] = True  # the section is stated
    for name, value in data.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}.{name}", out)
            continue
        plan = _field_plan(prefix, name)
        if plan is None:
            continue
        key, item_keys = plan
        if item_keys is None:
            out[key] = value
        else:
            out[key] = True
            out[f"{key}{ENGINE_SEPARATOR}items"] = list(value)  # a copy: the dump may be shared
            chosen = set(value)
            for choice, item_key in item_keys:
                out[item_key] = choice in chosen


@cache
def _section_key(prefix: str) -> str:
    return prefix.replace(".", ENGINE_SEPARATOR)


@cache
def _field_plan(prefix: str, name: str) -> Optional[tuple[str, Optional[tuple[tuple[str, str], ...]]]]:
    """How one field of a section is written: its engine key, and for a list its item keys;
    None for a field the catalogue does not know.  Worked out once per field (names come
    from the vocabulary's models, never from user data)."""
    spec = field_catalogue().get(f"{prefix}.{name}")
    if spec is None:
        return None
    return spec.engine_name, (_item_keys(spec.path) if spec.kind == LIST_ENUM else None)


@cache
def _item_keys(path: str) -> tuple[tuple[str, str], ...]:
    spec = field_catalogue()[path]
    return tuple((choice, f"{spec.engine_name}{ENGINE_SEPARATOR}{choice}") for choice in spec.choices)


def _engine_values(values: dict) -> dict:
    return {_section_key(path): value for path, value in values.items()}


def _dump(profile: Profile) -> dict:
    return profile.model_dump(mode="json", exclude_none=True)


def profile_fact(profile: Profile, derivation: Derivation, data: Optional[dict] = None) -> dict:
    """The ``profile`` fact; ``data`` is the profile's dump (JSON mode, None excluded) when
    the caller has it already (one dump serves flattening, questions and explanations)."""
    fact: dict = {"t": PROFILE_FACT}
    if data is None:
        data = _dump(profile)
    for section in ("company", "needs", "upgrade"):
        if section in data:
            _flatten(data[section], section, fact)
    fact.update(_engine_values(derivation.profile))
    return fact


def offer_facts(profile: Profile, derivation: Derivation, data: Optional[dict] = None) -> list[dict]:
    facts = []
    if data is None:
        data = _dump(profile)
    for offer in data.get("offers", ()):
        fact: dict = {"t": OFFER_FACT}
        capabilities = offer.get("capabilities")
        _flatten({k: v for k, v in offer.items() if k != "capabilities"}, "offer", fact)
        if capabilities is not None:
            fact["offer__capabilities"] = True
            for item in capabilities:
                fact[f"offer__capabilities__{item['capability']}"] = item["availability"]
        fact.update(_engine_values(derivation.offers[offer["name"]]))
        facts.append(fact)
    return facts


def input_facts(profile: Profile, derivation: Derivation, data: Optional[dict] = None) -> list[dict]:
    """All input facts of one consultation, in a stable order (``data``: as for ``profile_fact``)."""
    if data is None:
        data = _dump(profile)
    return [profile_fact(profile, derivation, data), *offer_facts(profile, derivation, data)]
