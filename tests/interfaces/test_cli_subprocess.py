"""The installed `expert` executable, run as a real process (all runs start together, to save time)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import support

from expert.advice.model import Advice
from expert.audit.cases import check

EXPERT = Path(sys.executable).parent / "expert"
EXAMPLE = str(support.EXAMPLES / "live-commerce.yaml")

pytestmark = pytest.mark.skipif(not EXPERT.exists(), reason=f"no installed executable at {EXPERT}")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every process at once; each test then reads its (exit code, stdout, stderr)."""
    work = tmp_path_factory.mktemp("cli")
    nan = work / "nan.yaml"
    nan.write_text("needs:\n  usage: {monthly_minutes: .nan, peak_to_average_ratio: .inf}\n", encoding="utf-8")
    bad_kb = support.write_mini_kb(work / "badkb")
    (bad_kb / "rules" / "20-probe.yaml").write_text(support.PROBE_RULE.replace("company.stage", "company.mood"),
                                                    encoding="utf-8")
    example = Path(EXAMPLE).read_bytes()
    commands = {
        "text": ([EXAMPLE], None),
        "json": ([EXAMPLE, "--format", "json"], None),
        "stdin-zh-markdown": (["-", "--lang", "zh", "--format", "markdown"], example),
        "nan": ([str(nan)], None),
    }
    processes = {
        name: (subprocess.Popen([str(EXPERT), "advise", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE), data)
        for name, (args, data) in commands.items()
    }
    for name, args in {"check": ["check"], "show": ["rules", "show", "traffic.spiky"], "schema": ["schema"],
                       "bad-kb": ["check", "--knowledge", str(bad_kb)]}.items():
        processes[name] = (subprocess.Popen([str(EXPERT), *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE), None)
    results = {}
    for name, (process, data) in processes.items():
        out, err = process.communicate(data, timeout=60)
        results[name] = (process.returncode, out.decode("utf-8"), err.decode("utf-8"))
    return results


def no_traceback(result):
    assert "Traceback" not in result[1] + result[2]


def test_advise_text(runs):
    code, out, err = runs["text"]
    assert code == 0, err
    assert out.startswith("Advice for ShopLive") and "VERDICT" in out


def test_advise_json(runs, advisor):
    code, out, err = runs["json"]
    assert code == 0, err
    import yaml

    advice = Advice.model_validate(json.loads(out))
    assert advice == advisor.advise(yaml.safe_load(Path(EXAMPLE).read_text(encoding="utf-8")))


def test_advise_stdin_chinese_markdown(runs):
    code, out, err = runs["stdin-zh-markdown"]
    assert code == 0, err
    assert out.startswith("# ") and "## 结论" in out and support.CJK.search(out)


def test_nan_and_inf_exit_2_naming_the_fields(runs):
    code, out, err = runs["nan"]
    assert code == 2
    assert "needs.usage.monthly_minutes" in err and "needs.usage.peak_to_average_ratio" in err
    assert out == ""
    no_traceback(runs["nan"])


def test_check(runs, advisor):
    code, out, err = runs["check"]
    no_traceback(runs["check"])
    assert re.search(r"^cases: \d+ passed, \d+ failed$", out, re.MULTILINE)
    assert re.search(r"^rules fired by cases: \d+/\d+$", out, re.MULTILINE)
    assert re.search(r"^claims covered: \d+/29$", out, re.MULTILINE)
    report = check(advisor)
    assert code == (0 if report.ok else 1), out + err


def test_rules_show(runs, knowledge):
    code, out, err = runs["show"]
    assert code == 0, err
    rule = knowledge.rules["traffic.spiky"]
    assert f"{rule.file}:{rule.line}" in out
    assert knowledge.claims[rule.claims[0]].summary.en in out
    assert "fired by cases:" in out


def test_schema(runs):
    code, out, _ = runs["schema"]
    assert code == 0
    assert {"company", "needs", "offers", "upgrade"} <= set(json.loads(out)["properties"])


def test_check_on_bad_knowledge_exit_1(runs):
    code, out, err = runs["bad-kb"]
    assert code == 1
    assert "invalid knowledge base" in err
    assert "20-probe.yaml:" in err and "rule probe.rule: unknown field 'company.mood'" in err
    no_traceback(runs["bad-kb"])
