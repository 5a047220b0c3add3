"""How facts, values, units and conclusions read to a person, in either language.

Explanations and what-if results carry ids (``offers[Chat].capabilities.moderation``,
``paid``, ``verdict.pay``): stable for agents, and what an English-reading auditor greps
for.  A Chinese reader needs words: 「Chat 的内容审核：提供，需额外付费（每月 449 美元）」.
A ``Glossary`` turns one into the other from the knowledge's own labels (the answer
choices of ``questions.yaml``, ``labels.yaml``, conclusion titles) and the vocabulary's
field names (``facts/field_labels.py``).  It decides nothing; renderers call it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Optional

from expert.facts.field_labels import label_of, unit_of
from expert.rulebase.compiler import ANY_SUBJECT, COMPANY_SUBJECT
from expert.rulebase.rulebook import KnowledgeBase

_OFFER_FACT = re.compile(r"^offers\[(.*)\](\..*)?$")
_LIST_SEP = {"en": ", ", "zh": "、"}


def _pick(pair: Any, lang: str) -> str:
    """A (en, zh) tuple's or a bilingual object's text in ``lang``."""
    if isinstance(pair, tuple):
        return pair[1] if lang == "zh" else pair[0]
    return pair.zh if lang == "zh" else pair.en


def number(value: float) -> str:
    """1234.5 -> '1,234.5'; whole numbers without a decimal point."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class Glossary:
    """Words for the ids of one knowledge base: enum values, facts, units, conclusions."""

    def __init__(self, values: Mapping[str, Any], titles: Mapping[str, Any]) -> None:
        self.values, self.titles = dict(values), dict(titles)

    @classmethod
    def of(cls, knowledge: KnowledgeBase, choices: Optional[Mapping[str, Any]] = None) -> Glossary:
        """The glossary of ``knowledge``; ``choices`` (value -> the answer label a question
        offers) read first, then ``labels.yaml``, which names values inside sentences."""
        values = {**knowledge.labels, **(choices or {})}
        return cls(values, {cid: c.title for cid, c in knowledge.conclusions.items()})

    # --- names --------------------------------------------------------------------------

    def split(self, fact: str) -> tuple[Optional[str], str]:
        """'offers[Chat].prices.monthly_fee_usd' -> ('Chat', 'offer.prices.monthly_fee_usd')."""
        found = _OFFER_FACT.match(fact)
        if found:
            return found.group(1), "offer" + (found.group(2) or "")
        return None, fact

    def fact(self, fact: str, lang: str) -> str:
        """A fact id as a reader names it; in English the id itself (the auditor's name for it)."""
        if lang != "zh":
            return fact
        offer, path = self.split(fact)
        name = self._path_name(path, lang)
        if name is None:
            return fact
        if offer is None or path == "offer":
            return name if offer is None else offer
        whose = "任一方案" if offer == "*" else offer
        return f"{whose} 的{name}" if whose[-1:].isascii() else f"{whose}的{name}"  # a space after Latin text

    def names(self, fact: str) -> tuple[str, ...]:
        """Every name a person may call a fact by: (id, English name, Chinese name, then the
        names without the offer's), e.g. ('offers[Chat].pricing_model', "Chat's pricing model",
        'Chat 的计费模式', 'pricing model', '计费模式')."""
        offer, path = self.split(fact)
        en, zh = self._path_name(path, "en") or fact, self._path_name(path, "zh") or fact
        if offer is None:
            return fact, en, zh
        return fact, f"{offer}'s {en}", self.fact(fact, "zh"), en, zh

    def _path_name(self, path: str, lang: str) -> Optional[str]:
        label = label_of(path)
        if label is not None:
            return _pick(label, lang)
        if path.startswith("offer.capabilities."):
            capability = path.rsplit(".", 1)[-1]
            found = self.values.get(capability)
            return _pick(found, lang) if found is not None else None
        return None

    def title(self, cid: str, lang: str) -> str:
        found = self.titles.get(cid)
        return _pick(found, lang) if found is not None else cid

    def subject(self, subject: Optional[str], lang: str) -> str:
        """Whom a conclusion is about, as a suffix: '' for the company, '（Chat）' for an offer."""
        if subject in (None, COMPANY_SUBJECT):
            return ""
        if lang != "zh":
            return f" ({subject})"
        return "（任一方案）" if subject in (ANY_SUBJECT, "*") else f"（{subject}）"

    def unit(self, unit: str, lang: str) -> str:
        """A figure's unit ('USD/month') as words, from labels.yaml."""
        found = self.values.get(unit)
        return _pick(found, lang) if found is not None and lang == "zh" else unit

    # --- values -------------------------------------------------------------------------

    def value(self, fact: str, value: Any, lang: str) -> str:
        """A fact's value with its unit, as a reader of ``lang`` expects it."""
        if lang != "zh":
            return show_plain(value, lang)
        _, path = self.split(fact)
        shown = self.plain(value, lang)
        unit = unit_of(path)
        if unit is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{shown} {_pick(unit, lang)}"
        return shown

    def plain(self, value: Any, lang: str) -> str:
        """A value without a unit: labels for choices, 是/否, lists joined the reader's way."""
        if lang != "zh":
            return show_plain(value, lang)
        if value is None:
            return "未说明"
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, (int, float)):
            return number(value)
        if isinstance(value, (list, tuple)):
            return _LIST_SEP[lang].join(self.plain(v, lang) for v in value) if value else "无"
        if isinstance(value, dict):
            return self._record(value, lang)
        found = self.values.get(str(value))
        return _pick(found, lang) if found is not None else str(value)

    def _record(self, value: dict, lang: str) -> str:
        if set(value) == {"availability", "monthly_price_usd"}:  # a priced capability
            price = value["monthly_price_usd"]
            cost = "价格未公布" if price == "unknown" else f"每月 {number(price)} 美元"
            return f"{self.plain(value['availability'], lang)}（{cost}）"
        if "capability" in value and "availability" in value:
            return f"{self.plain(value['capability'], lang)}：{self.plain(value['availability'], lang)}"
        parts = []
        for key, item in value.items():
            path = f"company.in_house_estimate.{key}"
            name = self._path_name(path, lang) or self.plain(key, lang)
            unit = unit_of(path)
            parts.append(f"{name} {self.plain(item, lang)}{' ' + _pick(unit, lang) if unit else ''}")
        return "，".join(parts)


def show_plain(value: Any, lang: str = "en") -> str:
    """A fact's value for people, without a glossary: lists comma-separated, None as 'not stated'."""
    if value is None:
        return "未说明" if lang == "zh" else "not stated"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(show_plain(v, lang) for v in value) if value else ("（无）" if lang == "zh" else "(none)")
    if isinstance(value, dict):
        if set(value) == {"availability", "monthly_price_usd"}:  # a priced capability
            if value["monthly_price_usd"] == "unknown":
                return f"{value['availability']} ({'价格未公布' if lang == 'zh' else 'price not published'})"
            price = show_plain(value["monthly_price_usd"], lang)
            return f"{value['availability']} ({'每月 ' + price + ' 美元' if lang == 'zh' else price + ' USD/month'})"
        return ", ".join(f"{k}={show_plain(v, lang)}" for k, v in value.items())
    return str(value)
