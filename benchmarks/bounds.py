"""Each stage of advise() beside the cheapest way this stack has to make what the stage makes.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/bounds.py            # full run: about 15 s here
    python benchmarks/bounds.py --quick    # smoke run, a few seconds (tests/test_bounds_bench.py runs it)

``bench.py`` says how far advise() sits above the bare engine run; this says whether a stage
could still go lower while it makes the same output.  Where a stage builds what a library
of the stack (pydantic-core, in Rust; orjson, in C) can also build from the same data, both
are timed on the same profile, one after the other:

* **validate** - ``Advisor.validate``: pydantic-core's own validator (``facts/validation.py``);
  beside it ``Profile.model_validate``, pydantic's standard path.  It is its own bound.
* **derive** - the figures; nothing in the stack computes them, so no bound.
* **flatten** - the input facts the engine reads; bound: ``orjson.loads`` of the same
  facts' JSON (the same dicts made in C).
* **assembly** - the Advice, trace and questions included.  Bounds: ``Advice.model_validate_json``
  of the same Advice's JSON (pydantic-core making the same models: what the output, a tree
  of pydantic models, costs at the library's own speed) and ``orjson.loads`` of that JSON
  (the same data as plain dicts and lists, no models: what a different output type would cost).
  On a need-more-info profile the questions come built (the row below) while the Advice's
  bounds build them too: compare there the assembly and the questions together.
* **trace** - the part of the assembly that builds the firing trace (``Advice.trace``);
  bounds as above, over the trace alone.
* **analysis** and **question models** - the need-more-info stage (those profiles only):
  judging which unstated facts can change the verdict (Python over rules compiled once per
  knowledge base; no bound), then building the ranked ``Question`` models (bound: pydantic-core
  making the same questions from their JSON).

Every measure runs once per profile per round, interleaved, so a stall of the host hits one
sample, not a measure; each profile's median over the rounds is taken, and the median over
the profiles is printed, in microseconds and as a multiple of the floor's (the same
``engine.run(facts, trace=False)`` as bench.py's, timed in the same rounds).  It reports; it
does not judge: the targets are bench.py's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

FULL = dict(rounds=15, step=1)
QUICK = dict(rounds=2, step=8)

# (name, what it times, its bound's name) in print order; a bound's row follows its stage's
ROWS = (
    ("floor", "engine.run(facts, trace=False): inference alone", None),
    ("validate", "Advisor.validate (pydantic-core)", None),
    ("validate_standard", "  Profile.model_validate (pydantic's standard path)", "validate"),
    ("derive", "derive (figures; no bound)", None),
    ("flatten", "input_facts", None),
    ("flatten_dicts", "  bound: orjson.loads, the same facts", "flatten"),
    ("assembly", "AdviceAssembler.assemble (trace and questions included)", None),
    ("assembly_models", "  bound: Advice.model_validate_json, the same Advice", "assembly"),
    ("assembly_dicts", "  bound: orjson.loads, the same Advice as plain data", "assembly"),
    ("trace", "the trace alone (AdviceAssembler._trace)", None),
    ("trace_models", "  bound: pydantic-core, the same trace", "trace"),
    ("trace_dicts", "  bound: orjson.loads, the same trace", "trace"),
    ("analysis", "need-more-info: the relevance analysis (no bound)", None),
    ("questions", "need-more-info: the Question models (Asker.questions)", None),
    ("questions_models", "  bound: pydantic-core, the same questions", "questions"),
    ("advise", "advise(): the whole call", None),
)


def measure(advisor, profiles: list[tuple[str, dict]], rounds: int) -> tuple[dict, list[bool]]:
    """Each measure's samples per profile (ns), and which profiles reach need_more_info."""
    import orjson
    from pydantic import TypeAdapter

    from expert.advice.assembly import NEED_MORE_INFO, AdviceAssembler
    from expert.advice.consultation import profile_data
    from expert.advice.model import Advice, Firing, Question
    from expert.facts.derive import derive
    from expert.facts.flatten import input_facts
    from expert.facts.vocabulary import Profile
    from expert.rulebase.compiler import COMPANY_SUBJECT

    traces, questions_of = TypeAdapter(list[Firing]), TypeAdapter(list[Question])
    prepared, asks = [], []
    for _, data in profiles:
        profile = advisor.validate(data)
        facts = input_facts(profile, derive(profile))
        advice = advisor.advise(data)
        asks.append(advice.verdict.id == NEED_MORE_INFO)
        prepared.append(dict(data=data, facts_json=orjson.dumps(facts), advice_json=advice.model_dump_json(),
                             trace_json=traces.dump_json(advice.trace),
                             questions_json=questions_of.dump_json(advice.verdict.questions)))
    samples: dict[str, list[list[int]]] = {name: [[] for _ in profiles] for name, _, _ in ROWS}
    clock = time.perf_counter_ns

    def timed(name: str, i: int, call, *args):
        start = clock()
        result = call(*args)
        samples[name][i].append(clock() - start)
        return result

    for round_number in range(rounds + 1):  # round 0 warms each measure up (pydantic builds some schemas on first use)
        if round_number == 1:
            samples = {name: [[] for _ in profiles] for name in samples}
        for i, item in enumerate(prepared):
            data = item["data"]
            profile = timed("validate", i, advisor.validate, data)
            timed("validate_standard", i, Profile.model_validate, data)
            derivation = timed("derive", i, derive, profile)
            facts = timed("flatten", i, input_facts, profile, derivation)
            timed("flatten_dicts", i, orjson.loads, item["facts_json"])
            timed("floor", i, advisor.engine.run, facts, False)
            outcome = advisor.engine.run(facts, trace=True)
            questions = None
            if (NEED_MORE_INFO, COMPANY_SUBJECT) in outcome.conclusions:
                dumped = profile_data(profile)
                relevance = timed("analysis", i, advisor.asker.relevance, dumped, facts, set(outcome.conclusions))
                questions = timed("questions", i, advisor.asker.questions, relevance, dumped)
                timed("questions_models", i, questions_of.validate_json, item["questions_json"])
            timed("assembly", i, advisor.assembler.assemble, profile, derivation, outcome, "en", questions)
            timed("assembly_models", i, Advice.model_validate_json, item["advice_json"])
            timed("assembly_dicts", i, orjson.loads, item["advice_json"])
            timed("trace", i, AdviceAssembler._trace, outcome.firings)
            timed("trace_models", i, traces.validate_json, item["trace_json"])
            timed("trace_dicts", i, orjson.loads, item["trace_json"])
            timed("advise", i, advisor.advise, data)
    return samples, asks


