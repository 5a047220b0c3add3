"""The advisor: validate a profile, derive figures, run the rules, assemble the Advice.

``Advisor`` owns one knowledge base compiled into one engine; it is safe to share between
threads (the engine serialises its sessions).  ``advise()`` uses one default advisor,
loaded on first use.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from expert.advice import SCHEMA_VERSION, Advice, MatchedFact, RuleSupport, Text
from expert.compiler import COMPANY_SUBJECT
from expert.derive import Derivation, derive
from expert.engine import Engine, EngineError, Outcome
from expert.flatten import input_facts
from expert.loader import load_knowledge
from expert.rulebook import PLACEHOLDER, SEVERITIES, KnowledgeBase
from expert.vocabulary import Profile

if TYPE_CHECKING:
    from expert.asking import Asker
    from expert.explanation import AnswerResult, ConsultStep, Explanation, WhatIf

NEED_MORE_INFO = "verdict.need_more_info"
_GROUPS = {"fit": "fits", "unfit": "unfits", "warning": "warnings", "action": "actions",
           "figure": "figures", "finding": "findings", "trait": "traits"}
_SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return "unknown" if value is None else str(value)


def _split(template: str) -> tuple[str, ...]:
    """'a {x} b' -> ('a ', 'x', ' b'): literal text at even positions, names at odd ones."""
    return tuple(PLACEHOLDER.split(template))


def _fill(parts: tuple[str, ...], params: dict, labels: dict) -> str:
    """Put parameter values into a template; enum values read as their label (e.g. in Chinese)."""
    return "".join(part if i % 2 == 0 else labels.get(params.get(part)) or _show(params.get(part))
                   for i, part in enumerate(parts))


def _first_per_rule(firings: list) -> list:
    """One support per rule: a rule that fired on several facts gives one reason (the trace keeps all)."""
    first: dict = {}
    for firing in firings:
        first.setdefault(firing.rule, firing)
    return list(first.values())


def _merge_params(firings: list) -> dict:
    """Several rules concluded the same thing: the first value of each parameter wins, lists are joined."""
    params = dict(firings[0].params)
    for firing in firings[1:]:
        for name, value in firing.params.items():
            if isinstance(value, list) and isinstance(params.get(name), list):
                params[name] = params[name] + [v for v in value if v not in params[name]]
            else:
                params.setdefault(name, value)
    return params


def profile_data(profile: Profile) -> dict:
    """A validated profile as plain JSON-ready data (what bots pass and fact paths address)."""
    return profile.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


@dataclass(frozen=True)
class Consultation:
    """One consultation's inputs and outcome, as explanations need them."""

    profile: Profile
    facts: list  # the flattened input facts the engine saw
    concluded: set  # {(conclusion id, subject)}
    advice: Advice

    @cached_property
    def data(self) -> dict:
        """The profile as plain data (dumped once, on first use)."""
        return profile_data(self.profile)


