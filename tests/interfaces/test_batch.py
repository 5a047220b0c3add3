"""Batch advice through the real command: `expert advise --jsonl` gives, line for line, what
`advise()` gives one by one, with one process and with two; bad records become error lines
and the good ones are still written; several files at once."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import support

from expert import InputError
from expert.audit.diff.corpus import generated_profile
from expert.facts.profile_io import read_profile
from expert.rulebase.rulebook import thresholds_by_field

EXPERT = Path(sys.executable).parent / "expert"
pytestmark = pytest.mark.skipif(not EXPERT.exists(), reason=f"no installed executable at {EXPERT}")
RECORDS = 400  # the generator leaves about half of them invalid: both paths are exercised


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory, knowledge) -> tuple[Path, list[str]]:
    """Generated profiles, one per line, with a blank line, a line that is not JSON and one that is no object."""
    rng = random.Random(10)  # noqa: S311
    thresholds = thresholds_by_field(knowledge, knowledge)
    lines = [json.dumps(generated_profile(rng, thresholds), ensure_ascii=False) for _ in range(RECORDS)]
    lines[5:5] = ["", "{not json", "[1, 2]", json.dumps(support.full_profile(), ensure_ascii=False)]
    path = tmp_path_factory.mktemp("batch") / "profiles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, lines


def _expected(advisor, lines: list[str], lang: str = "en") -> list:
    """What advise() says for each non-blank line: the Advice JSON, or the error's line and paths."""
    expected = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            expected.append(advisor.advise(json.loads(line), lang=lang).model_dump_json())
        except InputError as error:
            expected.append((number, [p.path for p in error.problems]))
        except ValueError:
            expected.append((number, [""]))
    return expected


def _run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXPERT), "advise", *args], input=stdin, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def expected(advisor, jsonl) -> list:
    return _expected(advisor, jsonl[1])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_equals_advise_one_by_one(jsonl, expected, jobs):
    done = _run(["--jsonl", str(jsonl[0]), "--jobs", jobs])
    assert done.returncode == 2, done.stderr  # some records were bad
    assert done.stderr == b""  # no progress bar when stderr is not a terminal
    got = done.stdout.decode("utf-8").splitlines()
    assert len(got) == len(expected) == RECORDS + 3
    good = 0
    for out, want in zip(got, expected, strict=True):
        if isinstance(want, str):
            assert out == want
            good += 1
        else:
            record = json.loads(out)
            assert (record["line"], [p["path"] for p in record["error"]["problems"]]) == want
            assert all(p["message"]["en"] and support.CJK.search(p["message"]["zh"])
                       for p in record["error"]["problems"])
    assert RECORDS // 4 < good < RECORDS


def test_jsonl_from_stdin_in_chinese_all_good(advisor):
    profiles = [support.full_profile(), {}, {"needs": {"capabilities": ["text_messaging"]}}]
    text = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles).encode("utf-8")
    done = _run(["--jsonl", "-", "--lang", "zh", "--jobs", "2"], stdin=text)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8").splitlines() == [advisor.advise(p, lang="zh").model_dump_json() for p in profiles]


def test_several_files(advisor, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: {size: huge}\n", encoding="utf-8")
    examples = sorted(str(p) for p in support.EXAMPLES.glob("*.yaml"))
    text = _run([examples[0], str(bad), examples[1]])
    assert text.returncode == 2
    out = text.stdout.decode("utf-8")
    assert out.count("==> ") == 2 and f"==> {examples[0]} <==" in out and f"==> {examples[1]} <==" in out
    assert out.index(examples[0]) < out.index(examples[1]) and "VERDICT" in out
    assert f"{bad}: invalid profile" in text.stderr.decode("utf-8") and "company.size" in text.stderr.decode("utf-8")
    as_json = _run([examples[0], str(bad), examples[1], "--format", "json", "--jobs", "2"])
    assert as_json.returncode == 2
    first, error, last = as_json.stdout.decode("utf-8").splitlines()
    assert json.loads(first) == json.loads(advisor.advise(read_profile(examples[0])).model_dump_json())
    assert json.loads(error)["file"] == str(bad)
    assert json.loads(error)["error"]["problems"][0]["path"] == "company.size"
    assert json.loads(last)["company"] == advisor.advise(read_profile(examples[1])).company


@pytest.mark.parametrize(("args", "message"), [
    (["--jsonl", "a.jsonl", "b.jsonl"], "--jsonl takes one input"),
    (["--jsonl", "a.jsonl", "--format", "text"], "--jsonl takes one input"),
    (["--jsonl", "missing.jsonl"], "missing.jsonl: cannot read"),
])
def test_bad_usage(tmp_path, args, message):
    done = subprocess.run([str(EXPERT), "advise", *args], capture_output=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr.decode("utf-8") and b"Traceback" not in done.stderr


def test_brief_applies_to_each_of_several_files():
    import support

    files = [str(support.EXAMPLES / "live-commerce.yaml"), str(support.EXAMPLES / "small-team-chat.yaml")]
    done = _run([*files, "--brief"])
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0 and text.count("==> ") == 2
    for block in text.split("==> ")[1:]:
        assert len(block.strip().splitlines()) <= 13  # the header line and at most 12 of summary
