"""Load and validate the knowledge base from ``knowledge/``.

The loader refuses to return a knowledge base with any error in it.  Every message names
the file, the line and (where there is one) the rule, so an auditor can go straight to
the spot.  Checks: unknown keys, unknown fields, operators that do not fit a field's
type, values outside a field's domain, unknown or never-produced conclusions, missing or
unknown citations (and paragraphs that the cited claims do not rest on), duplicate ids,
rules that depend on themselves, and texts missing a language.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path
from typing import Optional

import yaml

from expert.facts.bundled import CHECKOUT_KNOWLEDGE_DIR, DEFAULT_KNOWLEDGE_DIR, PACKAGED_KNOWLEDGE_DIR  # noqa: F401 (re-exported)
from expert.facts.fields import FieldSpec, field_catalogue
from expert.facts.safe_files import UnsafeFileError, read_regular_file
from expert.facts.shown import one_line, shown
from expert.facts.vocabulary import Capability, PainPoint
from expert.facts.yamlsource import line_of
from expert.rulebase.compiler import compile_knowledge, referenced_fields
from expert.rulebase.engine_numbers import NUMBER_DECIMALS, NUMBER_LIMIT
from expert.rulebase.errors import KnowledgeError
from expert.rulebase.parse_cache import load_yaml_loaded
from expert.rulebase.rulebook import (
    ABOUT_ANY,
    ABOUT_COMPANY,
    ABOUT_EITHER,
    ABOUT_OFFER,
    BASES,
    FACT_OPERATORS,
    KINDS,
    PLACEHOLDER,
    SEVERITIES,
    Bilingual,
    Claim,
    ConclusionCondition,
    ConclusionType,
    Exclusion,
    FactCondition,
    FactTest,
    KnowledgeBase,
    MarketFact,
    NamedSet,
    ParamRef,
    Rule,
    ThresholdSource,
    compared_numbers,
)
from expert.rulebase.rulesets import ruleset_groups
from expert.rulebase.snapshot import MAX_KEYED_BYTES, read_snapshot, snapshot_key, write_snapshot
from expert.rulebase.strata import StratificationError, stratify

_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_-]*)+$")
_RULE_KEYS = {"id", "about", "title", "because", "cites", "basis", "thresholds", "when", "then", "priority"}
_MARKET_ID = re.compile(r"^M\d{2}$")
_PARAGRAPH_ID = re.compile(r"^P\d{2}$")

_THEN_KEYS = {"conclude", "severity", "with"}
_SET_KEYS = {"id", "of", "title", "definition", "members", "all_except"}
# What a named set may hold: the vocabulary's own domains, so a new capability is in every
# set defined by exclusion (beyond basic = every capability but the basic ones) at once.
SET_DOMAINS = {"capability": tuple(c.value for c in Capability), "pain_point": tuple(p.value for p in PainPoint)}


class Problems:
    """Problems found while reading knowledge files, each naming file, line and (where known) rule."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, file: str, line: int, rule: Optional[str], message: str) -> None:
        where = f"{file}:{line}" if line else file
        self.items.append(f"{where}: rule {rule}: {message}" if rule else f"{where}: {message}")


MAX_KNOWLEDGE_FILE_BYTES = 8_000_000  # the bundled rule files are 10-40 KB; 10,000 generated rules fit in 8 MB
MAX_KNOWLEDGE_BYTES = MAX_KEYED_BYTES  # all files of one knowledge directory together (snapshot.py keys as much)


