"""``benchmarks/scale.py --quick`` runs: both sizes load through the real loader, advise, and are
reported in the table and the plot.  The numbers themselves are the benchmark's to report,
not a test's to judge."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_scale_run_reports_each_size_and_saves_a_plot(tmp_path):
    plot = tmp_path / "scale.svg"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--quick", "--plot", str(plot)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    base = int(re.search(r"today's knowledge has (\d+) rules", done.stdout).group(1))
    rows = {int(m.group(1)): m for m in re.finditer(r"^\s+(\d+)x\s+([\d,]+)\s+([\d.]+)s .* ([\d.]+) ms\s+([\d.]+) ms",
                                                     done.stdout, re.MULTILINE)}
    assert sorted(rows) == [1, 4], done.stdout
    for factor, row in rows.items():
        assert int(row.group(2).replace(",", "")) == factor * base  # the generated rules really loaded
        assert float(row.group(3)) > 0 and float(row.group(4)) > 0
    svg = ElementTree.parse(plot).getroot()
    lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) >= 6 and all(len(line.get("points").split()) == 2 for line in lines if line.get("points"))
