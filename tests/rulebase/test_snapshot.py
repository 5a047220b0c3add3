"""The knowledge snapshot: the same knowledge base as a full load, never stale, never trusted blindly."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
import support

from expert.rulebase import loader, snapshot
from expert.rulebase.loader import KnowledgeError, load_knowledge


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EXPERT_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def kb_dir(tmp_path) -> Path:
    return support.copy_knowledge(tmp_path / "knowledge")


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("knowledge-*.pickle"))


def _same(a, b) -> None:
    assert a.fingerprint == b.fingerprint and a.directory == b.directory
    assert a.rules == b.rules and a.conclusions == b.conclusions and a.claims == b.claims
    assert a.labels == b.labels and a.sets == b.sets and a.exclusions == b.exclusions
    assert (a.levels, a.conclusion_levels, a.depths) == (b.levels, b.conclusion_levels, b.depths)
    assert {k: c.pattern for k, c in a.compiled.items()} == {k: c.pattern for k, c in b.compiled.items()}


def test_second_load_comes_from_the_snapshot_and_equals_a_full_load(cache, kb_dir, monkeypatch):
    first = load_knowledge(kb_dir)
    assert len(_entries(cache)) == 1
    calls = []
    monkeypatch.setattr(loader, "_load_in_full", lambda *a: calls.append(a))
    second = load_knowledge(kb_dir)
    assert calls == []  # served from the snapshot
    _same(first, second)
    monkeypatch.undo()
    monkeypatch.setenv("EXPERT_CACHE_DIR", "off")
    _same(load_knowledge(kb_dir), second)


def test_an_edited_rule_file_is_a_new_key_and_a_full_load(cache, kb_dir):
    before = load_knowledge(kb_dir)
    rule_file = kb_dir / "rules" / "70-verdict.yaml"
    rule_file.write_text(rule_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = load_knowledge(kb_dir)
    assert after.fingerprint != before.fingerprint  # the text is part of the fingerprint
    assert len(_entries(cache)) == 2


def test_an_added_file_or_other_options_change_the_key(kb_dir):
    key = snapshot.snapshot_key(kb_dir, True)
    assert snapshot.snapshot_key(kb_dir, False) != key
    (kb_dir / "rules" / "99-extra.yaml").write_text("rules: []\n", encoding="utf-8")
    assert snapshot.snapshot_key(kb_dir, True) != key


def test_a_changed_loader_is_a_new_key(kb_dir, monkeypatch):
    key = snapshot.snapshot_key(kb_dir, True)
    monkeypatch.setattr(snapshot, "code_version", lambda: b"another loader")
    assert snapshot.snapshot_key(kb_dir, True) != key


def test_a_broken_knowledge_base_is_never_stored(cache, kb_dir):
    (kb_dir / "rules" / "70-verdict.yaml").write_text("rules: [{id: broken}]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        load_knowledge(kb_dir)
    assert _entries(cache) == []
    with pytest.raises(KnowledgeError):  # and the next load reports it again
        load_knowledge(kb_dir)


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo owned",))


@pytest.mark.parametrize("payload", [b"not a pickle", pickle.dumps(("KEY", _Boom())), pickle.dumps(("KEY", {"a": 1})),
                                     pickle.dumps(("other key", None))])
def test_a_corrupt_foreign_or_hostile_snapshot_is_ignored(cache, kb_dir, payload, capfd):
    expected = load_knowledge(kb_dir)
    (entry,) = _entries(cache)
    entry.write_bytes(payload.replace(b"KEY", entry.name[len("knowledge-"):-len(".pickle")].encode()))
    _same(load_knowledge(kb_dir), expected)  # loaded in full (and the snapshot written again)
    assert "owned" not in capfd.readouterr().out


def test_a_snapshot_writable_by_others_is_not_read(cache, kb_dir, monkeypatch):
    load_knowledge(kb_dir)
    (entry,) = _entries(cache)
    entry.chmod(0o666)
    calls = []
    full = loader._load_in_full
    monkeypatch.setattr(loader, "_load_in_full", lambda *a: calls.append(a) or full(*a))
    load_knowledge(kb_dir)
    assert len(calls) == 1


def test_no_cache_directory_means_no_snapshot(kb_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("EXPERT_CACHE_DIR", "off")
    load_knowledge(kb_dir)
    assert not list(tmp_path.rglob("knowledge-*.pickle"))


def test_a_new_process_is_served_the_snapshot_without_importing_the_loader(tmp_path):
    """The point of the snapshot is a start that skips the loader: the key a fresh process
    works out before anything imports the loader must be the key the loader stored under
    (a key that read the engine limits only once imported missed on every start)."""
    import subprocess
    import sys

    code = ("import sys\nfrom expert.rulebase.knowledge import load_knowledge\nload_knowledge()\n"
            "print('expert.rulebase.loader' in sys.modules)\n")
    env = {**os.environ, "EXPERT_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert [run.stdout.strip() for run in runs] == ["True", "False"], [run.stderr[-500:] for run in runs]


def test_lowered_engine_limits_are_a_new_key(kb_dir, monkeypatch):
    from expert.rulebase import rulesets

    before = snapshot.snapshot_key(kb_dir, True)
    monkeypatch.setattr(rulesets, "MAX_ACTIONS", 60)
    assert snapshot.snapshot_key(kb_dir, True) != before
