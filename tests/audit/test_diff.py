"""`expert diff`: a semantic rule diff and the consultations whose advice a change alters
(issue 9, part D), tested on planted changes with known effects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import support
from markdown_check import problems

from expert.advice.consultation import Consultant
from expert.audit.diff.corpus import corpus
from expert.audit.diff.impact import impact
from expert.audit.diff.rules import rule_diff
from expert.interfaces.cli import main
from expert.rulebase.loader import load_knowledge


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """The bundled knowledge with spiky traffic starting at 5x instead of 10x."""
    directory = tmp_path_factory.mktemp("planted") / "knowledge"
    shutil.copytree(support.KNOWLEDGE, directory)
    rules = directory / "rules" / "20-company.yaml"
    text = rules.read_text(encoding="utf-8")
    assert text.count("needs.usage.peak_to_average_ratio: {at_least: 10}") == 1
    rules.write_text(text.replace("needs.usage.peak_to_average_ratio: {at_least: 10}",
                                  "needs.usage.peak_to_average_ratio: {at_least: 5}"), encoding="utf-8")
    return directory


def _ratio(profile: dict):
    return ((profile.get("needs") or {}).get("usage") or {}).get("peak_to_average_ratio")


def test_a_threshold_change_changes_exactly_the_consultations_it_should(planted):
    old, new = load_knowledge(), load_knowledge(planted)
    diff = rule_diff(old, new)
    assert not diff.added and not diff.removed and [(c.rule, c.what) for c in diff.changed] == [("traffic.spiky", ["conditions"])]
    samples = corpus(old, new, 600, seed=3, examples=support.EXAMPLES)
    result = impact(Consultant(knowledge=old), Consultant(knowledge=new), samples)
    # the oracle, independent of the engine: spiky traffic is concluded from 5x now, from 10x before
    expected = {s.name for s in samples if _ratio(s.profile) is not None and 5 <= _ratio(s.profile) < 10}
    assert expected and set(result.changed) == expected
    assert result.gained["trait.spiky_traffic"] == len(expected) and not result.lost.get("trait.spiky_traffic")
    assert result.consultations == len(samples) and any(n.startswith("case:") for n in result.changed)


def test_the_corpus_is_seeded_and_hits_thresholds():
    knowledge = load_knowledge()
    first = corpus(knowledge, knowledge, 300, seed=5)
    again = corpus(knowledge, knowledge, 300, seed=5)
    assert [s.profile for s in first] == [s.profile for s in again]
    assert sum(1 for s in first if s.name.startswith("generated:")) == 300
    ratios = {_ratio(s.profile) for s in first if s.name.startswith("generated:")}
    assert {9, 10, 11} & ratios  # numbers on and around a rule threshold


def test_cli_formats_and_review_gate(runner, planted):
    text = runner.invoke(main, ["diff", str(support.KNOWLEDGE), str(planted), "--profiles", "60"])
    assert text.exit_code == 0, text.output
    assert "- changed: traffic.spiky (conditions)" in text.output and "consultations changed their advice" in text.output
    assert "trait.spiky_traffic: +" in text.output
    data = json.loads(runner.invoke(main, ["diff", str(support.KNOWLEDGE), str(planted), "--profiles", "60",
                                           "--format", "json"]).output)
    assert data["changed"] == len(data["changed_samples"]) > 0 and data["rules"]["changed"][0]["rule"] == "traffic.spiky"
    markdown = runner.invoke(main, ["diff", str(support.KNOWLEDGE), str(planted), "--profiles", "50", "--format", "markdown"])
    assert markdown.output.startswith("# Knowledge diff:") and "  - gained in: " in markdown.output
    assert not problems(markdown.output), problems(markdown.output)  # each example list its own line
    gate = runner.invoke(main, ["diff", str(support.KNOWLEDGE), str(planted), "--profiles", "50", "--fail-on", "any"])
    assert gate.exit_code == 1
    same = runner.invoke(main, ["diff", str(support.KNOWLEDGE), str(support.KNOWLEDGE), "--profiles", "50",
                                "--fail-on", "any"])
    assert same.exit_code == 0 and "0 of " in same.output and "- none" in same.output


def test_git_revisions_and_bad_names(runner):
    if not (support.REPO / ".git").exists():
        pytest.skip("not a git checkout")
    same = runner.invoke(main, ["diff", "HEAD", "HEAD", "--profiles", "20", "--repo", str(support.REPO),
                                "--fail-on", "verdict"])
    assert same.exit_code == 0, same.output
    bad = runner.invoke(main, ["diff", "no-such-revision", "HEAD", "--repo", str(support.REPO)])
    assert bad.exit_code == 2 and "no-such-revision: not a directory, nor a git revision" in bad.output
    assert "Traceback" not in bad.output
