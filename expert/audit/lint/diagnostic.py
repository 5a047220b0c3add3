"""The record every lint check yields, and what a check is given."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from expert.advice.consultation import Consultant
from expert.audit.cases import CaseResult
from expert.rulebase.rulebook import KnowledgeBase

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable code (what kind), a severity, where, and what to do."""

    code: str  # e.g. "untested.rule"
    severity: str  # error | warning
    file: str
    line: int
    message: str
    rule: Optional[str] = None
    witness: Optional[dict] = None  # for a conflict: a profile that reaches both conclusions

    def where(self) -> str:
        return f"{Path(self.file).name}:{self.line}" if self.line else Path(self.file).name

    def as_dict(self) -> dict:
        return {**asdict(self), "file": str(self.file)}


@dataclass
class LintContext:
    """What the checks read: the knowledge (loaded without demanding bases) and the case runs."""

    knowledge: KnowledgeBase
    consultant: Consultant
    results: list[CaseResult] = field(default_factory=list)
    cases_without_rationale: list[str] = field(default_factory=list)  # case files
    seed_profiles: list[dict] = field(default_factory=list)  # worked cases and examples, to search from
    notes: list[str] = field(default_factory=list)  # what a check wants said besides findings (how much it searched)
