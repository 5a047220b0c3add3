"""A cache of parsed knowledge files, so the CLI does not re-parse unchanged YAML.

Parsing the rule files is most of the knowledge base's load time (PyYAML resolves every
scalar in Python, even with libyaml), and the CLI loads them on every run.  The parsed
tree (with the line of every mapping) is stored as JSON, keyed by a hash of the file's
exact text: an edited file can never be served stale.  It is only a cache: a missing,
unreadable or corrupt entry means "parse again", and a directory that cannot be written
just means no caching.  JSON, not pickle: reading it back cannot run code.

Entries live in a folder named after the parser's own version (this encoding, PyYAML's
version and loader, and the text of the parsing code), so an upgraded or edited parser
never reads trees an older one wrote.  Whenever an entry is written, folders of other
parser versions are pruned, and the current folder is held to ``MAX_ENTRIES`` (oldest
first).  Pruning deletes only files named the way this module names them.

``EXPERT_CACHE_DIR`` chooses the directory (``off`` disables the cache); the default is
``$XDG_CACHE_HOME/expert`` or ``~/.cache/expert``.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
from pathlib import Path
from typing import Optional

import orjson
import yaml

from expert.facts import yamlsource
from expert.facts.yamlsource import LineDict, load_yaml_text

_FORMAT = "expert-parse-2"  # bump when the encoding below changes
MAX_ENTRIES = 256  # entries kept per parser version: the bundled knowledge has 13 files
_VERSION_DIR = re.compile(r"^parse-[0-9a-f]{16}$")
_ENTRY = re.compile(r"^[0-9a-f]{64}\.json$|^[0-9a-f]{64}\.\d+\.tmp$")


def cache_dir() -> Optional[Path]:
    configured = os.environ.get("EXPERT_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "0", "off", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "expert"


@functools.lru_cache(maxsize=1)
def parser_version() -> str:
    """What a cached tree depends on, as 16 hex digits.

    The encoding's format, PyYAML's version and whether its C loader is used, and the
    source of the two modules that parse and encode (so a changed parser is a new key even
    before a release bumps a version number).
    """
    digest = hashlib.sha256(f"{_FORMAT}|PyYAML {yaml.__version__}|libyaml {yaml.__with_libyaml__}".encode())
    for source in (yamlsource.__file__, __file__):
        try:
            digest.update(Path(source).read_bytes())
        except OSError:
            digest.update(source.encode())
    return digest.hexdigest()[:16]


def _prune(root: Path, current: Path) -> None:
    """Remove entries of other parser versions (and the flat layout of before) and hold the
    current folder to MAX_ENTRIES, oldest first.  Only files named as this module names its
    entries are deleted: the cache directory may be one the user chose."""
    try:
        children = list(root.iterdir())
    except OSError:
        return
    for child in children:
        if child == current:
            continue
        if _VERSION_DIR.match(child.name) and child.is_dir():
            try:
                _remove_entries(list(child.iterdir()))
                child.rmdir()
            except OSError:
                pass  # unreadable, or something not ours is inside: leave the folder
        elif _ENTRY.match(child.name):
            _remove_entries([child])
    try:
        entries = [(entry.stat().st_mtime, entry) for entry in current.iterdir() if _ENTRY.match(entry.name)]
    except OSError:
        return
    if len(entries) > MAX_ENTRIES:
        _remove_entries([entry for _, entry in sorted(entries)[: len(entries) - MAX_ENTRIES]])


def _remove_entries(paths: list[Path]) -> None:
    for path in paths:
        if _ENTRY.match(path.name):
            try:
                path.unlink()
            except OSError:
                pass  # another process may have removed it first


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
    return load_yaml_loaded(text)[0]


def load_yaml_loaded(text: str) -> tuple[object, bytes]:
    """Parse like ``load_yaml_cached``, and say what was loaded: the canonical encoding of the
    tree actually returned (the cache entry's bytes when served from the cache).

    A knowledge fingerprint built from these bytes describes what the advisor runs on:
    an edited cache entry changes it, exactly as an edited file does.
    """
    root = cache_dir()
    directory = root / f"parse-{parser_version()}" if root is not None else None
    entry = directory / (hashlib.sha256(text.encode()).hexdigest() + ".json") if directory is not None else None
    if entry is not None:
        try:
            payload = entry.read_bytes()
            return _decode(orjson.loads(payload)), payload
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
            pass
    data = load_yaml_text(text)  # YAML errors propagate to the caller, as without a cache
    try:
        payload = orjson.dumps(_encode(data))
    except (_NotCacheable, TypeError, RecursionError):
        return data, b"text:" + text.encode()  # not representable: the text itself is what was loaded
    if entry is None:
        return data, payload
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        os.replace(temporary, entry)
    except OSError:
        return data, payload
    _prune(root, directory)
    return data, payload
