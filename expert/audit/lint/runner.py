"""Run every lint check over a knowledge directory and its worked cases."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from expert.advice.consultation import Consultant
from expert.audit.cases import load_cases, run_case
from expert.audit.lint import redundant, unreachable, unsourced, untested
from expert.audit.lint.diagnostic import ERROR, Diagnostic, LintContext
from expert.rulebase.loader import load_knowledge

CHECKS = (untested, unsourced, unreachable, redundant)  # one module each; codes are stable


def lint(knowledge_dir: Optional[Union[str, Path]] = None) -> list[Diagnostic]:
    """Every finding, errors first, then by file and line.

    The knowledge is loaded without demanding bases and sources, so their absence is a
    finding here rather than a refusal; anything else invalid still raises KnowledgeError,
    and a malformed case file CaseFileError.
    """
    knowledge = load_knowledge(knowledge_dir, require_bases=False)
    consultant = Consultant(knowledge=knowledge)
    directory = Path(knowledge.directory) / "cases"
    cases = load_cases(directory, require_rationale=False) if directory.is_dir() else []
    context = LintContext(knowledge, [run_case(consultant, case) for case in cases],
                          [case.file for case in cases if not case.rationale])
    found = [diagnostic for module in CHECKS for diagnostic in module.check(context)]
    return sorted(found, key=lambda d: (d.severity != ERROR, d.file, d.line, d.code))