class Fingerprint:
    """What one load read: a digest of every knowledge file's text and of the tree loaded from it
    (which an edited parse-cache entry changes), and the bytes the load may still read."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.left = MAX_KNOWLEDGE_BYTES

    def update(self, loaded: bytes) -> None:
        self.digest.update(loaded)

    def spend(self, size: int) -> None:
        self.left -= size

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def read_knowledge_file(path: Path, problems: Problems, digest) -> tuple[str, object]:
    """Read a knowledge file once: its text (added to the fingerprint) and its parsed data.

    Regular files only, at most MAX_KNOWLEDGE_FILE_BYTES each and MAX_KNOWLEDGE_BYTES per
    load (a FIFO would block forever, /dev/zero never ends); no aliases, no absurd numbers
    or nesting (see ``yamlsource.load_yaml_text``): the same checks with or without the cache.
    """
    left = getattr(digest, "left", MAX_KNOWLEDGE_BYTES)
    try:
        raw = read_regular_file(path, min(MAX_KNOWLEDGE_FILE_BYTES, max(left, 0)))
        text = raw.decode("utf-8")
    except UnsafeFileError as error:
        problems.add(str(path), 0, None, f"cannot read: {error} (knowledge files: regular files, at most "
                                         f"{MAX_KNOWLEDGE_FILE_BYTES:,} bytes each, {MAX_KNOWLEDGE_BYTES:,} in all)")
        return "", None
    except (OSError, UnicodeDecodeError) as error:
        problems.add(str(path), 0, None, f"cannot read: {one_line(str(error))}")
        return "", None
    if isinstance(digest, Fingerprint):
        digest.spend(len(raw))
    digest.update(raw)  # the text (rules are shown to auditors as written, comments included)
    try:
        data, loaded = load_yaml_loaded(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.add(str(path), mark.line + 1 if mark else 0, None, f"not valid YAML: {one_line(str(error))}")
        return text, None
    digest.update(loaded)  # and the tree actually loaded, from the cache or parsed
    return text, data


def _texts(value: object) -> bool:
    """A non-empty list of strings (ids such as C01 or P03)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def read_bilingual(node: object, what: str, file: str, line: int, rule: Optional[str], problems: Problems) -> Bilingual:
    """An {en, zh} text: both present, non-empty, and the Chinese one Chinese; else a problem."""
    if not isinstance(node, dict) or set(node) != {"en", "zh"}:
        problems.add(file, line_of(node) or line, rule, f"{what} must have exactly the keys 'en' and 'zh'")
        return Bilingual("", "")
    en, zh = node["en"], node["zh"]
    if not isinstance(en, str) or not en.strip() or not isinstance(zh, str) or not zh.strip():
        problems.add(file, line_of(node), rule, f"{what}: both 'en' and 'zh' must be non-empty text")
    elif not any("\u4e00" <= ch <= "\u9fff" for ch in zh):  # a CJK ideograph (no regex: it costs ms to compile)
        problems.add(file, line_of(node), rule, f"{what}.zh must be Chinese text")
    return Bilingual(str(en), str(zh))


def _load_claims(directory: Path, problems: Problems, digest) -> tuple[dict[str, Claim], set[str]]:
    path = directory / "claims.yaml"
    _, data = read_knowledge_file(path, problems, digest)
    file = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        problems.add(file, 0, None, "must hold 'article: {paragraphs: N}' and a list 'claims'")
        return {}, set()
    article = data.get("article")
    count = article.get("paragraphs") if isinstance(article, dict) else None
    if not isinstance(count, int) or count < 1:
        problems.add(file, line_of(data), None, "article.paragraphs must be a positive whole number")
        count = 0
    paragraph_ids = {f"P{n:02d}" for n in range(1, count + 1)}
    claims: dict[str, Claim] = {}
    for node in data["claims"]:
        line = line_of(node)
        if not isinstance(node, dict) or set(node) != {"id", "paragraphs", "summary"} \
                or not isinstance(node["id"], str) or not _texts(node["paragraphs"]):
            problems.add(file, line, None, "each claim needs exactly: id (text), paragraphs (a list of Pnn), summary")
            continue
        cid = node["id"]
        if cid in claims:
            problems.add(file, line, None, f"duplicate claim id {cid}")
        bad = [p for p in node["paragraphs"] if p not in paragraph_ids]
        if bad:
            problems.add(file, line, None, f"claim {cid}: unknown paragraphs {bad}")
        summary = read_bilingual(node["summary"], "summary", file, line, None, problems)
        claims[cid] = Claim(cid, tuple(node["paragraphs"]), summary)
    return claims, paragraph_ids


def _load_conclusions(directory: Path, catalogue: dict[str, FieldSpec], problems: Problems,
                      digest) -> dict[str, ConclusionType]:
    path = directory / "conclusions.yaml"
    file = str(path)
    _, data = read_knowledge_file(path, problems, digest)
    if not isinstance(data, dict) or not isinstance(data.get("conclusions"), list):
        problems.add(file, 0, None, "must hold a list 'conclusions'")
        return {}
    result: dict[str, ConclusionType] = {}
    allowed = {"id", "kind", "about", "severity", "title", "shows"}
    for node in data["conclusions"]:
        line = line_of(node)
        if not isinstance(node, dict) or not {"id", "kind", "about", "severity", "title"} <= set(node) <= allowed:
            got = sorted(node) if isinstance(node, dict) else node
            problems.add(file, line, None,
                         f"a conclusion needs id, kind, about, severity, title (figures: shows); got {shown(got)}")
            continue
        if not all(isinstance(node[k], str) for k in ("id", "kind", "about", "severity")) \
                or not isinstance(node.get("shows", ""), str):
            problems.add(file, line, None, "a conclusion's id, kind, about, severity and shows are text")
            continue
        cid = node["id"]
        if cid in result:
            problems.add(file, line, None, f"duplicate conclusion id {cid}")
        if node["kind"] not in KINDS:
            problems.add(file, line, None, f"conclusion {cid}: kind must be one of {list(KINDS)}")
        if node["about"] not in (ABOUT_COMPANY, ABOUT_OFFER, ABOUT_EITHER):
            problems.add(file, line, None, f"conclusion {cid}: about must be company, offer or either")
        if node["severity"] not in SEVERITIES:
            problems.add(file, line, None, f"conclusion {cid}: severity must be one of {list(SEVERITIES)}")
        shows = node.get("shows")
        if node["kind"] == "figure" and (shows not in catalogue or not catalogue[shows].derived):
            problems.add(file, line, None, f"conclusion {cid}: a figure must name a derived field in 'shows'")
        result[cid] = ConclusionType(
            cid, node["kind"], node["about"], node["severity"],
            read_bilingual(node["title"], "title", file, line, None, problems), shows, file, line,
        )
    return result


