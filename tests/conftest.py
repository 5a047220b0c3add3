"""Shared fixtures: one advisor on the bundled knowledge, copies of knowledge bases to mutate."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from expert.interfaces.advisor import Advisor, default_advisor

sys.path.insert(0, str(Path(__file__).resolve().parent))

import support  # noqa: E402


def pytest_configure(config) -> None:
    """Keep the suite off the user's parse cache: a private one per run (subprocesses inherit it)."""
    os.environ["EXPERT_CACHE_DIR"] = tempfile.mkdtemp(prefix="expert-cache-")


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    """The bundled knowledge base, compiled once and shared (it is the one `advise()` and the CLI use)."""
    return default_advisor()


@pytest.fixture(scope="session")
def knowledge(advisor):
    return advisor.knowledge


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A private copy of knowledge/ (without the worked cases) that a test may mutate."""
    return support.copy_knowledge(tmp_path / "knowledge")


@pytest.fixture
def mini_kb(tmp_path: Path) -> Path:
    """The minimal self-contained knowledge base of support.py, written to tmp_path."""
    return support.write_mini_kb(tmp_path / "mini")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def full_profile() -> dict:
    return support.full_profile()
