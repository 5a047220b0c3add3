"""Assemble one run's firings into the typed Advice.

Python decides nothing here: the rules concluded what they concluded.  This groups the
firings by (conclusion, subject), fills the rules' because-templates with the values they
matched, and attaches figures and the trace.  Every model of the Advice is built here from
values of the right type (``model.built``, through each class's ``model.builder``), not
validated again: what never changes between consultations (titles, fixed reasons, labels)
is worked out once per knowledge base; models holding nothing mutable (texts) are shared,
and every list or dict in an Advice is its own (a caller may edit one Advice, never another).
"""

from __future__ import annotations

import os
from operator import itemgetter
from typing import Any, Optional

from expert.advice.model import (
    SCHEMA_VERSION,
    Advice,
    Conclusion,
    Figure,
    Firing,
    MatchedFact,
    Question,
    RuleSupport,
    Text,
    Verdict,
    builder,
    built,
)
from expert.advice.wording import counted
from expert.facts.derive import Derivation
from expert.facts.vocabulary import Profile
from expert.inference.engine import EngineError, Outcome
from expert.rulebase.rulebook import PLACEHOLDER, SEVERITIES, KnowledgeBase

NEED_MORE_INFO = "verdict.need_more_info"
_GROUPS = {"fit": "fits", "unfit": "unfits", "warning": "warnings", "action": "actions",
           "figure": "figures", "finding": "findings", "trait": "traits"}
_SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
_PLAIN = frozenset(_GROUPS) - {"verdict", "figure"}  # kinds whose items are Conclusions (no figures, no questions)
# the models an Advice holds by the hundred, each made by its class's own builder
_build_text, _build_support, _build_conclusion, _build_figure, _build_matched_fact, _build_firing, _build_advice = (
    builder(cls) for cls in (Text, RuleSupport, Conclusion, Figure, MatchedFact, Firing, Advice))


def _show(value: Any) -> str:
    if isinstance(value, float):
        if value.is_integer():  # the usual case (whole amounts), without converting twice
            return f"{int(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return "unknown" if value is None else str(value)


def _split(template: str) -> tuple[tuple[str, str, str], ...]:
    """'a {x} b {n:cat}' -> (('a ', 'x', ''), (' b ', 'n', 'cat'), ('', '', '')): literal
    text, then the value's name and the noun agreeing with it (if any)."""
    parts, start = [], 0
    for match in PLACEHOLDER.finditer(template):
        parts.append((template[start:match.start()], match.group(1), match.group(2) or ""))
        start = match.end()
    parts.append((template[start:], "", ""))
    return tuple(parts)


def _one(value: Any, labels: dict) -> str:
    """How a value reads: an enum value as its label (e.g. in Chinese), anything else shown."""
    return (labels.get(value) if isinstance(value, str) else None) or _show(value)


def _fill(parts: tuple[tuple[str, str, str], ...], params: dict, labels: dict, separator: str) -> str:
    """Put parameter values into a template; enum values read as their label (e.g. in Chinese),
    a list's items joined by ``separator``."""
    out = []
    for literal, name, noun in parts:
        out.append(literal)
        if name:
            value = params.get(name)
            kind = type(value)
            if kind is str:  # the common cases first, as ``_one`` reads them
                shown = labels.get(value) or value
            elif kind is int:
                shown = f"{value:,}"
            elif kind is list:
                shown = separator.join([_one(v, labels) for v in value])
            else:
                shown = _one(value, labels)
            out.append(counted(value, noun, shown) if noun else shown)
    return "".join(out)


# how a group lists its items, kept as (order, model) pairs while assembling: by order (most
# severe first, then by id and subject); (id, subject) is unique, so models are never compared
_order = itemgetter(0)


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


