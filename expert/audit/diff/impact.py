"""Run a corpus through two knowledge bases and count what changed.

A consultation's advice changed when the set of conclusions it reached (id and subject)
differs between the two; each changed consultation is listed by sample name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from expert.advice.consultation import Consultant
from expert.audit.diff.corpus import Sample


@dataclass
class Impact:
    consultations: int = 0
    changed: list[str] = field(default_factory=list)  # sample names whose advice changed
    gained: Counter = field(default_factory=Counter)  # conclusion id -> consultations that gained it
    lost: Counter = field(default_factory=Counter)
    verdict_flips: Counter = field(default_factory=Counter)  # (old verdict, new verdict) -> consultations
    examples: dict = field(default_factory=lambda: defaultdict(list))  # "+id" / "-id" -> up to 3 sample names


def _reached(consultant: Consultant, profile: dict) -> tuple[str, set]:
    advice = consultant.advise(profile, trace=False)
    return advice.verdict.id, {(c.id, c.subject) for c in advice.all_conclusions()}


def impact(old: Consultant, new: Consultant, samples: list[Sample], examples_per_change: int = 3) -> Impact:
    result = Impact()
    for sample in samples:
        before_verdict, before = _reached(old, sample.profile)
        after_verdict, after = _reached(new, sample.profile)
        result.consultations += 1
        if before == after:
            continue
        result.changed.append(sample.name)
        if before_verdict != after_verdict:
            result.verdict_flips[(before_verdict, after_verdict)] += 1
        for sign, ids in (("+", {cid for cid, _ in after - before}), ("-", {cid for cid, _ in before - after})):
            for cid in sorted(ids):
                (result.gained if sign == "+" else result.lost)[cid] += 1
                if len(result.examples[sign + cid]) < examples_per_change:
                    result.examples[sign + cid].append(sample.name)
    return result
