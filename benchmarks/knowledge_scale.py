"""Generated knowledge bases of thousands of rules: each loads and advises, or is refused, in bounded time.

Run from the repository root (the package installed, e.g. editable)::

    python benchmarks/knowledge_scale.py                  # 2,000 and 10,000 rules of each kind
    python benchmarks/knowledge_scale.py --sizes 500 --timeout 60

Kinds (built by ``tests/support.py``'s ``write_generated_kb`` on the minimal test
knowledge): ``flat`` (thresholds spread over four numeric fields), ``constants`` (every
rule tests needs.usage.monthly_minutes against its own constant), ``chain`` (rule i
concludes from rule i-1) and ``reversed-chain`` (the same, written last rule first).
Each is loaded in a child process with the parse cache off (``Advisor(directory)``, then
one ``advise``) under a deadline; the table gives the outcome, the wall time and, for a
refusal, the loader's reason.  A hang or a crash would show as TIMEOUT or CRASH.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CHILD = """
import sys
from expert.interfaces.advisor import Advisor
from expert.rulebase.loader import KnowledgeError
try:
    advisor = Advisor(sys.argv[1])
except KnowledgeError as error:
    print("refused:", error.problems[0].split(": ", 1)[-1])
    sys.exit(0)
advice = advisor.advise({"needs": {"usage": {"monthly_minutes": 5000, "peak_to_average_ratio": 4, "mau": 3000}}})
print(f"loaded {len(advisor.knowledge.rules):,} rules and advised: {advice.verdict.id}")
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--kinds", nargs="+", default=["flat", "constants", "chain", "reversed-chain"])
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per knowledge base")
    args = parser.parse_args(argv)
    from support import write_generated_kb

    env = {**os.environ, "EXPERT_CACHE_DIR": "off"}
    print(f"{'kind':15} {'rules':>7} {'seconds':>8}  outcome")
    failed = False
    with tempfile.TemporaryDirectory(prefix="expert-scale-") as scratch:
        for size in args.sizes:
            for kind in args.kinds:
                directory = write_generated_kb(Path(scratch) / f"{kind}-{size}", kind, size)
                started = time.perf_counter()
                try:
                    result = subprocess.run([sys.executable, "-c", CHILD, str(directory)], capture_output=True,
                                            text=True, timeout=args.timeout, env=env)
                    outcome = result.stdout.strip() if result.returncode == 0 else \
                        f"CRASH (status {result.returncode}): {result.stderr.strip()[-300:]}"
                    failed |= result.returncode != 0
                except subprocess.TimeoutExpired:
                    outcome, failed = f"TIMEOUT after {args.timeout:.0f} s", True
                print(f"{kind:15} {size:>7,} {time.perf_counter() - started:>8.1f}  {outcome[:230]}", flush=True)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
