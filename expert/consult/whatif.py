"""What if: re-run a profile with some facts changed and report the difference.

Changes are written ``PATH=VALUE`` (fact paths as in ``facts/factpaths.py``; values as a person
would answer the question for that fact, see ``answers.py``; an empty value or ``unknown``
removes the fact).  The changed profile is validated like any input.
"""

from __future__ import annotations

from typing import Any, Union

from expert.advice.consultation import Consultant
from expert.advice.model import Advice, ConclusionRef, Text
from expert.consult.answers import DONT_KNOW, AnswerError, answer_spec, parse_answer
from expert.consult.asking import Asker
from expert.consult.model import FigureChange, WhatIf
from expert.explain.model import FactChange
from expert.facts.factpaths import FactRef, get_fact, parse_fact, set_fact
from expert.facts.fields import TEXT
from expert.facts.shown import shown
from expert.facts.vocabulary import Profile


class ChangeError(ValueError):
    """A change that cannot be applied; the message names the fact and what was expected,
    ``zh`` the same in Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


def parse_change(text: str) -> tuple[str, str]:
    """'needs.usage.mau=50000' -> ('needs.usage.mau', '50000')."""
    if not isinstance(text, str):
        raise ChangeError(f"{shown(text)}: expected a 'PATH=VALUE' string", f"{shown(text)}：应为 'PATH=VALUE' 形式的文字")
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise ChangeError(f"{shown(text)}: expected PATH=VALUE, "
                          "e.g. needs.usage.mau=50000 or offers[Cloud IM].pricing_model=buyout",
                          f"{shown(text)}：应写作 PATH=VALUE，例如 needs.usage.mau=50000 或 "
                          "offers[Cloud IM].pricing_model=buyout")
    return path.strip(), value.strip()


def apply_changes(labels: dict[str, Text], data: dict, changes: Union[dict, list]) -> tuple[dict, list[FactChange]]:
    """The profile with ``changes`` ({path: raw value} or ["PATH=VALUE", ...]) applied, and what changed."""
    pairs = [parse_change(c) for c in changes] if isinstance(changes, list) else list(changes.items())
    result, applied = data, []
    for path, raw in pairs:
        if not isinstance(path, str):
            raise ChangeError(f"{shown(path)}: expected a fact path such as needs.usage.mau",
                              f"{shown(path)}：应为事实路径，例如 needs.usage.mau")
        try:
            ref = parse_fact(path)
        except ValueError as error:
            raise ChangeError(str(error), getattr(error, "zh", str(error))) from None
        value = _value(labels, ref, raw, result)
        before = get_fact(result, ref)
        try:
            result = set_fact(result, ref, value)
        except ValueError as error:
            raise ChangeError(str(error), getattr(error, "zh", str(error))) from None
        applied.append(FactChange(fact=ref.id, before=before, after=get_fact(result, ref)))
    return result, applied


def _value(labels: dict[str, Text], ref: FactRef, raw: Any, data: dict) -> Any:
    if raw is None or raw == "" or raw == "null":
        return None
    if ref.spec is not None and ref.spec.kind == TEXT:
        if not isinstance(raw, str):
            raise ChangeError(f"{ref.id}: expected text, got {shown(raw)}", f"{ref.id}：应为文字，收到的是 {shown(raw)}")
        return raw
    try:
        spec = answer_spec(ref, data, labels)
    except ValueError:
        raise ChangeError(f"{ref.id}: cannot be set as one value; set its fields (e.g. {ref.id}.hd_video=included)",
                          f"{ref.id}：不能整体设为一个值；请分别设置其中的字段（例如 {ref.id}.hd_video=included）") from None
    try:
        value = parse_answer(ref, raw, spec)
    except ValueError as error:
        zh = error.text.zh if isinstance(error, AnswerError) else str(error)
        raise ChangeError(f"{ref.id}: {error}", f"{ref.id}：{zh}") from None
    return None if value is DONT_KNOW else value


def _refs(advice: Advice) -> dict[tuple[str, str], ConclusionRef]:
    return {(c.id, c.subject): ConclusionRef(id=c.id, subject=c.subject, title=c.text) for c in advice.all_conclusions()}


def what_if(consultant: Consultant, asker: Asker, profile: Union[Profile, dict], changes: Union[dict, list],
            lang: str = "en") -> WhatIf:
    """Advice before and after the changes, and the difference between them.

    Raises ChangeError for a change that names no fact or does not fit it, and
    ``InputError`` (a pydantic ValidationError) when the profile, or the changed one, is not valid.
    """
    before = consultant.consult(profile, lang)
    data, applied = apply_changes(asker.labels, before.data, changes)
    after = consultant.advise(data, lang=lang)
    old, new = _refs(before.advice), _refs(after)
    old_figures = {(f.id, f.subject): f for f in before.advice.figures}
    new_figures = {(f.id, f.subject): f for f in after.figures}
    figures = []
    for key in sorted(set(old_figures) | set(new_figures)):
        a, b = old_figures.get(key), new_figures.get(key)
        if (a and a.value) != (b and b.value):
            figures.append(FigureChange(figure=key[0], subject=key[1], before=a.value if a else None,
                                        after=b.value if b else None, unit=(a or b).unit))
    return WhatIf(changes=applied, verdict_before=before.advice.verdict.id, verdict_after=after.verdict.id,
                  verdict_changed=before.advice.verdict.id != after.verdict.id,
                  gained=[new[k] for k in sorted(set(new) - set(old))], lost=[old[k] for k in sorted(set(old) - set(new))],
                  figures_changed=figures, advice=after)
