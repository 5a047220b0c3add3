"""The JSON Schema of every document the library takes or gives: ``expert schema NAME``,
and the HTTP API's and MCP server's schemas, from the pydantic models themselves.

The profile's schema describes every field in English (``description``) and Chinese
(``x-description-zh``), from the consultation's questions (``facts/descriptions.py``).
Output schemas are in serialization mode: the JSON a bot reads.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> (module, model, mode): imported only when that schema is asked for
SCHEMAS = {
    "profile": ("expert.facts.vocabulary", "Profile", "validation"),
    "advice": ("expert.advice.model", "Advice", "serialization"),
    "step": ("expert.consult.model", "ConsultStep", "serialization"),
    "answer": ("expert.consult.model", "AnswerResult", "serialization"),
    "explanation": ("expert.explain.model", "Explanation", "serialization"),
    "whatif": ("expert.consult.model", "WhatIf", "serialization"),
    "error": ("expert.advice.input_errors", "InputErrorDetail", "serialization"),
}


def json_schema(name: str = "profile") -> dict[str, Any]:
    """The JSON Schema named ``name`` (one of ``SCHEMAS``); ValueError for another name."""
    if name not in SCHEMAS:
        raise ValueError(f"no schema {name!r}; expected one of: {', '.join(SCHEMAS)}")
    module, model, mode = SCHEMAS[name]
    return getattr(import_module(module), model).model_json_schema(mode=mode)
