"""Error responses of the HTTP API: one JSON shape for every status, in both languages.

``{"error": code, "message": <text in the asked language>, "text": {"en", "zh"},
"problems": [{"field", "loc", "message", "text"}]}``; ``problems`` only for bad input
(422), with the field paths the CLI prints.  The language is the body's ``lang`` when it
can be read, else the ``lang`` query parameter, else Accept-Language (zh*), else English.
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import parse_qs

import orjson

from expert.facts.problem_text import Problem

LANGS = ("en", "zh")
LANG_KEY = "expert.lang"  # the body's lang, put in the ASGI scope once the body is read


class ApiError(Exception):
    """An error an endpoint answers with: HTTP status, stable code, both languages."""

    def __init__(self, status: int, code: str, en: str, zh: str, problems: Optional[list[Problem]] = None,
                 headers: Optional[dict] = None) -> None:
        super().__init__(en)
        self.status, self.code, self.en, self.zh = status, code, en, zh
        self.problems = problems or []
        self.headers = headers or {}


def error_lang(scope: dict, body: Any = None) -> str:
    """The language to word an error in (see the module docstring)."""
    if isinstance(body, dict) and body.get("lang") in LANGS:
        return body["lang"]
    if scope.get(LANG_KEY) in LANGS:
        return scope[LANG_KEY]
    query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [])
    if query and query[0] in LANGS:
        return query[0]
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            return "zh" if value.decode("latin-1").strip().lower().startswith("zh") else "en"
    return "en"


def error_payload(error: ApiError, lang: str) -> bytes:
    def pick(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    body: dict = {"error": error.code, "message": pick(error.en, error.zh), "text": {"en": error.en, "zh": error.zh}}
    if error.problems:
        body["problems"] = [{"field": p.field, "loc": list(p.loc), "message": pick(p.en, p.zh),
                             "text": {"en": p.en, "zh": p.zh}} for p in error.problems]
    return orjson.dumps(body)
