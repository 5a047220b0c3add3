"""How load time, memory and advise() latency grow with the knowledge: 1x, 4x, 10x, 40x today's rules.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/scale.py                 # 1x 4x 10x 40x, 300 timed advise() calls each
    python benchmarks/scale.py --quick         # 1x and 4x, 20 calls, no cached load (the tests run this)
    python benchmarks/scale.py --sizes 1 10 --plot scale.svg

It reports; it does not gate (exit status 0 whatever the numbers; 1 only if a size that
should load crashes or hangs).

**The knowledge bases.**  1x is the bundled knowledge (today's rules).  A larger size is
a copy of it, written to a temporary directory, plus generated rules in
``rules/95-generated.yaml`` and their conclusions appended to ``conclusions.yaml``, until
the rule count is N times today's.  The real loader validates them like any knowledge
(every rule cited, titled in both languages, its thresholds declared).  The generated
rules come in *modules* of 19 rules shaped like the bundled ones:

* eight threshold rules on one field (``needs.usage.monthly_minutes``) behind a company
  profile (industry, stage, size): many thresholds on one field, one conclusion;
* a chain of three inferred conclusions, each adding a condition on another field
  (monthly active users, budget, engineering skill) for the same company profile:
  reasoning several steps deep;
* five offer rules (pricing model and vendor position, then the offer's estimated monthly
  cost above a threshold): judged once per offer, and the profile has many offers;
* one warning resting on the chain's end and on any offer's conclusion, one rule on the
  *absence* of a chain step (negation), one more threshold on a second field.

**The profiles.**  Every ``examples/*.yaml``, plus one company with eight offers whose
industry, stage and size match the first generated modules (so generated rules fire).

**What is measured, per size** (in fresh child processes sharing a parse cache that starts empty):

* *load cold*: ``Advisor(directory)`` in a process that has imported everything but
  loaded no knowledge, the parse cache empty: reading and parsing every file, validating,
  compiling and creating the ruleset (what the first run after a knowledge change pays);
* *load cached*: the same in a second fresh process, the files' parse read from the cache
  (``rulebase/parse_cache.py``): what every later run pays;
* *RSS*: the child's resident memory after the first load and after the calls below;
* *load warm*: then a second ``Advisor(directory)`` in the same process (files in the OS
  cache, the vocabulary built);
* *advise()*: median and p99 (nearest rank) of the timed calls, cycling the profiles, with
  the ratio to 1x's median.

A size the loader refuses (durable_rules' fixed tables: ``expert/rulebase/engine_limits.py``)
is reported with the loader's reason.  The table is printed, and the plot (SVG, written
here without a plotting library) is saved to ``--plot`` (default ``scale.svg`` in the
current directory).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
RULES_PER_MODULE = 19
TARGET_LOAD_S = 2.0  # 10x loads in under 2 s
TARGET_RATIO = 5.0  # and advises in under 5x the 1x latency

INDUSTRIES = ("social", "education", "healthcare", "finance", "ecommerce", "gaming", "enterprise_collaboration",
              "customer_service", "media_entertainment", "government", "other")
STAGES = ("idea", "startup", "growth")
SIZES = ("micro", "small", "medium", "large")
PRICING = ("usage_based", "fixed_subscription", "freemium", "buyout", "buyout_subscription", "ad_or_data_funded")
POSITIONS = ("leader", "established", "challenger", "newcomer")

_RULE = """\
  - id: {id}
    about: {about}
    title: {{en: "Generated {id}", zh: "生成规则 {id}"}}
    because: {{en: "Generated rule {id}.", zh: "生成的规则 {id}。"}}
    cites: {{claims: [C02], paragraphs: [P06]}}
    basis: stated
    when:
{when}{thresholds}    then: {{conclude: {conclude}}}
"""
_CONCLUSION = ("  - {{id: {id}, kind: {kind}, about: {about}, severity: info, "
               "title: {{en: \"Generated {id}\", zh: \"生成结论 {id}\"}}}}\n")


def _rule(rule_id: str, about: str, when: list[str], conclude: str, thresholds: tuple = ()) -> str:
    declared = "".join(f"      {path}: {{judgement: \"a generated threshold\"}}\n" for path in thresholds)
    return _RULE.format(id=rule_id, about=about, when="".join(f"      - {c}\n" for c in when),
                        thresholds=f"    thresholds:\n{declared}" if declared else "", conclude=conclude)


def module(m: int) -> tuple[list[str], list[str]]:
    """The m-th module: (rules, conclusions) as YAML list items."""
    industry, stage = INDUSTRIES[m % len(INDUSTRIES)], STAGES[(m // len(INDUSTRIES)) % len(STAGES)]
    size = SIZES[(m // (len(INDUSTRIES) * len(STAGES))) % len(SIZES)]
    who = [f"company.industry: {{is: {industry}}}", f"company.stage: {{is: {stage}}}", f"company.size: {{is: {size}}}"]
    g = f"gen.m{m}"
    minutes, mau, budget, growth = ("needs.usage.monthly_minutes", "needs.usage.mau", "company.monthly_budget_usd",
                                    "company.growth_rate_pct_per_year")
    estimate = "offer.derived.estimated_monthly_usd"
    rules = [_rule(f"{g}.band{k}", "company", [*who, f"{minutes}: {{at_least: {10_000 * (k + 1) + m}}}"],
                   f"{g}.band", (minutes,)) for k in range(8)]
    rules += [
        _rule(f"{g}.step0", "company", [f"concluded: {g}.band", *who, f"{mau}: {{at_least: {1_000 + m}}}"], f"{g}.c0",
              (mau,)),
        _rule(f"{g}.step1", "company", [f"concluded: {g}.c0", *who, f"{budget}: {{at_most: {50_000 + m}}}"], f"{g}.c1",
              (budget,)),
        _rule(f"{g}.step2", "company", [f"concluded: {g}.c1", "company.rtc_engineering: {is_not: strong}"], f"{g}.c2"),
        _rule(f"{g}.quiet", "company", [f"concluded: {g}.band", f"not_concluded: {g}.c1"], f"{g}.quiet"),
        _rule(f"{g}.growth", "company", [*who, f"{growth}: {{at_least: {20 + m % 50}}}"], f"{g}.growth", (growth,)),
    ]
    for k in range(5):
        pricing, position = PRICING[(m + k) % len(PRICING)], POSITIONS[(m // len(PRICING) + k) % len(POSITIONS)]
        rules.append(_rule(f"{g}.offer{k}", "offer", [f"offer.pricing_model: {{is: {pricing}}}",
                                                       f"offer.vendor.market_position: {{is: {position}}}",
                                                       f"{estimate}: {{above: {500 * (k + 1) + m}}}"],
                           f"{g}.costly", (estimate,)))
    rules.append(_rule(f"{g}.warn", "company", [f"concluded: {g}.c2", f"concluded: {{id: {g}.costly, about: any}}"],
                       f"{g}.warn"))
    conclusions = [_CONCLUSION.format(id=f"{g}.{name}", kind=kind, about="company")
                   for name, kind in (("band", "trait"), ("c0", "finding"), ("c1", "finding"), ("c2", "finding"),
                                      ("quiet", "trait"), ("growth", "trait"), ("warn", "warning"))]
    conclusions.append(_CONCLUSION.format(id=f"{g}.costly", kind="finding", about="offer"))
    assert len(rules) == RULES_PER_MODULE
    return rules, conclusions


def bundled_rule_count() -> int:
    from expert.rulebase.loader import load_knowledge

    return len(load_knowledge(KNOWLEDGE).rules)


def write_scaled_kb(directory: Path, factor: int, base_rules: int) -> tuple[Path, int]:
    """The bundled knowledge plus generated modules up to ``factor`` times its rules: (directory, rule count)."""
    shutil.copytree(KNOWLEDGE, directory)
    generated = max(0, factor * base_rules - base_rules)
    rules: list[str] = []
    conclusions: list[str] = []
    m = 0
    while len(rules) < generated:
        more, named = module(m)
        rules += more
        conclusions += named
        m += 1
    rules = rules[:generated]
    if rules:
        (directory / "rules" / "95-generated.yaml").write_text("rules:\n" + "".join(rules), encoding="utf-8")
        with (directory / "conclusions.yaml").open("a", encoding="utf-8") as handle:
            handle.write("\n  # --- generated by benchmarks/scale.py ---\n")
            handle.writelines(conclusions)
    return directory, base_rules + len(rules)


def many_offers_profile() -> dict:
    """One company matching the first generated modules, weighing eight offers."""
    return {
        "company": {"industry": INDUSTRIES[0], "stage": STAGES[0], "size": SIZES[0], "monthly_budget_usd": 20_000,
                    "growth_rate_pct_per_year": 60, "rtc_engineering": "basic"},
        "needs": {"capabilities": ["text_messaging", "group_chat", "video_calls", "hd_video"],
                  "pain_points": ["latency"],
                  "usage": {"monthly_minutes": 90_000, "mau": 5_000, "peak_to_average_ratio": 3}},
        "offers": [{"name": f"Offer {k}", "pricing_model": PRICING[k % len(PRICING)],
                    "vendor": {"market_position": POSITIONS[k % len(POSITIONS)]},
                    "prices": {"monthly_fee_usd": 300 * (k + 1), "per_1000_minutes_usd": 1 + k % 3},
                    "capabilities": [{"capability": "hd_video", "availability": "included" if k % 2 else "paid",
                                      **({} if k % 2 else {"monthly_price_usd": 100})}]}
                   for k in range(8)],
    }


CHILD = r"""
import gc, json, math, os, statistics, sys, time
import psutil
from pathlib import Path
import yaml
from expert.interfaces.advisor import Advisor
from expert.rulebase.loader import KnowledgeError

