"""Run every lint check over a knowledge directory and its worked cases."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from expert.advice.consultation import Consultant
from expert.audit.cases import load_cases, run_case
from expert.audit.lint import conflict, redundant, unreachable, unsourced, untested
from expert.audit.lint.diagnostic import ERROR, Diagnostic, LintContext
from expert.facts.profile_io import read_profile
from expert.rulebase.loader import load_knowledge

CHECKS = (untested, unsourced, unreachable, redundant, conflict)  # one module each; codes are stable


def lint(knowledge_dir: Optional[Union[str, Path]] = None, notes: Optional[list[str]] = None) -> list[Diagnostic]:
    """Every finding, errors first, then by file and line.

    The knowledge is loaded without demanding bases and sources, so their absence is a
    finding here rather than a refusal; anything else invalid still raises KnowledgeError,
    and a malformed case file CaseFileError.  ``notes`` receives what checks want said
    besides findings (how much the conflict search tried).
    """
    knowledge = load_knowledge(knowledge_dir, require_bases=False)
    consultant = Consultant(knowledge=knowledge)
    directory = Path(knowledge.directory) / "cases"
    cases = load_cases(directory, require_rationale=False) if directory.is_dir() else []
    examples = Path(knowledge.directory).parent / "examples"  # the checkout's bundled examples, when there
    seeds = [case.profile for case in cases] + [read_profile(str(p)) for p in sorted(examples.glob("*.yaml"))]
    context = LintContext(knowledge, consultant, [run_case(consultant, case) for case in cases],
                          [case.file for case in cases if not case.rationale], seeds)
    found = [diagnostic for module in CHECKS for diagnostic in module.check(context)]
    if notes is not None:
        notes.extend(context.notes)
    return sorted(found, key=lambda d: (d.severity != ERROR, d.file, d.line, d.code))
