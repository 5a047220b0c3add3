"""Stress: mixed consultations on many threads, each compared with its sequential result.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/stress.py                       # 100,000 calls on 16 threads
    python benchmarks/stress.py --calls 2000 --threads 4

The inputs are the worked cases, the examples and generated profiles (``tests/support.py``'s
``distinct_profile``); the calls mix ``advise`` (trace on), ``what_if`` (one change),
``explain`` (how, without the smallest-change search) and a consultation turn
(``next_step`` on the case's volunteered facts, then ``apply_answer``).  First every
distinct (call, input) is run once on one thread: that is its expected result.  Then
``--calls`` calls are drawn from them (seeded) and run on ``--threads`` threads sharing one
advisor; each result is compared with the expected one as JSON.  It prints the
mismatches (0 is the target), any exception, the engine sessions still alive, the rate
and the machine's load average.  Exit status 1 on any mismatch or exception.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def inputs(generated: int) -> list[dict]:
    from support import distinct_profile

    profiles = [yaml.safe_load(p.read_text(encoding="utf-8"))["profile"]
                for p in sorted((ROOT / "knowledge" / "cases").glob("*.yaml"))]
    profiles += [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    return profiles + [distinct_profile(i) for i in range(generated)]


def calls(advisor, profiles: list[dict]) -> list[tuple[str, object]]:
    """(label, zero-argument call returning JSON text) for every kind of call and input."""
    from expert.consult.turns import volunteered_facts

    made = []
    for index, profile in enumerate(profiles):
        made.append((f"advise#{index}", lambda p=profile: advisor.advise(p).model_dump_json()))
        mau = 1000 + 997 * index
        made.append((f"what_if#{index}",
                     lambda p=profile, m=mau: advisor.what_if(p, [f"needs.usage.mau={m}"]).model_dump_json()))
        made.append((f"explain#{index}", lambda p=profile: advisor.explain(p, "verdict.pay", search=False)
                     .model_dump_json()))

        def turn(p=profile):
            step = advisor.next_step(volunteered_facts(p))
            if step.done:
                return step.model_dump_json()
            return advisor.apply_answer(step.profile, step.question.id, "unknown").model_dump_json()

        made.append((f"turn#{index}", turn))
    return made


def live_sessions(advisor) -> int:
    import durable_rules_engine as native
    import orjson

    engine = advisor.engine
    alive = 0
    for number in range(1, next(engine._session_ids)):
        try:
            if orjson.loads(native.get_facts(engine._handle, f"s{number}")):
                alive += 1
        except Exception:  # noqa: BLE001 - no such session: deleted, as it should be
            continue
    return alive


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--generated", type=int, default=400, help="generated profiles besides cases and examples")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.calls < 1 or args.threads < 1 or args.generated < 0:
        parser.error("--calls and --threads must be at least 1, --generated at least 0")

    from expert import default_advisor

    advisor = default_advisor()
    made = calls(advisor, inputs(args.generated))
    started = time.perf_counter()
    expected = {label: call() for label, call in made}
    sequential = time.perf_counter() - started
    print(f"sequential: {len(made):,} distinct calls in {sequential:.1f} s ({len(made) / sequential:,.0f}/s)")

    chooser = random.Random(args.seed)
    plan = [made[chooser.randrange(len(made))] for _ in range(args.calls)]
    mismatches: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(item) -> None:
        label, call = item
        try:
            got = call()
        except Exception as error:  # noqa: BLE001 - counted and reported
            with lock:
                errors.append(f"{label}: {type(error).__name__}: {error}")
            return
        if got != expected[label]:
            with lock:
                mismatches.append(label)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        for _ in pool.map(run, plan, chunksize=64):
            pass
    elapsed = time.perf_counter() - started
    kinds = {k: sum(1 for label, _ in plan if label.startswith(k)) for k in ("advise", "what_if", "explain", "turn")}
    print(f"threaded: {args.calls:,} calls on {args.threads} threads in {elapsed:.1f} s "
          f"({args.calls / elapsed:,.0f}/s); mix {kinds}")
    print(f"mismatches: {len(mismatches)}" + (f" (first: {mismatches[:5]})" if mismatches else ""))
    print(f"exceptions: {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    print(f"engine sessions still alive: {live_sessions(advisor)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 1 if mismatches or errors else 0


if __name__ == "__main__":
    sys.exit(main())
