"""The parsed-knowledge cache: same result as parsing, never stale, never required."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from expert.facts.yamlsource import load_yaml_text
from expert.rulebase import parse_cache
from expert.rulebase.loader import DEFAULT_KNOWLEDGE_DIR


def _lines(node, out=None):
    """Every (path, line) of a parsed tree, to compare line bookkeeping exactly."""
    out = [] if out is None else out
    if isinstance(node, dict):
        out.append(getattr(node, "line", None))
        for value in node.values():
            _lines(value, out)
    elif isinstance(node, list):
        for value in node:
            _lines(value, out)
    return out


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EXPERT_CACHE_DIR", str(directory))
    return directory


@pytest.mark.parametrize("name", ["rules/10-needs.yaml", "rules/70-verdict.yaml", "claims.yaml", "conclusions.yaml"])
def test_cached_parse_equals_fresh_parse_with_lines(cache, name):
    text = (DEFAULT_KNOWLEDGE_DIR / name).read_text(encoding="utf-8")
    fresh = load_yaml_text(text)
    first = parse_cache.load_yaml_cached(text)  # miss: parses and writes
    assert len(list(cache.glob("parse-*/*.json"))) == 1
    second = parse_cache.load_yaml_cached(text)  # hit: read back from JSON
    assert first == fresh and second == fresh
    assert _lines(second) == _lines(fresh) and all(line for line in _lines(second))


def test_edited_text_is_never_served_stale(cache):
    assert parse_cache.load_yaml_cached("a: 1\n") == {"a": 1}
    assert parse_cache.load_yaml_cached("a: 2\n") == {"a": 2}


def test_corrupt_entry_is_parsed_again(cache):
    parse_cache.load_yaml_cached("a: 1\n")
    (entry,) = cache.glob("parse-*/*.json")
    entry.write_bytes(b"{not json")
    assert parse_cache.load_yaml_cached("a: 1\n") == {"a": 1}


def test_values_json_cannot_give_back_are_not_cached(cache):
    assert parse_cache.load_yaml_cached("day: 2026-11-26\n")["day"].year == 2026
    assert not list(cache.glob("parse-*/*.json"))


def test_unwritable_directory_only_disables_caching(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("EXPERT_CACHE_DIR", str(blocker / "sub"))  # cannot mkdir below a file
    assert parse_cache.load_yaml_cached("a: 1\n") == {"a": 1}


def test_off_disables_the_cache(monkeypatch):
    monkeypatch.setenv("EXPERT_CACHE_DIR", "off")
    assert parse_cache.cache_dir() is None
    assert parse_cache.load_yaml_cached("a: [1, 2]\n") == {"a": [1, 2]}


def test_entries_are_keyed_by_the_parser_version(cache, monkeypatch):
    """A changed parser never reads what an older one wrote, and the older folder is pruned."""
    parse_cache.load_yaml_cached("a: 1\n")
    (old_entry,) = cache.glob("parse-*/*.json")
    assert old_entry.parent.name == f"parse-{parse_cache.parser_version()}"
    old_entry.write_bytes(orjson.dumps({"l": 1, "d": {"a": 99}}))  # what an older parser "wrote"
    monkeypatch.setattr(parse_cache, "parser_version", lambda: "0123456789abcdef")
    assert parse_cache.load_yaml_cached("a: 1\n") == {"a": 1}  # parsed again, not served from the old folder
    assert [p.parent.name for p in cache.glob("parse-*/*.json")] == ["parse-0123456789abcdef"]
    assert not old_entry.parent.exists()


def test_parser_version_follows_the_parser_source():
    version = parse_cache.parser_version()
    assert len(version) == 16 and int(version, 16) >= 0
    assert version == parse_cache.parser_version()  # stable within a process


def test_pruning_keeps_what_is_not_ours(cache):
    cache.mkdir(parents=True)
    legacy = cache / ("ab" * 32 + ".json")  # the flat layout of the first cache format
    legacy.write_text("{}")
    mine = cache / "notes.json"
    mine.write_text("keep me")
    foreign = cache / "parse-fedcba9876543210"
    foreign.mkdir()
    (foreign / "user-file.txt").write_text("keep me too")
    parse_cache.load_yaml_cached("a: 1\n")
    assert not legacy.exists()
    assert mine.read_text() == "keep me" and (foreign / "user-file.txt").read_text() == "keep me too"


def test_the_current_folder_is_held_to_its_limit_oldest_first(cache, monkeypatch):
    monkeypatch.setattr(parse_cache, "MAX_ENTRIES", 3)
    for value in range(5):
        parse_cache.load_yaml_cached(f"a: {value}\n")
        for index, entry in enumerate(sorted(cache.glob("parse-*/*.json"), key=lambda e: e.stat().st_mtime)):
            os.utime(entry, (1_000_000 + index, 1_000_000 + index))  # distinct, ordered mtimes
    entries = list(cache.glob("parse-*/*.json"))
    assert len(entries) == 3
    kept = {parse_cache.load_yaml_cached(f"a: {value}\n")["a"] for value in (2, 3, 4)}
    assert kept == {2, 3, 4} and len(list(cache.glob("parse-*/*.json"))) == 3
