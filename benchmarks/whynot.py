"""Why-not timing: every worked case, every verdict it does not reach, as bench.py's section 5.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/whynot.py                      # one pass over the 166 why-nots: median, p99, the five slowest
    python benchmarks/whynot.py --rounds 3           # each why-not's fastest of three (steadier on a busy machine)
    python benchmarks/whynot.py --against main       # alternate with the search at a git revision, in one process

Each sample is one ``Advisor.explain(case data, verdict)`` call, as ``bench.py`` times it
(consultation, why-not report, smallest-change search).  ``--cpu`` times process CPU
instead of wall time: on a loaded machine it is less disturbed by other processes.

``--against REV`` loads the search modules of that revision (``explain/trials.py``,
``explain/smallest_change.py``, ``explain/screen.py`` where it has one) under other names
and runs each why-not with both, alternating which goes first, so load hits both alike;
it reports both and the ratio, and counts answers that differ (it must be none: the
search must give the same answers).  It reports; it does not gate.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info")
_MODULES = ("trials", "screen", "smallest_change")  # in import order


def load_search(revision: str):
    """The smallest-change module of ``revision``, with the modules it imports from the
    same revision (registered under other names, so both versions live in one process)."""
    loaded = None
    for name in _MODULES:
        try:
            source = subprocess.check_output(["git", "-C", str(ROOT), "show", f"{revision}:expert/explain/{name}.py"],
                                             text=True, stderr=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            continue  # the revision has no such module
        for other in _MODULES:
            source = source.replace(f"from expert.explain.{other} import", f"from whynot_against_{other} import")
        module = types.ModuleType(f"whynot_against_{name}")
        sys.modules[module.__name__] = module
        exec(compile(source, f"{revision}:expert/explain/{name}.py", "exec"), module.__dict__)  # noqa: S102 - our own code
        loaded = module
    return loaded


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank, as bench.py's (of 166 samples, p99 is the second slowest)."""
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def report(name: str, samples: dict[tuple, float], tried: dict[tuple, int]) -> None:
    ordered = sorted(samples.values())
    print(f"  {name:<8} n={len(ordered)}  median {statistics.median(ordered):7.1f} ms  p99 {percentile(ordered, 99):7.1f} ms"
          f"  max {ordered[-1]:7.1f} ms")
    for key in sorted(samples, key=samples.__getitem__, reverse=True)[:5]:
        print(f"      {samples[key]:7.1f} ms  {key[0]}  {key[1]}  ({tried[key]} candidates tried)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="passes; each why-not's fastest is kept")
    parser.add_argument("--against", metavar="REV", help="alternate with the search at this git revision")
    parser.add_argument("--cpu", action="store_true", help="time process CPU rather than wall time")
    args = parser.parse_args(argv)
    os.chdir(ROOT)

    import expert.explain.explainer as explainer
    from expert.audit.cases import load_cases
    from expert.interfaces.advisor import default_advisor

    searches = {"new": explainer.smallest_change}
    if args.against:
        old = load_search(args.against)
        if old is None:
            print(f"no search at {args.against}", file=sys.stderr)
            return 2
        searches = {"against": old.smallest_change, "new": explainer.smallest_change}
    advisor = default_advisor()
    jobs = []
    for case in load_cases(ROOT / "knowledge" / "cases"):
        run = advisor.consult(case.profile)
        jobs += [(case.id, verdict, run.data) for verdict in VERDICTS if verdict != run.advice.verdict.id]
    clock = time.process_time_ns if args.cpu else time.perf_counter_ns
    best: dict[str, dict[tuple, float]] = {name: {} for name in searches}
    tried: dict[str, dict[tuple, int]] = {name: {} for name in searches}
    differ = 0
    start = time.monotonic()
    for number in range(args.rounds):
        for index, (case, verdict, data) in enumerate(jobs):
            names = list(searches) if (number + index) % 2 == 0 else list(reversed(searches))
            answers = {}
            for name in names:
                explainer.smallest_change = searches[name]
                began = clock()
                change = advisor.explain(data, verdict).smallest_change
                took = (clock() - began) / 1e6
                key = (case, verdict)
                best[name][key] = min(took, best[name].get(key, took))
                tried[name][key] = change.candidates_tried
                answers[name] = (change.found, [(c.fact, c.before, c.after) for c in change.changes],
                                 "" if change.found else change.statement.en.split(" among ")[0])
            explainer.smallest_change = searches["new"]
            differ += len({repr(a) for a in answers.values()}) > 1
    load = os.getloadavg()
    print(f"why-not: {len(jobs)} explains x {args.rounds} round(s), {'CPU' if args.cpu else 'wall'} time,"
          f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {time.monotonic() - start:.0f} s")
    for name in searches:
        report(name, best[name], tried[name])
    if args.against:
        new, against = best["new"], best["against"]
        ratios = sorted(new[k] / against[k] for k in new)
        slowest = ", ".join(f"{new[k] / against[k]:.2f}" for k in sorted(against, key=against.__getitem__, reverse=True)[:10])
        p99 = percentile(sorted(new.values()), 99) / percentile(sorted(against.values()), 99)
        print(f"  new / against: median ratio {statistics.median(ratios):.2f}; p99 {p99:.2f}; the ten slowest before: {slowest}")
        print(f"  answers that differ: {differ}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
