"""Compiling rules to durable_rules: the expression for each operator, and what it means at run time."""

from __future__ import annotations

import re

import pytest
import support

from expert.facts.derive import derive
from expert.facts.flatten import input_facts
from expert.facts.vocabulary import Profile
from expert.inference.engine import Engine
from expert.rulebase.compiler import any_of_field, compile_rule, compile_test, session_rule, sink_rules
from expert.rulebase.loader import load_knowledge
from expert.rulebase.rulebook import FACT_OPERATORS, FactTest

EX = {"$ex": {"company__stage": 1}}


@pytest.mark.parametrize("test, expected", [
    (FactTest("company.stage", "known", True), {"$ex": {"company__stage": 1}}),
    (FactTest("company.stage", "unknown", True), {"$nex": {"company__stage": 1}}),
    (FactTest("company.stage", "is", "growth"), {"company__stage": "growth"}),
    (FactTest("company.can_forecast_usage_costs", "is", False), {"company__can_forecast_usage_costs": False}),
    (FactTest("company.stage", "is_not", "growth"), {"$and": [EX, {"$neq": {"company__stage": "growth"}}]}),
    (FactTest("company.stage", "one_of", ("idea",)), {"company__stage": "idea"}),
    (FactTest("company.stage", "one_of", ("idea", "startup")),
     {"$or": [{"company__stage": "idea"}, {"company__stage": "startup"}]}),
    (FactTest("company.stage", "not_one_of", ("idea", "startup")),
     {"$and": [EX, {"$neq": {"company__stage": "idea"}}, {"$neq": {"company__stage": "startup"}}]}),
    (FactTest("needs.usage.mau", "at_least", 50000), {"$gte": {"needs__usage__mau": 50000}}),
    (FactTest("needs.usage.mau", "at_most", 10), {"$lte": {"needs__usage__mau": 10}}),
    (FactTest("needs.usage.mau", "above", 10), {"$gt": {"needs__usage__mau": 10}}),
    (FactTest("needs.usage.mau", "below", 10), {"$lt": {"needs__usage__mau": 10}}),
    (FactTest("needs.usage.mau", "is", 0), {"needs__usage__mau": 0}),
    (FactTest("needs.capabilities", "includes", "hd_video"), {"needs__capabilities__hd_video": True}),
    # includes_any: one precomputed boolean per value set (see test_includes_any_is_precomputed)
    (FactTest("needs.capabilities", "includes_any", ("hd_video",)),
     {any_of_field("needs.capabilities", ("hd_video",)): True}),
    (FactTest("needs.capabilities", "includes_any", ("hd_video", "recording")),
     {any_of_field("needs.capabilities", ("recording", "hd_video")): True}),
    (FactTest("needs.capabilities", "includes_all", ("hd_video", "recording")),
     {"$and": [{"needs__capabilities__hd_video": True}, {"needs__capabilities__recording": True}]}),
    (FactTest("needs.capabilities", "includes_none", ("hd_video", "recording")),
     {"$and": [{"needs__capabilities__hd_video": False}, {"needs__capabilities__recording": False}]}),
    (FactTest("offer.capabilities.hd_video", "is", "paid"), {"offer__capabilities__hd_video": "paid"}),
])
def test_compile_test(test, expected):
    assert compile_test(test) == expected


def test_every_operator_compiles():
    operators = {op for ops in FACT_OPERATORS.values() for op in ops}
    samples = {"is": "x", "at_least": 1, "at_most": 1, "above": 1, "below": 1, "includes": "x"}
    for op in operators:
        value = samples.get(op, ("x",) if op not in ("known", "unknown") else True)
        assert isinstance(compile_test(FactTest("company.stage", op, value)), dict)


def test_unknown_operator_raises():
    with pytest.raises(ValueError, match="no compilation"):
        compile_test(FactTest("company.stage", "resembles", "growth"))


def test_compile_rule_patterns(mini_kb):
    kb = load_knowledge(mini_kb)
    spiky = compile_rule(kb.rules["base.spiky"], kb.depths["base.spiky"])
    assert spiky.pattern == {"all": [{"p": {"$and": [{"t": "profile"},
                                                     {"$gte": {"needs__usage__peak_to_average_ratio": 3}}]}}],
                             "pri": 0}
    assert spiky.profile_paths == ("needs.usage.peak_to_average_ratio",)
    pay = compile_rule(kb.rules["base.pay"], kb.depths["base.pay"])
    assert pay.pattern["pri"] == 10  # one level of chaining deeper
    assert pay.pattern["all"] == [{"c0": {"$and": [{"t": "conclusion"}, {"cid": "trait.a"}, {"subject": "company"}]}}]
    dont = compile_rule(kb.rules["base.dont"], kb.depths["base.dont"])
    assert dont.pattern["all"] == [{"n0": {"$and": [{"t": "absent"}, {"cid": "trait.a"}, {"subject": "company"}]}}]
    offer = compile_rule(kb.rules["base.offer"], kb.depths["base.offer"])
    assert offer.pattern["all"] == [{"o": {"$and": [{"t": "offer"}, {"offer__pricing_model": "freemium"}]}}]
    assert [alias for alias, _ in offer.aliases] == ["o"]


def test_sink_and_session_rules():
    sinks = sink_rules()
    assert set(sinks) == {"__sink_profile", "__sink_offer", "__sink_conclusion", "__sink_absent"}
    assert session_rule() == {"__session": {"all": [{"s": {"t": "session"}}]}}


