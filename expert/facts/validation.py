"""Validate a profile in pydantic-core alone when it is plainly well-formed, the exact way otherwise.

Every input model checks each stated field's shape in Python first (``_Strict._strict_shape``:
true/false is not a number, a list is a list, text holds no control characters).  pydantic
calls that check from Rust once per field, and those calls were more than half the cost of
validating a profile.  The fast validator here is built from the same core schema, with
each of those Python checks replaced by native constraints at least as strict: numbers in
strict mode (true/false, and text such as "5", are refused), lists in strict mode (a list
only), text in strict mode (bytes are not text) matching a pattern without control characters (an enum or literal value can
hold none anyway).  Where the fast validator accepts a profile, the exact one accepts it
too and gives the same values (strict mode only refuses more; the checks never change a
value); where it refuses, ``Profile.model_validate`` runs, so every error a user sees, and
every lenient reading (``"5"`` for 5), is exactly as before.

The schema's models keep their classes: the result is a ``Profile`` like any other.
pydantic-core would reuse each nested model's own validator (with the Python checks) in a
schema that names it, so the models are marked incomplete while the fast validator is built.
It is built on a process's second validation: a one-shot command never pays for it.  A
knowledge snapshot carries its schema (``rulebase/snapshot.py``): a process that loads one
validates with it from its first profile on, and builds no vocabulary model for a
well-formed profile (they are built on first use, ``defer_build``: most of this program's
import time otherwise).

The vocabulary's other validators (unique lists and names, names that neither start nor end
with spaces, a price only when paid, the upgrade naming an offer) were Python too, called per
value.  They change no value, so the fast validator leaves them out: names get a native
pattern (``_PLAIN_TEXT``) and the rest run in one plain function afterwards (``checks_hold``);
where either refuses, the exact path decides as above.  Inside advise() this code runs cold
(after the engine), where each Python call costs several times what it costs in a loop.
"""

from __future__ import annotations

import threading
from enum import Enum
from typing import Any, Optional

from pydantic import ValidationError
from pydantic_core import SchemaValidator

from expert.facts import vocabulary as vocab
from expert.facts.vocabulary import _CONTROL, Availability, Profile, _Strict

_NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f]*$"  # text without vocabulary._CONTROL's characters (a test checks they agree)
# ... and, for names, neither starting nor ending with a character str.strip() removes (a test checks \s covers them)
_PLAIN_TEXT = r"^(?:[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?)?$"
_PASS_THROUGH = {"default", "nullable", "function-after"}  # wrappers: tighten what they wrap
_EXACT_ONLY = {"enum", "literal", "bool", "model"}  # refuse a control character or a list by themselves


# One lock for every validator: the completeness flags it flips belong to the input model
# classes, so two validators building at once could otherwise save each other's False.
_BUILD_LOCK = threading.Lock()


class NotTightened(ValueError):
    """A field schema this module does not know how to make strict: no fast validator then."""


def _strict_shape_check(node: dict) -> bool:
    function = node.get("function") if node.get("type") == "function-before" else None
    return getattr(function and function.get("function"), "__func__", None) is _Strict._strict_shape.__func__


