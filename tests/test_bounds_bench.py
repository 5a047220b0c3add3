"""benchmarks/bounds.py: the quick run prints each stage beside its bounds; what the bounds are
made from is the stage's own output; the aggregation and the table's arithmetic are checked
on made-up numbers.  The timings themselves are the benchmark's to report, not a test's."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import orjson
import pytest
import support
import yaml

from expert.interfaces.advisor import default_advisor

NEEDS_MORE_INFO = "knowledge/cases/09-game-studio-needs-unstated.yaml"
OTHER = "examples/clinic-telehealth.yaml"


@pytest.fixture(scope="module")
def bounds():
    """benchmarks/bounds.py as a module (it is a script, not part of the package)."""
    sys.path.insert(0, str(support.REPO / "benchmarks"))  # it imports bench, as it does when run
    spec = importlib.util.spec_from_file_location("bounds_under_test", support.REPO / "benchmarks" / "bounds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(support.REPO / "benchmarks"))


def _profile(path: str) -> dict:
    loaded = yaml.safe_load((support.REPO / path).read_text(encoding="utf-8"))
    return loaded.get("profile", loaded)


def test_quick_bounds_run_prints_every_stage_beside_its_bounds(bounds):
    done = subprocess.run([sys.executable, str(support.REPO / "benchmarks" / "bounds.py"), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert re.search(r"^([1-9]\d*) of them reach need_more_info", out, re.MULTILINE), out
    for _, what, bound_of in bounds.ROWS:
        line = next((line for line in out.splitlines() if line.startswith("  " + what)), None)
        assert line is not None, f"missing row {what!r}:\n{out}"
        numbers = [float(n) for n in re.findall(r"\d+\.\d+", line[len(what) + 2:])]
        assert numbers and numbers[0] > 0, line
        assert ("stage / this" in line) == (bound_of is not None), line
    assert "our stages on a verdict other than need_more_info" in out


@pytest.mark.parametrize("path", [NEEDS_MORE_INFO, OTHER])
def test_the_bounds_are_made_from_the_stages_own_output(bounds, path):
    advisor = default_advisor()
    data = _profile(path)
    advice = advisor.advise(data)
    prepared = bounds.prepare(advisor, data)
    assert prepared["asks"] == (advice.verdict.id == "verdict.need_more_info") == (path == NEEDS_MORE_INFO)
    # the assembly's: the Advice without its questions (built before the assembly, bounded on their own rows)
    bare = orjson.loads(prepared["advice_json"])
    assert bare["verdict"].pop("questions") == []
    whole = advice.model_dump(mode="json")
    assert whole["verdict"].pop("questions") == [q.model_dump(mode="json") for q in advice.verdict.questions]
    assert bare == whole
    assert orjson.loads(prepared["trace_json"]) == [f.model_dump(mode="json") for f in advice.trace]
    assert orjson.loads(prepared["questions_json"]) == [q.model_dump(mode="json") for q in advice.verdict.questions]
    # the objects bound makes each model the stage made for this output, once, and no shared one
    trace_models = [b(dict(values)) for b, values in prepared["trace_plan"]]
    assert sum(type(m).__name__ == "Firing" for m in trace_models) == len(advice.trace)
    assert sum(type(m).__name__ == "MatchedFact" for m in trace_models) == sum(len(f.matched) for f in advice.trace)
    kinds = [type(b(dict(values))).__name__ for b, values in prepared["questions_plan"]]
    assert kinds.count("Question") == len(advice.verdict.questions)
    assert "ConclusionRef" not in kinds  # shared between consultations: made once per knowledge base
    advice_kinds = [type(b(dict(values))).__name__ for b, values in prepared["advice_plan"]]
    assert advice_kinds[-1] == "Advice" and advice_kinds.count("Advice") == 1  # children first
    assert advice_kinds.count("Firing") == len(advice.trace) and "Question" not in advice_kinds


def test_each_bound_row_is_made_from_its_own_stages_output(bounds):
    stage_input = {"flatten": "facts", "assembly": "advice", "trace": "trace", "questions": "questions"}
    bound_rows = {name: stage for name, _, stage in bounds.ROWS if stage is not None and name != "validate_standard"}
    assert set(bounds.BOUND_INPUTS) == set(bound_rows)
    for name, key in bounds.BOUND_INPUTS.items():
        made, form = key.split("_")
        assert made == stage_input[bound_rows[name]], name
        assert form == ("plan" if name.endswith("_objects") else "json"), name
    source = (support.REPO / "benchmarks" / "bounds.py").read_text(encoding="utf-8")
    for name in bounds.BOUND_INPUTS:  # measure() times each row on the input the table gives it
        assert re.search(rf'timed\("{name}", i, [^\n]*item\[BOUND_INPUTS\["{name}"\]\]\)', source), name


def test_measure_drops_the_warm_up_round(bounds):
    advisor = default_advisor()
    samples, asks = bounds.measure(advisor, [(NEEDS_MORE_INFO, _profile(NEEDS_MORE_INFO)),
                                             (OTHER, _profile(OTHER))], rounds=2)
    assert asks == [True, False]
    for name, _, _ in bounds.ROWS:
        ran = [len(per_profile) for per_profile in samples[name]]
        assert ran == ([2, 0] if name in ("dump", "analysis", "questions", "questions_objects", "questions_models")
                       else [2, 2]), name


def test_medians_take_each_profiles_median_then_the_median_over_profiles(bounds):
    samples = {"floor": [[10, 1000, 12], [20, 22, 24], [30, 31, 3000]],
               "analysis": [[], [5, 7, 6], []]}  # ran on the need-more-info profile only
    found = bounds.medians(samples, asks=[False, True, False])
    # each profile's median (12, 22, 31): a stall in one round moves none of them
    assert found["floor"] == dict(all=22, slowest=31, slowest_at=2, nmi=22, others=(12 + 31) / 2)
    assert found["analysis"] == dict(all=6, slowest=6, slowest_at=1, nmi=6, others=None)


def test_the_table_shows_multiples_of_the_floor_and_each_stage_over_its_bound(bounds, capsys):
    def row(value, at=0):
        return dict(all=value, slowest=value * 2, slowest_at=at, nmi=None, others=value)

    bounds.report({"floor": row(1000), "assembly": row(400, at=1), "assembly_objects": row(100)},
                  ["examples/a.yaml", "examples/b.yaml"])
    out = capsys.readouterr().out
    assembly = next(line for line in out.splitlines() if "assemble" in line)
    assert re.search(r"0\.4\s+0\.400\s+0\.400\s+-\s+0\.800 b\b", assembly), assembly
    objects = next(line for line in out.splitlines() if "objects:" in line)
    assert objects.rstrip().endswith("stage / this 4.00"), objects
    assert "the sum of their medians: 0.400x the floor" in out
