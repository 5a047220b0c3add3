"""A validated knowledge snapshot: the loaded, checked and compiled knowledge base, kept
between processes so that the next ``expert advise`` on the same files skips the work.

Loading the bundled knowledge reads 13 files, checks every rule against the vocabulary,
stratifies, compiles and bounds the ruleset against durable_rules' limits: most of what
a one-shot command spends beyond its imports.  None of it depends on anything but the
knowledge files and this program's code, so the result is stored once, next to the parse
cache (``parse_cache.cache_dir()``; ``EXPERT_CACHE_DIR=off`` disables both), and used only
when its key matches exactly:

* the key is a SHA-256 over the snapshot format, the Python version, the loader's options,
  the directory as given, the name and bytes of every file the loader may read (``*.yaml``
  at the top and in ``rules/``) and the source of the code that builds a knowledge base
  (``expert/rulebase`` and ``expert/facts``, with PyYAML's version).  An edited, added or
  removed file, or an edited loader, is a new key: a stale snapshot is never served;
* only a successful load is stored (errors are reported by a full load every time);
* reading it back cannot run code: the unpickler resolves only the knowledge base's own
  data classes (``rulebook``, ``compiler``) and refuses every other global (a function,
  ``os.system``...); a file that is not ours (another owner, or writable by others: no one
  else can make a file this user owns), corrupt, or refused is ignored and the knowledge
  is loaded in full;
* it also carries the fast profile validator's schema (``facts/validation.py``), which
  depends only on the vocabulary's code and pydantic's version (both in the key): a process
  served the snapshot validates its first profile with it and builds none of the
  vocabulary's pydantic models, most of a one-shot command's own start-up otherwise.  The
  schema's classes and choice members are stored by name and resolved against a fixed list;
  a stored schema that is refused is ignored (the validator builds its own, as without one).

Snapshots are written atomically (a temporary file renamed over); at most
``MAX_SNAPSHOTS`` are kept, oldest first removed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Optional

import pydantic
import pydantic_core
import yaml

from expert.facts.safe_files import read_regular_file
from expert.facts.validation import PROFILE_VALIDATOR, stored_schema_objects
from expert.rulebase.parse_cache import cache_dir
from expert.rulebase.rulebook import KnowledgeBase

_FORMAT = "expert-snapshot-2"  # bump when what is stored changes
MAX_SNAPSHOTS = 8
MAX_KEYED_BYTES = 64_000_000  # the loader's MAX_KNOWLEDGE_BYTES (defined here: read without the loader)
_PREFIX, _SUFFIX = "knowledge-", ".pickle"
_ALLOWED_MODULES = frozenset({"expert.rulebase.rulebook", "expert.rulebase.compiler"})


@functools.lru_cache(maxsize=1)
def code_version() -> bytes:
    """A digest of the code that shapes a loaded knowledge base: every module of
    ``expert.rulebase`` and ``expert.facts`` (the vocabulary it is checked against), with the
    versions of the libraries that read the rules and build the fast validator's schema."""
    digest = hashlib.sha256(f"PyYAML {yaml.__version__}|libyaml {yaml.__with_libyaml__}|pydantic {pydantic.VERSION}|"
                            f"pydantic-core {pydantic_core.__version__}".encode())
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for part in ("rulebase", "facts"):
        folder = os.path.join(package, part)
        for name in sorted(name for name in os.listdir(folder) if name.endswith(".py")):
            digest.update(name.encode())
            with open(os.path.join(folder, name), "rb") as source:
                digest.update(source.read())
    return digest.digest()


def _knowledge_files(directory: Path) -> list[str]:
    """The files the loader may read, relative to ``directory``, sorted: ``*.yaml`` at the top
    and in ``rules/`` (as ``glob("*.yaml")`` finds them: no hidden names; a folder so named
    is listed too, and refused when read).  Plain ``os.listdir``: this runs on every start."""
    found = []
    for folder in ("", "rules"):
        try:
            names = os.listdir(os.path.join(directory, folder) if folder else directory)
        except FileNotFoundError:
            continue
        found += [f"{folder}/{name}" if folder else name for name in names
                  if name.endswith(".yaml") and not name.startswith(".")]
    return sorted(found)


def snapshot_key(directory: Path, require_bases: bool) -> Optional[str]:
    """The key of the knowledge in ``directory`` as it is now; None when a file cannot be
    read plainly (the full load then says why)."""
    digest = hashlib.sha256(f"{_FORMAT}|{sys.version}|{require_bases}|{directory}".encode())
    left = MAX_KEYED_BYTES
    try:
        digest.update(code_version())
        digest.update(_limits_in_force())
        for name in _knowledge_files(directory):
            raw = read_regular_file(os.path.join(directory, name), left)
            left -= len(raw)
            digest.update(f"\x00{name}\x00{len(raw)}\x00".encode())
            digest.update(raw)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def _limits_in_force() -> bytes:
    """The engine-table limits a load is checked and split against, as they are now: their
    source is in ``code_version``, but a caller (a test, a tool) may change them at run time,
    and a knowledge base split for other limits must not be served.  Both modules are read
    always (about 1 ms; the compiler they import is needed anyway), so that the key is the
    same before and after the loader has imported them."""
    from expert.rulebase import engine_limits, rulesets

    values = [f"{module.__name__}.{key}={value}" for module in (engine_limits, rulesets)
              for key, value in sorted(vars(module).items()) if key.isupper() and isinstance(value, int)]
    return "|".join(values).encode()