def _tightened(node: Any, definitions: dict) -> Any:
    """A field's schema with strict numbers and lists and control-free text (a copy);
    ``definitions``: the schemas a ``definition-ref`` may name, by ref."""
    if isinstance(node, (list, tuple)):  # a union's choices
        return type(node)(_tightened(item, definitions) for item in node)
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind == "definition-ref":  # a model, or an enum used twice (a deferred model's schema names them)
        target = definitions.get(node["schema_ref"], {})
        if target.get("type") == "model":
            return node  # refuses a list or control characters by itself, like an inline model
        if target.get("type") in _EXACT_ONLY:
            return _tightened({key: value for key, value in target.items() if key != "ref"}, definitions)
        raise NotTightened(f"a reference to a schema of type {target.get('type')!r}")
    if kind in _EXACT_ONLY:
        if kind == "literal" and any(isinstance(v, str) and _CONTROL.search(v) for v in node["expected"]):
            raise NotTightened("a literal with a control character")
        if kind == "bool":
            return {**node, "strict": True}  # lax bool reads b"true" (and "yes"): the exact path decides those
        if kind == "enum" and node.get("sub_type") == "str" and "missing" not in node:
            # a literal of the members gives the member for its text and refuses bytes (lax enum reads
            # b"small" as "small"), in one step instead of text-then-enum
            return {"type": "literal", "expected": list(node["members"])}
        if kind == "enum" and node.get("sub_type") == "str" or (
                kind == "literal" and all(isinstance(v, str) for v in node["expected"])):
            # text first, strictly (lax enum and literal read b"small" as "small"): bytes go to the exact path
            return {"type": "chain", "steps": [{"type": "str", "strict": True}, node]}
        return node
    if kind in ("int", "float"):
        return {**node, "strict": True}
    if kind == "list":
        return {**node, "strict": True, "items_schema": _tightened(node["items_schema"], definitions)}
    if kind == "str":
        if "pattern" in node:
            raise NotTightened("a text field with a pattern of its own")
        return {**node, "strict": True, "pattern": _NO_CONTROL}  # strict: bytes are not decoded
    if kind == "union":
        choices = _tightened(node["choices"], definitions)
        kinds = [_input_kind(choice) for choice in choices]
        if None not in kinds and len(set(kinds)) == len(kinds):  # no input fits two choices: the first fit is the one
            return {**node, "choices": choices, "mode": "left_to_right"}  # (smart mode tries the others too)
        return {**node, "choices": choices}
    if kind in _PASS_THROUGH:
        return {**node, "schema": _tightened(node["schema"], definitions)}
    raise NotTightened(f"a field schema of type {kind!r}")


# The vocabulary's other Python validators, which ``checks_hold`` runs in one pass after the
# fast validator (a call from Rust per value, each cold inside advise(), cost about a quarter
# of a validation).  None of them changes a value, so running them later is the same test.
_CHECKED_AFTER = {vocab.Needs._no_duplicates.__func__, vocab.Needs._unique_addons.__func__,
                  vocab._NamedAddon._plain.__func__, vocab._price_only_when_paid,
                  vocab.Offer._not_reserved.__func__, vocab.Offer._one_entry_per_capability.__func__,
                  vocab.Offer._unique_offer_addons.__func__, vocab.Upgrade._unique_added.__func__,
                  vocab.Profile._offers_consistent}
# Those of them that refuse names starting or ending with spaces: the text they check gets _PLAIN_TEXT.
_PLAIN_NAMES = {vocab._NamedAddon._plain.__func__, vocab.Offer._not_reserved.__func__,
                vocab.Upgrade._unique_added.__func__}
_PAID = Availability.paid


def _validator_after(node: dict) -> Any:
    function = node.get("function") if node.get("type") == "function-after" else None
    function = function and function.get("function")
    return getattr(function, "__func__", function)


