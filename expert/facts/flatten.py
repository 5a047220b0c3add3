"""Turn a validated profile (plus its derived values) into the flat facts the engine sees.

One ``profile`` fact carries the company, its needs, the upgrade and profile-level derived
values; one ``offer`` fact per offer carries that offer's fields and derived values.
Names are the catalogue's dotted paths with ``__`` for dots.  Only known values are
written: a missing key is how the engine (and the rules) see "not stated".  A list field
is written three ways: ``x`` (stated), ``x__items`` (the array) and ``x__<item>``
(true/false for every item of its domain), so each list operator has a cheap test.

Two readings give the same facts: from the profile's JSON dump (``data``, as a what-if
trial has it), or straight from the validated models (a consultation: no dump needed),
each field by a plan worked out once per model and section.
"""

from __future__ import annotations

from functools import cache
from typing import Optional

from pydantic import BaseModel

from expert.facts.derive import Derivation
from expert.facts.fields import ENGINE_SEPARATOR, ENUM, LIST_ENUM, SECTION, field_catalogue
from expert.facts.vocabulary import Capability, Profile

PROFILE_FACT, OFFER_FACT, CONCLUSION_FACT, ABSENT_FACT = "profile", "offer", "conclusion", "absent"
_ITEMS = f"{ENGINE_SEPARATOR}items"  # a list field's array, under its key plus this


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
            out[key + _ITEMS] = list(value)  # a copy: the dump may be shared
            _write_items(out, value, item_keys)


@cache
def _section_key(prefix: str) -> str:
    return prefix.replace(".", ENGINE_SEPARATOR)


@cache
def _field_plan(prefix: str, name: str) -> Optional[tuple[str, Optional[tuple[tuple[str, ...], tuple[str, ...]]]]]:
    """How one field of a section is written: its engine key, and for a list its item keys;
    None for a field the catalogue does not know.  Worked out once per field (names come
    from the vocabulary's models, never from user data)."""
    spec = field_catalogue().get(f"{prefix}.{name}")
    if spec is None:
        return None
    return spec.engine_name, (_item_keys(spec.path) if spec.kind == LIST_ENUM else None)


@cache
def _item_keys(path: str) -> tuple[dict, dict]:
    """A list field's item keys, one per item of its domain saying whether the list holds
    it: all of them false, in the domain's order, and each item's key."""
    spec = field_catalogue()[path]
    keys = {choice: f"{spec.engine_name}{ENGINE_SEPARATOR}{choice}" for choice in spec.choices}
    return dict.fromkeys(keys.values(), False), keys


def _write_items(out: dict, items: list, item_keys: tuple[dict, dict]) -> None:
    """Whether the list holds each item of its domain: all false, then true for each item
    held (keys keep the domain's order; one write per item held, not a test per item of
    the domain)."""
    absent, key_of = item_keys
    out.update(absent)
    for item in items:
        key = key_of.get(item)
        if key is not None:
            out[key] = True


_SUB, _VALUE, _MEMBER, _LIST = 0, 1, 2, 3  # how a model's field is written (see _model_plan)


@cache
def _model_plan(model: type[BaseModel], prefix: str, skip: Optional[str] = None) -> tuple[tuple, ...]:
    """(field, how, engine key or section prefix, item keys) for each field of ``model`` that a
    fact carries, in field order (the dump's): a nested model, a value, an enum member (its
    value), a list of enum members.  ``skip``: a field flattened by hand."""
    plan = []
    for name in model.model_fields:
        spec = field_catalogue().get(f"{prefix}.{name}")
        if name == skip:
            continue
        if spec is not None and spec.kind == SECTION:
            plan.append((name, _SUB, f"{prefix}.{name}", None))
        elif spec is not None:
            how = _LIST if spec.kind == LIST_ENUM else _MEMBER if spec.kind == ENUM else _VALUE
            plan.append((name, how, spec.engine_name, _item_keys(spec.path) if how == _LIST else None))
    return tuple(plan)


def _value(member: object) -> object:
    """An enum member's JSON value (``_value_``: what ``.value`` reads, without the enum's descriptor)."""
    return member if type(member) is str else member._value_


