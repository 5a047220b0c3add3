"""Worked cases: profiles with the conclusions an auditor expects, run against the rules.

A case file (``knowledge/cases/*.yaml``) holds::

    id: live-commerce-peaks
    title: {en: ..., zh: ...}
    assumes: "prices as of 2026 from market-facts.md ..."   # optional note
    rationale:                                              # why the article decides so
      en: "Traffic surges tens of times at campaigns (C09, P18), so ..."
      zh: "..."                                             # optional
    profile: {...}                                          # a full profile
    expect:                                                 # what the article decides
      verdict: verdict.pay
      present: [fit.usage_based, "warning.free_trap@Chat freemium"]
      absent: [warning.data_monetization]
    pin:                                                    # optional: engine detail pinned,
      present: [trait.spiky_traffic]                        # not argued from the article
      absent: []

The rationale argues the expectations from the article and names the claims (Cnn) it
exercises; ``expect`` holds what the article decides (the verdict, and the fits,
warnings and actions the case is about), ``pin`` the intermediate conclusions a case
only holds steady.  ``id@subject`` pins a conclusion to a subject (the company or an
offer's name).  ``expert check`` runs every case and measures how much of the knowledge
they exercise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml
from pydantic import ValidationError

from expert.advice.consultation import Consultant
from expert.advice.model import Advice
from expert.audit.exclusions import exclusion_violations
from expert.facts.safe_files import read_regular_file
from expert.facts.shown import one_line
from expert.rulebase.loader import MAX_KNOWLEDGE_FILE_BYTES
from expert.rulebase.parse_cache import load_yaml_cached

_CASE_KEYS = {"id", "title", "assumes", "rationale", "profile", "expect", "pin"}
_EXPECT_KEYS = {"verdict", "present", "absent"}
_PIN_KEYS = {"present", "absent"}
_CLAIM_ID = re.compile(r"\bC(0[1-9]|[12][0-9])\b")


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
    rationale: dict = field(default_factory=dict)
    pinned_present: list[str] = field(default_factory=list)
    pinned_absent: list[str] = field(default_factory=list)

    @property
    def claims_argued(self) -> set[str]:
        """The claims the rationale names."""
        return {f"C{m}" for m in _CLAIM_ID.findall(str(self.rationale.get("en", "")))}


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


def load_cases(directory: Path, require_rationale: bool = True) -> list[Case]:
    """Read every case file; raise CaseFileError naming the file on any malformed one.

    ``expert lint`` reads with ``require_rationale=False`` to report a missing rationale as a finding.
    """
    cases = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = load_yaml_cached(read_regular_file(path, MAX_KNOWLEDGE_FILE_BYTES).decode("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise CaseFileError(f"{path}: cannot read case: {one_line(str(error))}") from None
        required = {"id", "profile", "expect"} | ({"rationale"} if require_rationale else set())
        if not isinstance(data, dict) or not required <= set(data) <= _CASE_KEYS:
            raise CaseFileError(f"{path}: a case needs id, rationale, profile, expect "
                                f"(and may have title, assumes, pin)")
        expect = data["expect"]
        if not isinstance(expect, dict) or "verdict" not in expect or set(expect) - _EXPECT_KEYS:
            raise CaseFileError(f"{path}: expect needs verdict and may have present, absent")
        pin = data.get("pin") or {}
        if not isinstance(pin, dict) or set(pin) - _PIN_KEYS:
            raise CaseFileError(f"{path}: pin may have present, absent")
        rationale = data.get("rationale") or {}
        if require_rationale or rationale:
            english = rationale.get("en") if isinstance(rationale, dict) else None
            if not isinstance(english, str) or not _CLAIM_ID.search(english) or set(rationale) - {"en", "zh"}:
                raise CaseFileError(f"{path}: rationale needs 'en' (and may have 'zh'): text that argues the "
                                    f"expectations from the article and names the claims (C01..C29) it exercises")
        if data["id"] in seen:
            raise CaseFileError(f"{path}: duplicate case id {data['id']!r} (also in {seen[data['id']]})")
        seen[data["id"]] = str(path)
        cases.append(Case(str(data["id"]), str(path), data["profile"], expect["verdict"],
                          list(expect.get("present") or []), list(expect.get("absent") or []),
                          dict(data.get("title") or {}), dict(rationale),
                          list(pin.get("present") or []), list(pin.get("absent") or [])))
    return cases


def _holds(advice: Advice, expected: str) -> bool:
    cid, _, subject = expected.partition("@")
    return bool(advice.find(cid, subject or None))


def run_case(consultant: Consultant, case: Case) -> CaseResult:
    known = set(consultant.knowledge.conclusions)
    everything = [case.verdict, *case.present, *case.absent, *case.pinned_present, *case.pinned_absent]
    failures = [f"expects unknown conclusion {e!r}" for e in everything if e.partition("@")[0] not in known]
    try:
        advice = consultant.advise(case.profile)
    except ValidationError as error:
        return CaseResult(case, failures + [f"profile is invalid: {error}"], set())
    if advice.verdict.id != case.verdict:
        failures.append(f"verdict is {advice.verdict.id}, expected {case.verdict}")
    failures += [f"missing expected {e}" for e in case.present if not _holds(advice, e)]
    failures += [f"unexpected {e}" for e in case.absent if _holds(advice, e)]
    failures += [f"missing pinned {e}" for e in case.pinned_present if not _holds(advice, e)]
    failures += [f"unexpected pinned {e}" for e in case.pinned_absent if _holds(advice, e)]
    failures += [f"contradiction: {v}" for v in exclusion_violations(advice, consultant.knowledge.exclusions)]
    return CaseResult(case, failures, {f.rule for f in advice.trace}, advice)


def check(consultant: Consultant, cases_dir: Optional[Path] = None) -> CheckReport:
    """Run every worked case of the consultant's knowledge base and measure coverage."""
    directory = cases_dir or Path(consultant.knowledge.directory) / "cases"
    results = [run_case(consultant, case) for case in load_cases(directory)]
    fired = set().union(*(r.rules_fired for r in results)) if results else set()
    rules = consultant.knowledge.rules
    covered = {claim for rule_id in fired for claim in rules[rule_id].claims}
    return CheckReport(results, set(rules), set(consultant.knowledge.claims), fired, covered)
