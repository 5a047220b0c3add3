"""The authoring guide and the README's rule snippet are true: every YAML block loads.

Rule-file blocks are written into a copy of the bundled knowledge and loaded (ids the
bundled rules already use are renamed); the case block is run against the bundled
knowledge and must pass; every operator of the condition language has an example.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import support
import yaml

from expert.audit.cases import load_cases, run_case
from expert.rulebase.loader import load_knowledge
from expert.rulebase.rulebook import FACT_OPERATORS

GUIDE = support.REPO / "docs" / "authoring.md"
BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def rule_blocks() -> list[tuple[str, str]]:
    found = [(f"guide-{i}", b) for i, b in enumerate(blocks(GUIDE)) if b.startswith("rules:")]
    found += [(f"readme-{i}", b) for i, b in enumerate(blocks(support.REPO / "README.md")) if b.startswith("rules:")]
    return found


def test_the_guide_and_the_readme_have_rule_blocks():
    names = [name for name, _ in rule_blocks()]
    assert any(n.startswith("guide-") for n in names) and any(n.startswith("readme-") for n in names)


@pytest.mark.parametrize(("name", "text"), rule_blocks(), ids=[n for n, _ in rule_blocks()])
def test_each_rule_block_loads_into_the_bundled_knowledge(tmp_path, name, text):
    directory = support.copy_knowledge(tmp_path / "kb")
    ids = [rule["id"] for rule in yaml.safe_load(text)["rules"]]
    bundled = set(load_knowledge().rules)
    for rule_id in ids:
        if rule_id in bundled:  # the README shows a real rule: load it under another id
            text = re.sub(rf"id: {re.escape(rule_id)}(?=\s)", f"id: doc.{rule_id}", text)
    (directory / "rules" / "99-doc.yaml").write_text(text, encoding="utf-8")
    loaded = load_knowledge(directory)
    for rule_id in ids:
        rule = loaded.rules.get(rule_id) or loaded.rules[f"doc.{rule_id}"]
        assert rule.basis in ("stated", "inferred") and set(rule.thresholds) == set(rule.compared_numbers)


def test_the_guide_shows_every_operator():
    text = "\n".join(b for _, b in rule_blocks())
    for operator in {op for ops in FACT_OPERATORS.values() for op in ops} | {"any_of", "concluded", "not_concluded"}:
        assert re.search(rf"\b{operator}:", text), operator


def test_the_guide_case_passes(advisor, tmp_path):
    (case_text,) = [b for b in blocks(GUIDE) if b.startswith("id:")]
    (tmp_path / "case.yaml").write_text(case_text, encoding="utf-8")
    (case,) = load_cases(tmp_path)
    result = run_case(advisor, case)
    assert result.passed, result.failures
    assert case.claims_argued >= {"C08", "C09"}
