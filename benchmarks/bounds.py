"""Each stage of advise() beside what the same output costs when made the cheapest ways this stack has.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/bounds.py            # full run: about 15 s here
    python benchmarks/bounds.py --quick    # smoke run, a few seconds (tests/test_bounds_bench.py runs it)

``bench.py`` says how far advise() sits above the bare engine run; this says how much of each
stage is the output itself and how much is our work on top.  Each stage is timed beside:

* **objects** (a lower bound) - the same pydantic models made by ``model.builder`` (a new
  object and its four slots: the cheapest way there is) from a ready copy of each model's
  values: the output's objects alone (each model's values dict copied; no inner list or dict
  made again, nothing looked up);
* **pydantic-core** (a reference, not a bound) - pydantic's own Rust code making the same
  models from the output's JSON;
* **plain data** - ``orjson.loads`` of the same JSON: the same data as dicts and lists made
  in C, no models (what another output type would cost).

The stages: **validate** (``Advisor.validate``, pydantic-core itself; beside it pydantic's
standard ``Profile.model_validate``); **derive** (the figures; nothing in the stack computes
them); **flatten** (the input facts; beside ``orjson.loads`` of the same facts); **assembly**
(``AdviceAssembler.assemble``: the Advice with its trace, and on a need-more-info profile
without its questions, which come built: the bounds leave them out too); **trace** (the
part of the assembly that builds ``Advice.trace``); and on need-more-info profiles only, the
stage the others do not run: the profile's **dump** the questions read, the **analysis**
(which unstated facts can change the verdict: Python over rules compiled once per
knowledge base, no bound) and the **questions** (the ranked ``Question`` models).

Every measure runs once per profile per round, interleaved, so a stall of the host hits one
sample, not a measure, after one untimed round (pydantic builds some schemas on first use);
each profile's median over the rounds is taken, and the median over the profiles is
printed, in microseconds and as a multiple of the floor's (the same ``engine.run(facts,
trace=False)`` as bench.py's, timed in the same rounds), for all profiles, the others and the
need-more-info ones, and the slowest profile's with its name (each row's own slowest: a
bound's row may name another profile than its stage's).  It reports; it does not
judge: the targets are bench.py's.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

FULL = dict(rounds=15, step=1)
QUICK = dict(rounds=3, step=8)  # a smoke run: three rounds so one stall is not a profile's median; not a reading

# (name, what it times, the stage it bounds) in print order; a bound's row follows its stage's
ROWS = (
    ("floor", "engine.run(facts, trace=False): inference alone", None),
    ("validate", "Advisor.validate (pydantic-core)", None),
    ("validate_standard", "  reference: Profile.model_validate", "validate"),
    ("derive", "derive (figures; no bound)", None),
    ("flatten", "input_facts", None),
    ("flatten_dicts", "  plain data: orjson.loads, the same facts", "flatten"),
    ("assembly", "assemble (the Advice with its trace; no questions)", None),
    ("assembly_objects", "  objects: its models, made from ready values", "assembly"),
    ("assembly_models", "  reference: pydantic-core, the same Advice", "assembly"),
    ("assembly_dicts", "  plain data: orjson.loads, the same Advice", "assembly"),
    ("trace", "the trace alone (AdviceAssembler._trace)", None),
    ("trace_objects", "  objects: its models, made from ready values", "trace"),
    ("trace_models", "  reference: pydantic-core, the same trace", "trace"),
    ("trace_dicts", "  plain data: orjson.loads, the same trace", "trace"),
    ("dump", "need-more-info: the profile's dump", None),
    ("analysis", "need-more-info: the relevance analysis (no bound)", None),
    ("questions", "need-more-info: the questions (Asker.questions)", None),
    ("questions_objects", "  objects: their models, made from ready values", "questions"),
    ("questions_models", "  reference: pydantic-core, the same questions", "questions"),
    ("advise", "advise(): the whole call", None),
)


# what each bound row is made from (``prepare``'s keys): a stage's own output, as its plan of
# models for the objects bound and as JSON for the others
BOUND_INPUTS = {"flatten_dicts": "facts_json",
                "assembly_objects": "advice_plan", "assembly_models": "advice_json", "assembly_dicts": "advice_json",
                "trace_objects": "trace_plan", "trace_models": "trace_json", "trace_dicts": "trace_json",
                "questions_objects": "questions_plan", "questions_models": "questions_json"}


def object_plan(value: object, again: object) -> list:
    """(builder, values) for every pydantic model ``value`` holds that its stage made for it,
    children first: what the objects bound makes, each model from a copy of its own values
    (``model.builder``).  ``again`` is the same output made a second time: a model found in
    both (the same object) is shared between outputs (a title, a question's wording), made
    once per knowledge base, and left out with what it holds, as is a model met twice."""
    from expert.advice.model import builder

    shared: set[int] = set()
    _models(again, lambda model: shared.add(id(model)) or True)
    plan: list = []

    def fresh(model) -> bool:
        if id(model) in shared:
            return False
        shared.add(id(model))  # met once
        plan.append(model)
        return True

    _models(value, fresh)
    # children first, as the stage makes them (``_models`` lists a model before what it holds)
    return [(builder(type(model)), model.__dict__) for model in reversed(plan)]


def _models(value: object, visit) -> None:
    """Call ``visit`` on every pydantic model in ``value``, a model before what it holds;
    what a model holds is walked only when ``visit`` returns true."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        if visit(value):
            for held in value.__dict__.values():
                _models(held, visit)
    elif isinstance(value, (list, tuple)):
        for held in value:
            _models(held, visit)
    elif isinstance(value, dict):
        for held in value.values():
            _models(held, visit)


def make_objects(plan: list) -> None:
    """The objects bound: every model of ``plan`` made again from a copy of its values."""
    for build, values in plan:
        build(values.copy())


@functools.cache
def _adapters() -> tuple:
    """pydantic-core's validators for a trace and for a list of questions, made once: ``prepare``
    dumps with them for every profile and ``measure`` times them."""
    from pydantic import TypeAdapter

    from expert.advice.model import Firing, Question

    return TypeAdapter(list[Firing]), TypeAdapter(list[Question])


def prepare(advisor, data: dict) -> dict:
    """What the bounds of one profile are made from, worked out before any timing: the input
    facts' JSON; the Advice without its questions (their own rows bound them), its trace and
    its questions, each as JSON and as a plan of its models."""
    import orjson

    from expert.advice.assembly import NEED_MORE_INFO
    from expert.facts.derive import derive
    from expert.facts.flatten import input_facts

    traces, questions_of = _adapters()
    profile = advisor.validate(data)
    advice, again = advisor.advise(data), advisor.advise(data)  # both alive: shared models keep their ids
    bare, bare_again = _without_questions(advice), _without_questions(again)
    return dict(data=data, asks=advice.verdict.id == NEED_MORE_INFO,
                facts_json=orjson.dumps(input_facts(profile, derive(profile))),
                advice_json=bare.model_dump_json(), advice_plan=object_plan(bare, bare_again),
                trace_json=traces.dump_json(advice.trace),
                trace_plan=object_plan(advice.trace, again.trace),
                questions_json=questions_of.dump_json(advice.verdict.questions),
                questions_plan=object_plan(advice.verdict.questions, again.verdict.questions))


def _without_questions(advice):
    """The Advice as the assembly alone makes it on a need-more-info profile (the questions
    come built: their own rows bound them); a copy, the verdict's other fields the same objects."""
    return advice.model_copy(update={"verdict": advice.verdict.model_copy(update={"questions": []})})


def measure(advisor, profiles: list[tuple[str, dict]], rounds: int) -> tuple[dict, list[bool]]:
    """Each measure's samples per profile (ns, ``rounds`` each after the untimed one), and
    which profiles reach need_more_info."""
    import orjson

    from expert.advice.assembly import AdviceAssembler
    from expert.advice.consultation import profile_data
    from expert.advice.model import Advice
    from expert.facts.derive import derive
    from expert.facts.flatten import input_facts
    from expert.facts.vocabulary import Profile

    traces, questions_of = _adapters()
    prepared = [prepare(advisor, data) for _, data in profiles]
    samples: dict[str, list[list[int]]] = {}
    clock = time.perf_counter_ns

    def timed(name: str, i: int, call, *args):
        start = clock()
        result = call(*args)
        samples[name][i].append(clock() - start)
        return result

    for round_number in range(rounds + 1):
        if round_number <= 1:  # round 0 is untimed: its samples are dropped when round 1 starts
            samples = {name: [[] for _ in profiles] for name, _, _ in ROWS}
        for i, item in enumerate(prepared):
            data = item["data"]
            profile = timed("validate", i, advisor.validate, data)
            timed("validate_standard", i, Profile.model_validate, data)
            derivation = timed("derive", i, derive, profile)
            facts = timed("flatten", i, input_facts, profile, derivation)
            timed("flatten_dicts", i, orjson.loads, item[BOUND_INPUTS["flatten_dicts"]])
            timed("floor", i, advisor.engine.run, facts, False)
            outcome = advisor.engine.run(facts, trace=True)
            if item["asks"]:  # need_more_info: the stage the others do not run
                dumped = timed("dump", i, profile_data, profile)
                relevance = timed("analysis", i, advisor.asker.relevance, dumped, facts, set(outcome.conclusions))
                timed("questions", i, advisor.asker.questions, relevance, dumped)
                timed("questions_objects", i, make_objects, item[BOUND_INPUTS["questions_objects"]])
                timed("questions_models", i, questions_of.validate_json, item[BOUND_INPUTS["questions_models"]])
            timed("assembly", i, advisor.assembler.assemble, profile, derivation, outcome, "en", None)
            timed("assembly_objects", i, make_objects, item[BOUND_INPUTS["assembly_objects"]])
            timed("assembly_models", i, Advice.model_validate_json, item[BOUND_INPUTS["assembly_models"]])
            timed("assembly_dicts", i, orjson.loads, item[BOUND_INPUTS["assembly_dicts"]])
            timed("trace", i, AdviceAssembler._trace, outcome.firings)
            timed("trace_objects", i, make_objects, item[BOUND_INPUTS["trace_objects"]])
            timed("trace_models", i, traces.validate_json, item[BOUND_INPUTS["trace_models"]])
            timed("trace_dicts", i, orjson.loads, item[BOUND_INPUTS["trace_dicts"]])
            timed("advise", i, advisor.advise, data)
    return samples, [item["asks"] for item in prepared]


def medians(samples: dict, asks: list[bool]) -> dict[str, dict]:
    """Per measure: the median over profiles of each profile's median (ns), over all the
    profiles it ran on, over the need-more-info ones and over the others, and the slowest
    profile's median with that profile's index."""
    result = {}
    for name, per_profile in samples.items():
        mids = [(statistics.median(ns), ask, i) for i, (ns, ask) in enumerate(zip(per_profile, asks, strict=True)) if ns]
        if not mids:
            continue
        slowest, _, at = max(mids)
        result[name] = dict(all=statistics.median(m for m, _, _ in mids), slowest=slowest, slowest_at=at,
                            nmi=_median_or_none([m for m, ask, _ in mids if ask]),
                            others=_median_or_none([m for m, ask, _ in mids if not ask]))
    return result


def _median_or_none(values: list[float]):
    return statistics.median(values) if values else None


def report(found: dict[str, dict], labels: list[str]) -> None:
    """The table: each row in us and as x the floor's median; a bound's row ends with its
    stage's median over its own (how many times the output's own cost the stage takes)."""
    floor = found["floor"]["all"]
    print(f"per profile its median over the rounds; below, the median over the profiles in us and as x the "
          f"floor's ({floor / 1e3:.0f} us), the others', the need-more-info ones', and the row's slowest profile's")
    print(f"  {'':52} {'us':>8} {'x floor':>8} {'others':>8} {'nmi':>8} {'slowest':>8} profile")

    def x(value) -> str:
        return "-" if value is None else f"{value / floor:.3f}"

    for name, what, bound_of in ROWS:
        row = found.get(name)
        if row is None:
            continue
        line = (f"  {what:<52} {row['all'] / 1e3:8.1f} {x(row['all']):>8} {x(row['others']):>8} "
                f"{x(row['nmi']):>8} {x(row['slowest']):>8} {Path(labels[row['slowest_at']]).stem[:28]:<28}")
        if bound_of is not None and bound_of in found:
            line += f"  stage / this {found[bound_of]['all'] / row['all']:.2f}"
        print(line)
    ours = [n for n in ("validate", "derive", "flatten", "assembly") if n in found]
    total = sum(found[n]["others"] or found[n]["all"] for n in ours)
    print(f"  our stages on a verdict other than need_more_info ({', '.join(ours)}), the sum of their medians: "
          f"{total / floor:.3f}x the floor")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 rounds, every 8th profile and a need-more-info one")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    started = time.monotonic()
    os.chdir(ROOT)
    from bench import load_profiles, loadavg

    from expert.advice.assembly import NEED_MORE_INFO
    from expert.interfaces.advisor import default_advisor

    advisor = default_advisor()
    profiles = load_profiles()
    if not profiles:
        print("no profiles found under examples/ or knowledge/cases/", file=sys.stderr)
        return 1
    if cfg["step"] > 1:  # every step-th profile, and the first need-more-info one so its rows show
        asking = [label for label, data in profiles if advisor.advise(data).verdict.id == NEED_MORE_INFO]
        chosen = profiles[::cfg["step"]]
        if asking and not any(label in asking for label, _ in chosen):
            chosen += [next(p for p in profiles if p[0] == asking[0])]
        profiles = chosen
    print(f"{len(profiles)} profiles, {cfg['rounds']} rounds; load average {loadavg()}")
    samples, asks = measure(advisor, profiles, cfg["rounds"])
    print(f"{sum(asks)} of them reach need_more_info")
    report(medians(samples, asks), [label for label, _ in profiles])
    print(f"total run time {time.monotonic() - started:.1f} s; load average {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