# --- what the compiled expressions mean when durable_rules runs them --------------------

OPERATOR_RULES = [
    ("known", "company.stage: {known: true}"),
    ("unknown", "company.stage: {unknown: true}"),
    ("is", "company.stage: {is: growth}"),
    ("is_not", "company.stage: {is_not: growth}"),
    ("one_of", "company.stage: {one_of: [idea, startup]}"),
    ("not_one_of", "company.stage: {not_one_of: [idea, startup]}"),
    ("is_false", "company.can_forecast_usage_costs: {is: false}"),
    ("at_least", "needs.usage.peak_to_average_ratio: {at_least: 3}"),
    ("at_most", "needs.usage.peak_to_average_ratio: {at_most: 3}"),
    ("above", "needs.usage.peak_to_average_ratio: {above: 3}"),
    ("below", "needs.usage.peak_to_average_ratio: {below: 3}"),
    ("includes", "needs.capabilities: {includes: hd_video}"),
    ("includes_any", "needs.capabilities: {includes_any: [hd_video, recording]}"),
    ("includes_all", "needs.capabilities: {includes_all: [hd_video, recording]}"),
    ("includes_none", "needs.capabilities: {includes_none: [hd_video, recording]}"),
]


def thresholds_for(condition: str) -> list[str]:
    """A source for a condition that compares a number (the loader asks for one)."""
    found = re.match(r"([\w.]+): \{(is|at_least|at_most|above|below): -?[\d.]+\}", condition)
    return ["    thresholds:", f'      {found.group(1)}: {{definition: "an operator under test"}}'] if found else []


@pytest.fixture(scope="module")
def operator_engine(tmp_path_factory):
    directory = support.write_mini_kb(tmp_path_factory.mktemp("operators"))
    conclusions = "".join(
        f'  - {{id: trait.op_{name}, kind: trait, about: company, severity: info, title: {{en: "{name}", zh: "算子"}}}}\n'
        for name, _ in OPERATOR_RULES)
    with (directory / "conclusions.yaml").open("a", encoding="utf-8") as handle:
        handle.write(conclusions)
    rules = ["rules:"]
    for name, condition in OPERATOR_RULES:
        rules += [f"  - id: op.{name.replace('_', '-')}", "    about: company",
                  '    title: {en: "Operator", zh: "算子"}', '    because: {en: "Operator.", zh: "算子。"}',
                  "    cites: {claims: [C01], paragraphs: [P01]}", "    basis: stated", "    when:", f"      - {condition}",
                  *thresholds_for(condition), f"    then: {{conclude: trait.op_{name}}}", ""]
    (directory / "rules" / "30-operators.yaml").write_text("\n".join(rules), encoding="utf-8")
    return Engine(load_knowledge(directory))


def fired(engine: Engine, data: dict) -> set[str]:
    profile = Profile.model_validate(data)
    outcome = engine.run(input_facts(profile, derive(profile)))
    return {cid.removeprefix("trait.op_") for cid, _ in outcome.conclusions if cid.startswith("trait.op_")}


@pytest.mark.parametrize("data, expected", [
    ({}, {"unknown"}),
    ({"company": {"stage": "growth"}}, {"known", "is", "not_one_of"}),
    ({"company": {"stage": "idea"}}, {"known", "is_not", "one_of"}),
    ({"company": {"can_forecast_usage_costs": False}}, {"unknown", "is_false"}),
    ({"company": {"can_forecast_usage_costs": True}}, {"unknown"}),
    ({"needs": {"usage": {"peak_to_average_ratio": 3}}}, {"unknown", "at_least", "at_most"}),
    ({"needs": {"usage": {"peak_to_average_ratio": 2}}}, {"unknown", "at_most", "below"}),
    ({"needs": {"usage": {"peak_to_average_ratio": 3.5}}}, {"unknown", "at_least", "above"}),
    ({"needs": {"capabilities": []}}, {"unknown", "includes_none"}),
    ({"needs": {"capabilities": ["hd_video"]}}, {"unknown", "includes", "includes_any"}),
    ({"needs": {"capabilities": ["hd_video", "recording"]}}, {"unknown", "includes", "includes_any", "includes_all"}),
    ({"needs": {"capabilities": ["text_messaging"]}}, {"unknown", "includes_none"}),
])
def test_operators_at_run_time(operator_engine, data, expected):
    assert fired(operator_engine, data) == expected


def test_no_compiled_pattern_uses_array_operators_or_nests_or(advisor):
    """durable_rules builds "$iany" around "$or" from an uninitialised node (ruleset creation
    then fails at random): the compiled knowledge must never contain it."""
    import json

    text = json.dumps([c.pattern for c in advisor.engine.compiled.values()])
    assert "$iany" not in text and "$iall" not in text


def test_includes_any_is_precomputed_only_for_stated_lists(advisor):
    from expert.inference.engine import _engine_fact

    name = any_of_field("needs.capabilities", ("hd_video", "recording"))
    sets = {name: ("needs__capabilities__items", frozenset({"hd_video", "recording"}))}
    keep = frozenset({name})
    assert _engine_fact({"needs__capabilities__items": ["recording"]}, keep, sets) == {name: True}
    assert _engine_fact({"needs__capabilities__items": ["text_messaging"]}, keep, sets) == {name: False}
    assert _engine_fact({}, keep, sets) == {}  # not stated: unknown, not false
