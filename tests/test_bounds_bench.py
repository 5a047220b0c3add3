"""benchmarks/bounds.py --quick runs and prints each stage beside its bound; its aggregation
is checked on made-up samples.  The timings themselves are the benchmark's to report."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import support


def _bounds_module():
    """benchmarks/bounds.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("bounds_under_test", support.REPO / "benchmarks" / "bounds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_bounds_run_prints_every_stage_beside_its_bound():
    done = subprocess.run([sys.executable, str(support.REPO / "benchmarks" / "bounds.py"), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert re.search(r"^([1-9]\d*) of them reach need_more_info", out, re.MULTILINE), out
    for _, what, bound_of in _bounds_module().ROWS:
        line = next((line for line in out.splitlines() if line.startswith("  " + what)), None)
        assert line is not None, f"missing row {what!r}:\n{out}"
        numbers = [float(n) for n in re.findall(r"\d+\.\d+", line[len(what) + 2:])]
        assert numbers and numbers[0] > 0, line
        assert ("ours / this" in line) == (bound_of is not None), line
    assert "our stages on a verdict other than need_more_info" in out


def test_medians_take_each_profiles_median_then_the_median_over_profiles():
    bounds = _bounds_module()
    samples = {"floor": [[10, 1000, 12], [20, 22, 24], [30, 31, 3000]],
               "analysis": [[], [5, 7, 6], []]}  # ran on the need-more-info profile only
    found = bounds.medians(samples, asks=[False, True, False])
    # each profile's median (12, 22, 31): a stall in one round moves none of them
    assert found["floor"] == dict(all=22, largest=31, nmi=22, others=(12 + 31) / 2)
    assert found["analysis"] == dict(all=6, largest=6, nmi=6, others=None)
