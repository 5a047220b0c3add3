"""`expert lint`: clean on the shipped knowledge; each planted fault reported with its code,
severity and file:line, a planted conflict with a witness profile that really reaches both
conclusions (issue 9, part B)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import support

from expert.audit.lint.runner import lint
from expert.interfaces.cli import main

PROBE = """\
rules:
  - id: probe.impossible
    about: company
    title: {en: "Impossible", zh: "不可能"}
    because: {en: "Cannot be.", zh: "不可能。"}
    cites: {claims: [C22], paragraphs: [P38]}
    basis: {inferred: "a planted fault for the lint test"}
    when:
      - needs.usage.mau: {at_least: 10}
      - needs.usage.mau: {at_most: 5}
    thresholds:
      needs.usage.mau: {definition: "an impossible range"}
    then: {conclude: trait.large_volume}

  - id: probe.chained
    about: company
    title: {en: "Chained", zh: "连锁"}
    because: {en: "Needs the impossible.", zh: "依赖不可能的结论。"}
    cites: {claims: [C22], paragraphs: [P38]}
    basis: {inferred: "a planted fault for the lint test"}
    when:
      - concluded: trait.never
    then: {conclude: trait.long_contract}

  - id: probe.never-producer
    about: company
    title: {en: "Never", zh: "从不"}
    because: {en: "Never.", zh: "从不。"}
    cites: {claims: [C22], paragraphs: [P38]}
    basis: {inferred: "a planted fault for the lint test"}
    when:
      - needs.pain_points: {includes: latency}
      - needs.pain_points: {includes_none: [latency]}
    then: {conclude: trait.never}

  - id: probe.redundant
    about: company
    title: {en: "Spiky again", zh: "又是尖峰"}
    because: {en: "Spiky and growing.", zh: "有尖峰且在成长。"}
    cites: {claims: [C08, C09], paragraphs: [P17, P18]}
    basis: stated
    when:
      - needs.usage.peak_to_average_ratio: {at_least: 10}
      - company.stage: {is: growth}
    thresholds:
      needs.usage.peak_to_average_ratio: P18
    then: {conclude: trait.spiky_traffic}

  - id: probe.conflict
    about: company
    title: {en: "Very fast growth makes freemium unfit", zh: "超高速增长不适合免费"}
    because: {en: "A planted conflict.", zh: "植入的冲突。"}
    cites: {claims: [C07], paragraphs: [P15]}
    basis: {inferred: "a planted fault for the lint test"}
    when:
      - company.growth_rate_pct_per_year: {at_least: 4321}
    thresholds:
      company.growth_rate_pct_per_year: {definition: "a number no worked case states: only a search finds it"}
    then: {conclude: unfit.freemium}

  - id: probe.unsourced
    about: company
    title: {en: "Unsourced", zh: "无来源"}
    because: {en: "A number from nowhere.", zh: "来历不明的数字。"}
    cites: {claims: [C22], paragraphs: [P38]}
    when:
      - needs.usage.mau: {at_least: 777}
    then: {conclude: trait.large_volume}