def _plain_text(node: Any) -> Any:
    """A tightened schema whose control-free text must also neither start nor end with spaces."""
    if isinstance(node, dict):
        if node.get("type") == "str" and node.get("pattern") == _NO_CONTROL:
            return {**node, "pattern": _PLAIN_TEXT}
        return {key: _plain_text(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(_plain_text(value) for value in node)
    return node


def checks_hold(profile: Profile) -> bool:
    """True when every validator in ``_CHECKED_AFTER`` would pass on this validated profile.

    One plain function with the tests written out, not a call per value: inside advise()
    this code runs cold, where each Python call costs several times what it does in a loop.
    What it leaves out the fast schema checks natively (``_PLAIN_TEXT``: names neither start
    nor end with spaces).  ``tests/facts/test_fast_validation.py`` holds each line to its validator.
    """
    needs = profile.needs
    values = needs.capabilities  # Needs._no_duplicates
    if values is not None and len(set(values)) != len(values):
        return False
    values = needs.pain_points
    if values is not None and len(set(values)) != len(values):
        return False
    addons = needs.custom_addons  # Needs._unique_addons
    if addons is not None and len({addon.name for addon in addons}) != len(addons):
        return False
    names = set()
    for offer in profile.offers:
        name = offer.name  # Offer._not_reserved; Profile._offers_consistent: distinct names
        if name in names or name == "*" or name.lower() == "company":
            return False
        names.add(name)
        capabilities = offer.capabilities  # Offer._one_entry_per_capability
        if capabilities is not None and len({item.capability for item in capabilities}) != len(capabilities):
            return False
        addons = offer.custom_addons  # Offer._unique_offer_addons
        if addons is not None and len({item.name for item in addons}) != len(addons):
            return False
        for items in (capabilities, addons):  # _price_only_when_paid
            if items is not None:
                for item in items:
                    if item.availability is not _PAID and item.monthly_price_usd not in (None, 0):
                        return False
    upgrade = profile.upgrade
    if upgrade is not None:
        added = upgrade.adds_custom_addons  # Upgrade._unique_added
        if added is not None and len(set(added)) != len(added):
            return False
        if upgrade.offer is not None and upgrade.offer not in names:  # Profile._offers_consistent
            return False
    return True


def _input_kind(choice: Any) -> Optional[str]:
    """What inputs a tightened union choice can accept at all: numbers only, text only, or None (other)."""
    if not isinstance(choice, dict):
        return None
    if choice.get("type") in ("int", "float") and choice.get("strict"):
        return "number"  # strict: never true/false nor text
    first = choice["steps"][0] if choice.get("type") == "chain" else choice
    return "text" if first.get("type") == "str" and first.get("strict") else None


def fast_schema(node: Any, definitions: Optional[dict] = None) -> Any:
    """A copy of a core schema with each ``_strict_shape`` check replaced by native constraints,
    and the validators ``checks_hold`` runs afterwards left out.

    A model built before the models it holds (they are built on first use: ``defer_build``)
    has a ``definitions`` schema naming them by reference; a model built after them holds
    them inline.  Both are read here."""
    if definitions is None:
        definitions = {}
        if isinstance(node, dict) and node.get("type") == "definitions":
            definitions = {item["ref"]: item for item in node["definitions"]}
    if isinstance(node, dict):
        if _strict_shape_check(node):
            return _tightened(fast_schema(node["schema"], definitions), definitions)
        function = _validator_after(node)
        if function in _CHECKED_AFTER:
            inner = fast_schema(node["schema"], definitions)
            if function not in _PLAIN_NAMES:
                return inner
            plain = _plain_text(inner)
            if plain == inner:
                raise NotTightened("a name check without control-free text to tighten")
            return plain
        return {key: fast_schema(value, definitions) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(fast_schema(value, definitions) for value in node)
    return node


def _input_models() -> list[type]:
    """Every input model (the subclasses of ``_Strict``, at any depth)."""
    found, todo = [], [_Strict]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return list(dict.fromkeys(found))


class ProfileValidator:
    """``Profile.model_validate``, in pydantic-core alone for well-formed input."""

    def __init__(self) -> None:
        self._fast: Optional[SchemaValidator] = None
        self._stored: Optional[dict] = None  # a fast schema a knowledge snapshot carried (``adopt``)
        self._schema: Optional[dict] = None  # the fast validator's schema (metadata-free), once built
        self._unavailable = False
        self._calls = 0

    def _build(self) -> Optional[SchemaValidator]:
        with _BUILD_LOCK:
            if self._fast is None and not self._unavailable:
                stored, self._stored = self._stored, None
                if stored is not None:
                    try:
                        self._fast, self._schema = _schema_validator(stored), stored
                    except Exception:  # noqa: BLE001, S110 - a stored schema this pydantic-core refuses: build ours
                        pass
                if self._fast is None:
                    try:
                        Profile.model_rebuild()  # built on first use (defer_build): now, if not yet
                        schema = _without_metadata(fast_schema(Profile.__pydantic_core_schema__))
                        self._fast, self._schema = _schema_validator(schema), schema
                    except NotTightened:
                        self._unavailable = True
        return self._fast

    def validate(self, data: Any) -> Profile:
        """The validated model; raises pydantic's ValidationError exactly as ``model_validate`` does."""
        self._calls += 1
        fast = self._fast if self._fast is not None or (self._calls < 2 and self._stored is None) else self._build()
        if fast is not None and type(data) is dict:
            profile = _fast_profile(fast, data)
            if profile is not None:
                return profile
        return Profile.model_validate(data)  # refused, only readable leniently, or too deep to say

    def fast_only(self, data: Any) -> Optional[Profile]:
        """The fast path alone (built now if need be): the profile, or None where it refuses."""
        return _fast_profile(self._fast or self._build(), data)

    def stored_form(self) -> Optional[dict]:
        """The fast validator's schema for a knowledge snapshot to carry (built now if need be):
        kept without pydantic's JSON-schema metadata (validation never reads it, and it holds
        functions of pydantic's own); None when there is no fast validator."""
        return self._schema if self._build() is not None else None

    def adopt(self, schema: dict) -> None:
        """Validate with this stored fast schema (``stored_form`` of a process running the same
        code, pydantic and vocabulary: the snapshot's key says so) from the first profile on,
        so that no vocabulary model is built for a well-formed profile.  Built on first use;
        ignored when this validator already has its own."""
        with _BUILD_LOCK:
            if self._fast is None and not self._unavailable:
                self._stored = schema


def _schema_validator(schema: dict) -> SchemaValidator:
    """The validator of a fast schema.  The input models are marked incomplete while it is
    built: pydantic-core would otherwise reuse each complete model's own validator (Python
    checks and all) where the schema names the model.  A flag found True afterwards is
    left so: pydantic built that model meanwhile (models are built on first use, and a
    profile the exact path validates in another thread builds them), and restoring the
    False it had would leave a built model marked unbuilt."""
    own = {model: model.__dict__.get("__pydantic_complete__") for model in _input_models()}
    try:
        for model in own:
            model.__pydantic_complete__ = False
        return SchemaValidator(schema)
    finally:
        for model, value in own.items():
            if model.__dict__.get("__pydantic_complete__") is True:
                continue
            if value is None:
                del model.__pydantic_complete__
            else:
                model.__pydantic_complete__ = value


def _without_metadata(node: Any) -> Any:
    """A schema without pydantic's ``metadata`` entries: only a schema node's (a dict whose
    ``type`` is text), so that a model field named ``metadata`` (a key of a ``fields``
    mapping) is kept, and a default value is kept as it is."""
    if isinstance(node, dict):
        if not isinstance(node.get("type"), str):
            return {key: _without_metadata(value) for key, value in node.items()}
        return {key: value if key == "default" else _without_metadata(value)
                for key, value in node.items() if key != "metadata"}
    if isinstance(node, (list, tuple)):
        return type(node)(_without_metadata(value) for value in node)
    return node


def stored_schema_objects() -> dict[str, object]:
    """What a stored fast schema may refer to, by name: the input models, the vocabulary's
    choices and their members, and its default factory.  A snapshot stores these names, never code."""
    named: dict[str, object] = {"_empty_list": vocab._empty_list}
    for model in _input_models():
        if model.__module__ == vocab.__name__:  # (a subclass made elsewhere could share a name)
            named[model.__name__] = model
    for value in vars(vocab).values():
        if isinstance(value, type) and issubclass(value, Enum) and value.__module__ == vocab.__name__:
            named[value.__name__] = value
            named.update((f"{value.__name__}.{member.name}", member) for member in value)
    return named


def _fast_profile(fast: SchemaValidator, data: Any) -> Optional[Profile]:
    """The profile the fast validator and ``checks_hold`` accept, or None: the exact path decides."""
    try:
        profile = fast.validate_python(data)
    except (ValidationError, RecursionError):
        return None
    return profile if checks_hold(profile) else None


# The process's validator: the one consultations use, and the one a knowledge snapshot's
# fast schema is given to (``rulebase/snapshot.py``).
PROFILE_VALIDATOR = ProfileValidator()
validate_profile = PROFILE_VALIDATOR.validate
