"""benchmarks/bench.py --quick runs end to end and prints every section it promises.

It reports numbers, it does not gate on them (timings are never asserted in tests): this
checks the benchmark still works against the code, with its floors and stage breakdown.
"""

from __future__ import annotations

import subprocess
import sys

import support


def test_quick_bench_runs_and_reports_every_section():
    done = subprocess.run([sys.executable, str(support.REPO / "benchmarks" / "bench.py"), "--quick"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for needed in ("advise()", "floor", "need_more_info / others", "within each block pair", "block pairs", "2b. stages",
                   "validate", "derive", "flatten", "engine", "questions", "assembly",
                   "floor (bare imports + one pydantic model)", "6. targets", "why-not p99", "total run time"):
        assert needed in out, f"missing {needed!r} in the bench's output"
    assert "cold start failed" not in out