def _flatten_model(model: BaseModel, prefix: str, out: dict, skip: Optional[str] = None) -> None:
    """What ``_flatten`` writes for the model's JSON dump, read from the model itself."""
    out[_section_key(prefix)] = True
    values = model.__dict__
    for name, how, key, item_keys in _model_plan(type(model), prefix, skip):
        value = values[name]
        if value is None:
            continue
        if how == _VALUE:
            out[key] = value
        elif how == _MEMBER:
            out[key] = _value(value)
        elif how == _SUB:
            _flatten_model(value, key, out)
        else:
            out[key] = True
            items = out[key + _ITEMS] = [_value(v) for v in value]
            _write_items(out, items, item_keys)


_ENGINE_KEYS: dict = {}  # a derived path -> its engine key (a few dozen paths, all from derive.py)


def _engine_items(values: dict) -> zip:
    """(engine key, value) for each derived value, without a call per key."""
    try:
        keys = list(map(_ENGINE_KEYS.__getitem__, values))
    except KeyError:  # a path not seen yet: the first derivations of a process
        _ENGINE_KEYS.update((path, _section_key(path)) for path in values)
        keys = list(map(_ENGINE_KEYS.__getitem__, values))
    return zip(keys, values.values(), strict=True)


PROFILE_SECTIONS = ("company", "needs", "upgrade")  # what the profile fact flattens, each under its own prefix


def profile_fact(profile: Profile, derivation: Derivation, data: Optional[dict] = None,
                 sections: tuple[str, ...] = PROFILE_SECTIONS) -> dict:
    """The ``profile`` fact, from ``data`` (the profile's dump, JSON mode, None excluded)
    when given, else from the validated models themselves; ``sections``: only those (a
    why-not trial flattens only the sections its change touched)."""
    fact: dict = {"t": PROFILE_FACT}
    for section in sections:
        if data is None:
            model = getattr(profile, section)
            if model is not None:
                _flatten_model(model, section, fact)
        elif section in data:
            _flatten(data[section], section, fact)
    fact.update(_engine_items(derivation.profile))
    return fact


def offer_facts(profile: Profile, derivation: Derivation, data: Optional[dict] = None) -> list[dict]:
    """One ``offer`` fact per offer (of ``data``, the dump, when given: see ``profile_fact``)."""
    if data is None:
        return [offer_fact(offer, derivation) for offer in profile.offers]
    facts = []
    for offer in data.get("offers", ()):
        fact: dict = {"t": OFFER_FACT}
        capabilities = offer.get("capabilities")
        _flatten({k: v for k, v in offer.items() if k != "capabilities"}, "offer", fact)
        if capabilities is not None:
            fact["offer__capabilities"] = True
            for item in capabilities:
                fact[f"offer__capabilities__{item['capability']}"] = item["availability"]
        fact.update(_engine_items(derivation.offers[offer["name"]]))
        facts.append(fact)
    return facts


@cache
def _capability_keys() -> dict:
    """Each catalogue capability -> the engine key of how an offer provides it."""
    return {capability: f"offer__capabilities__{capability._value_}" for capability in Capability}


def offer_fact(offer, derivation: Derivation) -> dict:
    """What ``offer_facts`` writes for one offer's dump, read from the model."""
    fact: dict = {"t": OFFER_FACT}
    _flatten_model(offer, "offer", fact, skip="capabilities")
    if offer.capabilities is not None:
        fact["offer__capabilities"] = True
        keys = _capability_keys()
        for item in offer.capabilities:
            availability = item.availability
            fact[keys[item.capability]] = availability if type(availability) is str else availability._value_
    fact.update(_engine_items(derivation.offers[offer.name]))
    return fact


def input_facts(profile: Profile, derivation: Derivation, data: Optional[dict] = None) -> list[dict]:
    """All input facts of one consultation, in a stable order (``data``: as for ``profile_fact``)."""
    return [profile_fact(profile, derivation, data), *offer_facts(profile, derivation, data)]
