"""Fuzzing the readers (issue 11): whatever the bytes, a profile file is a dict or a
ProfileInputError, and a rule file is loaded or refused with KnowledgeError; nothing else
escapes (no RecursionError, ValueError, OverflowError, no traceback for the CLI to print).
``EXPERT_FUZZ_EXAMPLES`` raises the example count for a longer run (default: a few hundred)."""

from __future__ import annotations

import os

import pytest
import support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.facts.profile_io import ProfileInputError, parse_profile_bytes
from expert.rulebase.loader import KnowledgeError, load_knowledge

EXAMPLES = int(os.environ.get("EXPERT_FUZZ_EXAMPLES", "200"))

# YAML-ish fragments: structure, aliases, tags, huge numbers, deep brackets, control bytes.
FRAGMENTS = st.sampled_from([
    "a: ", "- ", "[", "]", "{", "}", ": ", ", ", "\n", "  ", "&x ", "*x", "!!python/object ", "!!binary ", "9" * 60,
    "1e999", "-.inf", ".nan", "true", "null", "~", "'", '"', "\\x1b", "\x00", "\x1b]0;t\x07", "needs", "usage", "mau",
    "company", "name", "offers", "capabilities", "[" * 50, "]" * 50, "<<: ", "? ", "|", ">", "#", "%YAML 1.1\n", "---\n",
])
DOCUMENTS = st.one_of(st.binary(max_size=400), st.lists(FRAGMENTS, max_size=60).map(lambda parts: "".join(parts).encode()))


@settings(max_examples=EXAMPLES, deadline=None)
@given(raw=DOCUMENTS)
def test_the_profile_reader_returns_a_mapping_or_a_clean_error(raw):
    try:
        data = parse_profile_bytes(raw, "fuzz")
    except ProfileInputError as error:
        assert len(str(error)) < 2000
        return
    assert isinstance(data, dict)


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    return support.write_mini_kb(tmp_path_factory.mktemp("fuzz-kb"))


@settings(max_examples=max(EXAMPLES // 4, 25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=DOCUMENTS, cached=st.booleans())
def test_the_knowledge_loader_loads_or_refuses_cleanly(kb_dir, tmp_path_factory, monkeypatch, raw, cached):
    monkeypatch.setenv("EXPERT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "fuzz-cache") if cached else "off")
    (kb_dir / "rules" / "20-fuzz.yaml").write_bytes(raw)
    try:
        load_knowledge(kb_dir)
    except KnowledgeError as error:
        assert "20-fuzz.yaml" in str(error)
