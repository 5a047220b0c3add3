"""The README's Python examples run as written, and the bot example uses only names `expert` exports."""

from __future__ import annotations

import ast
import re

import pytest
import support

import expert

PYTHON = re.compile(r"```python\n(.*?)```", re.S)
SNIPPETS = PYTHON.findall((support.REPO / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_python_examples():
    assert len(SNIPPETS) >= 2 and any("next_step" in s for s in SNIPPETS)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"python-{i}" for i in range(len(SNIPPETS))])
def test_readme_python_runs(snippet, monkeypatch):
    """Each block runs from the checkout; a bot's user answers the first choice, or "don't
    know" where there is none, and an empty answer once, to see it refused."""
    monkeypatch.chdir(support.REPO)
    told: list[str] = []
    state = {"asked": 0}

    def ask_the_user(text: str) -> str:
        state["asked"] += 1
        return "" if state["asked"] == 2 else "1" if state["asked"] % 3 else "不知道"

    namespace = {"ask_the_user": ask_the_user, "tell_the_user": told.append, "__name__": "readme"}
    exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    if "next_step" in snippet:
        assert state["asked"] > 3 and told and support.CJK.search(told[0])


def test_readme_python_imports_only_exported_names():
    for snippet in SNIPPETS:
        for node in ast.walk(ast.parse(snippet)):
            if isinstance(node, ast.ImportFrom):
                assert node.module == "expert", f"README imports from {node.module}"
                assert {alias.name for alias in node.names} <= set(expert.__all__)
