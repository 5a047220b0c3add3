"""The knowledge base as typed data: claims, conclusion catalogue, rules and conditions.

These are the parsed, validated forms of the files in ``knowledge/``.  They hold no
behaviour beyond small conveniences; loading and checking live in ``loader.py``,
compiling to durable_rules in ``compiler.py``.
"""

from __future__ import annotations

import re
from typing import Optional, Union

from expert.facts.records import field, record

SEVERITIES = ("info", "low", "medium", "high")
# A value shown inside a because-text: "{name}", filled from the rule's `then.with`.
# "{name}" shows a value; "{name:noun}" shows it with the English noun agreeing with it
# ("{count:capability}" -> "1 capability", "3 capabilities").
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z][A-Za-z -]*))?\}")
KINDS = ("verdict", "fit", "unfit", "warning", "action", "figure", "finding", "trait")
ABOUT_COMPANY, ABOUT_OFFER, ABOUT_ANY, ABOUT_EITHER = "company", "offer", "any", "either"

FACT_OPERATORS = {
    "bool": ("is", "known", "unknown"),
    "enum": ("is", "is_not", "one_of", "not_one_of", "known", "unknown"),
    "number": ("is", "at_least", "at_most", "above", "below", "known", "unknown"),
    "list": ("includes", "includes_any", "includes_all", "includes_none", "known", "unknown"),
    "text": ("known", "unknown"),
    "section": ("known", "unknown"),
}


@record
class Bilingual:
    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@record
class Claim:
    id: str
    paragraphs: tuple[str, ...]
    summary: Bilingual


@record
class ConclusionType:
    """An entry of the conclusion catalogue: every id a rule may conclude."""

    id: str
    kind: str
    about: str  # company | offer | either
    severity: str
    title: Bilingual
    shows: Optional[str] = None  # for figures: the derived field displayed
    file: str = ""
    line: int = 0


@record
class FactTest:
    """One operator applied to one field, e.g. ``needs.usage.mau at_least 50000``.

    ``set_name`` names the named set (``knowledge/sets.yaml``) a list operator was written
    with; ``value`` holds its members, so what the engine tests is what the set says.
    """

    path: str
    operator: str
    value: object = None
    set_name: Optional[str] = field(default=None, compare=False)


@record
class NamedSet:
    """A list of values defined once in ``knowledge/sets.yaml`` and used by name in rules,
    so no list is kept in sync by hand (e.g. the basic capabilities and the rest)."""

    id: str
    of: str  # the vocabulary's name for the values' kind: capability | pain_point
    title: Bilingual
    members: tuple[str, ...]
    definition: Bilingual  # how the members were chosen, with the paragraphs it rests on
    all_except: Optional[str] = None  # members are every value of `of` but those of this set
    file: str = ""
    line: int = 0


@record
class FactCondition:
    """All tests hold (``tests``), or, for an ``any_of`` group, at least one alternative."""

    tests: tuple[FactTest, ...] = ()
    alternatives: tuple[FactCondition, ...] = ()
    line: int = 0

    @property
    def all_tests(self) -> tuple[FactTest, ...]:
        """Its tests and those of its alternatives, nested ones included."""
        return self.tests + tuple(t for alt in self.alternatives for t in alt.all_tests)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(t.path for t in self.all_tests)

    @property
    def fact(self) -> str:
        paths = self.paths
        return "offer" if paths and paths[0].startswith("offer.") else "profile"


@record
class ConclusionCondition:
    id: str
    about: str  # company | offer (this rule's offer) | any
    negated: bool = False
    line: int = 0


Condition = Union[FactCondition, ConclusionCondition]


@record
class ParamRef:
    path: str


BASES = ("stated", "inferred")
NUMERIC_OPERATORS = ("is", "at_least", "at_most", "above", "below")
SOURCE_KINDS = ("paragraph", "market", "judgement", "definition")


@record
class ThresholdSource:
    """Where a rule's numeric threshold comes from.

    ``paragraph``: the article says the number (ref = Pnn); ``market``: a figure of
    ``sources.yaml`` (ref = Mnn), copied from the market facts; ``judgement``: our call,
    with the reason in ``note``; ``definition``: the number follows from what the test
    means (at least one = any), with ``note`` saying so.
    """

    kind: str
    ref: str = ""
    note: str = ""


