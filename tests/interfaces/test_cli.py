"""The command line through click's CliRunner: advise, check, rules, schema, exit codes."""

from __future__ import annotations

import json
import re

import pytest
import support
import yaml

from expert.advice.model import Advice
from expert.audit.cases import check
from expert.interfaces.cli import main


@pytest.fixture(scope="module")
def example():
    return str(support.EXAMPLES / "live-commerce.yaml")


def invoke(runner, args, **kwargs):
    result = runner.invoke(main, args, **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def test_advise_text(runner, example):
    result = invoke(runner, ["advise", example])
    assert result.exit_code == 0
    assert result.output.startswith("Advice for ShopLive")
    assert "VERDICT" in result.output and "[verdict." in result.output


def test_advise_markdown(runner, example):
    result = invoke(runner, ["advise", example, "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output.startswith("# Advice for ShopLive")
    assert "## Verdict" in result.output


def test_advise_json(runner, example, advisor):
    result = invoke(runner, ["advise", example, "--format", "json"])
    assert result.exit_code == 0
    advice = Advice.model_validate(json.loads(result.stdout))
    profile = yaml.safe_load(open(example, encoding="utf-8"))
    assert advice == advisor.advise(profile)


def test_advise_chinese(runner, example):
    result = invoke(runner, ["advise", example, "--lang", "zh"])
    assert result.exit_code == 0
    assert support.CJK.search(result.output)
    assert "结论" in result.output
    markdown = invoke(runner, ["advise", example, "--lang", "zh", "--format", "markdown"])
    assert "## 结论" in markdown.output
    data = json.loads(invoke(runner, ["advise", example, "--lang", "zh", "--format", "json"]).stdout)
    assert data["lang"] == "zh"


def test_advise_from_stdin(runner, example):
    text = open(example, encoding="utf-8").read()
    from_stdin = invoke(runner, ["advise", "-"], input=text)
    assert from_stdin.exit_code == 0
    assert from_stdin.output == invoke(runner, ["advise", example]).output


def test_advise_json_from_stdin(runner):
    result = invoke(runner, ["advise", "-", "--format", "json"], input=json.dumps(support.full_profile()))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["company"] == "ShopLive"


def test_advise_with_another_knowledge_base(runner, mini_kb, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("needs: {usage: {peak_to_average_ratio: 9}}\n", encoding="utf-8")
    result = invoke(runner, ["advise", str(profile), "--knowledge", str(mini_kb), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verdict"]["rules"][0]["rule"] == "base.pay"


CHECK_LINES = [
    r"^cases: (\d+) passed, (\d+) failed$",
    r"^rules fired by cases: (\d+)/(\d+)$",
    r"^claims covered: (\d+)/(\d+)$",
]


def test_check_output_and_exit_code(runner, advisor):
    result = invoke(runner, ["check"])
    report = check(advisor)
    lines = result.stdout.splitlines()
    found = []
    for pattern in CHECK_LINES:
        matches = [re.match(pattern, line) for line in lines]
        (match,) = [m for m in matches if m]
        found.append(tuple(int(g) for g in match.groups()))
    assert found[0] == (len(report.results) - len(report.failed), len(report.failed))
    assert found[1] == (len(report.rules_fired), len(report.rules_total))
    assert found[2] == (len(report.claims_covered), len(report.claims_total))
    assert found[2][1] == 29
    assert result.exit_code == (0 if report.ok else 1)
    for failed in report.failed:
        assert f"FAIL {failed.case.id}" in result.stdout


def test_check_exit_0_on_a_complete_base(runner, mini_kb):
    (mini_kb / "cases").mkdir()
    (mini_kb / "cases" / "a.yaml").write_text(
        "id: a\nrationale: {en: C01}\nprofile: {needs: {usage: {peak_to_average_ratio: 5}}}\n"
        "expect: {verdict: verdict.pay}\n", encoding="utf-8")
    (mini_kb / "cases" / "b.yaml").write_text(
        "id: b\nrationale: {en: C02}\nprofile: {offers: [{name: F, pricing_model: freemium}]}\n"
        "expect: {verdict: verdict.dont_pay}\n",
        encoding="utf-8")
    result = invoke(runner, ["check", "--knowledge", str(mini_kb)])
    assert result.exit_code == 0, result.output
    assert "cases: 2 passed, 0 failed" in result.stdout
    assert "rules fired by cases: 4/4" in result.stdout
    assert "claims covered: 2/2" in result.stdout


def test_check_exit_1_on_a_failing_case(runner, mini_kb):
    (mini_kb / "cases").mkdir()
    (mini_kb / "cases" / "a.yaml").write_text("id: a\nrationale: {en: C01}\nprofile: {}\nexpect: {verdict: verdict.pay}\n",
                                               encoding="utf-8")
    result = invoke(runner, ["check", "--knowledge", str(mini_kb)])
    assert result.exit_code == 1
    assert "FAIL a" in result.stdout and "verdict is verdict.dont_pay, expected verdict.pay" in result.stdout
    assert "cases: 0 passed, 1 failed" in result.stdout


def test_check_with_a_malformed_case_file(runner, mini_kb):
    (mini_kb / "cases").mkdir()
    (mini_kb / "cases" / "a.yaml").write_text("id: a\n", encoding="utf-8")
    result = invoke(runner, ["check", "--knowledge", str(mini_kb)])
    assert result.exit_code == 1
    assert "a.yaml" in result.output


def test_rules_list(runner, knowledge):
    result = invoke(runner, ["rules", "list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(knowledge.rules)
    first = knowledge.rules[next(iter(knowledge.rules))]
    assert lines[0].startswith(first.id)
    assert f"-> {first.conclude}" in lines[0]
    assert re.search(r"\b\d\d-[a-z-]+\.yaml:\d+\b", lines[0])
    assert all(re.search(r"\bC\d\d\b", line) for line in lines)


def test_rules_show(runner, knowledge):
    rule = knowledge.rules["traffic.spiky"]
    result = invoke(runner, ["rules", "show", "traffic.spiky"])
    assert result.exit_code == 0
    out = result.stdout
    assert f"{rule.file}:{rule.line}" in out
    assert "- id: traffic.spiky" in out  # the rule as written
    for claim_id in rule.claims:
        assert f"{claim_id} (" in out
        assert knowledge.claims[claim_id].summary.en in out
    assert re.search(r"^fired by cases: .+$", out, re.MULTILINE)
    zh = invoke(runner, ["rules", "show", "traffic.spiky", "--lang", "zh"])
    assert knowledge.claims[rule.claims[0]].summary.zh in zh.stdout


def test_rules_show_lists_the_cases_that_fire_it(runner, mini_kb):
    (mini_kb / "cases").mkdir()
    (mini_kb / "cases" / "a.yaml").write_text(
        "id: spiky-one\nrationale: {en: C01}\nprofile: {needs: {usage: {peak_to_average_ratio: 5}}}\n"
        "expect: {verdict: verdict.pay}\n",
        encoding="utf-8")
    shown = invoke(runner, ["rules", "show", "base.pay", "--knowledge", str(mini_kb)])
    assert "fired by cases: spiky-one" in shown.stdout
    unfired = invoke(runner, ["rules", "show", "base.offer", "--knowledge", str(mini_kb)])
    assert "fired by cases: (none)" in unfired.stdout


def test_rules_show_unknown_rule(runner):
    result = invoke(runner, ["rules", "show", "no.such-rule"])
    assert result.exit_code == 2
    assert "no rule 'no.such-rule'" in result.output


def test_schema(runner):
    result = invoke(runner, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"company", "needs", "offers", "upgrade"} <= set(schema["properties"])
    assert schema.get("additionalProperties") is False


@pytest.mark.parametrize("args, code", [
    (["--help"], 0),
    (["advise", "--help"], 0),
    (["--version"], 0),
    ([], 2),  # click: no command given
    (["frobnicate"], 2),
    (["advise"], 2),
    (["advise", "x.yaml", "--format", "pdf"], 2),
    (["advise", "x.yaml", "--lang", "fr"], 2),
])
def test_exit_codes(runner, args, code):
    result = invoke(runner, args)
    assert result.exit_code == code


def test_serve_help_names_every_endpoint(runner):
    """`expert serve --help` lists what the server answers: every route of the app, by its first path segment."""
    from expert.interfaces.http_api import ServeSettings, create_app

    app = create_app(ServeSettings())
    while not hasattr(app, "routes"):  # the guard (token, size, time limit) wraps the FastAPI app
        app = app.app
    segments = {route.path.strip("/").split("/")[0] for route in app.routes if getattr(route, "methods", None)}
    segments -= {"docs", "openapi.json", "redoc", "docs/oauth2-redirect"}
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    missing = [s for s in sorted(segments) if s and s not in text]
    assert not missing, f"serve --help omits {missing}"


def test_the_knowledge_loads_with_the_collector_paused_then_set_aside_and_running(tmp_path):
    """``_advisor`` pauses the garbage collector while the knowledge base loads and freezes
    what it made: the collector must be running again afterwards, also when loading fails
    (a consultation left without a collector would grow without bound)."""
    import gc

    from expert.interfaces import cli

    before = gc.get_freeze_count()
    cli._advisor(str(support.copy_knowledge(tmp_path / "knowledge")))
    assert gc.isenabled()
    assert gc.get_freeze_count() > before  # the knowledge base's objects are set aside
    with pytest.raises(SystemExit):
        cli._advisor(str(tmp_path / "no-such-knowledge"))
    assert gc.isenabled()
