"""Stratification: negation levels, chaining depths, and refusal of cycles."""

from __future__ import annotations

import pytest

from expert.rulebase.loader import load_knowledge
from expert.rulebase.rulebook import Bilingual, ConclusionCondition, FactCondition, FactTest, Rule
from expert.rulebase.strata import StratificationError, stratify

TEXT = Bilingual("x", "文")


def rule(rule_id: str, concludes: str, *, needs: tuple = (), lacks: tuple = (), line: int = 1) -> Rule:
    conditions: list = [FactCondition(tests=(FactTest("company.stage", "known", True),))]
    conditions += [ConclusionCondition(c, "company", False) for c in needs]
    conditions += [ConclusionCondition(c, "company", True) for c in lacks]
    return Rule(rule_id, "company", TEXT, TEXT, ("C01",), ("P01",), tuple(conditions), concludes, None,
                file="rules.yaml", line=line)


def rules(*items: Rule) -> dict[str, Rule]:
    return {r.id: r for r in items}


def test_independent_rules_are_level_zero():
    levels, conclusion_levels, depths = stratify(rules(rule("a.one", "x"), rule("a.two", "y")))
    assert levels == {"a.one": 0, "a.two": 0}
    assert depths == {"a.one": 0, "a.two": 0}
    assert conclusion_levels == {"x": 0, "y": 0}


def test_chaining_raises_depth_not_level():
    levels, _, depths = stratify(rules(rule("a.one", "x"), rule("a.two", "y", needs=("x",)),
                                       rule("a.three", "z", needs=("y",))))
    assert levels == {"a.one": 0, "a.two": 0, "a.three": 0}
    assert depths == {"a.one": 0, "a.two": 1, "a.three": 2}


def test_negation_raises_level():
    kb = rules(rule("a.one", "x"), rule("a.two", "y", lacks=("x",)), rule("a.three", "z", needs=("y",)),
               rule("a.four", "w", lacks=("y",)))
    levels, conclusion_levels, depths = stratify(kb)
    assert levels == {"a.one": 0, "a.two": 1, "a.three": 1, "a.four": 2}
    assert conclusion_levels == {"x": 0, "y": 1, "z": 1, "w": 2}
    assert depths["a.four"] == 2


def test_conclusion_level_is_the_highest_producer():
    kb = rules(rule("a.one", "x"), rule("a.two", "y", lacks=("x",)), rule("a.three", "y"))
    _, conclusion_levels, _ = stratify(kb)
    assert conclusion_levels["y"] == 1


def test_consuming_an_unproduced_conclusion_is_level_zero():
    levels, _, _ = stratify(rules(rule("a.one", "x", lacks=("nobody",))))
    assert levels == {"a.one": 0}


def test_cycle_raises_with_file_line_and_path():
    kb = rules(rule("a.one", "x", needs=("y",), line=3), rule("a.two", "y", needs=("x",), line=9))
    with pytest.raises(StratificationError) as info:
        stratify(kb)
    message = str(info.value)
    assert message.startswith("rules.yaml:3: rule a.one: depends on itself")
    assert "a.one -> a.two -> a.one" in message


def test_self_loop_and_negative_cycle_raise():
    with pytest.raises(StratificationError, match="a.self"):
        stratify(rules(rule("a.self", "x", needs=("x",))))
    with pytest.raises(StratificationError, match="depends on itself"):
        stratify(rules(rule("a.one", "x", lacks=("y",)), rule("a.two", "y", lacks=("x",))))


def test_bundled_knowledge_levels(knowledge):
    assert set(knowledge.levels) == set(knowledge.rules)
    # a rule that tests "not concluded X" sits above every rule that can conclude X
    for rule_id, item in knowledge.rules.items():
        for condition in item.conclusion_conditions:
            for producer in (r for r in knowledge.rules.values() if r.conclude == condition.id):
                gap = 1 if condition.negated else 0
                assert knowledge.levels[rule_id] >= knowledge.levels[producer.id] + gap
                assert knowledge.depths[rule_id] > knowledge.depths[producer.id]


def test_loader_stratifies(mini_kb):
    kb = load_knowledge(mini_kb)
    assert kb.levels == {"base.spiky": 0, "base.pay": 0, "base.dont": 1, "base.offer": 0}
    assert kb.conclusion_levels["verdict.dont_pay"] == 1
