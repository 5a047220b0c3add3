"""The contradiction property at scale: no generated profile reaches two conclusions that
``knowledge/exclusions.yaml`` says must not co-occur.

Run from the repository root (test extras installed: hypothesis)::

    python benchmarks/contradictions.py                 # 20,000 profiles, about 2-3 minutes on 2 cores
    python benchmarks/contradictions.py --profiles 500  # a quick look

Profiles come from the test suite's strategies (``tests/strategies.py``): every field of
the vocabulary, numbers over their whole range and on and around every rule threshold.
Each is advised with the bundled knowledge and checked against every declared pair.  It
prints the number of profiles, the time, the verdicts reached, how often a threshold
boundary was drawn, and every violation (hypothesis shrinks the first one it finds to a
minimal profile).  Exit status: 0 when none was found, 1 otherwise, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=20_000, help="how many profiles to generate (default 20,000)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0: the same profiles each run)")
    args = parser.parse_args()
    if args.profiles < 1:
        parser.error("--profiles must be at least 1")

    from hypothesis import HealthCheck, given, seed, settings
    from strategies import near_thresholds, profiles

    from expert import default_advisor
    from expert.audit.exclusions import exclusion_violations

    advisor = default_advisor()
    exclusions = advisor.knowledge.exclusions
    verdicts: Counter = Counter()
    boundary_hits: Counter = Counter()
    edges = {path: set(near_thresholds(path, -1e18, 1e18, integer=False)) for path in (
        "needs.usage.peak_to_average_ratio", "needs.usage.monthly_minutes", "needs.usage.mau", "needs.contract_months",
        "company.growth_rate_pct_per_year", "offer.vendor.years_operating", "offer.support_response_hours")}
    violations: list[tuple[str, dict]] = []
    count = 0

    def boundaries(data: dict) -> None:
        usage = (data.get("needs") or {}).get("usage") or {}
        values = {"needs.usage.peak_to_average_ratio": usage.get("peak_to_average_ratio"),
                  "needs.usage.monthly_minutes": usage.get("monthly_minutes"), "needs.usage.mau": usage.get("mau"),
                  "needs.contract_months": (data.get("needs") or {}).get("contract_months"),
                  "company.growth_rate_pct_per_year": (data.get("company") or {}).get("growth_rate_pct_per_year")}
        for offer in data.get("offers") or []:
            values["offer.vendor.years_operating"] = (offer.get("vendor") or {}).get("years_operating")
            values["offer.support_response_hours"] = offer.get("support_response_hours")
        for path, value in values.items():
            if value is not None and value in edges[path]:
                boundary_hits[path] += 1

    @seed(args.seed)
    @settings(max_examples=args.profiles, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=profiles())
    def check(data: dict) -> None:
        nonlocal count
        count += 1
        advice = advisor.advise(data)
        verdicts[advice.verdict.id] += 1
        boundaries(data)
        found = exclusion_violations(advice, exclusions)
        if found:
            violations.append((found[0], data))
        assert not found, found

    start = time.perf_counter()
    failed = False
    try:
        check()
    except AssertionError:
        failed = True
    elapsed = time.perf_counter() - start

    print(f"contradictions: {count:,} generated profiles in {elapsed:.1f} s ({count / elapsed:,.0f}/s), "
          f"{len(exclusions)} excluded pairs, knowledge {advisor.knowledge.fingerprint}")
    print("  verdicts: " + ", ".join(f"{v} {n:,}" for v, n in sorted(verdicts.items())))
    print("  threshold boundaries drawn (profiles with a value on or next to a rule threshold): "
          + ", ".join(f"{path} {n:,}" for path, n in sorted(boundary_hits.items())))
    if failed or violations:
        print(f"  VIOLATIONS: {len(violations)} (first, shrunk: {violations[-1][0]})")
        print(f"  profile: {violations[-1][1]}")
        return 1
    print("  violations: 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
