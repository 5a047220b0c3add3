"""Batch advice: `expert advise --jsonl` checked against advise() and measured, one process and two.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/batch.py                  # 10,000 checked, 100,000 measured per --jobs
    python benchmarks/batch.py --check 2000 --measure 20000   # shorter
    python benchmarks/batch.py --quick          # a smoke run of a few seconds

It reports; it does not gate (exit 0 whatever the rates; 1 when an output line differs).

* **check** - ``--check`` generated profiles (valid ones from the seeded generator of
  ``expert diff``, numbers on and around every threshold; every 500th line a bad record)
  go through ``expert advise --jsonl FILE --jobs N`` for N = 1 and 2 (``--jobs 1,2``); each output line is
  compared with ``advise(profile).model_dump_json()`` computed here one by one, and each
  bad record must come back as an error line with its line number.
* **measure** - ``--measure`` profiles of the same kind through the same command with
  ``--jobs 1`` and ``--jobs 2``, stdout read by this script (hashed: both runs must give
  the same bytes; nothing is stored).  Rate = records / wall time of the whole command
  (start-up included).  RSS: the command and its workers, sampled every 0.25 s with
  psutil; "peak" is the highest total, "at 10% / 50% / 100%" the total when that share of
  the output had arrived (flat memory: the last two close to each other).
  The machine's load average is printed with each run: it is shared, so rates vary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from expert import InputError, advise
from expert.audit.diff.corpus import generated_profile
from expert.facts.vocabulary import Profile
from expert.rulebase.loader import load_knowledge
from expert.rulebase.rulebook import thresholds_by_field

EXPERT = Path(sys.executable).parent / "expert"
BAD_EVERY = 500
BAD_RECORD = {"company": {"size": "huge"}}
MIB = 1024 * 1024


def write_profiles(path: Path, count: int, seed: int = 1) -> None:
    """``count`` lines: valid generated profiles, every BAD_EVERY-th a bad record."""
    knowledge = load_knowledge()
    thresholds = thresholds_by_field(knowledge, knowledge)
    rng = random.Random(seed)  # noqa: S311
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, count + 1):
            if number % BAD_EVERY == 0:
                out.write(json.dumps(BAD_RECORD) + "\n")
                continue
            while True:
                profile = generated_profile(rng, thresholds)
                try:
                    Profile.model_validate(profile)
                except ValueError:
                    continue
                break
            out.write(json.dumps(profile, ensure_ascii=False) + "\n")


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def check(path: Path, jobs: int) -> tuple[int, int]:
    """Compare every output line with advise() one by one; (lines checked, mismatches)."""
    command = [str(EXPERT), "advise", "--jsonl", str(path), "--jobs", str(jobs)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    checked = wrong = 0
    with path.open(encoding="utf-8") as source:
        for number, (line, out) in enumerate(zip(source, process.stdout, strict=False), 1):
            try:
                expected = advise(json.loads(line)).model_dump_json()
            except InputError:
                expected = None
            got = out.decode("utf-8").rstrip("\n")
            if expected is None:
                ok = json.loads(got).get("line") == number
            else:
                ok = got == expected
            checked += 1
            wrong += not ok
    rest = process.stdout.read()
    process.wait()
    if rest:
        wrong += 1
    return checked, wrong


def measure(path: Path, jobs: int, total: int) -> dict:
    import psutil

    command = [str(EXPERT), "advise", "--jsonl", str(path), "--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    parent = psutil.Process(process.pid)
    lines = 0
    samples: list[tuple[int, int]] = []  # (lines so far, total RSS)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                rss = parent.memory_info().rss + sum(c.memory_info().rss for c in parent.children(recursive=True))
            except psutil.Error:
                rss = 0
            if rss:
                samples.append((lines, rss))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    digest = hashlib.sha256()
    size = 0
    for out in process.stdout:
        digest.update(out)
        size += len(out)
        lines += 1
    process.wait()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()

    def at(share: float) -> float:
        reached = [rss for n, rss in samples if n >= share * total]
        return (reached[0] if reached else samples[-1][1]) / MIB

    return dict(jobs=jobs, lines=lines, wall=wall, rate=lines / wall, peak=max(r for _, r in samples) / MIB,
                at10=at(0.1), at50=at(0.5), at100=at(0.999), digest=digest.hexdigest()[:16], mb=size / 1e6,
                exit=process.returncode, load=loadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", type=int, default=10_000, help="profiles compared line for line with advise()")
    parser.add_argument("--measure", type=int, default=100_000, help="profiles timed through --jobs 1 and --jobs 2")
    parser.add_argument("--jobs", default="1,2", help="the --jobs values to check and measure (comma-separated)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 300 checked, 1,000 measured")
    args = parser.parse_args(argv)
    if args.quick:
        args.check, args.measure = 300, 1000
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {loadavg()}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="expert-batch-") as scratch:
        small, large = Path(scratch) / "check.jsonl", Path(scratch) / "measure.jsonl"
        write_profiles(small, args.check, seed=1)
        settings = [int(j) for j in args.jobs.split(",")]
        for jobs in settings:
            checked, wrong = check(small, jobs)
            failed |= bool(wrong) or checked != args.check
            print(f"check --jobs {jobs}: {checked:,} lines compared with advise() one by one, {wrong} differ"
                  f" (load {loadavg()})")
        write_profiles(large, args.measure, seed=2)
        runs = [measure(large, jobs, args.measure) for jobs in settings]
        for r in runs:
            print(f"measure --jobs {r['jobs']}: {r['lines']:,} lines ({r['mb']:,.0f} MB) in {r['wall']:.1f} s = "
                  f"{r['rate']:,.0f} profiles/s; RSS peak {r['peak']:.0f} MiB, at 10% {r['at10']:.0f}, "
                  f"50% {r['at50']:.0f}, 100% {r['at100']:.0f} MiB; exit {r['exit']}; sha256 {r['digest']}; "
                  f"load {r['load']}")
        if len(runs) > 1:
            print(f"speed-up --jobs {runs[-1]['jobs']} / --jobs {runs[0]['jobs']}: {runs[-1]['rate'] / runs[0]['rate']:.2f}x; "
                  f"same output: {len({r['digest'] for r in runs}) == 1}")
            failed |= len({r["digest"] for r in runs}) != 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
