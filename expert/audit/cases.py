"""Worked cases: profiles with the conclusions an auditor expects, run against the rules.

A case file (``knowledge/cases/*.yaml``) holds::

    id: live-commerce-peaks
    title: {en: ..., zh: ...}
    assumes: "prices as of 2026 from market-facts.md ..."   # optional note
    profile: {...}                                          # a full profile
    expect:
      verdict: verdict.pay
      present: [fit.usage_based, "warning.free_trap@Chat freemium"]
      absent: [warning.data_monetization]

``id@subject`` pins a conclusion to a subject (the company or an offer's name).
``expert check`` runs every case and measures how much of the knowledge they exercise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml
from pydantic import ValidationError

from expert.advice.consultation import Consultant
from expert.advice.model import Advice
from expert.rulebase.parse_cache import load_yaml_cached

_CASE_KEYS = {"id", "title", "assumes", "profile", "expect"}
_EXPECT_KEYS = {"verdict", "present", "absent"}


class CaseFileError(Exception):
    pass


@dataclass
class Case:
    id: str
    file: str
    profile: dict
    verdict: str
    present: list[str]
    absent: list[str]
    title: dict = field(default_factory=dict)


@dataclass
class CaseResult:
    case: Case
    failures: list[str]
    rules_fired: set[str]
    advice: Optional[Advice] = None

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class CheckReport:
    results: list[CaseResult]
    rules_total: set[str]
    claims_total: set[str]
    rules_fired: set[str]
    claims_covered: set[str]

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        return bool(self.results) and not self.failed and self.rules_fired >= self.rules_total \
            and self.claims_covered >= self.claims_total


def load_cases(directory: Path) -> list[Case]:
    """Read every case file; raise CaseFileError naming the file on any malformed one."""
    cases = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = load_yaml_cached(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise CaseFileError(f"{path}: cannot read case: {error}") from None
        if not isinstance(data, dict) or not {"id", "profile", "expect"} <= set(data) <= _CASE_KEYS:
            raise CaseFileError(f"{path}: a case needs id, profile, expect (and may have title, assumes)")
        expect = data["expect"]
        if not isinstance(expect, dict) or "verdict" not in expect or set(expect) - _EXPECT_KEYS:
            raise CaseFileError(f"{path}: expect needs verdict and may have present, absent")
        if data["id"] in seen:
            raise CaseFileError(f"{path}: duplicate case id {data['id']!r} (also in {seen[data['id']]})")
        seen[data["id"]] = str(path)
        cases.append(Case(str(data["id"]), str(path), data["profile"], expect["verdict"],
                          list(expect.get("present") or []), list(expect.get("absent") or []),
                          dict(data.get("title") or {})))
    return cases


def _holds(advice: Advice, expected: str) -> bool:
    cid, _, subject = expected.partition("@")
    return bool(advice.find(cid, subject or None))


def run_case(consultant: Consultant, case: Case) -> CaseResult:
    known = set(consultant.knowledge.conclusions)
    failures = [f"expects unknown conclusion {e!r}" for e in [case.verdict, *case.present, *case.absent]
                if e.partition("@")[0] not in known]
    try:
        advice = consultant.advise(case.profile)
    except ValidationError as error:
        return CaseResult(case, failures + [f"profile is invalid: {error}"], set())
    if advice.verdict.id != case.verdict:
        failures.append(f"verdict is {advice.verdict.id}, expected {case.verdict}")
    failures += [f"missing expected {e}" for e in case.present if not _holds(advice, e)]
    failures += [f"unexpected {e}" for e in case.absent if _holds(advice, e)]
    return CaseResult(case, failures, {f.rule for f in advice.trace}, advice)


def check(consultant: Consultant, cases_dir: Optional[Path] = None) -> CheckReport:
    """Run every worked case of the consultant's knowledge base and measure coverage."""
    directory = cases_dir or Path(consultant.knowledge.directory) / "cases"
    results = [run_case(consultant, case) for case in load_cases(directory)]
    fired = set().union(*(r.rules_fired for r in results)) if results else set()
    rules = consultant.knowledge.rules
    covered = {claim for rule_id in fired for claim in rules[rule_id].claims}
    return CheckReport(results, set(rules), set(consultant.knowledge.claims), fired, covered)
