"""The fast profile validator agrees with ``Profile.model_validate`` on everything.

``facts/validation.py`` validates well-formed profiles in pydantic-core alone, with the
Python shape checks replaced by stricter native constraints, and falls back to the exact
path on any refusal.  That is sound only if the fast validator never accepts what the
exact one refuses, and never reads a value differently: checked here on every example and
case, and on generated profiles with hostile values put in random places.
"""

from __future__ import annotations

import copy
import sys

import orjson
import pytest
import support
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import SchemaValidator, core_schema
from strategies import profiles

from expert.facts.validation import _NO_CONTROL, ProfileValidator, validate_profile
from expert.facts.vocabulary import _CONTROL, Availability, Capability, CompanySize, Profile


def _cases() -> list[dict]:
    found = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(support.EXAMPLES.glob("*.yaml"))]
    found += [yaml.safe_load(p.read_text(encoding="utf-8"))["profile"]
              for p in sorted((support.KNOWLEDGE / "cases").glob("*.yaml"))]
    return found


@pytest.fixture(scope="module")
def fast():
    """The fast path alone: its native validator, then the checks run after it."""
    validator = ProfileValidator()
    assert validator._build() is not None, "the fast validator could not be built: every profile takes the slow path"
    return validator.fast_only


def _outcome(validate, data):
    try:
        profile = validate(data)
        if profile is None:
            return "refused by the fast path", None
    except ValidationError as error:
        return "refused", [{**e, "ctx": {k: str(v) for k, v in e.get("ctx", {}).items()}}  # a ValueError is not == its twin
                           for e in error.errors(include_url=False)]
    return "accepted", (type(profile), orjson.dumps(profile.model_dump()), profile.model_fields_set,
                        [(type(o), o.model_fields_set) for o in profile.offers])


def _agree(fast_only, data) -> None:
    exact = _outcome(Profile.model_validate, data)
    quick = _outcome(fast_only, data)
    if quick[0] == "accepted":  # never accepts what the exact path refuses, never reads differently
        assert quick == exact
    assert _outcome(validate_profile, data) == exact  # and with the fallback, errors included


def test_every_example_and_case_takes_the_fast_path_with_the_same_result(fast):
    for data in _cases():
        assert _outcome(fast, data) == _outcome(Profile.model_validate, data)


def test_the_native_pattern_refuses_exactly_the_control_characters():
    text = SchemaValidator(core_schema.str_schema(pattern=_NO_CONTROL))
    for code in range(0x3000):
        char = chr(code)
        try:
            text.validate_python(f"a{char}b")
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == (not _CONTROL.search(char)), hex(code)


def test_the_native_name_pattern_refuses_what_the_name_checks_refuse():
    """``_PLAIN_TEXT`` (regex's \\s) refuses every name ``str.strip()`` would change, and text
    with a control character anywhere; spaces inside a name pass."""
    from expert.facts.validation import _PLAIN_TEXT

    name = SchemaValidator(core_schema.str_schema(pattern=_PLAIN_TEXT))

    def accepted(text: str) -> bool:
        try:
            name.validate_python(text)
        except ValidationError:
            return False
        return True

    spaces = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    for code in [*range(0x3001), *map(ord, spaces)]:
        char = chr(code)
        for text in (f"{char}", f"{char}x", f"x{char}", f"a{char}b"):
            if accepted(text):  # never more than the exact checks accept
                assert text.strip() == text and not _CONTROL.search(text), hex(code)
        if not _CONTROL.search(char):
            assert accepted(f"a{char}b"), hex(code)
            assert accepted(f"{char}x") == (not char.isspace()), hex(code)


class _Text(str):
    """A str subclass: the fast path may refuse it, but must read it as the exact path does if it accepts."""