@record
class MarketFact:
    id: str
    text: str  # the figure as the market facts state it
    section: str  # where in market-facts.md


@record
class Exclusion:
    """Two conclusions that must never be reached together (on one subject, or at all)."""

    ids: tuple[str, str]
    scope: str  # same_subject | anywhere
    because: Bilingual
    file: str = ""
    line: int = 0


@record
class Rule:
    id: str
    about: str  # company | offer
    title: Bilingual
    because: Bilingual
    claims: tuple[str, ...]
    paragraphs: tuple[str, ...]
    conditions: tuple[Condition, ...]
    conclude: str
    severity: Optional[str]
    params: dict = field(default_factory=dict)
    priority: int = 0
    file: str = ""
    line: int = 0
    source: str = ""  # the rule as written, for `expert rules show`
    basis: str = ""  # stated | inferred ("" only while a knowledge base predates bases)
    reasoning: str = ""  # for an inferred rule: the line of reasoning from its claims
    thresholds: dict = field(default_factory=dict)  # fact path -> ThresholdSource

    @property
    def fact_conditions(self) -> tuple[FactCondition, ...]:
        return tuple(c for c in self.conditions if isinstance(c, FactCondition))

    @property
    def conclusion_conditions(self) -> tuple[ConclusionCondition, ...]:
        return tuple(c for c in self.conditions if isinstance(c, ConclusionCondition))

    @property
    def compared_numbers(self) -> dict[str, list]:
        """The fields this rule compares with a number, and the numbers: its thresholds."""
        return compared_numbers(self.conditions)


def thresholds_by_field(*bases: KnowledgeBase) -> dict[str, set]:
    """Every number the rules of ``bases`` compare each field with: their thresholds."""
    found: dict[str, set] = {}
    for knowledge in bases:
        for rule in knowledge.rules.values():
            for path, values in rule.compared_numbers.items():
                found.setdefault(path, set()).update(values)
    return found


def compared_numbers(conditions: tuple) -> dict[str, list]:
    """The fields some condition compares with a number, and the numbers."""
    found: dict[str, list] = {}
    for condition in conditions:
        for test in getattr(condition, "all_tests", ()):
            if test.operator in NUMERIC_OPERATORS and isinstance(test.value, (int, float)) \
                    and not isinstance(test.value, bool):
                found.setdefault(test.path, []).append(test.value)
    return found


@record(frozen=False)
class KnowledgeBase:
    claims: dict[str, Claim]
    conclusions: dict[str, ConclusionType]
    rules: dict[str, Rule]
    directory: str
    levels: dict[str, int] = field(default_factory=dict)  # rule id -> negation stratum
    conclusion_levels: dict[str, int] = field(default_factory=dict)
    depths: dict[str, int] = field(default_factory=dict)  # rule id -> longest chain below it
    labels: dict[str, Bilingual] = field(default_factory=dict)  # enum value -> how it reads in text
    market_facts: dict[str, MarketFact] = field(default_factory=dict)
    exclusions: tuple[Exclusion, ...] = ()
    sets: dict[str, NamedSet] = field(default_factory=dict)
    formulas: dict[str, Bilingual] = field(default_factory=dict)  # derived field -> how it is computed
    fingerprint: str = ""
    # the rules compiled to engine patterns (rule id -> CompiledRule), kept from the loader's
    # engine-limit check so the engine does not compile them a second time; {} until then
    compiled: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # the engine field names the compiled rules read (compiler.referenced_fields), kept from
    # the same check for the same reason; empty until then
    engine_fields: frozenset = field(default=frozenset(), init=False, repr=False, compare=False)
    # the rules split into durable_rules rulesets (lists of rule ids) when one ruleset cannot
    # hold them all (``rulesets.py``); [] means one ruleset
    ruleset_groups: list = field(default_factory=list, init=False, repr=False, compare=False)


def condition_key(condition: Condition) -> tuple:
    """A condition as comparable data (no line numbers): two rules with the same keys test the same."""
    if isinstance(condition, ConclusionCondition):
        return ("conclusion", condition.id, condition.about, condition.negated)
    tests = tuple(sorted((t.path, t.operator, repr(t.value)) for t in condition.tests))
    alternatives = tuple(sorted(condition_key(a) for a in condition.alternatives))
    return ("fact", tests, alternatives)
