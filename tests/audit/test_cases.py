"""The worked-case runner: loading case files, judging each case, measuring coverage."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import support

from expert.audit.cases import Case, CaseFileError, check, load_cases, run_case
from expert.interfaces.advisor import Advisor

SPIKY_CASE = """\
id: spiky
title: {en: "Spiky", zh: "尖峰"}
rationale: {en: "Peaks eight times the average make traffic spiky (C01)."}
profile:
  needs: {usage: {peak_to_average_ratio: 8}}
expect:
  verdict: verdict.pay
  present: [trait.a]
  absent: [verdict.dont_pay]
"""

OFFER_CASE = """\
id: offers
rationale: {en: "A freemium offer is found as such (C02)."}
profile:
  offers:
    - {name: Free, pricing_model: freemium}
    - {name: Paid, pricing_model: buyout}
expect:
  verdict: verdict.dont_pay
  present: ["finding.o@Free"]
  absent: ["finding.o@Paid", trait.a]
"""


@pytest.fixture
def mini(mini_kb: Path) -> tuple[Advisor, Path]:
    cases = mini_kb / "cases"
    cases.mkdir()
    (cases / "01-spiky.yaml").write_text(SPIKY_CASE, encoding="utf-8")
    (cases / "02-offers.yaml").write_text(OFFER_CASE, encoding="utf-8")
    return Advisor(mini_kb), cases


def case(verdict: str, present=(), absent=(), profile=None) -> Case:
    return Case("c", "c.yaml", profile if profile is not None else {"needs": {"usage": {"peak_to_average_ratio": 8}}},
                verdict, list(present), list(absent))


def test_load_cases(mini):
    _, directory = mini
    cases = load_cases(directory)
    assert [c.id for c in cases] == ["spiky", "offers"]
    assert cases[0].verdict == "verdict.pay"
    assert cases[0].present == ["trait.a"] and cases[0].absent == ["verdict.dont_pay"]
    assert cases[0].title == {"en": "Spiky", "zh": "尖峰"}
    assert cases[1].file.endswith("02-offers.yaml")


def test_check_report_passes_and_covers_everything(mini):
    advisor, _ = mini
    report = check(advisor)
    assert [r.passed for r in report.results] == [True, True]
    assert report.rules_fired == report.rules_total == {"base.spiky", "base.pay", "base.dont", "base.offer"}
    assert report.claims_covered == report.claims_total == {"C01", "C02"}
    assert report.failed == [] and report.ok


def test_coverage_gaps_make_the_report_not_ok(mini):
    advisor, directory = mini
    (directory / "02-offers.yaml").unlink()
    report = check(advisor)
    assert not report.failed
    assert report.rules_total - report.rules_fired == {"base.dont", "base.offer"}
    assert report.claims_total - report.claims_covered == {"C02"}
    assert not report.ok


def test_no_cases_is_not_ok(mini, tmp_path):
    advisor, _ = mini
    empty = tmp_path / "none"
    empty.mkdir()
    assert not check(advisor, empty).ok


def test_run_case_failures(mini):
    advisor, _ = mini
    assert run_case(advisor, case("verdict.pay", ["trait.a"])).passed
    result = run_case(advisor, case("verdict.dont_pay"))
    assert result.failures == ["verdict is verdict.pay, expected verdict.dont_pay"]
    assert run_case(advisor, case("verdict.pay", ["finding.o"])).failures == ["missing expected finding.o"]
    assert run_case(advisor, case("verdict.pay", absent=["trait.a"])).failures == ["unexpected trait.a"]
    result = run_case(advisor, case("verdict.pay", ["trait.zzz"]))
    assert "expects unknown conclusion 'trait.zzz'" in result.failures
    assert "trait.a" not in str(result.failures)


def test_subject_pinning(mini):
    advisor, _ = mini
    profile = {"offers": [{"name": "Free", "pricing_model": "freemium"}]}
    assert run_case(advisor, case("verdict.dont_pay", ["finding.o@Free"], profile=profile)).passed
    assert not run_case(advisor, case("verdict.dont_pay", ["finding.o@Other"], profile=profile)).passed
    assert not run_case(advisor, case("verdict.dont_pay", ["finding.o@company"], profile=profile)).passed


def test_invalid_case_profile_is_a_failure_not_a_crash(mini):
    advisor, _ = mini
    result = run_case(advisor, case("verdict.pay", profile={"needs": {"contract_months": 0}}))
    assert not result.passed
    assert "profile is invalid" in result.failures[0] and "contract_months" in result.failures[0]
    assert result.rules_fired == set()


def test_rules_fired_are_recorded(mini):
    advisor, _ = mini
    assert run_case(advisor, case("verdict.pay")).rules_fired == {"base.spiky", "base.pay"}


@pytest.mark.parametrize("text, message", [
    ("id: x\nprofile: {}\nexpect: [\n", "cannot read case"),
    ("id: x\nprofile: {}\n", "a case needs id, rationale, profile, expect"),
    ("id: x\nrationale: {en: C01}\nprofile: {}\nexpect: {verdict: verdict.pay}\nnotes: hi\n",
     "a case needs id, rationale, profile, expect"),
    ("id: x\nprofile: {}\nexpect: {verdict: verdict.pay}\n", "a case needs id, rationale, profile, expect"),
    ("id: x\nrationale: {en: no claim named}\nprofile: {}\nexpect: {verdict: verdict.pay}\n",
     "names the claims"),
    ("id: x\nrationale: {en: C01}\nprofile: {}\nexpect: {verdict: verdict.pay}\npin: {maybe: [x]}\n", "pin may have"),
    ("id: x\nrationale: {en: C01}\nprofile: {}\nexpect: {present: [trait.a]}\n", "expect needs verdict"),
    ("id: x\nrationale: {en: C01}\nprofile: {}\nexpect: {verdict: verdict.pay, maybe: [x]}\n", "expect needs verdict"),
    ("- id: x\n", "a case needs id, rationale, profile, expect"),
])
def test_malformed_case_files(tmp_path, text, message):
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError, match=message) as info:
        load_cases(tmp_path)
    assert "bad.yaml" in str(info.value)


def test_duplicate_case_ids(tmp_path):
    (tmp_path / "a.yaml").write_text(SPIKY_CASE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(SPIKY_CASE, encoding="utf-8")
    with pytest.raises(CaseFileError, match="duplicate case id 'spiky'"):
        load_cases(tmp_path)


def test_case_ids_and_files_are_read_in_order(tmp_path):
    for name, cid in (("20-b.yaml", "b"), ("10-a.yaml", "a")):
        (tmp_path / name).write_text(SPIKY_CASE.replace("id: spiky", f"id: {cid}"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a case", encoding="utf-8")
    assert [c.id for c in load_cases(tmp_path)] == ["a", "b"]


# --- the bundled worked cases --------------------------------------------------------

BUNDLED = sorted((support.KNOWLEDGE / "cases").glob("*.yaml"))


def test_there_are_bundled_cases():
    assert BUNDLED


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_case_passes(advisor, path: Path, tmp_path):
    (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (item,) = load_cases(tmp_path)
    result = run_case(advisor, item)
    assert result.passed, textwrap.indent("\n".join(result.failures), "  ")
