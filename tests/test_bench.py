"""benchmarks/bench.py --quick runs end to end and prints every section it promises.

It reports numbers, it does not gate on them (timings are never asserted in tests): this
checks the benchmark still works against the code, with its floors and stage breakdown.
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys

import pytest
import support


def test_quick_bench_runs_and_reports_every_section():
    done = subprocess.run([sys.executable, str(support.REPO / "benchmarks" / "bench.py"), "--quick"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for needed in ("advise()", "floor", "need_more_info / others", "within each block pair", "2b. stages",
                   "validate", "derive", "flatten", "engine", "questions", "assembly",
                   "floor (bare imports + one pydantic model)", "6. targets", "why-not p99", "total run time"):
        assert needed in out, f"missing {needed!r} in the bench's output"
    assert "cold start failed" not in out
    # a quick run's blocks are shorter than one pass over the profiles: no block pair counts
    assert out.count("none: no block holds a whole pass over the profiles") == 2


def _bench_module():
    """benchmarks/bench.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("bench_under_test", support.REPO / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Host:
    """A fake clock whose time moves only by the calls made: profile k costs ``advise[k]`` or
    ``floor[k]``, times a speed that changes with every block (a host whose speed drifts)."""

    def __init__(self, advise: list[int], floor: list[int], per_block: int) -> None:
        self.now, self.calls, self.per_block = 0, 0, per_block
        self.advise_cost, self.floor_cost = advise, floor
        self.engine = self  # the advisor's engine: ``run`` below

    def speed(self) -> int:
        return 1 + max(0, self.calls - 1) // self.per_block  # 1, 2, 3, ... one per block of advise() calls

    def advise(self, k: int) -> None:
        self.calls += 1
        self.now += self.advise_cost[k] * self.speed()

    def run(self, k: int, trace: bool) -> None:
        assert trace is False
        self.now += self.floor_cost[k] * self.speed()

    def clock(self) -> int:
        return self.now


def _latency_on_fake_host(monkeypatch, profiles: int, iterations: int, blocks: int, asks: list[bool]):
    bench = _bench_module()
    # every cost its own, far apart: a pair holding other profiles than the pass it should has other medians
    advise = [1000 * 3 ** k + (5000 if asks[k] else 0) for k in range(profiles)]
    floor = [400 * 3 ** k + 7 * k for k in range(profiles)]
    host = _Host(advise, floor, iterations // blocks)
    monkeypatch.setattr(bench.time, "perf_counter_ns", host.clock)
    cfg = dict(warmup=0, iterations=iterations, blocks=blocks)
    result = bench.latency(host, [(f"p{k}", k) for k in range(profiles)], list(range(profiles)), cfg, asks)
    return result, advise, floor


def test_block_pairs_compare_the_same_profiles_whatever_the_host_speed(monkeypatch):
    asks = [True, False, False, True, False, False, False]
    (_, _, _, _, by_pair), advise, floor = _latency_on_fake_host(monkeypatch, 7, 30, 3, asks)
    # 10 calls a block: its first 7 (one whole pass) count, so every pair holds each profile once,
    # and the host's speed, the same within a pair, cancels out of its ratios
    one_pass_advise = statistics.median(advise) / statistics.median(floor)
    one_pass_nmi = (statistics.median([c for c, a in zip(advise, asks) if a])
                    / statistics.median([c for c, a in zip(advise, asks) if not a]))
    assert by_pair["advise"] == [pytest.approx(one_pass_advise)] * 3
    assert by_pair["nmi"] == [pytest.approx(one_pass_nmi)] * 3


def test_blocks_shorter_than_a_pass_give_no_block_pair(monkeypatch):
    (adv, floor, *_, by_pair), *_ = _latency_on_fake_host(monkeypatch, 7, 12, 2, [True] + [False] * 6)
    assert by_pair == {"advise": [], "nmi": []}
    assert adv["n"] == floor["n"] == 12  # the judged samples are all there
    assert "none" in _bench_module().spread(by_pair["advise"])
