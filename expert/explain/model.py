"""Explanations as typed data: how a conclusion was reached, why another was not, and the
smallest change of facts that would reach it.

Like ``advice/model.py`` these are pydantic models with stable JSON field names, for chat
bots and agents; ``explain/render.py`` turns them into text or Markdown, and decides nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Field

from expert.advice.model import OutputModel, Text

Status = Literal["held", "failed", "unknown"]


class RuleRef(OutputModel):
    """A rule as an auditor finds it: id, title, reason, citations, where it is written."""

    rule: str
    title: Text
    because: Text
    claims: list[str]
    paragraphs: list[str]
    file: str
    line: int


# --- how ---------------------------------------------------------------------------------

class InputPremise(OutputModel):
    """A fact the user gave (or left unstated: value null), as the rule read it."""

    kind: Literal["input"] = "input"
    fact: str  # fact id: "needs.pain_points", "offers[Cloud IM].pricing_model"
    value: Any


class DerivedPremise(OutputModel):
    """A value computed from several input facts, with the inputs it rests on."""

    kind: Literal["derived"] = "derived"
    fact: str
    value: Any
    formula: Optional[Text] = None
    inputs: dict[str, Any]  # input fact id -> the value given (null: not stated)


class AbsencePremise(OutputModel):
    """A conclusion the rule needed *not* to be reached, and that was not."""

    kind: Literal["absent"] = "absent"
    conclusion: str
    subject: str
    title: Text


class ConclusionPremise(OutputModel):
    kind: Literal["conclusion"] = "conclusion"
    proof: ProofNode


Premise = Annotated[Union[InputPremise, DerivedPremise, AbsencePremise, ConclusionPremise], Field(discriminator="kind")]


class ProofStep(OutputModel):
    """One rule firing: the rule and everything it matched."""

    rule: RuleRef
    premises: list[Premise]


class ProofNode(OutputModel):
    """A conclusion and the rule firings that asserted it, each expanded down to inputs."""

    conclusion: str
    subject: str
    title: Text
    steps: list[ProofStep]


ConclusionPremise.model_rebuild()


# --- why not -----------------------------------------------------------------------------

class TestReport(OutputModel):
    fact: str  # fact id read by the test
    operator: str
    expected: Any
    actual: Any  # null: not stated (or, for a computed value, not computable)
    status: Status
    missing: list[str] = []  # for a computed value not computable: the unstated facts it needs
    set_name: Optional[str] = None  # the named set (knowledge/sets.yaml) the expected list was written as


class ConditionReport(OutputModel):
    """One condition of a rule that could conclude the conclusion asked about."""

    status: Status
    tests: list[TestReport] = []  # a field condition: every test must hold
    alternatives: list[ConditionReport] = []  # an any_of group: one alternative must hold
    conclusion: Optional[str] = None  # a condition on another conclusion...
    title: Optional[Text] = None
    negated: bool = False  # ...that must (not) be reached
    subject: Optional[str] = None
    why_not: Optional[WhyNotNode] = None  # ...expanded when it was not reached
    proof: Optional[ProofNode] = None  # ...or its proof, when it was reached but must not be


class RuleReport(OutputModel):
    rule: RuleRef
    subject: str
    status: Status
    conditions: list[ConditionReport]


class WhyNotNode(OutputModel):
    conclusion: str
    subject: Optional[str]  # null: any subject
    title: Text
    rules: list[RuleReport]


class FactChange(OutputModel):
    fact: str
    before: Any
    after: Any


class SmallestChange(OutputModel):
    """The fewest input facts to change so that the conclusion is reached (engine-checked)."""

    found: bool
    changes: list[FactChange] = []
    statement: Text
    candidates_tried: int = 0


class Explanation(OutputModel):
    conclusion: str
    subject: Optional[str]
    title: Text
    reached: bool
    proofs: list[ProofNode] = []  # how: one per subject it was reached for
    why_not: Optional[WhyNotNode] = None
    smallest_change: Optional[SmallestChange] = None
    verdict: str  # the verdict of the profile explained


ConditionReport.model_rebuild()
