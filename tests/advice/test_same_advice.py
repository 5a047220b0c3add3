"""advise() gives, byte for byte, the Advice (and the engine's input facts) recorded in a golden file.

The fast path (models built without re-validation, per-knowledge tables, question
ranking prepared once) must not change one answer: ``golden/advice.json.gz`` holds, for
every example and every worked case, ``Advice.model_dump(mode="json")`` and the input
facts the engine saw, as the implementation before that work produced them.  A change to
the knowledge or to the wording changes it too: review the diff this test prints, then
regenerate with ``EXPERT_UPDATE_GOLDEN=1 pytest tests/advice/test_same_advice.py``.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import orjson
import pytest
import support
import yaml

GOLDEN = Path(__file__).resolve().parent / "golden" / "advice.json.gz"


def _profiles() -> dict[str, dict]:
    profiles = {f"examples/{p.name}": yaml.safe_load(p.read_text(encoding="utf-8"))
                for p in sorted(support.EXAMPLES.glob("*.yaml"))}
    for path in sorted((support.KNOWLEDGE / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        profiles[f"knowledge/cases/{path.name}"] = case["profile"]
    return profiles


PROFILES = _profiles()


def _record(advisor, profile: dict) -> dict:
    run = advisor.consult(profile)
    return {"advice": run.advice.model_dump(mode="json"), "facts": run.facts}


def _first_difference(expected, actual, path: str = "") -> str:
    """The first path where two JSON values differ, with both values (short)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in expected or key not in actual or expected[key] != actual[key]:
                return _first_difference(expected.get(key), actual.get(key), f"{path}.{key}")
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            if e != a:
                return _first_difference(e, a, f"{path}[{i}]")
    return f"{path or '<root>'}: expected {str(expected)[:200]!r}, got {str(actual)[:200]!r}"


@pytest.fixture(scope="module")
def golden(advisor) -> dict:
    if os.environ.get("EXPERT_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        records = {label: _record(advisor, profile) for label, profile in PROFILES.items()}
        GOLDEN.write_bytes(gzip.compress(orjson.dumps(records, option=orjson.OPT_SORT_KEYS), mtime=0))
    assert GOLDEN.exists(), f"missing {GOLDEN}; run with EXPERT_UPDATE_GOLDEN=1 to create it"
    return orjson.loads(gzip.decompress(GOLDEN.read_bytes()))


def test_golden_file_covers_every_example_and_case(golden):
    assert sorted(golden) == sorted(PROFILES)


@pytest.mark.parametrize("label", sorted(PROFILES))
def test_advice_and_facts_match_the_golden_file(advisor, golden, label):
    # through JSON, as the golden file was: tuples become lists, keys strings
    actual = orjson.loads(orjson.dumps(_record(advisor, PROFILES[label])))
    expected = golden[label]
    assert actual == expected, f"{label} changed at {_first_difference(expected, actual)}"


def test_chinese_advice_differs_only_in_its_language(advisor, golden):
    label = "examples/live-commerce.yaml"
    chinese = orjson.loads(orjson.dumps(advisor.advise(PROFILES[label], lang="zh").model_dump(mode="json")))
    assert chinese == {**golden[label]["advice"], "lang": "zh"}
