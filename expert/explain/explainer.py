"""Explain one conclusion of a profile's advice: how it was reached, or why it was not.

``Advisor.explain`` calls this; it puts together the proof (``proof.py``), the why-not
(``whynot.py``) and the smallest change (``smallest_change.py``) as one typed
``Explanation``.  Rendering it is ``render.py``'s job.
"""

from __future__ import annotations

import difflib
from typing import Optional, Union

from expert.advice.consultation import Consultant
from expert.explain.conditions import FactView
from expert.explain.model import Explanation
from expert.explain.proof import ProofBuilder, title_of
from expert.explain.smallest_change import smallest_change
from expert.explain.whynot import WhyNotBuilder
from expert.facts.vocabulary import Profile
from expert.rulebase.compiler import COMPANY_SUBJECT


class UnknownConclusionError(ValueError):
    """The conclusion id or subject asked about does not exist; the message suggests some,
    ``zh`` says the same in Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


def explain(consultant: Consultant, profile: Union[Profile, dict], conclusion_id: str, subject: Optional[str] = None,
            lang: str = "en", search: bool = True) -> Explanation:
    knowledge = consultant.knowledge
    if conclusion_id not in knowledge.conclusions:
        close = difflib.get_close_matches(conclusion_id, list(knowledge.conclusions), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `expert rules list`"
        hint_zh = f"；您是否想找 {'、'.join(map(repr, close))}？" if close else "；请用 `expert rules list` 查看"
        raise UnknownConclusionError(f"no conclusion {conclusion_id!r}{hint}", f"没有编号为 {conclusion_id!r} 的结论{hint_zh}")
    run = consultant.consult(profile, lang)
    data = run.data
    offers = [o["name"] for o in data.get("offers") or []]
    if subject is not None and subject not in (COMPANY_SUBJECT, *offers):
        raise UnknownConclusionError(f"no offer named {subject!r} in the profile (offers: {', '.join(offers) or 'none'})",
                                     f"资料中没有名为 {subject!r} 的方案（现有方案：{'、'.join(offers) or '无'}）")
    # the catalogue's and the profile's own strings from here on: the why-not is built without
    # validation (``whynot.py``), which would have made a str of a caller's str subclass
    asked = knowledge.conclusions[conclusion_id]
    conclusion_id, about = asked.id, asked.about
    if subject is not None:
        subject = next(s for s in (COMPANY_SUBJECT, *offers) if s == subject)
    if subject == COMPANY_SUBJECT and about == "offer" or subject not in (None, COMPANY_SUBJECT) and about == "company":
        raise UnknownConclusionError(f"{conclusion_id} is only ever about {'an offer' if about == 'offer' else 'the company'};"
                                     f" drop --subject{' or name an offer' if about == 'offer' else ''}",
                                     f"{conclusion_id} 只针对{'某个方案' if about == 'offer' else '公司'}；"
                                     f"请去掉 --subject{'，或给出一个方案名称' if about == 'offer' else ''}")
    proofs = ProofBuilder(knowledge, run.advice, data)
    reached = sorted(s for c, s in run.concluded if c == conclusion_id and subject in (None, s))
    common = {"conclusion": conclusion_id, "subject": subject, "title": title_of(knowledge, conclusion_id),
              "verdict": run.advice.verdict.id}
    if reached:
        return Explanation(**common, reached=True, proofs=[proofs.node(conclusion_id, s) for s in reached])
    view = FactView.build(run.facts, run.concluded)
    why_not = WhyNotBuilder(knowledge, view, proofs).node(conclusion_id, subject)
    change = smallest_change(consultant, data, conclusion_id, subject, view) if search else None
    return Explanation(**common, reached=False, why_not=why_not, smallest_change=change)
