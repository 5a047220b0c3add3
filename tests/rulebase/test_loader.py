"""The loader on the knowledge files of issue 9: named sets and formulas."""

from __future__ import annotations

import pytest


def test_the_shipped_knowledge_has_a_formula_for_every_derived_field_and_its_named_sets():
    from expert.facts.fields import field_catalogue
    from expert.rulebase.loader import load_knowledge

    knowledge = load_knowledge()
    derived = {path for path, spec in field_catalogue().items() if spec.derived}
    assert set(knowledge.formulas) == derived
    assert all(f.en and f.zh for f in knowledge.formulas.values())
    basic, beyond = knowledge.sets["basic_capabilities"], knowledge.sets["beyond_basic_capabilities"]
    assert set(basic.members) | set(beyond.members) == set(field_catalogue()["needs.capabilities"].choices)
    assert not set(basic.members) & set(beyond.members)


def test_named_sets_are_checked_where_used(kb_copy):
    from expert.rulebase.loader import KnowledgeError, load_knowledge

    rules = kb_copy / "rules" / "10-needs.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("{set: beyond_basic_capabilities}", "{set: no_such_set}", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"10-needs.yaml:\d+: rule needs.beyond-basic: .*no_such_set"):
        load_knowledge(kb_copy)
    rules.write_text(text.replace("{set: beyond_basic_capabilities}", "{set: upgrade_signal_pains}", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'video_quality' is not one of"):
        load_knowledge(kb_copy)


@pytest.mark.parametrize("bad", ["of: [capability]", "all_except: [basic_capabilities]"])
def test_a_set_given_a_list_where_a_name_belongs_is_refused_in_words(kb_copy, bad):
    from expert.rulebase.loader import KnowledgeError, load_knowledge

    sets = kb_copy / "sets.yaml"
    text = sets.read_text(encoding="utf-8")
    key = bad.split(":")[0]
    target = "    of: capability\n" if key == "of" else "    all_except: basic_capabilities\n"
    sets.write_text(text.replace(target, f"    {bad}\n", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="sets.yaml:.*single names, not lists"):
        load_knowledge(kb_copy)
