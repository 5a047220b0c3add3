

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
    import pytest as _pytest

    from expert.rulebase.loader import KnowledgeError, load_knowledge

    rules = kb_copy / "rules" / "10-needs.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("{set: beyond_basic_capabilities}", "{set: no_such_set}", 1), encoding="utf-8")
    with _pytest.raises(KnowledgeError, match=r"10-needs.yaml:\d+: rule needs.beyond-basic: .*no_such_set"):
        load_knowledge(kb_copy)
    rules.write_text(text.replace("{set: beyond_basic_capabilities}", "{set: upgrade_signal_pains}", 1), encoding="utf-8")
    with _pytest.raises(KnowledgeError, match="'video_quality' is not one of"):
        load_knowledge(kb_copy)
