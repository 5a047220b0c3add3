"""Conclusions that must never be reached together, checked on one Advice.

The pairs are data (``knowledge/exclusions.yaml``, loaded into ``KnowledgeBase.exclusions``);
the rules are written so that none can co-occur, and this is how the worked cases, the
test suite and ``benchmarks/contradictions.py`` hold them to it.
"""

from __future__ import annotations

from collections import defaultdict

from expert.advice.model import Advice
from expert.rulebase.rulebook import Exclusion


def exclusion_violations(advice: Advice, exclusions: tuple[Exclusion, ...]) -> list[str]:
    """One line per excluded pair the advice reached together (and on which subject)."""
    subjects: dict[str, set[str]] = defaultdict(set)
    for conclusion in advice.all_conclusions():
        subjects[conclusion.id].add(conclusion.subject)
    found = []
    for exclusion in exclusions:
        first, second = exclusion.ids
        if exclusion.scope == "same_subject":
            for subject in sorted(subjects[first] & subjects[second]):
                found.append(f"{first} and {second} both reached for {subject} ({exclusion.because.en})")
        elif subjects[first] and subjects[second]:
            found.append(f"{first} and {second} both reached ({exclusion.because.en})")
    return found