"""


def write_planted(directory: Path) -> Path:
    support.copy_knowledge(directory, cases=True)
    with (directory / "conclusions.yaml").open("a", encoding="utf-8") as handle:
        handle.write('  - {id: trait.never, kind: trait, about: company, severity: info, title: {en: "Never", zh: "从不"}}\n'
                     '  - {id: trait.orphan, kind: trait, about: company, severity: info, title: {en: "Orphan", zh: "孤儿"}}\n')
    (directory / "rules" / "95-probe.yaml").write_text(PROBE, encoding="utf-8")
    case = directory / "cases" / "01-live-commerce-peaks.yaml"
    text = case.read_text(encoding="utf-8")
    start, end = text.index("rationale:"), text.index("profile:")
    case.write_text(text[:start] + text[end:], encoding="utf-8")  # a case without its rationale
    return directory


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    return write_planted(tmp_path_factory.mktemp("planted") / "kb")


def small_search(patch) -> None:
    """One seed per side and a short search: enough for the planted faults, and fast."""
    patch.setattr("expert.audit.lint.conflict.SEEDS_PER_SIDE", 1)
    patch.setattr("expert.audit.lint.conflict.RUNS_PER_SEARCH", 100)


@pytest.fixture(scope="module")
def planted_findings(planted) -> list:
    with pytest.MonkeyPatch.context() as patch:
        small_search(patch)
        return lint(planted)


@pytest.fixture(scope="module")
def shipped() -> tuple[list, list[str]]:
    """Lint of the bundled knowledge, run once for the module (the conflict search takes seconds)."""
    notes: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        small_search(patch)
        return lint(notes=notes), notes


def test_the_shipped_knowledge_is_clean(shipped):
    found, notes = shipped
    assert found == []
    (searched,) = notes
    assert searched.startswith("conflict: 28 exclusive pairs, 86 seed profiles") and "0 witness(es)" in searched
    assert int(searched.split(" guided searches")[0].rsplit(" ", 1)[-1]) > 19  # every pair, both ways


def test_each_planted_fault_is_reported_with_its_code(planted_findings):
    found = planted_findings
    codes = {(d.code, d.rule) for d in found}
    assert ("unreachable.rule", "probe.impossible") in codes  # mau at least 10 and at most 5
    assert ("unreachable.rule", "probe.never-producer") in codes  # includes and excludes latency
    assert ("unreachable.rule", "probe.chained") in codes  # needs a conclusion nothing reachable makes
    assert ("redundant.rule", "probe.redundant") in codes  # traffic.spiky concludes it whenever it does
    assert ("unsourced.basis", "probe.unsourced") in codes and ("unsourced.threshold", "probe.unsourced") in codes
    assert ("untested.rule", "probe.impossible") in codes
    assert any(d.code == "untested.conclusion" and "trait.orphan" in d.message for d in found)
    assert any(d.code == "unsourced.rationale" and d.file.endswith("01-live-commerce-peaks.yaml") for d in found)
    impossible = next(d for d in found if d.rule == "probe.impossible" and d.code == "unreachable.rule")
    assert impossible.file.endswith("95-probe.yaml") and impossible.line == 2 and impossible.severity == "error"
    assert "needs.usage.mau" in impossible.message
    redundant = next(d for d in found if d.code == "redundant.rule")
    assert redundant.severity == "warning" and "traffic.spiky" in redundant.message
    assert not any(d.rule and d.rule.startswith("traffic.") for d in found if d.code.startswith("unreachable"))
    (conflict,) = [d for d in found if d.code == "conflict.exclusion"]
    assert conflict.severity == "error" and conflict.file.endswith("exclusions.yaml") and conflict.line > 0
    assert "fit.freemium and unfit.freemium both reached for company" in conflict.message
    assert "witness profile:" in conflict.message and conflict.witness["company"]["growth_rate_pct_per_year"] >= 4321


def test_the_conflict_witness_really_reaches_both(planted, planted_findings):
    from expert.advice.consultation import Consultant
    from expert.audit.exclusions import exclusion_violations
    from expert.rulebase.loader import load_knowledge

    (conflict,) = [d for d in planted_findings if d.code == "conflict.exclusion"]
    knowledge = load_knowledge(planted, require_bases=False)
    advice = Consultant(knowledge=knowledge).advise(conflict.witness)
    assert advice.find("fit.freemium", "company") and advice.find("unfit.freemium", "company")
    assert exclusion_violations(advice, knowledge.exclusions)


def test_cli_exit_codes_and_formats(runner, planted, monkeypatch):
    monkeypatch.setattr("expert.audit.lint.conflict.SEEDS_PER_SIDE", 0)  # the search is tested above
    result = runner.invoke(main, ["lint", "--knowledge", str(planted)])
    assert result.exit_code == 1
    assert "95-probe.yaml:2: error: unreachable.rule probe.impossible: can never fire" in result.output
    data = json.loads(runner.invoke(main, ["lint", "--knowledge", str(planted), "--format", "json"]).output)
    assert data["errors"] >= 6 and data["warnings"] >= 2 and data["notes"][0].startswith("conflict: ")
    assert {"code", "severity", "file", "line", "message", "rule", "witness"} <= set(data["findings"][0])
    assert "conflict: " in result.output and "lint: " in result.output.splitlines()[-1]


def test_warnings_alone_do_not_fail(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("expert.audit.lint.conflict.SEEDS_PER_SIDE", 0)  # not what this test is about
    directory = support.copy_knowledge(tmp_path / "kb", cases=True)
    with (directory / "conclusions.yaml").open("a", encoding="utf-8") as handle:
        handle.write('  - {id: trait.orphan, kind: trait, about: company, severity: info, title: {en: "Orphan", zh: "孤儿"}}\n')
    result = runner.invoke(main, ["lint", "--knowledge", str(directory)])
    assert result.exit_code == 0 and "untested.conclusion" in result.output and "0 error(s), 1 warning(s)" in result.output


def test_a_knowledge_base_that_does_not_load_exits_1_without_a_traceback(runner, tmp_path):
    directory = support.copy_knowledge(tmp_path / "kb")
    shutil.rmtree(directory / "rules")
    result = runner.invoke(main, ["lint", "--knowledge", str(directory)])
    assert result.exit_code == 1 and "Traceback" not in result.output