HOSTILE = [True, False, 0, 5, 5.0, 7.5, -1, 1e20, float("nan"), "5", "5.0", "", "x", "unknown", "a\x1bb", "line\n",
           "\x85", "text_messaging", "paid", ["a"], ["a\x07"], [["a"]], [("a",)], [{"a"}], ("a",), {"a", "b"},
           frozenset(), {"x": 1}, {}, [], None, [{"name": "n", "required": True}], ["text_messaging", True],
           Capability.recording, Availability.paid, CompanySize.small, _Text("paid"), _Text("company"), b"paid",
           "company", "*", " n", "n ", "n\u3000", "n\u200b", 0.0, -0.0, "recording"]


def _slots(data, found=None) -> list:
    """(container, key) for every value of a profile dict, nested dicts and lists included."""
    found = [] if found is None else found
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        found.append((data, key))
        if isinstance(value, (dict, list)):
            _slots(value, found)
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=profiles(), picks=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(HOSTILE)), max_size=3))
def test_hostile_values_get_the_exact_answer(fast, data, picks):
    _agree(fast, data)
    for where, value in picks:
        slots = _slots(data)
        if slots:
            container, key = slots[where % len(slots)]
            container[key] = copy.deepcopy(value)  # never a shared (or the same) container twice
    _agree(fast, data)


@pytest.mark.parametrize("data", [
    {"needs": {"usage": {"mau": True}}}, {"needs": {"usage": {"mau": "5"}}}, {"needs": {"contract_months": 12.0}},
    {"needs": {"capabilities": ("text_messaging",)}}, {"company": {"name": "a\x1b"}}, {"company": {"size": "small\n"}},
    {"offers": [{"name": "A", "prices": {"monthly_fee_usd": "unknown"}}]}, {"upgrade": {"adds_custom_addons": ["x\x00"]}},
    {"offers": [{"name": "A", "capabilities": [{"capability": "recording", "availability": "paid",
                                               "monthly_price_usd": True}]}]},
    {"asked": ["needs.usage.mau", ["x"]]}, {"bogus": 1},
])
def test_known_hard_inputs_get_the_exact_answer(fast, data):
    _agree(fast, data)


def _offer(**fields) -> dict:
    return {"name": "A", **fields}


def _capability(availability: str, price=None, capability: str = "recording") -> dict:
    return {"capability": capability, "availability": availability, "monthly_price_usd": price}


def _addon(name: str = "n", availability: str = "paid", price=None) -> dict:
    return {"name": name, "availability": availability, "monthly_price_usd": price}


# Each check the fast path runs after its native validator (``checks_hold``), failing and passing.
AFTER_CHECKS = [
    {"needs": {"capabilities": ["recording", "recording"]}}, {"needs": {"capabilities": ["recording", "hd_video"]}},
    {"needs": {"pain_points": ["latency", "latency"]}}, {"needs": {"pain_points": ["latency"]}},
    {"needs": {"custom_addons": [{"name": "x", "required": True}, {"name": "x", "required": False}]}},
    {"needs": {"custom_addons": [{"name": " x", "required": True}]}},
    {"needs": {"custom_addons": [{"name": "x", "required": True}, {"name": "y", "required": False}]}},
    {"offers": [_offer(name="company")]}, {"offers": [_offer(name="Company")]}, {"offers": [_offer(name="*")]},
    {"offers": [_offer(name=" A")]}, {"offers": [_offer(name="A\u3000")]}, {"offers": [_offer(name="companyX")]},
    {"offers": [_offer(), _offer()]}, {"offers": [_offer(), _offer(name="B")], "upgrade": {"offer": "B"}},
    {"offers": [_offer()], "upgrade": {"offer": "B"}}, {"offers": [], "upgrade": {"offer": "A"}},
    {"offers": [_offer(capabilities=[_capability("included"), _capability("paid", 5)])]},
    {"offers": [_offer(capabilities=[_capability("included"), _capability("paid", 5, "hd_video")])]},
    *({"offers": [_offer(capabilities=[_capability(availability, price)])]}
      for availability in ("included", "paid", "unavailable") for price in (None, 0, 0.0, -0.0, 1, 0.5, "unknown")),
    *({"offers": [_offer(custom_addons=[_addon(availability=availability, price=price)])]}
      for availability in ("included", "paid", "unavailable") for price in (None, 0, 3, "unknown")),
    {"offers": [_offer(custom_addons=[_addon(), _addon()])]}, {"offers": [_offer(custom_addons=[_addon("x "), _addon()])]},
    {"offers": [_offer(custom_addons=[_addon("x"), _addon("y")])]},
    {"upgrade": {"adds_custom_addons": ["x", "x"]}}, {"upgrade": {"adds_custom_addons": ["x", " y"]}},
    {"upgrade": {"adds_custom_addons": ["x", "y"]}}, {"upgrade": {"adds_custom_addons": ["x\u2028"]}},
]


