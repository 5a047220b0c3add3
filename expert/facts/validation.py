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
It is built on a process's second validation: a one-shot command never pays for it.
"""

from __future__ import annotations

import threading
from typing import Any, Optional

from pydantic import ValidationError
from pydantic_core import SchemaValidator

from expert.facts.vocabulary import _CONTROL, Profile, _Strict

_NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f]*$"  # text without vocabulary._CONTROL's characters (a test checks they agree)
_PASS_THROUGH = {"default", "nullable", "union", "function-after"}  # wrappers: tighten what they wrap
_EXACT_ONLY = {"enum", "literal", "bool", "model"}  # refuse a control character or a list by themselves


# One lock for every validator: the completeness flags it flips belong to the input model
# classes, so two validators building at once could otherwise save each other's False.
_BUILD_LOCK = threading.Lock()


class NotTightened(ValueError):
    """A field schema this module does not know how to make strict: no fast validator then."""


def _strict_shape_check(node: dict) -> bool:
    function = node.get("function") if node.get("type") == "function-before" else None
    return getattr(function and function.get("function"), "__func__", None) is _Strict._strict_shape.__func__


def _tightened(node: Any) -> Any:
    """A field's schema with strict numbers and lists and control-free text (a copy)."""
    if isinstance(node, (list, tuple)):  # a union's choices
        return type(node)(_tightened(item) for item in node)
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind in _EXACT_ONLY:
        if kind == "literal" and any(isinstance(v, str) and _CONTROL.search(v) for v in node["expected"]):
            raise NotTightened("a literal with a control character")
        if kind == "bool":
            return {**node, "strict": True}  # lax bool reads b"true" (and "yes"): the exact path decides those
        if kind == "enum" and node.get("sub_type") == "str" or (
                kind == "literal" and all(isinstance(v, str) for v in node["expected"])):
            # text first, strictly (lax enum and literal read b"small" as "small"): bytes go to the exact path
            return {"type": "chain", "steps": [{"type": "str", "strict": True}, node]}
        return node
    if kind in ("int", "float"):
        return {**node, "strict": True}
    if kind == "list":
        return {**node, "strict": True, "items_schema": _tightened(node["items_schema"])}
    if kind == "str":
        if "pattern" in node:
            raise NotTightened("a text field with a pattern of its own")
        return {**node, "strict": True, "pattern": _NO_CONTROL}  # strict: bytes are not decoded
    if kind in _PASS_THROUGH:
        key = "choices" if kind == "union" else "schema"
        return {**node, key: _tightened(node[key])}
    raise NotTightened(f"a field schema of type {kind!r}")


def fast_schema(node: Any) -> Any:
    """A copy of a core schema with each ``_strict_shape`` check replaced by native constraints."""
    if isinstance(node, dict):
        if _strict_shape_check(node):
            return _tightened(fast_schema(node["schema"]))
        return {key: fast_schema(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(fast_schema(value) for value in node)
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
        self._unavailable = False
        self._calls = 0

    def _build(self) -> Optional[SchemaValidator]:
        with _BUILD_LOCK:
            if self._fast is None and not self._unavailable:
                models = _input_models()
                own = {m: m.__dict__.get("__pydantic_complete__") for m in models}
                try:
                    schema = fast_schema(Profile.__pydantic_core_schema__)
                    for m in models:  # else pydantic-core reuses each model's validator, Python checks and all
                        m.__pydantic_complete__ = False
                    self._fast = SchemaValidator(schema)
                except NotTightened:
                    self._unavailable = True
                finally:
                    for m, value in own.items():
                        if value is None:
                            del m.__pydantic_complete__
                        else:
                            m.__pydantic_complete__ = value
        return self._fast

    def validate(self, data: Any) -> Profile:
        """The validated model; raises pydantic's ValidationError exactly as ``model_validate`` does."""
        self._calls += 1
        fast = self._fast if self._fast is not None or self._calls < 2 else self._build()
        if fast is not None and type(data) is dict:
            try:
                return fast.validate_python(data)
            except (ValidationError, RecursionError):
                pass  # refused, only readable leniently, or too deep to say: the exact path decides
        return Profile.model_validate(data)


validate_profile = ProfileValidator().validate