class _KnowledgeUnpickler(pickle.Unpickler):
    """Rebuilds the knowledge base's data classes and plain containers, nothing else."""

    def find_class(self, module: str, name: str) -> type:
        if module in _ALLOWED_MODULES:
            found = getattr(sys.modules.get(module), name, None)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"a knowledge snapshot may not refer to {module}.{name}")


# The fast validator's schema (``facts/validation.py``) travels with the knowledge base: it
# depends on nothing but the vocabulary's code and pydantic's version, both in the key, and a
# process that loads this snapshot then validates its first profile without building the
# vocabulary's pydantic models (most of a one-shot command's own start-up).  The schema holds
# model classes, choice members and a default factory: stored by name, resolved on reading
# against ``stored_schema_objects()`` only; no other object can be named, no function called.
# Like the knowledge pickle, it is read only from a file this user owns and no one else can
# write (``_ours``): pickle could still set attributes on the objects it names, so the file
# is trusted as the user's own, as the knowledge base in it is.
_PLAIN = frozenset({str, int, float, bool, type(None), dict, list, tuple})


class _SchemaPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, names: dict[int, str]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = names

    def persistent_id(self, obj: object) -> Optional[str]:
        if type(obj) in _PLAIN:
            return None
        name = self._names.get(id(obj))
        if name is None:
            raise pickle.PicklingError(f"a stored schema may not hold {type(obj).__name__}")
        return name


class _SchemaUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, objects: dict[str, object]) -> None:
        super().__init__(file)
        self._objects = objects

    def persistent_load(self, name: object) -> object:
        if type(name) is not str or name not in self._objects:
            raise pickle.UnpicklingError(f"a stored schema may not refer to {name!r}")
        return self._objects[name]

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"a stored schema may not refer to {module}.{name}")


def _stored_schema() -> Optional[bytes]:
    """The fast validator's schema, pickled by name; None when there is none or it holds
    anything but what ``stored_schema_objects`` names (then the snapshot goes without)."""
    try:
        schema = PROFILE_VALIDATOR.stored_form()
        if schema is None:
            return None
        file = io.BytesIO()
        _SchemaPickler(file, {id(obj): name for name, obj in stored_schema_objects().items()}).dump(schema)
        return file.getvalue()
    except Exception:  # noqa: BLE001 - only a cache
        return None


def _ours(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (as ssh asks of its keys)."""
    owner = getattr(os, "getuid", lambda: info.st_uid)()
    return info.st_uid == owner and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _entry(key: str) -> Optional[Path]:
    root = cache_dir()
    return None if root is None else root / f"{_PREFIX}{key}{_SUFFIX}"


def read_snapshot(key: str) -> Optional[KnowledgeBase]:
    """The knowledge base stored under ``key``, or None (absent, not ours, corrupt, refused)."""
    entry = _entry(key)
    if entry is None:
        return None
    try:  # (the folder may be group-writable, umask 002: a file someone else put there is not ours)
        descriptor = os.open(entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or not _ours(info):
                return None
            payload = file.read()
        stored_key, knowledge, schema = _KnowledgeUnpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - whatever is wrong with it, the full load is the answer
        return None
    if stored_key != key or not isinstance(knowledge, KnowledgeBase):
        return None
    if isinstance(schema, bytes):
        try:
            PROFILE_VALIDATOR.adopt(_SchemaUnpickler(io.BytesIO(schema), stored_schema_objects()).load())
        except Exception:  # noqa: BLE001, S110 - no stored schema: the validator builds its own as ever
            pass
    return knowledge


def write_snapshot(key: str, knowledge: KnowledgeBase) -> None:
    """Store a freshly loaded knowledge base; a cache that cannot be written is no error."""
    entry = _entry(key)
    if entry is None:
        return
    try:
        payload = pickle.dumps((key, knowledge, _stored_schema()), protocol=pickle.HIGHEST_PROTOCOL)
        _KnowledgeUnpickler(io.BytesIO(payload)).load()  # what cannot be read back is not stored
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(payload)
        os.replace(temporary, entry)
    except Exception:  # noqa: BLE001 - only a cache
        return
    _prune(entry.parent)


def _prune(directory: Path) -> None:
    """Hold the snapshots to MAX_SNAPSHOTS, oldest first; only files named as ours are touched."""
    try:
        entries = sorted((path.stat().st_mtime, path) for path in directory.glob(f"{_PREFIX}*{_SUFFIX}"))
    except OSError:
        return
    for _, path in entries[: max(0, len(entries) - MAX_SNAPSHOTS)]:
        try:
            path.unlink()
        except OSError:
            pass
