"""A cache of parsed knowledge files, so the CLI does not re-parse unchanged YAML.

Parsing the rule files is most of the knowledge base's load time (PyYAML resolves every
scalar in Python, even with libyaml), and the CLI loads them on every run.  The parsed
tree (with the line of every mapping) is stored as JSON, keyed by a hash of the file's
exact text: an edited file can never be served stale.  It is only a cache: a missing,
unreadable or corrupt entry means "parse again", and a directory that cannot be written
just means no caching.  JSON, not pickle: reading it back cannot run code.

``EXPERT_CACHE_DIR`` chooses the directory (``off`` disables the cache); the default is
``$XDG_CACHE_HOME/expert`` or ``~/.cache/expert``.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path
from typing import Optional

import orjson

from expert.facts.yamlsource import LineDict, load_yaml_text

_FORMAT = "expert-parse-1"  # bump when the encoding below changes


def cache_dir() -> Optional[Path]:
    configured = os.environ.get("EXPERT_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "0", "off", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "expert"


class _NotCacheable(Exception):
    """A value JSON would not give back identically (a date, NaN, ...)."""


def _encode(node: object) -> object:
    if isinstance(node, dict):
        return {"l": getattr(node, "line", 0), "d": {str(k): _encode(v) for k, v in node.items()}}
    if isinstance(node, list):
        return [_encode(v) for v in node]
    if node is None or isinstance(node, (str, bool, int)):
        return node
    if isinstance(node, float) and math.isfinite(node):
        return node
    raise _NotCacheable(type(node).__name__)


def _decode(node: object) -> object:
    if isinstance(node, dict):
        mapping = LineDict((k, _decode(v)) for k, v in node["d"].items())
        mapping.line = node["l"]
        return mapping
    if isinstance(node, list):
        return [_decode(v) for v in node]
    return node


def load_yaml_cached(text: str) -> object:
    """Parse like ``load_yaml_text``, served from the cache when this exact text was seen."""
    directory = cache_dir()
    if directory is None:
        return load_yaml_text(text)
    entry = directory / (hashlib.sha256(f"{_FORMAT}\n{text}".encode()).hexdigest() + ".json")
    try:
        return _decode(orjson.loads(entry.read_bytes()))
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        pass
    data = load_yaml_text(text)  # YAML errors propagate to the caller, as without a cache
    try:
        payload = orjson.dumps(_encode(data))
        directory.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        os.replace(temporary, entry)
    except (OSError, _NotCacheable, TypeError):
        pass
    return data