class _RuleParser:
    """Parses one rule node, reporting every problem against file, rule and line."""

    def __init__(self, file: str, catalogue: dict[str, FieldSpec], conclusions: dict[str, ConclusionType],
                 claims: dict[str, Claim], paragraphs: set[str], problems: Problems,
                 market_facts: Optional[dict[str, MarketFact]] = None, require_bases: bool = True,
                 sets: Optional[dict[str, NamedSet]] = None) -> None:
        self.file, self.catalogue, self.conclusions = file, catalogue, conclusions
        self.sets = sets or {}
        self.market_facts = market_facts or {}
        self.require_bases = require_bases
        self.claims, self.paragraphs, self.problems = claims, paragraphs, problems
        self.rule_id: Optional[str] = None

    def error(self, line: int, message: str) -> None:
        self.problems.add(self.file, line, self.rule_id, message)

    def parse(self, node: object, source: str) -> Optional[Rule]:
        line = line_of(node)
        if not isinstance(node, dict):
            self.problems.add(self.file, line, None, "each rule must be a mapping")
            return None
        self.rule_id = node.get("id") if isinstance(node.get("id"), str) else None
        if self.rule_id is None or not _RULE_ID.match(self.rule_id):
            self.error(line, "id must be a dotted lower-case name such as 'traffic.spiky'")
        unknown = set(node) - _RULE_KEYS
        if unknown:
            self.error(line, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
        for key in ("about", "title", "because", "cites", "when", "then"):
            if key not in node:
                self.error(line, f"missing '{key}'")
        if any(key not in node for key in ("about", "when", "then")):
            return None
        about = node["about"]
        if about not in (ABOUT_COMPANY, ABOUT_OFFER):
            self.error(line, "about must be 'company' or 'offer'")
        title = read_bilingual(node.get("title"), "title", self.file, line, self.rule_id, self.problems)
        because = read_bilingual(node.get("because"), "because", self.file, line, self.rule_id, self.problems)
        claims, paragraphs = self.citation(node.get("cites"), line)
        conditions = self.conditions(node["when"], about, line)
        conclude, severity, params = self.then(node["then"], about, line)
        basis, reasoning = self.basis(node.get("basis"), line)
        thresholds = self.thresholds(node.get("thresholds"), conditions, paragraphs, line)
        for text in (because.en, because.zh):
            for name in (match.group(1) for match in PLACEHOLDER.finditer(text)):
                if name not in params:
                    self.error(line, f"because-text uses {{{name}}} but 'then.with' gives no such value")
        priority = node.get("priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 9:
            self.error(line, "priority must be a whole number from 0 to 9")
            priority = 0
        return Rule(self.rule_id or "?", about, title, because, claims, paragraphs, conditions,
                    conclude, severity, params, priority, self.file, line, source, basis, reasoning, thresholds)

    def basis(self, node: object, line: int) -> tuple[str, str]:
        """``basis: stated`` or ``basis: {inferred: "the line of reasoning from the cited claims"}``."""
        if node is None:
            if self.require_bases:
                self.error(line, "missing 'basis': write 'basis: stated' when the cited paragraphs say it, or "
                                 "'basis: {inferred: <one line of reasoning from the cited claims>}'")
            return "", ""
        if node == "stated":
            return "stated", ""
        if isinstance(node, dict) and set(node) == {"inferred"}:
            reasoning = node["inferred"]
            if isinstance(reasoning, str) and len(reasoning.split()) >= 5:
                return "inferred", reasoning.strip()
            self.error(line_of(node) or line, "basis.inferred: give the line of reasoning (a sentence, at least 5 words)")
            return "inferred", ""
        self.error(line_of(node) or line, f"basis must be one of {list(BASES)}: 'stated' or {{inferred: <reasoning>}}")
        return "", ""

    def thresholds(self, node: object, conditions: tuple, paragraphs: tuple, line: int) -> dict:
        """The source of every numeric threshold, keyed by the field it is compared with."""
        numeric = compared_numbers(conditions)
        given = node if isinstance(node, dict) else {}
        if node is not None and not isinstance(node, dict):
            self.error(line_of(node) or line, "thresholds maps a field path to the source of its numbers")
        result = {}
        for path, source in given.items():
            if path not in numeric:
                self.error(line_of(given) or line, f"thresholds.{path}: the rule compares no number with {path}")
                continue
            parsed = self.threshold_source(path, source, paragraphs, line_of(given) or line)
            if parsed is not None:
                result[path] = parsed
        for path, values in numeric.items():
            if path not in given and self.require_bases:
                shown = ", ".join(str(v) for v in values)
                self.error(line, f"threshold {path} ({shown}) names no source: add 'thresholds: {{{path}: Pnn | Mnn | "
                                 f"{{judgement: <reason>}} | {{definition: <reason>}}}}'")
        return result

    def threshold_source(self, path: str, source: object, paragraphs: tuple, line: int) -> Optional[ThresholdSource]:
        if isinstance(source, str) and _PARAGRAPH_ID.match(source):
            if source not in paragraphs:
                self.error(line, f"thresholds.{path}: {source} is not among the paragraphs this rule cites")
            return ThresholdSource("paragraph", source)
        if isinstance(source, str) and _MARKET_ID.match(source):
            if source not in self.market_facts:
                self.error(line, f"thresholds.{path}: unknown market fact {source} (sources.yaml)")
            return ThresholdSource("market", source)
        if isinstance(source, dict) and len(source) == 1:
            (kind, note), = source.items()
            if kind in ("judgement", "definition") and isinstance(note, str) and len(note.split()) >= 3:
                return ThresholdSource(kind, "", note.strip())
        self.error(line, f"thresholds.{path}: a source is a paragraph id (P18), a market fact id (M03), "
                         f"{{judgement: <reason>}} or {{definition: <reason>}}")
        return None

    def citation(self, node: object, line: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not isinstance(node, dict) or set(node) != {"claims", "paragraphs"}:
            self.error(line_of(node) or line, "cites must have exactly 'claims' and 'paragraphs'")
            return (), ()
        claims, paragraphs = node["claims"], node["paragraphs"]
        if not _texts(claims):
            self.error(line_of(node), "cites.claims must list at least one claim id (C01..C29)")
            claims = []
        if not _texts(paragraphs):
            self.error(line_of(node), "cites.paragraphs must list at least one paragraph id (Pnn)")
            paragraphs = []
        if not self.claims:  # claims.yaml itself is broken: reported once, not per rule
            return tuple(claims), tuple(paragraphs)
        for claim in claims:
            if claim not in self.claims:
                self.error(line_of(node), f"cites unknown claim {shown(claim)}")
        grounded = {p for c in claims if c in self.claims for p in self.claims[c].paragraphs}
        for paragraph in paragraphs:
            if paragraph not in self.paragraphs:
                self.error(line_of(node), f"cites unknown paragraph {shown(paragraph)}")
            elif paragraph not in grounded:
                self.error(line_of(node), f"paragraph {paragraph} is not one the cited claims {claims} rest on")
        return tuple(claims), tuple(paragraphs)

    def conditions(self, node: object, about: str, line: int) -> tuple:
        if not isinstance(node, list) or not node:
            self.error(line_of(node) or line, "when must be a non-empty list of conditions")
            return ()
        result = []
        for item in node:
            condition = self.condition(item, about, line)
            if condition is not None:
                result.append(condition)
        return tuple(result)

    def condition(self, item: object, about: str, line: int):
        here = line_of(item) or line
        if not isinstance(item, dict) or len(item) != 1:
            self.error(here, "a condition is a one-key mapping (a field path, any_of, concluded or not_concluded); "
                             f"got {shown(item)}")
            return None
        (key, value), = item.items()
        if key in ("concluded", "not_concluded"):
            return self.conclusion_condition(value, key == "not_concluded", about, here)
        if key == "any_of":
            if not isinstance(value, list) or len(value) < 2:
                self.error(here, "any_of needs a list of at least two field conditions")
                return None
            alternatives = [self.fact_condition(alt, about, here) for alt in value]
            alternatives = [a for a in alternatives if a is not None]
            facts = {a.fact for a in alternatives}
            if len(facts) > 1:
                self.error(here, "any_of may only mix conditions on one fact (all profile fields, or all offer fields)")
            return FactCondition(alternatives=tuple(alternatives), line=here)
        return self.fact_condition(item, about, here)

    def fact_condition(self, item: object, about: str, line: int) -> Optional[FactCondition]:
        here = line_of(item) or line
        if not isinstance(item, dict) or len(item) != 1:
            self.error(here, f"a field condition is written 'path: {{operator: value}}'; got {shown(item)}")
            return None
        (path, tests), = item.items()
        spec = self.catalogue.get(path)
        if spec is None:
            self.error(here, f"unknown field {shown(path)}")
            return None
        if spec.fact == "offer" and about != ABOUT_OFFER:
            self.error(here, f"field {path} is about an offer; only rules with 'about: offer' may test it")
        if not isinstance(tests, dict) or not tests:
            self.error(here, f"{path}: expected a mapping of operator to value, e.g. {{is: true}}")
            return None
        parsed = []
        for operator, value in tests.items():
            test = self.fact_test(spec, operator, value, here)
            if test is not None:
                parsed.append(test)
        return FactCondition(tests=tuple(parsed), line=here)

    def fact_test(self, spec: FieldSpec, operator: object, value: object, line: int) -> Optional[FactTest]:
        allowed = FACT_OPERATORS[spec.kind]
        if operator not in allowed:
            self.error(line, f"operator {shown(operator)} does not apply to {spec.path} ({spec.kind}); "
                             f"use one of {list(allowed)}")
            return None
        if operator in ("known", "unknown"):
            if value is not True:
                self.error(line, f"{spec.path}: '{operator}' takes the value true")
            return FactTest(spec.path, operator, True)
        many = operator in ("one_of", "not_one_of", "includes_any", "includes_all", "includes_none")
        set_name = None
        if many and isinstance(value, dict):
            if set(value) != {"set"} or value["set"] not in self.sets:
                self.error(line, f"{spec.path}: '{operator}' takes a list or {{set: NAME}} with NAME one of "
                                 f"{sorted(self.sets)} (sets.yaml); got {value!r}")
                return None
            set_name = value["set"]
            value = list(self.sets[set_name].members)
        values = value if many else [value]
        if many and (not isinstance(value, list) or not value):
            self.error(line, f"{spec.path}: '{operator}' takes a non-empty list")
            return None
        for one in values:
            problem = self.value_problem(spec, one)
            if problem:
                self.error(line, f"{spec.path} {operator}: {problem}")
                return None
        return FactTest(spec.path, operator, tuple(values) if many else value, set_name)

    @staticmethod
    def value_problem(spec: FieldSpec, value: object) -> Optional[str]:
        if spec.kind == "bool":
            return None if isinstance(value, bool) else f"expected true or false, got {shown(value)}"
        if spec.kind in ("enum", "list"):
            return None if value in spec.choices else f"{shown(value)} is not one of {list(spec.choices)}"
        if spec.kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                return f"expected a finite number, got {shown(value)}"
            if spec.minimum is not None and value < spec.minimum or spec.maximum is not None and value > spec.maximum:
                return f"{shown(value)} is outside the field's range [{spec.minimum}, {spec.maximum}]"
            if abs(value) > NUMBER_LIMIT or round(value, NUMBER_DECIMALS) != value:
                return (f"{shown(value)}: rule constants have at most {NUMBER_DECIMALS} decimals "
                        f"and magnitude <= {NUMBER_LIMIT:.0f}")
        return None

    def conclusion_condition(self, value: object, negated: bool, about: str, line: int) -> Optional[ConclusionCondition]:
        word = "not_concluded" if negated else "concluded"
        if isinstance(value, str):
            cid, wanted = value, None
        elif isinstance(value, dict) and set(value) <= {"id", "about"} and isinstance(value.get("id"), str) \
                and (value.get("about") is None or isinstance(value.get("about"), str)):
            cid, wanted = value["id"], value.get("about")
        else:
            self.error(line, f"{word} takes a conclusion id or {{id: ..., about: company|offer|any}}")
            return None
        kind = self.conclusions.get(cid)
        if kind is None:
            self.error(line, f"{word}: unknown conclusion {shown(cid)}")
            return None
        if wanted is None:
            wanted = ABOUT_COMPANY if kind.about == ABOUT_COMPANY else (ABOUT_OFFER if about == ABOUT_OFFER else ABOUT_COMPANY)
            if kind.about == ABOUT_OFFER and about != ABOUT_OFFER:
                wanted = ABOUT_ANY
        if wanted not in (ABOUT_COMPANY, ABOUT_OFFER, ABOUT_ANY):
            self.error(line, f"{word} {cid}: about must be company, offer or any")
        elif wanted == ABOUT_OFFER and about != ABOUT_OFFER:
            self.error(line, f"{word} {cid}: 'about: offer' needs a rule with 'about: offer'")
        elif wanted == ABOUT_OFFER and kind.about == ABOUT_COMPANY or wanted == ABOUT_COMPANY and kind.about == ABOUT_OFFER:
            self.error(line, f"{word} {cid}: that conclusion is only ever about the {kind.about}")
        return ConclusionCondition(cid, wanted, negated, line)

    def then(self, node: object, about: str, line: int) -> tuple[str, Optional[str], dict]:
        here = line_of(node) or line
        if not isinstance(node, dict) or "conclude" not in node or set(node) - _THEN_KEYS:
            self.error(here, f"then needs 'conclude' and may have {sorted(_THEN_KEYS - {'conclude'})}")
            return "", None, {}
        cid = node["conclude"] if isinstance(node["conclude"], str) else ""
        kind = self.conclusions.get(cid)
        if kind is None:
            self.error(here, f"concludes unknown conclusion {shown(node['conclude'])} (not in conclusions.yaml)")
        elif kind.about not in (about, ABOUT_EITHER):
            self.error(here, f"{cid} is about the {kind.about}; this rule is about the {about}")
        severity = node.get("severity")
        if severity is not None and severity not in SEVERITIES:
            self.error(here, f"severity must be one of {list(SEVERITIES)}")
        params: dict = {}
        given = node.get("with") or {}
        if not isinstance(given, dict):
            self.error(here, "with must be a mapping of names to values or {fact: path}")
            given = {}
        for name, value in given.items():
            if isinstance(value, dict):
                path = value.get("fact")
                spec = self.catalogue.get(path) if set(value) == {"fact"} and isinstance(path, str) else None
                if spec is None:
                    self.error(here, f"with.{name}: expected {{fact: <known field path>}}, got {shown(value)}")
                elif spec.fact == "offer" and about != ABOUT_OFFER:
                    self.error(here, f"with.{name}: {path} is about an offer; this rule is about the company")
                else:
                    params[name] = ParamRef(path)
            elif isinstance(value, (str, int, float, bool)) or (
                isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value)
            ):
                params[name] = value
            else:
                self.error(here, f"with.{name}: a value is text, a number, true/false, a list of those, or {{fact: path}}")
        return cid, severity, params


def _load_labels(directory: Path, problems: Problems, digest) -> dict[str, Bilingual]:
    """Optional labels.yaml: how enum values read inside bilingual text."""
    path = directory / "labels.yaml"
    if not path.exists():
        return {}
    _, data = read_knowledge_file(path, problems, digest)
    file = str(path)
    if not isinstance(data, dict) or set(data) != {"labels"} or not isinstance(data["labels"], dict):
        problems.add(file, 0, None, "labels.yaml holds one key, 'labels', mapping values to {en, zh}")
        return {}
    return {str(value): read_bilingual(text, f"label {value}", file, line_of(data["labels"]), None, problems)
            for value, text in data["labels"].items()}


def _load_market_facts(directory: Path, problems: Problems, digest) -> dict[str, MarketFact]:
    """Optional sources.yaml: market figures a threshold may rest on, copied from market-facts.md."""
    path = directory / "sources.yaml"
    if not path.exists():
        return {}
    _, data = read_knowledge_file(path, problems, digest)
    file = str(path)
    if not isinstance(data, dict) or set(data) != {"market_facts"} or not isinstance(data["market_facts"], dict):
        problems.add(file, 0, None, "sources.yaml holds one key, 'market_facts', mapping ids (M01) to {text, section}")
        return {}
    facts = {}
    for fid, node in data["market_facts"].items():
        line = line_of(node) or line_of(data["market_facts"])
        if not isinstance(fid, str) or not _MARKET_ID.match(fid):
            problems.add(file, line, None, f"market fact id {shown(fid)} must look like M01")
        elif not isinstance(node, dict) or set(node) != {"text", "section"} \
                or not all(isinstance(v, str) and v.strip() for v in node.values()):
            problems.add(file, line, None, f"{fid}: needs exactly 'text' (the figure as stated) and 'section'")
        else:
            facts[fid] = MarketFact(fid, node["text"].strip(), node["section"].strip())
    return facts


_SCOPES = ("same_subject", "anywhere")


def _load_exclusions(directory: Path, conclusions: dict[str, ConclusionType], problems: Problems,
                     digest) -> tuple[Exclusion, ...]:
    """Optional exclusions.yaml: pairs of conclusions that must never be reached together."""
    path = directory / "exclusions.yaml"
    if not path.exists():
        return ()
    _, data = read_knowledge_file(path, problems, digest)
    file = str(path)
    if not isinstance(data, dict) or set(data) != {"exclusions"} or not isinstance(data["exclusions"], list):
        problems.add(file, 0, None, "exclusions.yaml holds one key, 'exclusions', with a list of {never, scope, because}")
        return ()
    result = []
    for node in data["exclusions"]:
        line = line_of(node) or line_of(data["exclusions"])
        if not isinstance(node, dict) or set(node) != {"never", "scope", "because"}:
            problems.add(file, line, None, "an exclusion has exactly 'never' (two conclusion ids), 'scope' and 'because'")
            continue
        ids, scope = node["never"], node["scope"]
        if not isinstance(ids, list) or len(ids) != 2 or ids[0] == ids[1]:
            problems.add(file, line, None, "never: two different conclusion ids")
            continue
        unknown = [i for i in ids if i not in conclusions]
        if unknown:
            problems.add(file, line, None, f"never: unknown conclusion(s) {unknown}")
            continue
        if scope not in _SCOPES:
            problems.add(file, line, None, f"scope must be one of {list(_SCOPES)}")
            continue
        because = read_bilingual(node["because"], "because", file, line, None, problems)
        result.append(Exclusion((str(ids[0]), str(ids[1])), scope, because, file, line))
    return tuple(result)


def _load_sets(directory: Path, problems: Problems, digest) -> dict[str, NamedSet]:
    """Optional sets.yaml: named lists of capabilities or pain points, defined once.

    A set lists its ``members``, or is ``all_except`` another set of the same kind (every
    value of its domain but those).  Rules use one as ``{includes_any: {set: NAME}}``.
    """
    path = directory / "sets.yaml"
    if not path.exists():
        return {}
    file = str(path)
    _, data = read_knowledge_file(path, problems, digest)
    if not isinstance(data, dict) or set(data) != {"sets"} or not isinstance(data["sets"], list):
        problems.add(file, 0, None, "sets.yaml holds one key, 'sets', with a list of {id, of, title, definition, members}")
        return {}
    found: dict[str, NamedSet] = {}
    for node in data["sets"]:
        line = line_of(node)
        if not isinstance(node, dict) or not {"id", "of", "title", "definition"} <= set(node) <= _SET_KEYS \
                or ("members" in node) == ("all_except" in node):
            problems.add(file, line, None, "a set needs id, of, title, definition and either members or all_except")
            continue
        sid, of = node["id"], node["of"]
        if not isinstance(of, str) or not isinstance(node.get("all_except", ""), str):
            problems.add(file, line, sid if isinstance(sid, str) else None,
                         "a set's 'of' and 'all_except' are single names, not lists")
            continue
        if not isinstance(sid, str) or not re.match(r"^[a-z][a-z0-9_]*$", sid) or sid in found:
            problems.add(file, line, None, f"set id {sid!r} must be a new lower_case name")
            continue
        if of not in SET_DOMAINS:
            problems.add(file, line, sid, f"set {sid}: 'of' must be one of {sorted(SET_DOMAINS)}")
            continue
        title = read_bilingual(node["title"], "title", file, line, sid, problems)
        definition = read_bilingual(node["definition"], "definition", file, line, sid, problems)
        domain = SET_DOMAINS[of]
        if "members" in node:
            members = node["members"]
            if not isinstance(members, list) or not members or any(m not in domain for m in members) \
                    or len(set(members)) != len(members):
                problems.add(file, line, sid, f"set {sid}: members must be distinct values of {of}: {list(domain)}")
                continue
            found[sid] = NamedSet(sid, of, title, tuple(members), definition, None, file, line)
            continue
        base = found.get(node["all_except"])
        if base is None or base.of != of:
            problems.add(file, line, sid, f"set {sid}: all_except must name a set of {of} defined above it")
            continue
        members = tuple(m for m in domain if m not in base.members)
        found[sid] = NamedSet(sid, of, title, members, definition, base.id, file, line)
    return found


def _load_formulas(directory: Path, catalogue: dict[str, FieldSpec], problems: Problems,
                   digest) -> dict[str, Bilingual]:
    """formulas.yaml: how each derived value is computed, in both languages, one per field.

    Optional (a knowledge base made for a test may leave it out), but once present it must
    cover every derived field: a formula missing there is a value an auditor cannot check.
    """
    path = directory / "formulas.yaml"
    file = str(path)
    if not path.exists():
        return {}
    _, data = read_knowledge_file(path, problems, digest)
    if not isinstance(data, dict) or set(data) != {"formulas"} or not isinstance(data["formulas"], dict):
        problems.add(file, 0, None, "formulas.yaml holds one key, 'formulas', mapping derived fields to {en, zh}")
        return {}
    derived = {p for p, spec in catalogue.items() if spec.derived}
    found: dict[str, Bilingual] = {}
    for name, node in data["formulas"].items():
        line = line_of(node)
        if name not in derived:
            problems.add(file, line, None, f"{name!r} is not a derived field; derived fields: {sorted(derived)}")
            continue
        found[name] = read_bilingual(node, f"formula of {name}", file, line, None, problems)
    for missing in sorted(derived - set(found)):
        problems.add(file, 0, None, f"derived field {missing} has no formula")
    return found


QUESTIONS_FILE = "questions.yaml"


def _check_questions_file(directory: Path, problems: Problems, digest) -> None:
    """questions.yaml is read in full on first use (``expert.consult``); here, at load, it
    must at least be readable YAML of the right shape, so a broken one is refused now."""
    path = directory / QUESTIONS_FILE
    if not path.exists() and not path.is_symlink():
        return
    _, data = read_knowledge_file(path, problems, digest)
    if data is None and any(item.startswith(str(path)) for item in problems.items):
        return
    if not isinstance(data, dict) or set(data) != {"questions", "choices"} or not isinstance(data["questions"], list) \
            or not isinstance(data["choices"], dict):
        problems.add(str(path), line_of(data), None, "holds two keys: 'questions' (a list) and 'choices' (a mapping)")


def _rule_sources(text: str) -> dict[int, str]:
    """The literal text of each rule (keyed by its first line) for display to auditors."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("  - id:")]
    ends = [*starts[1:], len(lines)]  # one end per start (zip stops at the shorter when none)
    return {start + 1: "\n".join(lines[start:end]).rstrip() for start, end in zip(starts, ends, strict=False)}


def load_knowledge(directory: Optional[Path | str] = None, require_bases: bool = True) -> KnowledgeBase:
    """Read, validate and stratify a knowledge directory; raise KnowledgeError on any problem.

    Every rule must state its basis and every numeric threshold its source; ``expert lint``
    loads with ``require_bases=False`` to report those gaps as findings instead.
    """
    directory = Path(directory) if directory is not None else DEFAULT_KNOWLEDGE_DIR
    key = snapshot_key(directory, require_bases) if directory.is_dir() else None
    if key is not None and (stored := read_snapshot(key)) is not None:
        return stored  # these very files, loaded and checked by this very code before
    return load_and_store(directory, require_bases, key)


def load_and_store(directory: Path, require_bases: bool, key: Optional[str]) -> KnowledgeBase:
    """Load ``directory`` in full and store the snapshot under ``key`` (its ``snapshot_key``,
    worked out by the caller, who found no snapshot under it; None: store none)."""
    if not directory.is_dir():
        raise KnowledgeError([f"{directory}: no such knowledge directory"])
    knowledge = _load_in_full(directory, require_bases)
    if key is not None:
        write_snapshot(key, knowledge)
    return knowledge


def _load_in_full(directory: Path, require_bases: bool) -> KnowledgeBase:
    problems = Problems()
    catalogue = field_catalogue()
    digest = Fingerprint()  # every knowledge file's text and parsed tree, in load order
    claims, paragraphs = _load_claims(directory, problems, digest)
    conclusions = _load_conclusions(directory, catalogue, problems, digest)
    labels = _load_labels(directory, problems, digest)
    market_facts = _load_market_facts(directory, problems, digest)
    exclusions = _load_exclusions(directory, conclusions, problems, digest)
    sets = _load_sets(directory, problems, digest)
    formulas = _load_formulas(directory, catalogue, problems, digest)
    _check_questions_file(directory, problems, digest)
    rules: dict[str, Rule] = {}
    rule_files = sorted((directory / "rules").glob("*.yaml"))
    if not rule_files:
        problems.add(str(directory / "rules"), 0, None, "no rule files (*.yaml) found")
    for path in rule_files:
        file = str(path)
        text, data = read_knowledge_file(path, problems, digest)
        if data is None:
            continue
        if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
            problems.add(file, 0, None, "a rule file holds one key, 'rules', with a list of rules")
            continue
        sources = _rule_sources(text)
        parser = _RuleParser(file, catalogue, conclusions, claims, paragraphs, problems, market_facts, require_bases,
                             sets)
        for node in data["rules"]:
            try:
                rule = parser.parse(node, sources.get(line_of(node), ""))
            except (TypeError, AttributeError, ValueError) as error:  # a shape no check foresaw
                problems.add(file, line_of(node), parser.rule_id, f"malformed rule ({type(error).__name__}: {error})")
                continue
            if rule is None:
                continue
            if rule.id in rules:
                first = rules[rule.id]
                problems.add(file, rule.line, rule.id, f"duplicate rule id (first defined in {first.file}:{first.line})")
                continue
            rules[rule.id] = rule
    produced = {rule.conclude for rule in rules.values()}
    for rule in rules.values():
        for condition in rule.conclusion_conditions:
            if condition.id in conclusions and condition.id not in produced:
                problems.add(rule.file, condition.line, rule.id, f"consumes {condition.id}, which no rule concludes")
    if problems.items:
        raise KnowledgeError(problems.items)
    try:
        levels, conclusion_levels, depths = stratify(rules)
    except StratificationError as error:
        raise KnowledgeError([str(error)]) from None
    knowledge = KnowledgeBase(claims, conclusions, rules, str(directory), levels=levels,
                              conclusion_levels=conclusion_levels, depths=depths, labels=labels,
                              market_facts=market_facts, exclusions=exclusions, sets=sets, formulas=formulas,
                              fingerprint=digest.hexdigest()[:12])
    compiled = knowledge.compiled = compile_knowledge(knowledge)
    knowledge.engine_fields = referenced_fields(compiled)
    groups, limits = ruleset_groups(compiled, {"profile or offer": len(knowledge.engine_fields) + 3})
    if limits:  # refused here: past some of these durable_rules would hang, not fail
        raise KnowledgeError([f"{directory}: {problem}" for problem in limits])
    knowledge.ruleset_groups = groups if len(groups) > 1 else []
    return knowledge
