"""The bundled knowledge base loads, is fully cited, and every conclusion can be reached."""

from __future__ import annotations

from pathlib import Path

import support

from expert.rulebase.loader import load_knowledge


def test_bundled_knowledge_loads(knowledge):
    assert knowledge.rules and knowledge.conclusions
    assert len(knowledge.claims) == 29
    assert Path(knowledge.directory).resolve() == support.KNOWLEDGE.resolve()
    assert len(knowledge.fingerprint) == 12


def test_fingerprint_follows_the_content(kb_copy):
    before = load_knowledge(kb_copy).fingerprint
    assert load_knowledge(kb_copy).fingerprint == before  # same content, same print
    path = kb_copy / "claims.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert load_knowledge(kb_copy).fingerprint != before


def test_every_claim_is_cited_by_some_rule(knowledge):
    cited = {claim for rule in knowledge.rules.values() for claim in rule.claims}
    assert cited == set(knowledge.claims)


def test_every_rule_is_cited_and_located(knowledge):
    for rule in knowledge.rules.values():
        assert rule.claims and rule.paragraphs
        assert Path(rule.file).parent.name == "rules" and rule.line > 0
        assert rule.source.lstrip().startswith(f"- id: {rule.id}")
        assert rule.title.en and support.CJK.search(rule.title.zh)


def test_every_verdict_has_a_rule(knowledge):
    produced = {rule.conclude for rule in knowledge.rules.values()}
    verdicts = {cid for cid, c in knowledge.conclusions.items() if c.kind == "verdict"}
    assert verdicts == {"verdict.pay", "verdict.dont_pay", "verdict.need_more_info"}
    assert verdicts <= produced


def test_every_figure_shows_a_derived_field(knowledge):
    for conclusion in knowledge.conclusions.values():
        if conclusion.kind == "figure":
            assert conclusion.shows and ".derived." in conclusion.shows


def test_rule_files_line_numbers_point_at_the_rule():
    for rule in load_knowledge().rules.values():  # loaded afresh: the files as they are now
        lines = Path(rule.file).read_text(encoding="utf-8").splitlines()
        assert f"id: {rule.id}" in lines[rule.line - 1]