def medians(samples: dict, asks: list[bool]) -> dict[str, dict]:
    """Per measure: the median over profiles of each profile's median (ns), over all the
    profiles it ran on, over the need-more-info ones and over the others, and its largest."""
    result = {}
    for name, per_profile in samples.items():
        mids = [(statistics.median(ns), ask) for ns, ask in zip(per_profile, asks, strict=True) if ns]
        if not mids:
            continue
        result[name] = dict(all=statistics.median(m for m, _ in mids), largest=max(m for m, _ in mids),
                            nmi=_median_or_none([m for m, ask in mids if ask]),
                            others=_median_or_none([m for m, ask in mids if not ask]))
    return result


def _median_or_none(values: list[float]):
    return statistics.median(values) if values else None


def report(found: dict[str, dict]) -> None:
    floor = found["floor"]["all"]
    print(f"per profile: its median over the rounds; below, the median over the profiles in us and as x the "
          f"floor's ({floor / 1e3:.0f} us), then the largest profile's")
    print(f"  {'':58} {'us':>8} {'x floor':>8} {'others':>8} {'nmi':>8} {'largest':>8}")

    def x(value) -> str:
        return "-" if value is None else f"{value / floor:.3f}"

    for name, what, bound_of in ROWS:
        row = found.get(name)
        if row is None:
            continue
        line = (f"  {what:<58} {row['all'] / 1e3:8.1f} {x(row['all']):>8} {x(row['others']):>8} "
                f"{x(row['nmi']):>8} {x(row['largest']):>8}")
        if bound_of is not None and bound_of in found:
            line += f"   ours / this: {found[bound_of]['all'] / row['all']:.2f}"
        print(line)
    ours = [n for n in ("validate", "derive", "flatten", "assembly") if n in found]
    total = sum(found[n]["others"] or found[n]["all"] for n in ours)
    print(f"  our stages on a verdict other than need_more_info ({', '.join(ours)}), the sum of their medians: "
          f"{total / floor:.3f}x the floor")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 rounds over every 8th profile")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    started = time.monotonic()
    os.chdir(ROOT)
    from bench import load_profiles, loadavg

    from expert.interfaces.advisor import default_advisor

    advisor = default_advisor()
    profiles = load_profiles()
    if not profiles:
        print("no profiles found under examples/ or knowledge/cases/", file=sys.stderr)
        return 1
    if cfg["step"] > 1:  # every step-th profile, and the first need-more-info one so its rows show
        asking = [label for label, data in profiles if advisor.advise(data).verdict.id == "verdict.need_more_info"]
        chosen = profiles[::cfg["step"]]
        if asking and not any(label in asking for label, _ in chosen):
            chosen += [next(p for p in profiles if p[0] == asking[0])]
        profiles = chosen
    print(f"{len(profiles)} profiles, {cfg['rounds']} rounds; load average {loadavg()}")
    samples, asks = measure(advisor, profiles, cfg["rounds"])
    print(f"{sum(asks)} of them reach need_more_info")
    report(medians(samples, asks))
    print(f"total run time {time.monotonic() - started:.1f} s; load average {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
