"""untested.*: knowledge no worked case exercises.

- ``untested.rule`` (error): a rule no worked case fires; a case whose profile fires it is missing.
- ``untested.claim`` (error): a claim no fired rule cites.
- ``untested.conclusion`` (warning): a conclusion of the catalogue no rule concludes.
"""

from __future__ import annotations

from collections.abc import Iterator

from expert.audit.lint.diagnostic import ERROR, WARNING, Diagnostic, LintContext


def check(context: LintContext) -> Iterator[Diagnostic]:
    knowledge = context.knowledge
    fired = set().union(*(r.rules_fired for r in context.results)) if context.results else set()
    for rule in knowledge.rules.values():
        if rule.id not in fired:
            yield Diagnostic("untested.rule", ERROR, rule.file, rule.line,
                             "no worked case fires this rule: add a case in knowledge/cases/ whose profile does",
                             rule.id)
    covered = {claim for rule_id in fired for claim in knowledge.rules[rule_id].claims}
    claims_file = f"{knowledge.directory}/claims.yaml"
    for claim in sorted(set(knowledge.claims) - covered):
        yield Diagnostic("untested.claim", ERROR, claims_file, 0,
                         f"{claim}: no rule that cites it fires in any worked case")
    produced = {rule.conclude for rule in knowledge.rules.values()}
    for cid, conclusion in knowledge.conclusions.items():
        if cid not in produced:
            yield Diagnostic("untested.conclusion", WARNING, conclusion.file, conclusion.line,
                             f"{cid}: no rule concludes it (remove it from conclusions.yaml, or write the rule)")
