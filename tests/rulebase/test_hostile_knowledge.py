"""A knowledge directory cannot hang, exhaust or crash the loader (issue 11).

Each case was a reproduced fault: a FIFO or /dev/zero as a rule file, an alias bomb
(through the parse cache), deep nesting, long chains, a huge constant, too many tests on
one field for durable_rules' tables, a broken questions.yaml.  Loads that could hang run
in a child process with a deadline.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import support

from expert.rulebase.engine_limits import ALPHA_CHILDREN, MAX_STACK_SIZE
from expert.rulebase.loader import MAX_KNOWLEDGE_FILE_BYTES, KnowledgeError, load_knowledge

LOAD_AND_RUN = """
import sys
from expert.interfaces.advisor import Advisor
from expert.rulebase.loader import KnowledgeError
try:
    advisor = Advisor(sys.argv[1])
except KnowledgeError as error:
    print("REFUSED", error)
    sys.exit(3)
advice = advisor.advise({"needs": {"usage": {"monthly_minutes": 5000, "peak_to_average_ratio": 4}}})
print("RAN", advice.verdict.id)
"""


def load_in_child(directory: Path, cache: str = "off", timeout: float = 120) -> subprocess.CompletedProcess:
    """Load (and advise with) a knowledge directory in a child process that must finish in time."""
    env = {**os.environ, "EXPERT_CACHE_DIR": cache}
    result = subprocess.run([sys.executable, "-c", LOAD_AND_RUN, str(directory)], capture_output=True, text=True,
                            timeout=timeout, env=env)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result


def refusal(directory: Path) -> str:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return str(caught.value)


def test_a_fifo_rule_file_is_refused_not_waited_on(tmp_path):
    support.write_mini_kb(tmp_path)
    os.mkfifo(tmp_path / "rules" / "20-fifo.yaml")
    result = load_in_child(tmp_path, timeout=60)
    assert result.returncode == 3 and "20-fifo.yaml" in result.stdout and "not a regular file" in result.stdout


def test_a_rule_file_linked_to_dev_zero_is_refused(tmp_path):
    support.write_mini_kb(tmp_path)
    (tmp_path / "rules" / "20-zero.yaml").symlink_to("/dev/zero")
    assert "20-zero.yaml: not a regular file" in refusal(tmp_path)


def test_a_rule_file_over_the_size_cap_is_refused(tmp_path):
    support.write_mini_kb(tmp_path)
    with (tmp_path / "rules" / "20-huge.yaml").open("wb") as handle:
        handle.truncate(MAX_KNOWLEDGE_FILE_BYTES + 1)  # sparse: costs no disk
    assert f"at most {MAX_KNOWLEDGE_FILE_BYTES:,} are accepted" in refusal(tmp_path)


# Eleven levels of eight aliases each: 8**11 (8.6 billion) leaves for anything that walks it.
ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 8)}]\n" for i in range(1, 12))


@pytest.mark.parametrize("cache", ["on", "off"])
def test_an_alias_bomb_is_refused_with_or_without_the_parse_cache(tmp_path, cache):
    kb = support.write_mini_kb(tmp_path / "kb")
    (kb / "rules" / "20-bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    result = load_in_child(kb, cache=str(tmp_path / "cache") if cache == "on" else "off", timeout=60)
    assert result.returncode == 3 and "anchors and aliases" in result.stdout


@pytest.mark.parametrize("depth", [900, 3000])
def test_deep_nesting_is_a_clean_error(tmp_path, depth):
    support.write_mini_kb(tmp_path)
    (tmp_path / "rules" / "20-deep.yaml").write_text("rules: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    message = refusal(tmp_path)
    assert "20-deep.yaml" in message and "not valid YAML" in message
    assert "nested too deep" in message or "maximum nesting depth" in message  # ours, or libyaml's own (1,000)


def test_a_huge_constant_is_a_clean_error(tmp_path):
    support.write_mini_kb(tmp_path, extra_rules=support.PROBE_RULE.replace(
        "company.stage: {is: growth}", "needs.usage.mau: {at_least: " + "9" * 5000 + "}"))
    message = refusal(tmp_path)
    assert "20-probe.yaml" in message and "a number of 5,000 characters" in message and len(message) < 1000


@pytest.mark.parametrize("kind", ["chain", "reversed-chain"])
def test_long_chains_are_refused_in_bounded_time_not_a_recursion_error(tmp_path, kind):
    support.write_generated_kb(tmp_path, kind, 1500)
    result = load_in_child(tmp_path)
    assert result.returncode == 3, result.stdout
    assert "1,500 distinct tests (mostly on cid)" in result.stdout and "NEXT_BUCKET_LENGTH" in result.stdout


def test_a_chain_within_the_limit_loads_and_runs(tmp_path):
    support.write_generated_kb(tmp_path, "chain", 400)
    result = load_in_child(tmp_path)
    assert result.returncode == 0 and "RAN verdict.pay" in result.stdout, result.stdout + result.stderr


def test_the_matching_stack_limit_is_where_durable_rules_has_it(tmp_path):
    """durable_rules matches a fact depth first with a 64-entry stack (events.c); past it the
    process corrupts its heap (verified: 65 rules matched by one number crash it).  The mini
    KB adds one test on the profile; 62 generated thresholds, all matched (5,000 minutes),
    fill the stack exactly and run; 63 are refused at load."""
    fits = support.write_generated_kb(tmp_path / "fits", "constants", MAX_STACK_SIZE - 2)
    result = load_in_child(fits)
    assert result.returncode == 0 and "RAN verdict.pay" in result.stdout, result.stdout + result.stderr
    over = support.write_generated_kb(tmp_path / "over", "constants", MAX_STACK_SIZE - 1)
    result = load_in_child(over)
    assert result.returncode == 3 and "MAX_STACK_SIZE" in result.stdout and "could leave 65 tests" in result.stdout


def test_more_distinct_tests_than_a_node_holds_are_refused_not_a_hang(tmp_path):
    support.write_generated_kb(tmp_path, "constants", 700)
    result = load_in_child(tmp_path)
    assert result.returncode == 3 and f"holds at most {ALPHA_CHILDREN} (NEXT_BUCKET_LENGTH" in result.stdout
    assert "needs.usage.monthly_minutes" in result.stdout


def test_a_broken_questions_file_is_refused_at_load_with_the_real_reason(tmp_path):
    support.write_mini_kb(tmp_path)
    (tmp_path / "questions.yaml").write_text("questions: [\n  - fact: x\n", encoding="utf-8")
    message = refusal(tmp_path)
    assert "questions.yaml:2: not valid YAML" in message and "holds two keys" not in message


def test_a_questions_file_of_the_wrong_shape_is_refused_at_load(tmp_path):
    support.write_mini_kb(tmp_path)
    (tmp_path / "questions.yaml").write_text(textwrap.dedent("""\
        questions: {}
        """), encoding="utf-8")
    assert "questions.yaml" in refusal(tmp_path)


def test_the_fingerprint_describes_what_was_loaded_even_from_an_edited_cache(tmp_path, monkeypatch):
    """Editing a parse-cache entry changes what the advisor runs on: the fingerprint follows."""
    kb = support.write_mini_kb(tmp_path / "kb")
    monkeypatch.setenv("EXPERT_CACHE_DIR", "off")
    uncached = load_knowledge(kb).fingerprint
    monkeypatch.setenv("EXPERT_CACHE_DIR", str(tmp_path / "cache"))
    assert load_knowledge(kb).fingerprint == uncached  # writes the cache
    assert load_knowledge(kb).fingerprint == uncached  # served from it
    edited = 0
    for entry in (tmp_path / "cache").glob("parse-*/*.json"):
        payload = entry.read_bytes()
        if b"No spiky traffic." in payload:
            entry.write_bytes(payload.replace(b"No spiky traffic.", b"Pay them anyway."))
            edited += 1
    assert edited == 1
    # the validated snapshot of the first load (rulebase/snapshot.py) is what a load runs on
    # while the files are the same: the edited entry is not read, and the fingerprint says so
    assert load_knowledge(kb).fingerprint == uncached
    for entry in (tmp_path / "cache").glob("knowledge-*.pickle"):
        entry.unlink()
    tampered = load_knowledge(kb)
    assert tampered.rules["base.dont"].because.en == "Pay them anyway."  # the cache was used...
    assert tampered.fingerprint != uncached  # ...and the fingerprint says so


def test_long_conditions_under_a_wide_fan_out_run_and_are_accepted(tmp_path):
    """The stack holds what waits, not how deep the walk goes: handleAlpha pops a node before
    pushing the children it matches, so a rule's chain of tests does not grow it.  Fifty
    rules matched at once, each going on through twenty more tests the same fact passes,
    peak at about fifty entries; the engine runs them (a bound that added the chain, 70, would
    have refused a knowledge base that works)."""
    kb = support.write_generated_kb(tmp_path / "kb", "constants", 50)
    generated = kb / "rules" / "50-generated.yaml"
    chain = "".join(f"      - needs.usage.monthly_minutes: {{at_least: {step}}}\n" for step in range(1, 21))
    text = generated.read_text(encoding="utf-8").replace("    thresholds:\n", chain + "    thresholds:\n")
    generated.write_text(text, encoding="utf-8")
    assert text.count("at_least: 20}") == 50
    result = load_in_child(kb)
    assert result.returncode == 0 and "RAN verdict.pay" in result.stdout, result.stdout + result.stderr
