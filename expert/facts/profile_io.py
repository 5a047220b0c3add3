"""Read a profile from a file or standard input, and word validation errors for people.

Whatever goes wrong (no such file, not UTF-8, too large, not YAML/JSON, not a mapping,
a field of the wrong type) becomes one ``ProfileInputError`` whose message names the
field path and what was expected; the CLI prints it and exits 2, never a traceback.
"""

from __future__ import annotations

import os
import sys

import yaml
from pydantic import ValidationError

from expert.facts.safe_files import UnsafeFileError, read_regular_file
from expert.facts.shown import escape_controls, shown
from expert.facts.yamlsource import UnsafeDocumentError, check_plain_document, load_yaml_text

MAX_PROFILE_BYTES = 1_000_000  # a real profile is a few KB; refuse anything absurd


class ProfileInputError(Exception):
    """The profile could not be read or is invalid; the message says where and why."""


def _plain(value: object) -> object:
    """LineDicts back to plain dicts (pydantic and JSON output want ordinary types)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse_profile_bytes(raw: bytes, source: str) -> dict:
    if len(raw) > MAX_PROFILE_BYTES:
        raise ProfileInputError(f"{source}: the profile is {len(raw):,} bytes; at most {MAX_PROFILE_BYTES:,} are accepted")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProfileInputError(f"{source}: not UTF-8 text (byte {error.start}: {raw[error.start:error.start + 1]!r})") from None
    if not text.strip():
        raise ProfileInputError(f"{source}: the profile is empty; expected a YAML or JSON mapping")
    try:
        check_plain_document(text)
        data = load_yaml_text(text)
    except UnsafeDocumentError as error:
        raise ProfileInputError(f"{source}: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ProfileInputError(f"{source}: not valid YAML or JSON{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ProfileInputError(
            f"{source}: expected a mapping with keys such as company, needs, offers, upgrade; got {type(data).__name__}"
        )
    return _plain(data)


def read_profile(path: str) -> dict:
    """Read PATH (YAML or JSON), or standard input for '-'."""
    if path == "-":
        if sys.stdin is None:  # the process was started with standard input closed
            raise ProfileInputError("<stdin>: standard input is closed; pipe a profile in or name a file")
        try:
            raw = sys.stdin.buffer.read(MAX_PROFILE_BYTES + 1)
        except (OSError, ValueError) as error:
            raise ProfileInputError(f"<stdin>: cannot read: {getattr(error, 'strerror', None) or error}") from None
        return parse_profile_bytes(raw, "<stdin>")
    if not os.path.lexists(path):
        raise ProfileInputError(f"{path}: no such file")
    try:
        raw = read_regular_file(path, MAX_PROFILE_BYTES)
    except UnsafeFileError as error:
        raise ProfileInputError(str(error)) from None
    except OSError as error:
        raise ProfileInputError(f"{path}: cannot read: {error.strerror or error}") from None
    return parse_profile_bytes(raw, path)


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: field path, what was expected, what was given."""
    return "invalid profile:\n" + "\n".join(f"  {line}" for line in validation_problems(error))


def validation_problems(error: ValidationError) -> list[str]:
    """Each problem of a validation error as "field.path: what was expected (got ...)".

    Never raises: values are quoted short and escaped (``shown``), whatever they are.
    """
    return [f"{path}: {message}" for path, message in problem_lines(error)]


def problem_lines(error: ValidationError) -> list[tuple[str, str]]:
    """Each problem of a validation error as (field path, what was expected (got ...)), in
    English; never raises (values quoted short and escaped)."""
    lines = []
    for item in error.errors(include_url=False, include_context=False, include_input=True):
        path = ".".join(shown(p, 60) if not isinstance(p, (str, int)) else escape_controls(str(p))[:60]
                        for p in item["loc"]) or "(profile)"
        message = escape_controls(item["msg"])[:200]
        if item["type"] == "extra_forbidden":
            message = "unknown field (not part of the profile vocabulary; see `expert schema`)"
        given = item.get("input")
        quoted = "" if item["type"] in ("extra_forbidden", "missing") or isinstance(given, (dict, list)) \
            else f" (got {shown(given)})"
        lines.append((path, f"{message}{quoted}"))
    return lines
