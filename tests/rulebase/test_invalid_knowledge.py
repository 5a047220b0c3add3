"""Invalid knowledge: every loader check refuses the base and names file, line and rule.

Each test writes the minimal knowledge base of ``support.py`` plus one rule file,
``rules/20-probe.yaml``, with a single mistake, so that every line number is known.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import support

from expert.interfaces.cli import main
from expert.rulebase.loader import KnowledgeError, load_knowledge

PROBE = "rules/20-probe.yaml"


def probe_rule(*, id: str = "probe.rule", when: str = "      - company.stage: {is: growth}",
               then: str = "    then: {conclude: trait.b}", cites: str = "    cites: {claims: [C02], paragraphs: [P02]}",
               title: str = '    title: {en: "Probe", zh: "探针"}',
               because: str = '    because: {en: "Because of the probe.", zh: "因为探针。"}',
               basis: str = "    basis: stated", thresholds: str = "", extra: str = "") -> str:
    lines = [f"  - id: {id}", "    about: company", title, because, cites, basis, "    when:", when, thresholds, then, extra]
    return "\n".join(line for line in lines if line) + "\n"


def load_with(tmp_path: Path, text: str) -> tuple[KnowledgeError, Path, str]:
    directory = support.write_mini_kb(tmp_path / "kb")
    path = directory / PROBE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(directory)
    return info.value, path, text


def problem(error: KnowledgeError, path: Path, line: int, rule: str, pattern: str) -> str:
    """The one problem that names FILE:LINE: rule ID and matches pattern; fail otherwise."""
    prefix = f"{path}:{line}: rule {rule}: "
    found = [p for p in error.problems if p.startswith(prefix) and re.search(pattern, p)]
    assert found, f"expected a problem starting {prefix!r} matching {pattern!r}; got {error.problems}"
    assert prefix in str(error)
    return found[0]


def test_the_probe_itself_is_valid(tmp_path):
    directory = support.write_mini_kb(tmp_path / "kb")
    (directory / PROBE).write_text("rules:\n" + probe_rule(), encoding="utf-8")
    assert "probe.rule" in load_knowledge(directory).rules


def test_unknown_field(tmp_path):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when="      - company.mood: {is: happy}"))
    problem(error, path, support.line_number(text, "company.mood"), "probe.rule", "unknown field 'company.mood'")


def test_unknown_field_in_any_of(tmp_path):
    when = "      - any_of:\n          - company.stage: {is: growth}\n          - company.moood: {known: true}"
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when=when))
    problem(error, path, support.line_number(text, "company.moood"), "probe.rule", "unknown field")


@pytest.mark.parametrize("when, needle", [
    ("      - company.stage: {at_least: 3}", "'at_least' does not apply to company.stage"),
    ("      - needs.capabilities: {is: hd_video}", "'is' does not apply to needs.capabilities"),
    ("      - company.can_forecast_usage_costs: {one_of: [true]}", "'one_of' does not apply"),
    ("      - company.name: {is: Acme}", "'is' does not apply to company.name"),
    ("      - needs.usage.mau: {includes: 3}", "'includes' does not apply"),
])
def test_operator_not_valid_for_the_field_type(tmp_path, when, needle):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when=when))
    problem(error, path, support.line_number(text, when.strip()[2:]), "probe.rule", re.escape(needle))


@pytest.mark.parametrize("when", [
    "      - company.stage: {is: unicorn}",
    "      - company.stage: {one_of: [growth, unicorn]}",
    "      - needs.capabilities: {includes_any: [hd_video, telepathy]}",
    "      - offer_free: {is: 1}",
])
def test_enum_value_outside_domain(tmp_path, when):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when=when))
    line = support.line_number(text, when.strip()[2:])
    if "offer_free" in when:
        problem(error, path, line, "probe.rule", "unknown field")
    else:
        problem(error, path, line, "probe.rule", "is not one of")


@pytest.mark.parametrize("when, pattern", [
    ("      - needs.usage.peak_to_average_ratio: {at_least: 0.5}", r"outside the field's range \[1, 1000\]"),
    ("      - needs.contract_months: {above: 500}", "outside the field's range"),
    ("      - company.growth_rate_pct_per_year: {below: -200}", "outside the field's range"),
    ("      - needs.usage.mau: {at_least: .nan}", "expected a finite number"),
    ("      - needs.usage.mau: {at_least: .inf}", "expected a finite number|outside"),
    ("      - needs.usage.mau: {at_least: many}", "expected a finite number"),
    ("      - company.can_forecast_usage_costs: {is: 1}", "expected true or false"),
])
def test_number_out_of_range_or_not_a_number(tmp_path, when, pattern):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when=when))
    problem(error, path, support.line_number(text, when.strip()[2:]), "probe.rule", pattern)


def test_unknown_conclusion_concluded(tmp_path):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(then="    then: {conclude: trait.nope}"))
    problem(error, path, support.line_number(text, "trait.nope"), "probe.rule", "unknown conclusion 'trait.nope'")


def test_unknown_conclusion_consumed(tmp_path):
    for word in ("concluded", "not_concluded"):
        error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when=f"      - {word}: trait.nope"))
        problem(error, path, support.line_number(text, "trait.nope"), "probe.rule",
                f"{word}: unknown conclusion 'trait.nope'")


def test_conclusion_consumed_but_never_produced(tmp_path):
    # trait.b is in conclusions.yaml, but no rule concludes it
    text = "rules:\n" + probe_rule(when="      - concluded: trait.b", then="    then: {conclude: trait.a}")
    error, path, text = load_with(tmp_path, text)
    problem(error, path, support.line_number(text, "concluded: trait.b"), "probe.rule",
            "consumes trait.b, which no rule concludes")


def test_missing_citation(tmp_path):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(cites=""))
    problem(error, path, support.line_number(text, "- id: probe.rule"), "probe.rule", "missing 'cites'")


@pytest.mark.parametrize("cites, pattern", [
    ("    cites: {claims: [], paragraphs: [P02]}", "at least one claim"),
    ("    cites: {claims: [C02], paragraphs: []}", "at least one paragraph"),
    ("    cites: {claims: [C02]}", "exactly 'claims' and 'paragraphs'"),
    ("    cites: C02", "exactly 'claims' and 'paragraphs'"),
])
def test_incomplete_citation(tmp_path, cites, pattern):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(cites=cites))
    # a mapping has a line of its own; a plain scalar is reported at its rule's line
    needle = "cites:" if "{" in cites else "- id: probe.rule"
    problem(error, path, support.line_number(text, needle), "probe.rule", pattern)


def test_unknown_claim(tmp_path):
    cites = "    cites: {claims: [C02, C99], paragraphs: [P02]}"
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(cites=cites))
    problem(error, path, support.line_number(text, "C99"), "probe.rule", "unknown claim 'C99'")


def test_unknown_paragraph(tmp_path):
    cites = "    cites: {claims: [C02], paragraphs: [P02, P77]}"
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(cites=cites))
    problem(error, path, support.line_number(text, "P77"), "probe.rule", "unknown paragraph 'P77'")


def test_paragraph_not_grounded_in_cited_claims(tmp_path):
    cites = "    cites: {claims: [C02], paragraphs: [P02, P01]}"  # P01 belongs to C01, not cited
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(cites=cites))
    problem(error, path, support.line_number(text, "cites:"), "probe.rule",
            r"paragraph P01 is not one the cited claims \['C02'\] rest on")


def test_duplicate_rule_id_in_one_file(tmp_path):
    text = "rules:\n" + probe_rule() + "\n" + probe_rule()
    error, path, text = load_with(tmp_path, text)
    first, second = support.line_number(text, "- id: probe.rule"), support.line_number(text, "- id: probe.rule", 2)
    message = problem(error, path, second, "probe.rule", "duplicate rule id")
    assert f"first defined in {path}:{first}" in message


def test_duplicate_rule_id_across_files(tmp_path):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(id="base.spiky"))
    message = problem(error, path, 2, "base.spiky", "duplicate rule id")
    assert "10-base.yaml:2" in message


@pytest.mark.parametrize("title, pattern", [
    ('    title: {en: "Probe"}', "title must have exactly the keys 'en' and 'zh'"),
    ('    title: {zh: "探针"}', "title must have exactly the keys 'en' and 'zh'"),
    ('    title: {en: "Probe", zh: ""}', "title: both 'en' and 'zh' must be non-empty"),
    ('    title: {en: "Probe", zh: "Probe"}', "title.zh must be Chinese"),
    ('    title: {en: "Probe", zh: "探针", fr: "Sonde"}', "exactly the keys"),
    ('    title: Probe', "exactly the keys"),
])
def test_missing_language_in_title(tmp_path, title, pattern):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(title=title))
    needle = "title:" if "{" in title else "- id: probe.rule"  # a plain scalar: its rule's line
    problem(error, path, support.line_number(text, needle), "probe.rule", pattern)


@pytest.mark.parametrize("because, pattern", [
    ('    because: {en: "Because."}', "because must have exactly the keys 'en' and 'zh'"),
    ('    because: {zh: "因为。"}', "because must have exactly the keys"),
    ('    because: {en: "  ", zh: "因为。"}', "because: both 'en' and 'zh' must be non-empty"),
])
def test_missing_language_in_because(tmp_path, because, pattern):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(because=because))
    problem(error, path, support.line_number(text, "because:"), "probe.rule", pattern)


def test_because_placeholder_without_value(tmp_path):
    because = '    because: {en: "Grows {rate}%.", zh: "增长 {rate}%。"}'
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(because=because))
    problem(error, path, support.line_number(text, "- id: probe.rule"), "probe.rule", r"uses \{rate\}")


@pytest.mark.parametrize("extra, key", [
    ("    comment: why not", "comment"),
    ("    severity: high", "severity"),
])
def test_unknown_key_in_a_rule(tmp_path, extra, key):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(extra=extra))
    problem(error, path, support.line_number(text, "- id: probe.rule"), "probe.rule", f"unknown key.*'{key}'")


def test_unknown_key_in_then(tmp_path):
    then = "    then: {conclude: trait.b, because: x}"
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(then=then))
    problem(error, path, support.line_number(text, "then:"), "probe.rule", "then needs 'conclude'")


def test_cycle_between_rules(tmp_path):
    text = ("rules:\n"
            + probe_rule(id="loop.one", when="      - concluded: trait.b", then="    then: {conclude: trait.a}")
            + probe_rule(id="loop.two", when="      - concluded: trait.a", then="    then: {conclude: trait.b}"))
    error, path, text = load_with(tmp_path, text)
    (message,) = error.problems
    match = re.match(rf"{re.escape(str(path))}:(\d+): rule (loop\.one|loop\.two): depends on itself: (.*)$", message)
    assert match, message
    line, rule_id, chain = int(match.group(1)), match.group(2), match.group(3)
    assert line == support.line_number(text, f"- id: {rule_id}")
    assert "loop.one" in chain and "loop.two" in chain


def test_cycle_through_negation(tmp_path):
    text = ("rules:\n"
            + probe_rule(id="loop.one", when="      - not_concluded: trait.b", then="    then: {conclude: trait.b}"))
    error, path, text = load_with(tmp_path, text)
    assert f"{path}:2: rule loop.one: depends on itself" in str(error)


def test_invalid_yaml(tmp_path):
    text = "rules:\n" + probe_rule() + "  - id: probe.broken\n    about: [company\n    title: x\n"
    error, path, text = load_with(tmp_path, text)
    (message,) = error.problems
    match = re.match(rf"{re.escape(str(path))}:(\d+): not valid YAML", message)
    assert match, message
    assert support.line_number(text, "probe.broken") <= int(match.group(1)) <= len(text.splitlines()) + 1


def test_duplicate_yaml_key_is_invalid_yaml(tmp_path):
    text = "rules:\n" + probe_rule(extra="    about: offer")
    error, path, text = load_with(tmp_path, text)
    assert f"{path}:{support.line_number(text, 'about: offer')}: not valid YAML" in str(error)
    assert "duplicate key 'about'" in str(error)


def test_offer_field_in_a_company_rule(tmp_path):
    when = "      - offer.pricing_model: {is: freemium}"
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when=when))
    problem(error, path, support.line_number(text, "offer.pricing_model"), "probe.rule", "only rules with 'about: offer'")


def test_bad_rule_id(tmp_path):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(id="Probe Rule"))
    assert any(p.startswith(f"{path}:2: ") and "dotted lower-case" in p for p in error.problems), error.problems


def test_every_problem_is_reported_at_once(tmp_path):
    text = ("rules:\n" + probe_rule(id="probe.one", when="      - company.mood: {is: happy}")
            + probe_rule(id="probe.two", cites="    cites: {claims: [C77], paragraphs: [P02]}"))
    error, path, text = load_with(tmp_path, text)
    assert any("probe.one" in p and "unknown field" in p for p in error.problems)
    assert any("probe.two" in p and "unknown claim" in p for p in error.problems)


@pytest.mark.parametrize("text", [
    # malformed shapes must be reported as knowledge errors, never crash the loader
    "rules:\n" + probe_rule(cites="    cites: {claims: [[C02]], paragraphs: [P02]}"),
    "rules:\n" + probe_rule(cites="    cites: {claims: [C02], paragraphs: [[P02]]}"),
    "rules:\n" + probe_rule(then="    then: {conclude: [trait.b]}"),
    "rules:\n" + probe_rule(when="      - concluded: {id: [trait.a]}"),
    "rules:\n" + probe_rule(then="    then: {conclude: trait.b, with: [a, b]}"),
    "rules:\n" + probe_rule(then="    then: {conclude: trait.b, with: {x: {fact: [a]}}}"),
    "rules:\n  - just a string\n",
    "rules: {a: 1}\n",
    "[1, 2]\n",
], ids=["claim-list", "paragraph-list", "conclude-list", "concluded-id-list", "with-list", "with-fact-list",
        "rule-string", "rules-mapping", "top-level-list"])
def test_malformed_shapes_are_knowledge_errors(tmp_path, text):
    error, path, _ = load_with(tmp_path, text)
    assert any(p.startswith(str(path)) for p in error.problems), error.problems


def test_broken_claims_file(tmp_path):
    directory = support.write_mini_kb(tmp_path / "kb")
    (directory / "claims.yaml").write_text("article: {paragraphs: 3}\nclaims:\n  - id: C01\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="claims.yaml"):
        load_knowledge(directory)


def test_missing_directory():
    with pytest.raises(KnowledgeError, match="no such knowledge directory"):
        load_knowledge("/nonexistent/knowledge")


def test_no_rule_files(tmp_path):
    directory = support.write_mini_kb(tmp_path / "kb")
    (directory / "rules" / "10-base.yaml").unlink()
    with pytest.raises(KnowledgeError, match="no rule files"):
        load_knowledge(directory)


# --- the command line on a bad knowledge base -----------------------------------------

def bad_kb(tmp_path: Path) -> Path:
    directory = support.write_mini_kb(tmp_path / "bad")
    (directory / PROBE).write_text("rules:\n" + probe_rule(when="      - company.mood: {is: happy}"), encoding="utf-8")
    return directory


@pytest.mark.parametrize("args", [["check"], ["rules", "list"], ["rules", "show", "probe.rule"]])
def test_cli_on_bad_knowledge_exits_1_without_traceback(runner, tmp_path, args):
    directory = bad_kb(tmp_path)
    result = runner.invoke(main, [*args, "--knowledge", str(directory)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "invalid knowledge base" in result.output
    assert f"{directory / PROBE}:" in result.output and "rule probe.rule: unknown field 'company.mood'" in result.output


def test_cli_on_missing_knowledge_dir(runner, tmp_path):
    result = runner.invoke(main, ["check", "--knowledge", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "no such knowledge directory" in result.output
    assert "Traceback" not in result.output


def test_cli_advise_with_bad_knowledge(runner, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("company: {name: X}\n", encoding="utf-8")
    result = runner.invoke(main, ["advise", str(profile), "--knowledge", str(bad_kb(tmp_path))])
    assert result.exit_code == 1
    assert "unknown field 'company.mood'" in result.output


def test_message_format_is_file_line_rule(tmp_path):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(when="      - company.mood: {is: happy}"))
    (message,) = error.problems
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+: rule probe\.rule: .+", message)
    assert textwrap.dedent(str(error)).startswith("invalid knowledge base:\n")


def test_cli_on_malformed_knowledge_shape_exits_1_without_traceback(runner, tmp_path):
    directory = support.write_mini_kb(tmp_path / "bad")
    (directory / PROBE).write_text("rules:\n" + probe_rule(then="    then: {conclude: trait.b, with: [a, b]}"),
                                   encoding="utf-8")
    result = runner.invoke(main, ["check", "--knowledge", str(directory)])
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert "20-probe.yaml" in result.output


# --- bases, threshold sources, market facts and exclusions ------------------------------------

@pytest.mark.parametrize("basis, pattern", [
    ("", "missing 'basis'"),
    ("    basis: obvious", "basis must be one of"),
    ("    basis: {inferred: short}", "give the line of reasoning"),
    ("    basis: {stated: true}", "basis must be one of"),
])
def test_a_rule_must_state_its_basis(tmp_path, basis, pattern):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(basis=basis))
    assert any("probe.rule" in p and re.search(pattern, p) for p in error.problems), error.problems


def test_an_inferred_basis_with_reasoning_loads(tmp_path):
    directory = support.write_mini_kb(tmp_path / "kb", "rules:\n" + probe_rule(
        basis='    basis: {inferred: "C02 says so of growth, so growth companies get trait b"}'))
    rule = load_knowledge(directory).rules["probe.rule"]
    assert rule.basis == "inferred" and rule.reasoning.startswith("C02 says so")


@pytest.mark.parametrize("thresholds, pattern", [
    ("", r"threshold needs.usage.mau \(1000\) names no source"),
    ("    thresholds:\n      needs.usage.mau: P01", "P01 is not among the paragraphs this rule cites"),
    ("    thresholds:\n      needs.usage.mau: M42", "unknown market fact M42"),
    ("    thresholds:\n      needs.usage.mau: {judgement: short}", "a source is a paragraph id"),
    ("    thresholds:\n      needs.usage.mau: {guess: \"it felt right here\"}", "a source is a paragraph id"),
    ("    thresholds:\n      needs.usage.mau: P02\n      company.size: P02", "compares no number with company.size"),
])
def test_every_numeric_threshold_names_a_source(tmp_path, thresholds, pattern):
    error, path, text = load_with(tmp_path, "rules:\n" + probe_rule(
        when="      - needs.usage.mau: {at_least: 1000}", thresholds=thresholds))
    assert any("probe.rule" in p and re.search(pattern, p) for p in error.problems), error.problems


def test_threshold_sources_of_each_kind_load(tmp_path):
    directory = support.write_mini_kb(tmp_path / "kb", "rules:\n" + probe_rule(
        when="      - needs.usage.mau: {at_least: 1000}\n      - needs.contract_months: {at_least: 24}\n"
             "      - company.growth_rate_pct_per_year: {above: 50}\n      - needs.usage.monthly_minutes: {at_least: 1}",
        thresholds="    thresholds:\n      needs.usage.mau: P02\n      needs.contract_months: M01\n"
                   "      company.growth_rate_pct_per_year: {judgement: \"half again a year is fast\"}\n"
                   "      needs.usage.monthly_minutes: {definition: \"any use at all\"}"))
    (directory / "sources.yaml").write_text('market_facts:\n  M01: {text: "Two-year terms.", section: "Billing"}\n',
                                            encoding="utf-8")
    knowledge = load_knowledge(directory)
    kinds = {path: source.kind for path, source in knowledge.rules["probe.rule"].thresholds.items()}
    assert kinds == {"needs.usage.mau": "paragraph", "needs.contract_months": "market",
                     "company.growth_rate_pct_per_year": "judgement", "needs.usage.monthly_minutes": "definition"}
    assert knowledge.market_facts["M01"].text == "Two-year terms."


@pytest.mark.parametrize("text, pattern", [
    ("market_facts:\n  X1: {text: a, section: b}\n", "must look like M01"),
    ("market_facts:\n  M01: {text: a}\n", "needs exactly 'text'"),
    ("facts: {}\n", "holds one key, 'market_facts'"),
])
def test_invalid_sources_file(tmp_path, text, pattern):
    directory = support.write_mini_kb(tmp_path / "kb")
    (directory / "sources.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(directory)
    assert any("sources.yaml" in p and re.search(pattern, p) for p in info.value.problems), info.value.problems


@pytest.mark.parametrize("entry, pattern", [
    ("  - {never: [trait.a, trait.nope], scope: anywhere, because: {en: A, zh: 甲}}", r"unknown conclusion\(s\)"),
    ("  - {never: [trait.a, trait.a], scope: anywhere, because: {en: A, zh: 甲}}", "two different conclusion ids"),
    ("  - {never: [trait.a, trait.b], scope: sometimes, because: {en: A, zh: 甲}}", "scope must be one of"),
    ("  - {never: [trait.a, trait.b], scope: anywhere}", "exactly 'never'"),
])
def test_invalid_exclusions(tmp_path, entry, pattern):
    directory = support.write_mini_kb(tmp_path / "kb")
    (directory / "exclusions.yaml").write_text("exclusions:\n" + entry + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(directory)
    assert any("exclusions.yaml:2" in p and re.search(pattern, p) for p in info.value.problems), info.value.problems
