"""What users install: a built wheel carries the knowledge base and works from anywhere.

The wheel is built from this checkout the way pip builds it for ``pip install .`` (no
network: the build runs in this environment), unpacked into a folder outside the
checkout, and run from a third folder, so nothing can come from the source tree.
`.ci/run` goes further: sdist, wheel built from the sdist, a fresh venv, real installs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import support


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("wheel", reason="building a wheel without isolation needs the 'wheel' package")
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                           "-w", str(out), str(support.REPO)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("expert-*.whl")
    return built


def test_the_wheel_ships_exactly_the_knowledge_base(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name.removeprefix("expert/knowledge/"): archive.read(name)
                   for name in archive.namelist() if name.startswith("expert/knowledge/")}
    source = {str(path.relative_to(support.KNOWLEDGE)): path.read_bytes()
              for path in support.KNOWLEDGE.rglob("*") if path.is_file()}
    assert shipped == source


def test_the_unpacked_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    probe = subprocess.run([sys.executable, "-c", "import expert, expert.rulebase.loader as l; "
                            "print(expert.__file__); print(l.DEFAULT_KNOWLEDGE_DIR)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60, check=True)
    module_file, knowledge_dir = probe.stdout.split()
    assert Path(module_file).is_relative_to(site) and Path(knowledge_dir) == site / "expert" / "knowledge"
    check = subprocess.run([sys.executable, "-m", "expert", "check"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert " passed, 0 failed" in check.stdout and "cases: 0 passed" not in check.stdout
    advice = subprocess.run([sys.executable, "-m", "expert", "advise", "-", "--format", "json"], cwd=elsewhere, env=env,
                            input=(support.EXAMPLES / "live-commerce.yaml").read_text(encoding="utf-8"),
                            capture_output=True, text=True, timeout=60)
    assert advice.returncode == 0, advice.stderr
    assert '"id": "verdict.pay"' in advice.stdout


def test_a_checkout_reads_its_own_knowledge_directory():
    """In the source tree (and an editable install) the top-level knowledge/ is the one read."""
    from expert.rulebase.loader import DEFAULT_KNOWLEDGE_DIR, PACKAGED_KNOWLEDGE_DIR

    assert not PACKAGED_KNOWLEDGE_DIR.exists(), "a copy of knowledge/ inside expert/ would shadow the source of truth"
    assert DEFAULT_KNOWLEDGE_DIR == support.KNOWLEDGE