@pytest.mark.parametrize("data", AFTER_CHECKS)
def test_the_checks_run_after_the_native_validator_get_the_exact_answer(fast, data):
    _agree(fast, data)


def test_every_python_validator_is_tightened_or_checked_after():
    """No Python call per value is left in the fast validator: each validator of the input
    models is either replaced by native constraints or run by ``checks_hold``."""
    from expert.facts.validation import fast_schema

    def functions(node) -> list:
        if isinstance(node, dict):
            own = [node["type"]] if str(node.get("type", "")).startswith("function") else []
            return own + [f for value in node.values() for f in functions(value)]
        if isinstance(node, (list, tuple)):
            return [f for value in node for f in functions(value)]
        return []

    assert functions(Profile.__pydantic_core_schema__)  # the exact schema has them
    assert functions(fast_schema(Profile.__pydantic_core_schema__)) == []


def test_a_list_nested_too_deep_for_the_fast_validator_gets_the_exact_answer():
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    validator = ProfileValidator()
    validator.validate({})  # the fast validator is built on the second call
    for data in ({"needs": {"capabilities": nested}}, {"asked": nested}):
        with pytest.raises(ValidationError, match="list inside a list"):
            validator.validate(data)


def test_validators_building_at_once_leave_every_model_complete():
    """The flags the build flips belong to the model classes: concurrent builds by separate
    validators must restore them all (they once shared no lock)."""
    import sys
    import threading

    from expert.facts.validation import ProfileValidator, _input_models

    for model in _input_models():  # built on first use (defer_build): all of them now, so each flag is True
        model.model_rebuild()
    before = {model: model.__pydantic_complete__ for model in _input_models()}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(20):
            threads = [threading.Thread(target=ProfileValidator()._build) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert {model: model.__pydantic_complete__ for model in _input_models()} == before
    assert all(before.values())


@pytest.mark.parametrize("binary", [b"\x1b]0;pwned\x07", bytearray(b"x"), memoryview(b"x")])
def test_binary_data_is_refused_not_decoded(binary):
    """YAML's !!binary gives bytes, which pydantic would decode into text unchecked (a control
    character in company.name reached the terminal): refused, on both paths, as a field and in a list."""
    from pydantic import ValidationError

    from expert.facts.validation import ProfileValidator

    named = {"company": {"name": binary}, "needs": {"capabilities": ["text_messaging"]}}
    listed = {"company": {"name": "x"}, "needs": {"capabilities": ["text_messaging"]}, "asked": [binary]}
    validator = ProfileValidator()
    for data in (named, listed, named, listed):  # the second round goes through the fast validator
        with pytest.raises(ValidationError, match="not binary data"):
            validator.validate(data)


@pytest.mark.parametrize("where", ["choice", "list of choices", "yes/no"])
def test_binary_data_is_refused_in_choices_and_yes_no_fields_on_both_paths(where):
    """Lax enum, literal and bool read b"small" as "small": the fast validator must refuse them
    as the exact path does, or a profile's fate would depend on how warm the validator is."""
    from pydantic import ValidationError

    from expert.facts.validation import ProfileValidator

    data = {"company": {"name": "x"}, "needs": {"capabilities": ["text_messaging"]}}
    if where == "choice":
        data["company"]["size"] = b"small"
    elif where == "list of choices":
        data["needs"]["capabilities"] = [b"text_messaging"]
    else:
        data["offers"] = [{"name": "A", "pricing_model": "free_tier", "free_tier_hard_cap": b"true"}]
    validator = ProfileValidator()
    for _ in range(3):  # the first call takes the exact path, the later ones the fast validator
        with pytest.raises(ValidationError):
            validator.validate(data)
    assert validator._fast is not None


def test_the_control_characters_are_exactly_unicode_category_cc():
    """Name checks search ``_CONTROL`` instead of asking each character's category."""
    import unicodedata

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(_CONTROL.search(char)) == (unicodedata.category(char) == "Cc"), hex(code)


# The vocabulary validators ``checks_hold`` restates (and the helpers they call), by a digest
# of their source.  When this test fails, a validator changed: make ``checks_hold`` (and the
# AFTER_CHECKS inputs above) refuse exactly what the new one refuses, then update its digest.
RESTATED_VALIDATORS = {
    "Needs._no_duplicates": "9154fb601014a05c",
    "Needs._unique_addons": "775a6e68c62c547e",
    "Offer._not_reserved": "128765346ec87935",
    "Offer._one_entry_per_capability": "05c23ba085757904",
    "Offer._unique_offer_addons": "defca35225de68d3",
    "Profile._offers_consistent": "7b9043ba9655da77",
    "Upgrade._unique_added": "d3adad13d26bfeb2",
    "_NamedAddon._plain": "adb192ba254cbc13",
    "_plain_name": "ebd0d3e95299dd25",
    "_price_only_when_paid": "126a467840a00cfa",
    "_unique_names": "ed713b0c2a19ffb1",
}


def test_the_validators_checks_hold_restates_are_unchanged():
    """``checks_hold`` (facts/validation.py) is a hand-written copy of these validators, run
    after the fast validator: a validator tightened without it would let the fast path accept
    what the exact path refuses.  A tripwire on their source, not on their behaviour (the
    tests above pin that)."""
    import hashlib
    import inspect
    import types

    import expert.facts.vocabulary as vocab
    from expert.facts.validation import _CHECKED_AFTER

    watched = {}
    for function in _CHECKED_AFTER:
        watched[function.__qualname__] = function
        for name in function.__code__.co_names:
            helper = getattr(vocab, name, None)
            if isinstance(helper, types.FunctionType) and helper.__module__ == vocab.__name__:
                watched[helper.__qualname__] = helper
    digests = {name: hashlib.sha256(inspect.getsource(f).encode()).hexdigest()[:16] for name, f in watched.items()}
    changed = sorted(name for name in digests.keys() | RESTATED_VALIDATORS.keys()
                     if digests.get(name) != RESTATED_VALIDATORS.get(name))
    assert not changed, f"changed since checks_hold restated them: {changed} (see the comment above)"


def test_the_stored_form_drops_pydantics_metadata_but_no_field_named_so():
    from expert.facts.validation import _without_metadata

    field = {"type": "model-field", "schema": {"type": "int"}, "metadata": {"pydantic_js_functions": [print]}}
    schema = {"type": "model-fields", "fields": {"metadata": field, "type": field},
              "metadata": {"x": 1}, "computed_fields": []}
    default = {"type": "default", "schema": {"type": "dict"}, "default": {"type": "x", "metadata": 1}}
    stripped = {"type": "model-field", "schema": {"type": "int"}}
    assert _without_metadata(schema) == {"type": "model-fields", "fields": {"metadata": stripped, "type": stripped},
                                         "computed_fields": []}
    assert _without_metadata(default) == default
