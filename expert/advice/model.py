"""The output of a consultation, as typed data with stable field names.

Chat bots and agents key on these names and on conclusion ids; renderers (``render.py``)
only read them.  Every conclusion carries both languages, the rules that concluded it and
their citations, so any sentence can be traced back to the article.
"""

# No ``from __future__ import annotations``: pydantic would compile and evaluate each field's
# annotation string again at every start.
from collections.abc import Callable
from typing import Any, Literal, Optional, TypeVar

from pydantic import BaseModel, ConfigDict

Severity = Literal["info", "low", "medium", "high"]
SCHEMA_VERSION = "1"


class OutputModel(BaseModel):
    """Every output model is frozen: results are values, shared and cached safely."""

    # defer_build: a model's validator is built on its first use, and a model only ever
    # validated inside Advice is never built on its own (a one-shot command saves ~4 ms)
    model_config = ConfigDict(frozen=True, defer_build=True)


Model = TypeVar("Model", bound=OutputModel)
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__  # the instance dict BaseModel's slots declare
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__  # the slots pydantic fills
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def built(cls: type[Model], values: dict) -> Model:
    """An output model made from values the assembler built itself, without validating them.

    What pydantic's validation leaves in an instance, for input holding every field: the
    values as ``__dict__`` (so ``values`` must give every field, in declaration order,
    already of the field's type: a float as a float, a nested model as an instance), every
    field marked set, no extra, no private attributes.  It costs about half as much as
    validating the same dict in pydantic-core, and an Advice holds about a hundred models.
    Every built model of a class shares one fields set (see ``builder``).
    ``tests/advice/test_built_models.py`` checks that every Advice built this way equals,
    byte for byte and type for type, the same Advice validated; ``tests/explain/test_whynot.py``
    does the same for the why-not reports (``explain/whynot.py``).
    """
    build = _BUILDERS.get(cls)
    if build is None:
        build = builder(cls)
    return build(values)


def builder(cls: type[Model]) -> Callable[[dict], Model]:
    """``built`` for one class, as a function of the values alone: the class, its fields set
    and the slot setters are bound once, as locals (the assembler makes some 170 models for
    a large Advice, and per model these lookups were a fair part of the cost)."""
    build = _BUILDERS.get(cls)
    if build is not None:
        return build
    # the fields set every model it builds shares (every field is given): safe because every
    # output model is frozen, pydantic changes a fields set only on assignment (refused here),
    # and ``model_copy`` copies it first
    names = set(cls.model_fields)

    def build(values: dict, cls: type = cls, names: set = names, new: Callable = _new, set_dict: Callable = _set_dict,
              set_fields_set: Callable = _set_fields_set, set_extra: Callable = _set_extra,
              set_private: Callable = _set_private) -> Model:  # defaults: locals, the fastest names
        model = new(cls)
        set_dict(model, values)
        set_fields_set(model, names)
        set_extra(model, None)
        set_private(model, None)
        return model

    _BUILDERS[cls] = build
    return build


_BUILDERS: dict[type, Callable] = {}


class Text(OutputModel):
    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class RuleSupport(OutputModel):
    """One rule that concluded a conclusion, with its reason and citation."""

    rule: str
    because: Text
    claims: list[str]
    paragraphs: list[str]
    file: str
    line: int


class Conclusion(OutputModel):
    id: str
    kind: str
    subject: str  # "company" or the name of an offer
    severity: Severity
    text: Text
    params: dict[str, Any]
    rules: list[RuleSupport]

    @property
    def claims(self) -> list[str]:
        return sorted({c for r in self.rules for c in r.claims})

    @property
    def paragraphs(self) -> list[str]:
        return sorted({p for r in self.rules for p in r.paragraphs})


class ConclusionRef(OutputModel):
    id: str
    subject: str  # "company", an offer's name, or (in a question's why) "*" for an offer not named yet
    title: Text


class Choice(OutputModel):
    value: Any
    label: Text


class AnswerSpec(OutputModel):
    """What counts as an answer; anything else is refused with the reason."""

    kind: Literal["choice", "choices", "boolean", "number", "names", "estimate", "availability"]
    choices: list[Choice] = []
    unit: Optional[Text] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    dont_know: bool = True  # "unknown" / "不知道" is always accepted


class Question(OutputModel):
    id: str  # the fact id the answer fills: "needs.usage.mau", "offers[Cloud IM].vendor.listed"
    fact: str  # the same with the offer left open: "needs.usage.mau", "offers[*].vendor.listed"
    subject: str  # whom it asks about: the offer's name, or "company"
    text: Text
    hint: Optional[Text] = None
    answer: AnswerSpec
    why: list[ConclusionRef]  # the conclusions whose rules wait on this fact
    score: float  # how much it can change: verdict rules weigh most


class Verdict(Conclusion):
    missing: list[str] = []  # for verdict.need_more_info: the facts that would decide it
    questions: list[Question] = []  # for verdict.need_more_info: what to ask, most valuable first
    missing_labels: dict[str, Text] = {}  # how each missing fact reads, where labels.yaml says


class Figure(Conclusion):
    value: float
    unit: str
    formula: Text
    inputs: dict[str, Any]
    unit_label: Optional[Text] = None  # how the unit reads ("USD a month", "美元/月")
    input_labels: dict[str, Text] = {}  # how each input's name reads, in both languages


class MatchedFact(OutputModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    kind: str  # profile | offer | conclusion | absent
    ref: str
    values: dict[str, Any]


class Firing(OutputModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    order: int
    rule: str
    subject: str
    concluded: str
    new: bool
    matched: list[MatchedFact]


class Advice(OutputModel):
    schema_version: str = SCHEMA_VERSION
    lang: Literal["en", "zh"] = "en"  # the language asked for; every text holds both
    knowledge: str  # fingerprint of the knowledge base that produced this advice
    company: str
    verdict: Verdict
    fits: list[Conclusion]
    unfits: list[Conclusion]
    warnings: list[Conclusion]
    actions: list[Conclusion]
    figures: list[Figure]
    findings: list[Conclusion]
    traits: list[Conclusion]
    trace: list[Firing]

    def all_conclusions(self) -> list[Conclusion]:
        return [self.verdict, *self.fits, *self.unfits, *self.warnings, *self.actions,
                *self.figures, *self.findings, *self.traits]

    def conclusion_ids(self) -> set[str]:
        return {c.id for c in self.all_conclusions()}

    def find(self, conclusion_id: str, subject: Optional[str] = None) -> list[Conclusion]:
        return [c for c in self.all_conclusions() if c.id == conclusion_id and (subject is None or c.subject == subject)]
