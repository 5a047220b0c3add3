"""The fast validator's schema a knowledge snapshot carries: the same validator as one built
in the process, named objects only, and a one-shot start that builds no vocabulary model."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import support

from expert.facts.validation import PROFILE_VALIDATOR, ProfileValidator, stored_schema_objects
from expert.rulebase import snapshot
from expert.rulebase.loader import load_knowledge

ROOT = Path(__file__).resolve().parents[2]


def _profiles() -> list[dict]:
    import yaml

    found = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    for path in sorted((ROOT / "knowledge" / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(case, dict) and isinstance(case.get("profile"), dict):
            found.append(case["profile"])
    return found


def test_the_stored_schema_reads_back_as_the_fast_validators_own():
    stored = snapshot._stored_schema()
    assert stored is not None, "the snapshot would carry no schema: every start builds the vocabulary"
    schema = snapshot._SchemaUnpickler(io.BytesIO(stored), stored_schema_objects()).load()
    assert schema == PROFILE_VALIDATOR.stored_form()  # the same classes and members, not copies
    assert "metadata" not in repr(schema)


class _NamesAnything(pickle.Pickler):
    def persistent_id(self, obj):
        return "os.system" if obj is os.system else None


def _naming_a_stranger() -> bytes:
    file = io.BytesIO()
    _NamesAnything(file).dump({"type": "model", "cls": os.system})
    return file.getvalue()


@pytest.mark.parametrize("hostile", [
    pickle.dumps({"type": "model", "cls": os.system}),  # a global: find_class refuses every one
    _naming_a_stranger(),  # a name not in stored_schema_objects
    b"not a pickle",
])
def test_a_hostile_or_corrupt_stored_schema_is_ignored_and_the_knowledge_still_served(
        tmp_path, monkeypatch, hostile):
    monkeypatch.setenv("EXPERT_CACHE_DIR", str(tmp_path / "cache"))
    kb_dir = support.copy_knowledge(tmp_path / "knowledge")
    expected = load_knowledge(kb_dir)
    (entry,) = (tmp_path / "cache").glob("knowledge-*.pickle")
    key, knowledge, _ = snapshot._KnowledgeUnpickler(io.BytesIO(entry.read_bytes())).load()
    entry.write_bytes(pickle.dumps((key, knowledge, hostile)))
    fresh = ProfileValidator()
    monkeypatch.setattr(snapshot, "PROFILE_VALIDATOR", fresh)
    served = snapshot.read_snapshot(key)
    assert served is not None and served.fingerprint == expected.fingerprint
    assert fresh._stored is None  # nothing adopted: it builds its own on its second profile, as ever


def test_a_good_stored_schema_is_adopted_and_validates_as_the_exact_path(tmp_path, monkeypatch):
    from expert.facts.vocabulary import Profile

    monkeypatch.setenv("EXPERT_CACHE_DIR", str(tmp_path / "cache"))
    kb_dir = support.copy_knowledge(tmp_path / "knowledge")
    load_knowledge(kb_dir)
    fresh = ProfileValidator()
    monkeypatch.setattr(snapshot, "PROFILE_VALIDATOR", fresh)
    assert snapshot.read_snapshot(snapshot.snapshot_key(kb_dir, True)) is not None
    assert fresh._stored is not None
    for data in _profiles():
        assert fresh.validate(data) == Profile.model_validate(data)
    assert fresh._fast is not None and fresh._stored is None  # built from the stored schema on the first profile


_ONE_SHOT = """
import json, sys
from pathlib import Path
import yaml
from expert.rulebase.knowledge import load_knowledge
from expert.facts.validation import validate_profile, _input_models
load_knowledge()
profiles = [yaml.safe_load(Path(p).read_text(encoding="utf-8")) for p in sys.argv[1:]]
validated = [validate_profile(p) for p in profiles]
built = sorted(m.__name__ for m in _input_models() if m.__pydantic_complete__)
from expert.facts.vocabulary import Profile
same = all(v == Profile.model_validate(p) for v, p in zip(validated, profiles))
print(json.dumps({"built": built, "same": same}))
"""


def test_a_process_served_the_snapshot_validates_without_building_the_vocabulary(tmp_path):
    """What the stored schema is for: a one-shot command's profile is validated before any
    vocabulary model is built (their schema generation was most of the start's own cost)."""
    env = {**os.environ, "EXPERT_CACHE_DIR": str(tmp_path / "cache")}
    examples = [str(path) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    runs = [subprocess.run([sys.executable, "-c", _ONE_SHOT, *examples], capture_output=True, text=True, env=env,
                           timeout=120) for _ in range(2)]
    assert all(run.returncode == 0 for run in runs), [run.stderr[-800:] for run in runs]
    import json

    first, second = (json.loads(run.stdout) for run in runs)
    assert first["same"] and second["same"]
    assert first["built"]  # the first run loaded in full and wrote the snapshot (its schema built the models)
    assert second["built"] == []


_EXACT_FIRST = """
import json, sys
from pathlib import Path
import yaml
from expert.facts.vocabulary import Profile
from expert.facts.validation import ProfileValidator
profiles = [yaml.safe_load(Path(p).read_text(encoding="utf-8")) for p in sys.argv[1:]]
Profile.model_validate(profiles[0])  # Profile built before the models it holds: they come by reference
shape = Profile.__pydantic_core_schema__["type"]
validator = ProfileValidator()
fast = validator.fast_only(profiles[0]) is not None
print(json.dumps({"shape": shape, "fast": fast,
                  "same": all(validator.fast_only(p) == Profile.model_validate(p) for p in profiles)}))
"""


def test_the_fast_validator_is_built_whichever_model_pydantic_built_first():
    """Models are built on first use: a profile validated the exact way first builds Profile
    with its parts by reference (a ``definitions`` schema), and the fast validator must still
    be made from it, not silently given up (every profile would then take the slow path)."""
    import json

    examples = [str(path) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    run = subprocess.run([sys.executable, "-c", _EXACT_FIRST, *examples], capture_output=True, text=True,
                         env={**os.environ, "EXPERT_CACHE_DIR": "off"}, timeout=120)
    assert run.returncode == 0, run.stderr[-800:]
    result = json.loads(run.stdout)
    assert result["fast"] and result["same"], result


_BUILT_MEANWHILE = """
import io, sys
from expert.facts import validation
from expert.facts.vocabulary import Profile
from expert.rulebase import snapshot
with open(sys.argv[1], "rb") as file:
    schema = snapshot._SchemaUnpickler(file, validation.stored_schema_objects()).load()
build = validation.SchemaValidator

def built_meanwhile(schema):  # another thread validates its first profile the exact way meanwhile
    Profile.model_validate({})
    return build(schema)

validation.SchemaValidator = built_meanwhile
validator = validation.ProfileValidator()
validator.adopt(schema)
assert validator._build() is not None
print(Profile.__pydantic_complete__, Profile.model_rebuild())
"""


def test_a_model_pydantic_builds_while_the_stored_schema_is_built_stays_marked_built(tmp_path):
    """Building the fast validator restores the completeness flags it flipped, but not over
    one pydantic set meanwhile: a built model left marked unbuilt is built again by the next
    model_rebuild (and by each model that holds it)."""
    stored = tmp_path / "schema.pickle"
    stored.write_bytes(snapshot._stored_schema())
    run = subprocess.run([sys.executable, "-c", _BUILT_MEANWHILE, str(stored)], capture_output=True, text=True,
                         env={**os.environ, "EXPERT_CACHE_DIR": "off"}, timeout=120)
    assert run.returncode == 0, run.stderr[-800:]
    assert run.stdout.split() == ["True", "None"]  # marked built, so not built again