class AdviceAssembler:
    """Builds Advice objects for one knowledge base; what never changes is prepared once."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        # Output pieces that never change between consultations, built (and validated)
        # once; pydantic accepts these instances as they are when it validates an Advice.
        # (built on first use, each: a one-shot command touches a few of them)
        self._titles: dict[str, Text] = {}
        self._kinds: dict[str, tuple] = {}  # conclusion id -> (kind, group, field shown, title)
        self._label_cache: dict = {}  # name -> Text or None (bounded: names can be user text)
        self._input_label_cache: dict = {}  # a figure's input names -> their labels (bounded: as above)
        self._severity_rank = {
            rid: _SEVERITY_ORDER[rule.severity or knowledge.conclusions[rule.conclude].severity]
            for rid, rule in knowledge.rules.items()
        }
        self._labels_en = {value: label.en for value, label in knowledge.labels.items()}
        self._labels_zh = {value: label.zh for value, label in knowledge.labels.items()}
        # rule id -> (its fixed reason, or None and the templates en and zh; claims, paragraphs, file, line)
        self._supports: dict[str, tuple] = {}
        # (conclusion, subject, rules that concluded it) -> (severity, the rules giving a reason,
        # order) of the Conclusion where no rule passed a parameter (most items): the same every
        # time, so worked out once; each Advice still gets its own models and containers
        self._fixed: dict[tuple, tuple] = {}

    def _title(self, cid: str) -> Text:
        title = self._titles.get(cid)
        if title is None:
            kind = self.knowledge.conclusions[cid]
            # built, not validated: validating would build Text's pydantic schema (1-2 ms) on a
            # cold process's first assemble, for values the knowledge base already checked
            title = self._titles[cid] = _build_text({"en": kind.title.en, "zh": kind.title.zh})
        return title

    def _kind(self, cid: str) -> tuple:
        """(kind, the Advice's list for it, the derived field a figure shows, title) of a conclusion."""
        plan = self._kinds.get(cid)
        if plan is None:
            kind = self.knowledge.conclusions[cid]
            plan = self._kinds[cid] = (kind.kind, _GROUPS.get(kind.kind), kind.shows, self._title(cid))
        return plan

    def _support_plan(self, rid: str) -> tuple:
        """A rule's reason and citation, prepared once: a reason without placeholders as its
        text, the others' templates split."""
        plan = self._supports.get(rid)
        if plan is None:
            rule = self.knowledge.rules[rid]
            because = rule.because
            claims, paragraphs, file, line = (tuple(rule.claims), tuple(rule.paragraphs), os.path.basename(rule.file),
                                              rule.line)
            if "{" not in because.en + because.zh:
                plan = (_build_text({"en": because.en, "zh": because.zh}), None, None, claims, paragraphs, file, line)
            else:
                plan = (None, _split(because.en), _split(because.zh), claims, paragraphs, file, line)
            self._supports[rid] = plan
        return plan

    def _support(self, rid: str, params: dict) -> RuleSupport:
        """One rule's support, with its own citation lists (output models are frozen, their
        lists are not: one caller's edit must never reach another's Advice)."""
        because, en, zh, claims, paragraphs, file, line = self._supports.get(rid) or self._support_plan(rid)
        if because is None:
            because = _build_text({"en": _fill(en, params, self._labels_en, ", "),
                                   "zh": _fill(zh, params, self._labels_zh, "、")})  # how a list reads in Chinese
        return _build_support({"rule": rid, "because": because, "claims": list(claims),
                               "paragraphs": list(paragraphs), "file": file, "line": line})

    def _plain(self, cid: str, subject: str, firings: list) -> tuple:
        """(severity, the rules giving a reason, order) of a conclusion whose rules passed no parameter."""
        severity = max(self._severity_rank[f.rule] for f in firings)
        return SEVERITIES[severity], tuple(f.rule for f in _first_per_rule(firings)), (-severity, cid, subject)

    def assemble(self, profile: Profile, derivation: Derivation, outcome: Outcome, lang: str,
                 questions: Optional[list] = None) -> Advice:
        """Group firings by (conclusion, subject) and build the Advice.

        Each model is built from values already of its fields' types (``model.builder``): the
        rules' output is plain JSON data, the rest comes from the validated knowledge base
        and profile, so validating it all again (what this did before) checked nothing.
        """
        if lang not in ("en", "zh"):
            raise ValueError("lang must be 'en' or 'zh'")
        # (conclusion, subject) -> its firings: the engine lists each conclusion's first firing
        # in ``conclusions`` (in the order they fired); the others add support to one
        supports = {key: [first] for key, first in outcome.conclusions.items()}
        for firing in outcome.firings:
            if not firing.new:
                supports[firing.concluded, firing.subject].append(firing)
        groups: dict[str, list] = {name: [] for name in _GROUPS.values()}  # (order, model) pairs
        verdicts = []
        rank, fixed, kinds, support = self._severity_rank, self._fixed, self._kinds, self._support
        for key, firings in supports.items():
            cid, subject = key
            kind, group, shows, title = kinds.get(cid) or self._kind(cid)
            single = len(firings) == 1
            if kind in _PLAIN and (not firings[0].params if single else not any(f.params for f in firings)):
                # nothing here depends on the profile beyond the rules and the subject
                plain_key = (cid, subject, firings[0].rule) if single else (cid, subject, *(f.rule for f in firings))
                plain = fixed.get(plain_key)
                if plain is None:
                    plain = self._plain(cid, subject, firings)
                    if len(fixed) < 10_000:  # bounded: an offer's name is user text
                        fixed[plain_key] = plain
                # its own params, rules and citation lists: a caller's edit never reaches another Advice
                groups[group].append((plain[2], _build_conclusion(
                    {"id": cid, "kind": kind, "subject": subject, "severity": plain[0], "text": title,
                     "params": {}, "rules": [support(rid, {}) for rid in plain[1]]})))
                continue
            if single:  # the common case: one rule, one reason
                firing = firings[0]
                params, severity, supports_of = dict(firing.params), rank[firing.rule], [support(firing.rule, firing.params)]
            else:
                params = _merge_params(firings)
                severity = max(rank[f.rule] for f in firings)
                supports_of = [support(f.rule, f.params) for f in _first_per_rule(firings)]
            # in each model's field order (the order of its dump)
            item = {"id": cid, "kind": kind, "subject": subject, "severity": SEVERITIES[severity],
                    "text": title, "params": params, "rules": supports_of}
            if kind == "verdict":
                missing = list(params.get("missing", []))
                asked = questions if cid == NEED_MORE_INFO and questions else []
                item.update(missing=missing,
                            questions=[q if isinstance(q, Question) else Question.model_validate(q) for q in asked],
                            missing_labels={m: label for m in missing if (label := self._label(m))})
                verdicts.append(built(Verdict, item))
                continue
            if kind == "figure":
                figure = derivation.figures[(subject, shows)]
                item["value"] = float(figure.value)
                item["unit"] = figure.unit
                item["formula"] = _build_text({"en": figure.formula_en, "zh": figure.formula_zh})
                item["inputs"] = dict(figure.inputs)
                item["unit_label"] = self._label(figure.unit)
                item["input_labels"] = self._input_labels(figure.inputs)
                model = _build_figure(item)
            else:
                model = _build_conclusion(item)
            groups[group].append(((-severity, cid, subject), model))
        if len(verdicts) != 1:
            found = sorted(v.id for v in verdicts) or "none"
            raise EngineError(f"the knowledge base must reach exactly one verdict; it reached {found}")
        advice = {"schema_version": SCHEMA_VERSION, "lang": lang, "knowledge": self.knowledge.fingerprint,
                  "company": profile.company.name, "verdict": verdicts[0]}
        for name, items in groups.items():
            if len(items) > 1:
                items.sort(key=_order)
            advice[name] = [model for _, model in items]
        advice["trace"] = self._trace(outcome.firings)
        return _build_advice(advice)

    @staticmethod
    def _trace(firings: list) -> list[Firing]:
        """One Firing per firing, its matched facts from ``Firing.matched_records``
        (inference/engine.py), each built straight from its record into its model."""
        build, matched_fact = _build_firing, _build_matched_fact
        return [build({"order": f.order, "rule": f.rule, "subject": f.subject, "concluded": f.concluded,
                       "new": f.new, "matched": f.matched_records(matched_fact)})
                for f in firings]

    def _input_labels(self, inputs: dict) -> dict:
        """Labels for each input's name and for the names a list input holds (capabilities).

        A figure's inputs are named by the code that derives it: where no input is a list,
        the labels depend on those names alone and are looked up once per set of names."""
        names = tuple(inputs)
        for value in inputs.values():
            if isinstance(value, list):
                return self._labels_of([*names, *(v for held in inputs.values() if isinstance(held, list)
                                                  for v in held if isinstance(v, str))])
        labels = self._input_label_cache.get(names)
        if labels is None:
            labels = self._labels_of(names)
            if len(self._input_label_cache) < 10_000:  # bounded: an add-on's name is user text
                self._input_label_cache[names] = labels
        return dict(labels)  # its own container: a caller's edit never reaches another Advice

    def _labels_of(self, names) -> dict:
        # in the names' order (a set's order varies with the process's hash seed: the same
        # profile must give the same JSON in every process, batch workers included)
        return {name: label for name in dict.fromkeys(names) if (label := self._label(name))}

    def _label(self, name: str) -> Optional[Text]:
        """How a unit or a figure's input reads (labels.yaml); "price.X" is X's monthly price."""
        if name in self._label_cache:
            return self._label_cache[name]
        labels = self.knowledge.labels
        label = None
        if name in labels:
            label = built(Text, {"en": labels[name].en, "zh": labels[name].zh})
        else:
            head, _, item = name.partition(".")
            if head == "price" and "price" in labels:
                what = labels.get(item)
                en, zh = (what.en, what.zh) if what else (item, item)
                label = built(Text, {"en": f"{en}: {labels['price'].en}", "zh": f"{zh}：{labels['price'].zh}"})
        if len(self._label_cache) < 10_000:  # bounded: an add-on's name is user text
            self._label_cache[name] = label
        return label
