"""unsourced.*: knowledge that does not say where it comes from.

- ``unsourced.basis`` (error): a rule without ``basis`` (stated, or inferred with reasoning).
- ``unsourced.threshold`` (error): a number a rule compares with, without a source.
- ``unsourced.rationale`` (error): a worked case without a rationale naming its claims.
"""

from __future__ import annotations

from collections.abc import Iterator

from expert.audit.lint.diagnostic import ERROR, Diagnostic, LintContext


def check(context: LintContext) -> Iterator[Diagnostic]:
    for rule in context.knowledge.rules.values():
        if not rule.basis:
            yield Diagnostic("unsourced.basis", ERROR, rule.file, rule.line,
                             "no basis: 'basis: stated' or 'basis: {inferred: <reasoning>}'", rule.id)
        for path, values in rule.compared_numbers.items():
            if path not in rule.thresholds:
                shown = ", ".join(str(v) for v in values)
                yield Diagnostic("unsourced.threshold", ERROR, rule.file, rule.line,
                                 f"{path} is compared with {shown} without a source under 'thresholds'", rule.id)
    for file in context.cases_without_rationale:
        yield Diagnostic("unsourced.rationale", ERROR, file, 1,
                         "no rationale: argue the expectations from the article and name the claims (C01..C29)")
