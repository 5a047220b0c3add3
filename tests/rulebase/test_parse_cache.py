"""The parsed-knowledge cache: same result as parsing, never stale, never required."""

from __future__ import annotations

from pathlib import Path

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
    assert len(list(cache.glob("*.json"))) == 1
    second = parse_cache.load_yaml_cached(text)  # hit: read back from JSON
    assert first == fresh and second == fresh
    assert _lines(second) == _lines(fresh) and all(line for line in _lines(second))


def test_edited_text_is_never_served_stale(cache):
    assert parse_cache.load_yaml_cached("a: 1\n") == {"a": 1}
    assert parse_cache.load_yaml_cached("a: 2\n") == {"a": 2}


def test_corrupt_entry_is_parsed_again(cache):
    parse_cache.load_yaml_cached("a: 1\n")
    (entry,) = cache.glob("*.json")
    entry.write_bytes(b"{not json")
    assert parse_cache.load_yaml_cached("a: 1\n") == {"a": 1}


def test_values_json_cannot_give_back_are_not_cached(cache):
    assert parse_cache.load_yaml_cached("day: 2026-11-26\n")["day"].year == 2026
    assert not list(cache.glob("*.json"))


def test_unwritable_directory_only_disables_caching(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("EXPERT_CACHE_DIR", str(blocker / "sub"))  # cannot mkdir below a file
    assert parse_cache.load_yaml_cached("a: 1\n") == {"a": 1}


def test_off_disables_the_cache(monkeypatch):
    monkeypatch.setenv("EXPERT_CACHE_DIR", "off")
    assert parse_cache.cache_dir() is None
    assert parse_cache.load_yaml_cached("a: [1, 2]\n") == {"a": [1, 2]}