directory, iterations, profiles_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
profiles = json.loads(Path(profiles_file).read_text())
proc = psutil.Process()
result = {}
start = time.perf_counter()
try:
    advisor = Advisor(directory)
except KnowledgeError as error:
    result["refused"] = error.problems[0].split(": ", 1)[-1][:300]
    result["refused_after_s"] = time.perf_counter() - start
    print(json.dumps(result))
    sys.exit(0)
result["load_cold_s"] = time.perf_counter() - start
result["rules"] = len(advisor.knowledge.rules)
if iterations == 0:  # the first load only
    print(json.dumps(result))
    sys.exit(0)
gc.collect()
result["rss_loaded_mb"] = proc.memory_info().rss / 2**20
for i in range(max(5, iterations // 10)):
    advisor.advise(profiles[i % len(profiles)])
samples = []
fired = []
for i in range(iterations):
    profile = profiles[i % len(profiles)]
    start = time.perf_counter_ns()
    advice = advisor.advise(profile)
    samples.append(time.perf_counter_ns() - start)
    if i < len(profiles):
        fired.append(len(advice.trace))
samples.sort()
result["advise_median_ms"] = statistics.median(samples) / 1e6
result["advise_p99_ms"] = samples[max(1, math.ceil(0.99 * len(samples))) - 1] / 1e6
result["firings"] = max(fired)
gc.collect()
result["rss_after_mb"] = proc.memory_info().rss / 2**20
start = time.perf_counter()
Advisor(directory)
result["load_warm_s"] = time.perf_counter() - start
print(json.dumps(result))
"""


def measure(directory: Path, iterations: int, profiles_file: Path, timeout: float, cache: Path,
            cached: bool = True) -> dict:
    """Two fresh processes sharing an empty parse cache: the first loads (parsing every file,
    filling the cache), the second loads again (from the cache) and is timed in full.
    Without ``cached``, one process does it all from the empty cache (no cached load)."""
    if not cached:
        return {**_child(directory, iterations, profiles_file, timeout, cache), "load_cached_s": None}
    first = _child(directory, 0, profiles_file, timeout, cache)
    if "load_cold_s" not in first:
        return first
    result = _child(directory, iterations, profiles_file, timeout, cache)
    if "load_cold_s" in result:
        result["load_cached_s"] = result.pop("load_cold_s")
        result["load_cold_s"] = first["load_cold_s"]
    return result


def _child(directory: Path, iterations: int, profiles_file: Path, timeout: float, cache: Path) -> dict:
    env = {**os.environ, "EXPERT_CACHE_DIR": str(cache)}
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(directory), str(iterations), str(profiles_file)],
                              capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"TIMEOUT after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": f"CRASH (status {done.returncode}): {done.stderr.strip()[-300:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows: list[dict]) -> str:
    base = next((r for r in rows if r["factor"] == 1 and "advise_median_ms" in r), None)
    lines = [f"{'size':>5} {'rules':>6} {'load cold':>10} {'cached':>8} {'warm':>7} {'RSS loaded':>11} {'RSS after':>10} "
             f"{'advise med':>11} {'p99':>9} {'vs 1x':>6} {'firings':>8}"]
    for r in rows:
        if "advise_median_ms" not in r:
            reason = r.get("error") or f"refused by the loader in {r.get('refused_after_s', 0):.2f} s: {r.get('refused')}"
            lines.append(f"{r['factor']:>4}x {r['rules']:>6,}  {reason}")
            continue
        ratio = f"{r['advise_median_ms'] / base['advise_median_ms']:.2f}x" if base else "n/a"
        cached = "n/a" if r["load_cached_s"] is None else f"{r['load_cached_s']:.2f}s"
        lines.append(f"{r['factor']:>4}x {r['rules']:>6,} {r['load_cold_s']:>9.2f}s {cached:>8} "
                     f"{r['load_warm_s']:>6.2f}s "
                     f"{r['rss_loaded_mb']:>8.1f} MB {r['rss_after_mb']:>7.1f} MB {r['advise_median_ms']:>8.2f} ms "
                     f"{r['advise_p99_ms']:>6.2f} ms {ratio:>6} {r['firings']:>8}")
    return "\n".join(lines)


def svg_plot(rows: list[dict]) -> str:
    """Three small line charts (load time, memory, advise latency) against the rule count."""
    measured = [r for r in rows if "advise_median_ms" in r]
    panels = [("load time (s)", [("cold", "load_cold_s", "#c0392b"), ("cached", "load_cached_s", "#d35400"),
                                 ("warm", "load_warm_s", "#f1c40f")]),
              ("resident memory (MB)", [("loaded", "rss_loaded_mb", "#2980b9"), ("after calls", "rss_after_mb", "#8e44ad")]),
              ("advise() latency (ms)", [("median", "advise_median_ms", "#27ae60"), ("p99", "advise_p99_ms", "#8e44ad")])]
    width, height, pad = 300, 220, 45
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * 3}" height="{height + 40}" '
             f'font-family="sans-serif" font-size="11">',
             f'<text x="10" y="16" font-size="13">expert: cost against the number of rules '
             f'(refused sizes: {", ".join(str(r["rules"]) for r in rows if r not in measured) or "none"})</text>']
    xs = [r["rules"] for r in measured] or [1]
    x_max = max(xs) * 1.05
    for i, (title, series) in enumerate(panels):
        left = i * width
        y_max = max([r[key] or 0 for r in measured for _, key, _ in series] or [1]) * 1.15 or 1
        parts.append(f'<text x="{left + pad}" y="36">{title}</text>')
        parts.append(f'<line x1="{left + pad}" y1="{height}" x2="{left + width - 10}" y2="{height}" stroke="#333"/>')
        parts.append(f'<line x1="{left + pad}" y1="44" x2="{left + pad}" y2="{height}" stroke="#333"/>')
        for tick in (0, 0.5, 1):
            y = height - tick * (height - 50)
            parts.append(f'<text x="{left + 4}" y="{y + 4:.0f}">{tick * y_max:.3g}</text>')

        def point(rules: int, value: float, left: int = left, y_max: float = y_max) -> tuple[float, float]:
            return left + pad + rules / x_max * (width - pad - 15), height - value / y_max * (height - 50)

        labelled = -100.0
        for r in measured:
            x, _ = point(r["rules"], 0)
            if x - labelled >= 30:  # no label over its neighbour
                parts.append(f'<text x="{x - 12:.0f}" y="{height + 14}">{r["rules"]}</text>')
                labelled = x
        for k, (name, key, colour) in enumerate(series):
            coords = [point(r["rules"], r[key]) for r in measured if r[key] is not None]
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                         + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in coords]
            parts.append(f'<text x="{left + width - 90}" y="{56 + 14 * k}" fill="{colour}">{name}</text>')
        parts.append(f'<text x="{left + pad + 60}" y="{height + 30}">rules</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1x and 4x, few calls, one process each (a few seconds)")
    parser.add_argument("--sizes", type=int, nargs="+", help="multiples of today's rule count (default 1 4 10 40)")
    parser.add_argument("--iterations", type=int, help="timed advise() calls per size (default 300; quick 20)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per size")
    parser.add_argument("--plot", default="scale.svg", help="where to save the SVG plot")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([1, 4] if args.quick else [1, 4, 10, 40])
    iterations = args.iterations or (20 if args.quick else 300)
    started = time.monotonic()
    import yaml

    base_rules = bundled_rule_count()
    profiles = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    profiles.append(many_offers_profile())
    print(f"expert knowledge scale ({'quick' if args.quick else 'full'}): today's knowledge has {base_rules} rules; "
          f"{len(profiles)} profiles (examples/ and one with eight offers), {iterations} timed advise() calls per size; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {_loadavg()}", flush=True)
    rows = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="expert-scale-") as scratch:
        profiles_file = Path(scratch) / "profiles.json"
        profiles_file.write_text(json.dumps(profiles), encoding="utf-8")
        for factor in sizes:
            if factor == 1:
                directory, rules = KNOWLEDGE, base_rules
            else:
                directory, rules = write_scaled_kb(Path(scratch) / f"kb-{factor}x", factor, base_rules)
            cache = Path(scratch) / f"cache-{factor}x"
            row = {"factor": factor, "rules": rules,
                   **measure(directory, iterations, profiles_file, args.timeout, cache, cached=not args.quick)}
            failed |= "error" in row
            rows.append(row)
            print(f"  measured {factor}x ({rules:,} rules)", flush=True)
    print()
    print(table(rows))
    Path(args.plot).write_text(svg_plot(rows), encoding="utf-8")
    print(f"\nplot saved to {args.plot}")
    for row in rows:
        if row["factor"] == 10 and row.get("load_cached_s") is not None:
            base = next((r for r in rows if r["factor"] == 1 and "advise_median_ms" in r), None)
            ratio = row["advise_median_ms"] / base["advise_median_ms"] if base else float("nan")
            print(f"targets at 10x: load cold {row['load_cold_s']:.2f} s, from the parse cache {row['load_cached_s']:.2f} s "
                  f"(<= {TARGET_LOAD_S:g} s: cold {'PASS' if row['load_cold_s'] <= TARGET_LOAD_S else 'FAIL'}, "
                  f"cached {'PASS' if row['load_cached_s'] <= TARGET_LOAD_S else 'FAIL'}); advise {ratio:.2f}x 1x "
                  f"(<= {TARGET_RATIO:g}x: {'PASS' if ratio <= TARGET_RATIO else 'FAIL'})")
    print(f"total {time.monotonic() - started:.1f} s; load average {_loadavg()} (timings taken under this load)")
    return 1 if failed else 0


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