class Advisor:
    """One knowledge base, compiled once, consulted many times."""

    def __init__(self, knowledge_dir: Optional[Union[str, Path]] = None) -> None:
        self.knowledge: KnowledgeBase = load_knowledge(knowledge_dir)
        self.engine = Engine(self.knowledge)
        # Output pieces that never change between consultations, built (and validated)
        # once; pydantic accepts these instances as they are when it validates an Advice.
        self._titles = {cid: Text(en=k.title.en, zh=k.title.zh) for cid, k in self.knowledge.conclusions.items()}
        self._rule_refs = {
            rid: {"rule": rid, "claims": list(rule.claims), "paragraphs": list(rule.paragraphs),
                  "file": Path(rule.file).name, "line": rule.line}
            for rid, rule in self.knowledge.rules.items()
        }
        self._reference_cache: dict = {}
        self._severity_rank = {
            rid: _SEVERITY_ORDER[rule.severity or self.knowledge.conclusions[rule.conclude].severity]
            for rid, rule in self.knowledge.rules.items()
        }
        self._labels_en = {value: label.en for value, label in self.knowledge.labels.items()}
        self._labels_zh = {value: label.zh for value, label in self.knowledge.labels.items()}
        self._templates = {rid: (_split(r.because.en), _split(r.because.zh)) for rid, r in self.knowledge.rules.items()}
        self._fixed_supports = {
            rid: RuleSupport(**self._rule_refs[rid], because=Text(en=rule.because.en, zh=rule.because.zh))
            for rid, rule in self.knowledge.rules.items()
            if "{" not in rule.because.en + rule.because.zh
        }

    def validate(self, profile: Union[Profile, dict]) -> Profile:
        """Return a validated Profile; raise pydantic.ValidationError with field paths."""
        return profile if isinstance(profile, Profile) else Profile.model_validate(profile)

    def advise(self, profile: Union[Profile, dict], lang: str = "en", trace: bool = True) -> Advice:
        """Validate, derive, infer and assemble; raise ValidationError on a bad profile."""
        return self.consult(profile, lang, trace).advice

    def consult(self, profile: Union[Profile, dict], lang: str = "en", trace: bool = True) -> Consultation:
        """Like ``advise``, keeping what explanations need: the facts the engine saw and what it concluded."""
        if lang not in ("en", "zh"):
            raise ValueError("lang must be 'en' or 'zh'")
        profile = self.validate(profile)
        derivation = derive(profile)
        facts = input_facts(profile, derivation)
        outcome = self.engine.run(facts, trace=trace)
        questions = None
        if (NEED_MORE_INFO, COMPANY_SUBJECT) in outcome.conclusions:
            questions = self._questions(profile, facts, outcome)
        advice = self._assemble(profile, derivation, outcome, lang, questions)
        return Consultation(profile, facts, set(outcome.conclusions), advice)

    # --- explain and ask (modules imported on use: `expert advise` starts without them) ---

    def explain(self, profile: Union[Profile, dict], conclusion_id: str, subject: Optional[str] = None,
                lang: str = "en", search: bool = True) -> Explanation:
        """How ``conclusion_id`` was reached (proof trees), or why not (every rule that could
        conclude it, condition by condition, and the smallest change of facts that would)."""
        from expert.explainer import explain

        return explain(self, profile, conclusion_id, subject, lang, search)

    def what_if(self, profile: Union[Profile, dict], changes: Union[dict, list], lang: str = "en") -> WhatIf:
        """Re-run with ``changes`` ({fact path: value} or ["PATH=VALUE", ...]) and report the difference."""
        from expert.whatif import what_if

        return what_if(self, profile, changes, lang)

    def next_step(self, profile: Union[Profile, dict], lang: str = "en") -> ConsultStep:
        """Stateless consultation turn: the next question, or the final advice."""
        from expert.consultation import next_step

        return next_step(self, profile, lang)

    def apply_answer(self, profile: Union[Profile, dict], question_id: str, raw_answer: Any) -> AnswerResult:
        """Validate one answer; the updated profile, or a bilingual error and the profile unchanged."""
        from expert.consultation import apply_answer

        return apply_answer(self, profile, question_id, raw_answer)

    @cached_property
    def asker(self) -> Asker:
        """Questions for this knowledge base (``questions.yaml`` is read on first use)."""
        from expert.asking import Asker
        from expert.question_catalogue import load_questions

        return Asker(self.knowledge, load_questions(self.knowledge))

    def _questions(self, profile: Profile, facts: list[dict], outcome: Outcome) -> list:
        data = profile_data(profile)
        relevance = self.asker.relevance(data, facts, set(outcome.conclusions))
        return self.asker.questions(relevance, data)

    def _support(self, firing) -> object:
        fixed = self._fixed_supports.get(firing.rule)
        if fixed is not None:
            return fixed
        en, zh = self._templates[firing.rule]
        because = {"en": _fill(en, firing.params, self._labels_en), "zh": _fill(zh, firing.params, self._labels_zh)}
        return {**self._rule_refs[firing.rule], "because": because}

    def _assemble(self, profile: Profile, derivation: Derivation, outcome: Outcome, lang: str,
                  questions: Optional[list] = None) -> Advice:
        """Group firings by (conclusion, subject) and build the Advice.

        The Advice is built as plain data and validated once by pydantic-core: one pass
        in Rust is far cheaper than constructing hundreds of small models in Python.
        """
        supports: dict[tuple, list] = {}
        for firing in outcome.firings:
            supports.setdefault((firing.concluded, firing.subject), []).append(firing)
        groups: dict[str, list] = {name: [] for name in _GROUPS.values()}
        verdicts = []
        rank = self._severity_rank
        for (cid, subject), firings in supports.items():
            kind = self.knowledge.conclusions[cid]
            if len(firings) == 1:  # the common case: one rule, one reason
                firing = firings[0]
                params, severity, supports_of = dict(firing.params), rank[firing.rule], [self._support(firing)]
            else:
                params = _merge_params(firings)
                severity = max(rank[f.rule] for f in firings)
                supports_of = [self._support(f) for f in _first_per_rule(firings)]
            item = {"id": cid, "kind": kind.kind, "subject": subject, "severity": SEVERITIES[severity],
                    "text": self._titles[cid], "params": params, "rules": supports_of}
            if kind.kind == "verdict":
                verdicts.append({**item, "missing": list(params.get("missing", [])),
                                 "questions": questions if cid == NEED_MORE_INFO and questions else []})
            elif kind.kind == "figure":
                figure = derivation.figures[(subject, kind.shows)]
                groups["figures"].append({**item, "value": figure.value, "unit": figure.unit, "inputs": figure.inputs,
                                          "formula": {"en": figure.formula_en, "zh": figure.formula_zh}})
            else:
                groups[_GROUPS[kind.kind]].append(item)
        if len(verdicts) != 1:
            found = sorted(v["id"] for v in verdicts) or "none"
            raise EngineError(f"the knowledge base must reach exactly one verdict; it reached {found}")
        for items in groups.values():
            items.sort(key=lambda c: (-_SEVERITY_ORDER[c["severity"]], c["id"], c["subject"]))
        reference = self._reference
        trace = [{"order": f.order, "rule": f.rule, "subject": f.subject, "concluded": f.concluded, "new": f.new,
                  "matched": [m if m["values"] else reference(m["kind"], m["ref"]) for m in f.matched_records()]}
                 for f in outcome.firings]
        return Advice.model_validate({"lang": lang, "schema_version": SCHEMA_VERSION,
                                      "knowledge": self.knowledge.fingerprint, "company": profile.company.name,
                                      "verdict": verdicts[0], "trace": trace, **groups})

    def _reference(self, kind: str, ref: str) -> MatchedFact:
        """A trace entry naming a conclusion; these repeat across consultations, so reuse them."""
        fact = self._reference_cache.get((kind, ref))
        if fact is None:
            fact = MatchedFact(kind=kind, ref=ref, values={})
            if len(self._reference_cache) < 10_000:  # bounded: offer names are user text
                self._reference_cache[(kind, ref)] = fact
        return fact


_default: Optional[Advisor] = None
_default_lock = threading.Lock()


def default_advisor() -> Advisor:
    """The shared advisor on the bundled knowledge base, loaded once.

    Once it is loaded, the objects alive (modules, the knowledge base) are moved out of
    the garbage collector's generations (``gc.freeze``): they live as long as the process,
    and re-scanning them on every full collection was measured to cost up to tens of ms.
    """
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Advisor()
                gc.freeze()
    return _default


def advise(profile: Union[Profile, dict], lang: str = "en") -> Advice:
    """Advise on one profile with the bundled knowledge base (shared, thread-safe).

    The Advice carries both languages; ``lang`` is recorded as the one renderers use.
    """
    return default_advisor().advise(profile, lang=lang)
