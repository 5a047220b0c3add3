"""The tree is the architecture: each part of ``expert`` imports only the parts below it.

Parts, lowest first (README, "Architecture"): a module may import its own part and the
parts below; never a part above, nor the ``expert`` package root (the façade's re-exports).
Imports inside functions and ``TYPE_CHECKING`` blocks count too: a lazy upward import is
still an upward dependency.  Each violation names the file, the line and the import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import support

PARTS = ["facts", "rulebase", "inference", "advice", "explain", "consult", "audit", "interfaces"]
TOP_LEVEL_ALLOWED = {"__init__.py", "__main__.py"}


def imported_modules(tree: ast.AST, module: str) -> list[tuple[int, str, str]]:
    """(line, absolute target, the import as written) for every import in a parsed module.

    ``from expert import facts`` targets the part ``expert.facts``; ``from expert import
    advise`` targets ``expert.advise``, a name of the package root.
    """
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, f"import {alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            written = f"from {'.' * node.level}{node.module or ''} import "
            found += [(node.lineno, f"{base}.{alias.name}", written + alias.name) for alias in node.names]
    return found


def part_of(module: str) -> str | None:
    """The part a module of ours belongs to; ``""`` for the package root; None if not ours."""
    names = module.split(".")
    if names[0] != "expert":
        return None
    return names[1] if len(names) > 1 and names[1] in PARTS else ""


def violations(package_dir: Path) -> list[str]:
    """Every upward import (or import of the root) in the parts under ``package_dir``."""
    problems = []
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir.parent)
        if len(relative.parts) < 3:
            continue  # the root's own modules (__init__, __main__) compose everything
        own = relative.parts[1]
        module = ".".join(relative.with_suffix("").parts)
        if own not in PARTS:
            problems.append(f"{relative}: package {own!r} is not a known part; add it to the layer table")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, target, written in imported_modules(tree, module):
            part = part_of(target)
            if part == "":
                problems.append(f"{relative}:{line}: `{written}` imports the package root; "
                                f"import from the part that defines the name")
            elif part is not None and PARTS.index(part) > PARTS.index(own):
                problems.append(f"{relative}:{line}: `{written}`: {own} may not import {part}, a part above it")
    return problems


def module_cycles(package_dir: Path) -> list[list[str]]:
    """Import circles between our modules (every import counted, lazy ones included)."""
    modules = {".".join(p.relative_to(package_dir.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in package_dir.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for _, target, _written in imported_modules(ast.parse(path.read_text(encoding="utf-8")), name):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and target != "expert":
                targets.add(target)
        graph[name] = targets
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return cycles


PACKAGE = support.REPO / "expert"


def test_imports_point_down_only():
    assert violations(PACKAGE) == []


def test_no_import_circle():
    assert module_cycles(PACKAGE) == []


def test_no_module_at_the_top_of_the_package():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in TOP_LEVEL_ALLOWED)
    assert loose == [], "put each module in the package of its part"


def test_every_part_exists_and_says_what_it_may_import():
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(PARTS)
    for index, part in enumerate(PARTS):
        doc = ast.get_docstring(ast.parse((PACKAGE / part / "__init__.py").read_text(encoding="utf-8"))) or ""
        line = re.search(r"^May import: (.*)$", doc, re.M)
        assert line, f"expert/{part}/__init__.py: docstring lacks a 'May import:' line"
        named = set(re.findall(r"[a-z]+", line.group(1))) & set(PARTS)
        expected = set(PARTS[:index])
        assert named == expected or (line.group(1).startswith("every part") and part == PARTS[-1]), \
            f"expert/{part}/__init__.py says it may import {sorted(named)}; the layer table says {sorted(expected)}"


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("source", "expected"), [
    ("from expert.consult.asking import Asker\n",
     "expert/facts/vocabulary.py:1: `from expert.consult.asking import Asker`: facts may not import consult"),
    ("def f():\n    import expert.interfaces.cli\n",
     "expert/facts/vocabulary.py:2: `import expert.interfaces.cli`: facts may not import interfaces"),
    ("from expert import advise\n", "expert/facts/vocabulary.py:1: `from expert import advise` imports the package root"),
    ("from ..rulebase import loader\n",
     "expert/facts/vocabulary.py:1: `from ..rulebase import loader`: facts may not import rulebase"),
])
def test_a_deliberate_upward_import_is_named(tmp_path: Path, source: str, expected: str):
    for part in PARTS:
        write(tmp_path, f"expert/{part}/__init__.py", '"""A part."""\n')
    write(tmp_path, "expert/facts/vocabulary.py", source)
    write(tmp_path, "expert/consult/asking.py", "from expert.facts.vocabulary import Profile\n")
    found = violations(tmp_path / "expert")
    assert len(found) == 1 and found[0].startswith(expected), found


def test_downward_and_sideways_imports_pass(tmp_path: Path):
    for part in PARTS:
        write(tmp_path, f"expert/{part}/__init__.py", '"""A part."""\n')
    write(tmp_path, "expert/consult/asking.py", "from expert.facts import vocabulary\nfrom expert.consult import relevance\n")
    write(tmp_path, "expert/consult/relevance.py", "from . import asking\n")
    assert violations(tmp_path / "expert") == []
    assert module_cycles(tmp_path / "expert") == [["expert.consult.asking", "expert.consult.relevance",
                                                   "expert.consult.asking"]]
