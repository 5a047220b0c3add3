"""conflict.exclusion (error): two conclusions declared exclusive can be reached together.

For each pair of ``exclusions.yaml`` the check looks for a witness profile: first among
the worked cases and examples (one may already reach both), then by a search guided by
the rules: from the profiles that reach one side, the smallest-change search of the
why-not explanations (candidate values from the rules' conditions, every threshold and
its neighbours, every choice of an enum) looks for a change that reaches the other side
while the first still holds, each candidate checked by running the engine.  A witness is
reported as a profile that really reaches both; how much was searched is reported too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Optional

import yaml

from expert.advice.consultation import Consultant, Consultation
from expert.audit.exclusions import exclusion_violations
from expert.audit.lint.diagnostic import ERROR, Diagnostic, LintContext
from expert.explain.conditions import FactView
from expert.explain.smallest_change import SmallestChangeSearch
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT
from expert.rulebase.rulebook import Exclusion

SEEDS_PER_SIDE = 2  # profiles reaching one side that each search starts from
RUNS_PER_SEARCH = 250  # engine runs per search (about 2 ms each)


class _BothSearch(SmallestChangeSearch):
    """The smallest change that reaches ``cid`` while ``keep`` still holds (on ``subject``)."""

    def __init__(self, consultant: Consultant, run: Consultation, cid: str, keep: str, subject: Optional[str]) -> None:
        super().__init__(consultant, run.data, cid, subject, FactView.build(run.facts, run.concluded))
        self.keep = keep
        self.max_runs = RUNS_PER_SEARCH
        self.witness: Optional[dict] = None

    def watched(self) -> tuple[str, ...]:
        return (self.cid, self.keep)

    def reached(self, view: FactView) -> bool:
        return super().reached(view) and view.is_concluded(self.keep, self.subject or ANY_SUBJECT)

    def found(self, trial):
        self.witness = trial.data
        return super().found(trial)


@dataclass
class Searched:
    """How much the conflict check tried."""

    pairs: int = 0
    seeds: int = 0
    searches: int = 0
    engine_runs: int = 0
    witnesses: list = field(default_factory=list)

    def summary(self) -> str:
        return (f"conflict: {self.pairs} exclusive pairs, {self.seeds} seed profiles (worked cases and examples), "
                f"{self.searches} guided searches, {self.engine_runs:,} engine runs, "
                f"{len(self.witnesses)} witness(es)")


def _subjects(run: Consultation, cid: str) -> list[str]:
    return sorted(subject for concluded, subject in run.concluded if concluded == cid)


def find_witness(consultant: Consultant, runs: list[Consultation], exclusion: Exclusion,
                 searched: Searched) -> Optional[dict]:
    """A profile reaching both sides of ``exclusion``, or None when the search found none."""
    for run in runs:  # a seed may already reach both
        if exclusion_violations(run.advice, (exclusion,)):
            return run.data
    first, second = exclusion.ids
    for keep, target in ((first, second), (second, first)):
        for run in [r for r in runs if _subjects(r, keep)][:SEEDS_PER_SIDE]:
            subjects = _subjects(run, keep) if exclusion.scope == "same_subject" else [None]
            for subject in subjects:
                if subject == COMPANY_SUBJECT and consultant.knowledge.conclusions[target].about == "offer":
                    continue
                search = _BothSearch(consultant, run, target, keep, subject)
                search.run()
                searched.searches += 1
                searched.engine_runs += search.runs
                if search.witness is not None:
                    return search.witness
    return None


def check(context: LintContext) -> Iterator[Diagnostic]:
    consultant = context.consultant
    runs = [consultant.consult(profile) for profile in context.seed_profiles]
    searched = Searched(pairs=len(context.knowledge.exclusions), seeds=len(runs))
    for exclusion in context.knowledge.exclusions:
        witness = find_witness(consultant, runs, exclusion, searched)
        if witness is None:
            continue
        reached = exclusion_violations(consultant.advise(witness), (exclusion,))  # checked once more
        if not reached:
            continue
        searched.witnesses.append(witness)
        shown = yaml.safe_dump(witness, allow_unicode=True, sort_keys=False)
        yield Diagnostic("conflict.exclusion", ERROR, exclusion.file, exclusion.line,
                         f"{reached[0]}; witness profile:\n{shown}", None, witness)
    context.notes.append(searched.summary())
