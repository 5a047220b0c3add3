"""Performance report for `expert`: latency, the durable_rules floor, cold start, memory, explain and ask.

Run from the repository root (the package must be installed, e.g. editable)::

    python benchmarks/bench.py            # full run: about 100 s on a quiet 2-core machine, more under load (its last line says)
    python benchmarks/bench.py --quick    # smoke run (section 5 on every 8th case), about 5 s here (tests/test_bench.py runs it)

It reports; it does not gate: the exit status is 0 whatever the numbers (2 only for bad
arguments, 1 if a profile cannot even be advised on).  What each number means:

* **advise()** - wall time of one ``Advisor.advise(profile_dict)`` call on the shared
  default advisor (the one ``expert.advise()`` uses), warm, in
  process, with the full bundled knowledge base and tracing on: pydantic validation,
  derivation, flattening, inference and Advice assembly.  The profiles are every
  ``examples/*.yaml`` and the ``profile`` of every ``knowledge/cases/*.yaml``, used in
  turn.  Median and p99 (nearest rank) in ms; throughput = calls / summed call time.
* **floor** - the same compiled ruleset on the same advisor's engine, fed the same
  input facts straight through durable_rules: ``advisor.engine.run(facts, trace=False)``
  with ``facts = input_facts(profile, derive(profile))`` computed once per profile.  No
  validation, derivation, tracing or assembly: what inference itself costs.  advise()
  and floor samples are taken in alternating blocks so machine noise hits both alike;
  ``ratio`` is median(advise) / median(floor).  The advise() samples are also split by
  verdict: a ``need_more_info`` consultation also ranks the questions it lists, and its
  median is compared with the others'.  The same two ratios within each block pair (an
  advise() block and the floor block after it, each over its whole passes over the profiles,
  so every pair holds the same mix) are printed as min, median and max, not judged (a quick
  run's blocks are shorter than one pass: none then).  On a shared host the floor's median
  moved from 0.99 to 1.29 ms within a minute and the judged ratio of identical code from
  1.67x to 1.82x, as wide as the margins the targets are missed or met by; the spread shows
  how much of a verdict is the host.
* **stages** - where one advise() call's time goes, each stage timed on its own in turn
  for every profile: validation (``Advisor.validate``), derivation, flattening
  (the input facts, read from the validated models), the engine run with the trace kept,
  question ranking (need-more-info verdicts only, with the profile's dump it reads) and
  the Advice's assembly (trace included).  Median and mean per stage in ms; the stages add up to about one call.
* **cold start** - wall time of a separate process ``expert advise
  examples/live-commerce.yaml --format json`` (the ``expert`` executable next to this
  interpreter): interpreter start, imports, knowledge loading and compilation, one
  consultation, JSON rendering.  Twenty timed runs each in a full run (the median of
  ten moved by 0.1x from run to run on a busy host, as much as the target's margin).
  One untimed run primes the OS file cache (and the knowledge snapshot,
  ``rulebase/snapshot.py``, kept in a cache directory of this run's own so no other
  checkout's run can evict it) first.  Its floor, measured in the same
  run and alternating with it: a fresh interpreter that does ``import pydantic, click,
  durable.lang, yaml, orjson`` and defines one pydantic model (pydantic builds its
  internals on the first model): what any command built on these libraries pays.
  Both run with bytecode caches allowed (``PYTHONDONTWRITEBYTECODE`` is dropped from their
  environment: with it, an editable install recompiles ``expert`` on every start).
* **RSS growth** - resident set size (psutil) after the warm-up and after N more
  advise() calls cycling through the profiles (``gc.collect()`` before each reading;
  gc thresholds are left at their defaults).  N is 20,000 unless the time budget
  (``--budget``, default 165 s for the whole script) runs out first; then the growth
  is also projected to 20,000 calls from the slope of the second half of the phase
  (the first half carries allocator and cache warm-up), and the target is judged on
  that projection.  ``--budget 0`` always runs the full 20,000.

* **explain and ask** - for every worked case: a chat-bot consultation from what a user
  volunteers (custom add-ons, which no question asks; usually nothing) through
  ``next_step`` / ``apply_answer``, each question answered from the
  case's profile (questions per case, against the verdict's deciding facts; time per
  turn); ``explain`` of the verdict reached (how) and of the two verdicts not reached
  (why-not with the smallest-change search; the five slowest are listed with how many
  candidate changes each tried); one ``what_if``.  Each why-not is timed in
  ``why_not_passes`` passes (3 in a full run: the first with the rest of the case, the
  others as whole sweeps over every why-not afterwards, so that a stall of the host and
  the caches a call leaves warm hit one pass, not all) and its fastest counts: the p99
  of some 170 why-nots is the second slowest, so one stall in a single pass decided it
  (a why-not took 98 ms in one pass and under 50 ms in the next).  The first pass's
  median, p99 and max are printed too.  Only the why-not p99 is targeted.

The final block compares against the targets (issue 12): advise() median <= 1.6x the
floor's median, p99 <= 3x the floor's median, need-more-info median <= 1.3x the others',
cold start median <= 1.15x its floor's median, RSS growth <= 5 MB (MiB), why-not p99
(each why-not's fastest pass) <= 60 ms.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
COLD_PROFILE = "examples/live-commerce.yaml"
MIB = 1024 * 1024

TARGET_RATIO = 1.6  # advise() median / floor median
TARGET_P99_RATIO = 3.0  # advise() p99 / floor median
TARGET_NMI_RATIO = 1.3  # need-more-info median / the others' median
TARGET_COLD_RATIO = 1.15  # cold start median / its floor's median
TARGET_RSS_MB = 5.0
TARGET_WHY_NOT_P99_MS = 60.0  # each why-not's fastest of ``why_not_passes``
# On 3.13 and later durable_rules' extension loads only after expert's PyEval_CallObject shim
# (inference/engine.py): the floor loads it the same way, as any program using durable must.
COLD_FLOOR = (
    "import sys\n"
    "if sys.version_info >= (3, 13):\n"
    "    import ctypes, importlib.util, os\n"
    "    ctypes.CDLL(importlib.util.find_spec('expert.inference._pyeval_shim').origin, mode=os.RTLD_GLOBAL)\n"
    "import pydantic, click, durable.lang, yaml, orjson\n"
    "class M(pydantic.BaseModel):\n    x: int\n")
RSS_CONSULTATIONS = 20_000

FULL = dict(case_step=1, warmup=200, iterations=3_000, blocks=10, stage_rounds=10, cold_runs=20,
            rss=RSS_CONSULTATIONS, budget=165.0, why_not_passes=3)
QUICK = dict(case_step=8, warmup=10, iterations=60, blocks=2, stage_rounds=1, cold_runs=2, rss=200, budget=0.0,
             why_not_passes=1)


def load_profiles() -> list[tuple[str, dict]]:
    """(label, profile dict) for every example and every case, in a stable order."""
    profiles = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        profiles.append((f"examples/{path.name}", yaml.safe_load(path.read_text(encoding="utf-8"))))
    for path in sorted((ROOT / "knowledge" / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(case, dict) and isinstance(case.get("profile"), dict):
            profiles.append((f"knowledge/cases/{path.name}", case["profile"]))
    return profiles


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def percentile(sorted_ns: list[int], q: float) -> float:
    """Nearest-rank percentile of sorted nanosecond samples, in ms."""
    rank = max(1, math.ceil(q / 100 * len(sorted_ns)))
    return sorted_ns[rank - 1] / 1e6


def summary(samples_ns: list[int]) -> dict:
    ordered = sorted(samples_ns)
    return dict(n=len(ordered), median=statistics.median(ordered) / 1e6, p99=percentile(ordered, 99),
                min=ordered[0] / 1e6, max=ordered[-1] / 1e6, per_s=len(ordered) / (sum(ordered) / 1e9))


def show(name: str, s: dict) -> None:
    print(f"  {name:<10} n={s['n']:>6,}  median {s['median']:8.3f} ms  p99 {s['p99']:8.3f} ms  "
          f"min {s['min']:7.3f}  max {s['max']:8.3f} ms  {s['per_s']:8.1f} /s")


def latency(advisor, profiles, facts, cfg, asks: list[bool]) -> tuple[dict, dict, dict, dict, dict]:
    """Alternate blocks of timed advise() and floor runs; return the (advise, floor,
    need-more-info advise, other advise) summaries (``asks[i]``: profile i's verdict is need_more_info)
    and the ratios of each block pair (``pair_ratios``).  Timed call k, advise() or floor,
    is on profile k modulo their number."""
    clock = time.perf_counter_ns
    engine = advisor.engine
    dicts = [p for _, p in profiles]
    for i in range(cfg["warmup"]):
        advisor.advise(dicts[i % len(dicts)])
        engine.run(facts[i % len(facts)], trace=False)
    advise_ns: list[int] = []
    floor_ns: list[int] = []
    per_block = max(1, cfg["iterations"] // cfg["blocks"])
    starts: list[int] = []  # the first call of each block
    while len(advise_ns) < cfg["iterations"]:
        starts.append(len(advise_ns))
        for _ in range(min(per_block, cfg["iterations"] - len(advise_ns))):
            profile = dicts[len(advise_ns) % len(dicts)]
            start = clock()
            advisor.advise(profile)
            advise_ns.append(clock() - start)
        while len(floor_ns) < len(advise_ns):
            f = facts[len(floor_ns) % len(facts)]
            start = clock()
            engine.run(f, trace=False)
            floor_ns.append(clock() - start)
    others, asking = _by_verdict(advise_ns, 0, asks)
    return (summary(advise_ns), summary(floor_ns), summary(asking), summary(others),
            pair_ratios(advise_ns, floor_ns, starts, asks))


def _by_verdict(samples_ns: list[int], first: int, asks: list[bool]) -> tuple[list[int], list[int]]:
    """(others, need-more-info) of consecutive advise() samples, the first being call ``first``."""
    split: tuple[list[int], list[int]] = ([], [])
    for k, took in enumerate(samples_ns, first):
        split[asks[k % len(asks)]].append(took)
    return split


def pair_ratios(advise_ns: list[int], floor_ns: list[int], starts: list[int], asks: list[bool]) -> dict:
    """advise/floor and need-more-info/others within each block pair: an advise() block and
    the floor block right after it, over the same profiles, seconds apart, where the run's
    medians mix a minute of a host whose speed drifts.  Each pair counts its whole passes over
    the profiles only (its first ``len(asks)`` * k calls: any run of consecutive calls that
    long holds every profile k times), so every pair weighs the same mix of profiles and what
    moves its ratios is the host.  A pair shorter than one pass (a quick run's) counts for
    none.  Not judged: they show how far the host alone moves a ratio, beside the judged
    ratios of the run's medians."""
    def ratio(top: list[int], bottom: list[int]) -> Optional[float]:
        return statistics.median(top) / statistics.median(bottom) if top and bottom else None

    advise, nmi = [], []
    for first, end in zip(starts, [*starts[1:], len(advise_ns)], strict=True):
        whole = (end - first) // len(asks) * len(asks)
        if not whole:
            continue
        advise.append(ratio(advise_ns[first:first + whole], floor_ns[first:first + whole]))
        others, asking = _by_verdict(advise_ns[first:first + whole], first, asks)
        if (found := ratio(asking, others)) is not None:
            nmi.append(found)
    return dict(advise=advise, nmi=nmi)


def spread(ratios: list[float]) -> str:
    """'min 1.52x, median 1.61x, max 1.80x over 10 block pairs' (or why there is none)."""
    if not ratios:
        return "none: no block holds a whole pass over the profiles"
    return (f"min {min(ratios):.2f}x, median {statistics.median(ratios):.2f}x, max {max(ratios):.2f}x "
            f"over {len(ratios)} block pairs")


STAGES = ("validate", "derive", "flatten", "engine", "questions", "assembly")


def stages(advisor, profiles, rounds: int) -> dict[str, dict]:
    """Each stage of advise() timed on its own, for every profile in turn (see the docstring)."""
    from expert.advice.assembly import NEED_MORE_INFO
    from expert.advice.consultation import profile_data
    from expert.facts.derive import derive
    from expert.facts.flatten import input_facts
    from expert.rulebase.compiler import COMPANY_SUBJECT

    clock = time.perf_counter_ns
    samples: dict[str, list[int]] = {name: [] for name in STAGES}
    for _ in range(rounds):
        for _, data in profiles:
            t0 = clock()
            profile = advisor.validate(data)
            t1 = clock()
            derivation = derive(profile)
            t2 = clock()
            facts = input_facts(profile, derivation)  # from the models, as consult() does
            t3 = clock()
            outcome = advisor.engine.run(facts, trace=True)
            t4 = clock()
            questions = None
            if (NEED_MORE_INFO, COMPANY_SUBJECT) in outcome.conclusions:  # only these dump the profile
                questions = advisor.questions_for(profile, facts, outcome, profile_data(profile))
            t5 = clock()
            advisor.assembler.assemble(profile, derivation, outcome, "en", questions)
            t6 = clock()
            for name, took in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
                if name != "questions" or questions is not None:
                    samples[name].append(took)
    return {name: dict(median=statistics.median(ns) / 1e6, mean=statistics.fmean(ns) / 1e6, n=len(ns))
            for name, ns in samples.items() if ns}


def _cold_env(cache_dir: str) -> dict:
    """The environment for both cold-start processes: as inherited, except that Python may
    write bytecode caches, and the knowledge cache is this run's own.  With
    PYTHONDONTWRITEBYTECODE set (some sandboxes set it) an editable install recompiles every
    module of ``expert`` on every start, while the floor's libraries come with the caches pip
    wrote: not what an installed copy does.  The shared cache (``~/.cache/expert``) keeps a
    few snapshots only, so other checkouts' runs could evict ours between timed starts and
    turn one into a full load."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["EXPERT_CACHE_DIR"] = cache_dir
    return env


def _timed_run(cmd: list[str], env: dict) -> tuple[float, Optional[str]]:
    start = time.perf_counter_ns()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, env=env)
    wall = (time.perf_counter_ns() - start) / 1e6
    if done.returncode != 0:
        return wall, f"exit {done.returncode}: {done.stderr.decode(errors='replace').strip()[:300]}"
    return wall, None


def cold_start(runs: int) -> dict:
    """The `expert advise` process and its floor process, alternating, ``runs`` timed each."""
    exe = Path(sys.executable).with_name("expert")
    cmd = [str(exe), "advise", COLD_PROFILE, "--format", "json"]
    floor_cmd = [sys.executable, "-c", COLD_FLOOR]
    if not exe.exists():
        return dict(error=f"{exe} not found")
    walls, floors = [], []
    with tempfile.TemporaryDirectory(prefix="expert-bench-cache-") as cache_dir:
        env = _cold_env(cache_dir)
        for k in range(runs + 1):  # the first run only primes the file cache and the knowledge snapshot
            wall, error = _timed_run(cmd, env)
            if error:
                return dict(error=error)
            floor, error = _timed_run(floor_cmd, env)
            if error:
                return dict(error=f"floor: {error}")
            if k:
                walls.append(wall)
                floors.append(floor)
    return dict(cmd=" ".join([exe.name, *cmd[1:]]), runs=runs, median=statistics.median(walls),
                min=min(walls), max=max(walls), floor=statistics.median(floors), floor_min=min(floors),
                floor_max=max(floors))


def rss_growth(advisor, profiles, target: int, deadline: float) -> dict:
    try:
        import psutil
    except ImportError:
        return dict(error="psutil is not installed")
    proc = psutil.Process()
    dicts = [p for _, p in profiles]

    def rss() -> int:
        gc.collect()
        return proc.memory_info().rss

    before = rss()
    checkpoints = [(0, before)]
    step = max(1, target // 10)
    done = 0
    while done < target:
        for _ in range(min(step, target - done)):
            advisor.advise(dicts[done % len(dicts)])
            done += 1
        checkpoints.append((done, rss()))
        if deadline and time.monotonic() >= deadline and done < target:
            break
    after = checkpoints[-1][1]
    growth = (after - before) / MIB
    result = dict(n=done, before=before / MIB, after=after / MIB, growth=growth, checkpoints=checkpoints,
                  judged=growth, projected=None)
    if done < target:
        mid = min(checkpoints, key=lambda c: abs(c[0] - done / 2))
        slope = (after - mid[1]) / MIB / max(1, done - mid[0])  # MiB per consultation, second half
        projected = growth + max(0.0, slope) * (target - done)
        result.update(projected=projected, judged=projected)
    return result


def explain_and_ask(advisor, case_step: int = 1, why_not_passes: int = 1) -> dict:
    """Run the stateless consultation on every case (every ``case_step``-th in a quick run),
    and time explain (how, why-not: each its fastest of ``why_not_passes``) and what-if."""
    from expert.audit.cases import load_cases
    from expert.consult.deciding import deciding_facts
    from expert.consult.turns import answer_from, volunteered_facts

    clock = time.perf_counter_ns
    turns, how, why_not_first, what_if = [], [], [], []
    why_not_cases = []  # (profile, case, verdict, candidates tried), in the order of why_not_first
    counts, deciding, reached = [], [], 0
    verdicts = ("verdict.pay", "verdict.dont_pay", "verdict.need_more_info")
    for case in load_cases(ROOT / "knowledge" / "cases")[::case_step]:
        run = advisor.consult(case.profile)
        full = run.data
        profile: dict = volunteered_facts(full)  # custom add-ons: stated up front, never asked
        asked = 0
        while True:
            start = clock()
            step = advisor.next_step(profile)
            turns.append(clock() - start)
            if step.done:
                break
            asked += 1
            profile = advisor.apply_answer(step.profile, step.question.id, answer_from(full, step.question.id)).profile
        reached += step.advice.verdict.id == run.advice.verdict.id
        counts.append(asked)
        deciding.append(len(deciding_facts(advisor, run)))
        start = clock()
        advisor.explain(full, run.advice.verdict.id)
        how.append(clock() - start)
        for other in verdicts:
            if other != run.advice.verdict.id:
                start = clock()
                explained = advisor.explain(full, other)
                why_not_first.append(clock() - start)
                tried = explained.smallest_change.candidates_tried if explained.smallest_change else 0
                why_not_cases.append((full, case.id, other, tried))
        start = clock()
        advisor.what_if(full, ["company.stage=growth"])
        what_if.append(clock() - start)
    why_not = list(why_not_first)
    for _ in range(why_not_passes - 1):  # whole sweeps, each why-not's fastest kept
        for i, (full, _, other, _) in enumerate(why_not_cases):
            start = clock()
            advisor.explain(full, other)
            why_not[i] = min(why_not[i], clock() - start)
    slowest = sorted(((ns, *labels) for ns, (_, *labels) in zip(why_not, why_not_cases, strict=True)), reverse=True)[:5]
    return dict(cases=len(counts), reached=reached, questions=sum(counts), avg=sum(counts) / len(counts),
                max=max(counts), avg_deciding=sum(deciding) / len(deciding),
                over=sum(1 for c, d in zip(counts, deciding, strict=True) if c > d),
                turn=summary(turns), how=summary(how), why_not=summary(why_not),
                why_not_first=summary(why_not_first), what_if=summary(what_if),
                why_not_slowest=slowest)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run (about 5 s; section 5 on every 8th case)")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds for the whole run; the RSS phase stops early to keep it (0 = no limit)")
    args = parser.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    if args.budget is not None:
        cfg["budget"] = args.budget
    t0 = time.monotonic()
    os.chdir(ROOT)

    from expert.facts.derive import derive
    from expert.facts.flatten import input_facts
    from expert.interfaces.advisor import default_advisor

    import_s = time.monotonic() - t0
    start = time.perf_counter_ns()
    advisor = default_advisor()  # the advisor `expert.advise()` uses (loaded once, then gc.freeze())
    load_ms = (time.perf_counter_ns() - start) / 1e6
    profiles = load_profiles()
    if not profiles:
        print("no profiles found under examples/ or knowledge/cases/", file=sys.stderr)
        return 1
    facts, asks = [], []
    for label, data in profiles:
        try:
            advice = advisor.advise(data)
        except Exception as error:  # noqa: BLE001 - say which profile, then stop
            print(f"{label}: advise() failed: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        profile = advisor.validate(data)
        facts.append(input_facts(profile, derive(profile)))
        asks.append(advice.verdict.id == "verdict.need_more_info")
        print(f"profile {label}: verdict {advice.verdict.id}, {len(advice.trace)} firings, "
              f"{len(facts[-1])} input facts")

    print(f"\nexpert benchmark ({'quick' if args.quick else 'full'}): Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, {len(profiles)} profiles, {len(advisor.engine.compiled)} compiled rules, "
          f"knowledge {advisor.knowledge.fingerprint}")
    print(f"  imports {import_s * 1000:.0f} ms, Advisor() load+compile {load_ms:.0f} ms (in process); "
          f"load average {loadavg()} (other work on the machine skews p99 and max)")

    print(f"\n1-2. latency, warm, in process ({cfg['warmup']} warm-up calls each, "
          f"{cfg['iterations']:,} timed each, {cfg['blocks']} alternating blocks)")
    adv, floor, nmi, others, by_pair = latency(advisor, profiles, facts, cfg, asks)
    show("advise()", adv)
    show("floor", floor)
    ratio = adv["median"] / floor["median"]
    p99_ratio = adv["p99"] / floor["median"]
    print(f"  ratio advise/floor (median): {ratio:.2f}x   "
          f"(overhead above the floor: {adv['median'] - floor['median']:.3f} ms); p99 / floor median {p99_ratio:.2f}x")
    print(f"  advise/floor within each block pair (same profiles: the host's drift; not judged): "
          f"{spread(by_pair['advise'])}")
    show("need-info", nmi)
    show("others", others)
    nmi_ratio = nmi["median"] / others["median"]
    print(f"  need_more_info / others (median): {nmi_ratio:.2f}x ({sum(asks)} of {len(asks)} profiles ask questions)")
    print(f"  need_more_info / others within each block pair (same profiles: the host's drift; not judged): "
          f"{spread(by_pair['nmi'])}")

    print(f"\n2b. stages of one advise() call ({cfg['stage_rounds']} rounds over the profiles; ms)")
    parts = stages(advisor, profiles, cfg["stage_rounds"])
    for name, part in parts.items():
        note = f"  (need_more_info only, n={part['n']:,})" if name == "questions" else ""
        print(f"  {name:<10} median {part['median']:7.3f}  mean {part['mean']:7.3f}{note}")
    per_call = sum(part["mean"] * part["n"] for part in parts.values()) / parts["validate"]["n"]
    print(f"  sum of the stages' means per call: {per_call:.3f} ms (engine {parts['engine']['mean']:.3f}: "
          f"the rest is our overhead above inference)")

    print(f"\n3. cold start ({cfg['cold_runs']} runs after 1 untimed)")
    cold = cold_start(cfg["cold_runs"])
    if "error" in cold:
        print(f"  cold start failed: {cold['error']}")
    else:
        print(f"  `{cold['cmd']}`: median {cold['median']:.0f} ms, min {cold['min']:.0f} ms, "
              f"max {cold['max']:.0f} ms")
        print(f"  floor (bare imports + one pydantic model): median {cold['floor']:.0f} ms, "
              f"min {cold['floor_min']:.0f} ms, max {cold['floor_max']:.0f} ms; "
              f"ratio {cold['median'] / cold['floor']:.2f}x")

    deadline = t0 + cfg["budget"] if cfg["budget"] else 0.0
    print(f"\n4. RSS over {cfg['rss']:,} advise() calls" + (f" (budget {cfg['budget']:.0f} s)" if deadline else ""))
    mem = rss_growth(advisor, profiles, cfg["rss"], deadline)
    if "error" in mem:
        print(f"  {mem['error']}")
    else:
        print(f"  before {mem['before']:.1f} MB, after {mem['after']:.1f} MB after {mem['n']:,} calls: "
              f"growth {mem['growth']:+.2f} MB ({mem['growth'] / mem['n'] * 1000:+.3f} MB per 1,000)")
        print("  checkpoints (calls: MB): " + ", ".join(f"{n:,}: {r / MIB:.1f}" for n, r in mem["checkpoints"]))
        if mem["projected"] is not None:
            print(f"  stopped at {mem['n']:,} of {cfg['rss']:,} for the time budget; projected growth at "
                  f"{cfg['rss']:,} calls from the second-half slope: {mem['projected']:+.2f} MB")

    print("\n5. explain and ask (every worked case)")
    ask = explain_and_ask(advisor, cfg["case_step"], cfg["why_not_passes"])
    print(f"  chat bot from what a user volunteers: {ask['cases']} cases, {ask['reached']} reach the case's verdict; "
          f"{ask['questions']} questions, {ask['avg']:.2f} per case (max {ask['max']}); deciding facts "
          f"{ask['avg_deciding']:.2f} per case; {ask['over']} cases asked more than their deciding facts")
    show("next_step", ask["turn"])
    show("how", ask["how"])
    show("why-not", ask["why_not"])
    if cfg["why_not_passes"] > 1:
        print(f"  (each why-not's fastest of {cfg['why_not_passes']} passes; the first pass alone: median "
              f"{ask['why_not_first']['median']:.3f} ms, p99 {ask['why_not_first']['p99']:.3f} ms, "
              f"max {ask['why_not_first']['max']:.3f} ms)")
    print("  slowest why-not: " + "; ".join(f"{case} {verdict} {ns / 1e6:.1f} ms ({tried} candidates)"
                                          for ns, case, verdict, tried in ask["why_not_slowest"]))
    show("what-if", ask["what_if"])

    def mark(ok) -> str:
        return "n/a " if ok is None else ("PASS" if ok else "FAIL")

    cold_ratio = None if "error" in cold else cold["median"] / cold["floor"]
    rows = [
        ("advise/floor ratio", f"{ratio:.2f}x", f"<= {TARGET_RATIO:g}x", ratio <= TARGET_RATIO),
        ("advise() p99 / floor", f"{p99_ratio:.2f}x", f"<= {TARGET_P99_RATIO:g}x", p99_ratio <= TARGET_P99_RATIO),
        ("need_more_info / others", f"{nmi_ratio:.2f}x", f"<= {TARGET_NMI_RATIO:g}x", nmi_ratio <= TARGET_NMI_RATIO),
        ("cold start / its floor", "error" if cold_ratio is None else f"{cold_ratio:.2f}x",
         f"<= {TARGET_COLD_RATIO:g}x", None if cold_ratio is None else cold_ratio <= TARGET_COLD_RATIO),
        ("RSS growth" + ("" if mem.get("projected") is None else " (projected)"),
         "n/a" if "error" in mem else f"{mem['judged']:+.2f} MB", f"<= {TARGET_RSS_MB:g} MB",
         None if "error" in mem else mem["judged"] <= TARGET_RSS_MB),
        ("why-not p99" + (f" (fastest of {cfg['why_not_passes']})" if cfg["why_not_passes"] > 1 else ""),
         f"{ask['why_not']['p99']:.1f} ms", f"<= {TARGET_WHY_NOT_P99_MS:g} ms",
         ask["why_not"]["p99"] <= TARGET_WHY_NOT_P99_MS),
    ]
    print("\n6. targets")
    for name, value, target, ok in rows:
        print(f"  {mark(ok)}  {name:<26} {value:>12}   target {target}")
    failed = sum(1 for *_, ok in rows if ok is False)
    print(f"  {len(rows) - failed} of {len(rows)} met" + (f"; {failed} missed" if failed else ""))
    print(f"\ntotal run time {time.monotonic() - t0:.1f} s; load average {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
