"""Name one input fact of a profile, read it, and change it, without touching the rest.

What-if changes (``--set PATH=VALUE``), consultation questions and why-not's smallest
changes all address input facts by the same names:

* ``company.stage``, ``needs.usage.mau``, ``upgrade.kind``: a field of a section;
* ``upgrade``: whether a specific upgrade is being weighed (the section itself);
* ``offers``: the names of the offers being weighed;
* ``offers[Name].pricing_model``, ``offers[Name].vendor.listed``: a field of one offer;
* ``offers[Name].capabilities``: the offer's whole capability list, and
  ``offers[Name].capabilities.hd_video``: one capability's availability.

Profiles are handled as plain JSON-ready dicts (what a chat bot passes back and forth);
every function returns a new dict and leaves its argument alone.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Optional

from expert.facts.fields import SECTION, FieldSpec, field_catalogue
from expert.facts.shown import shown

OFFERS, UPGRADE = "offers", "upgrade"
COMPANY = "company"  # the subject of every fact and conclusion that is not about one offer
ANY_OFFER = "offers[*]"  # an offer's fact with the offer left open (offer names may not be "*")


class FactPathError(ValueError):
    """A fact path that names nothing in the vocabulary; the message says what is expected,
    ``zh`` the same in Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


@dataclass(frozen=True)
class FactRef:
    """One input fact: a catalogue path (``offer.*`` for offers) and, for offers, whose."""

    path: str  # catalogue path: "needs.usage.mau", "offer.pricing_model", "upgrade", "offers"
    offer: Optional[str] = None

    @property
    def id(self) -> str:
        if self.offer is None:
            return self.path
        return f"offers[{self.offer}]{self.path[len('offer'):]}"

    @property
    def fact(self) -> str:
        """The id with the offer left as a placeholder: ``offers[*].vendor.listed``; the id
        itself for company-level facts.  The same for every offer, so a bot can key on it."""
        return self.path if self.offer is None else f"{ANY_OFFER}{self.path[len('offer'):]}"

    @property
    def subject(self) -> str:
        """Whom the fact is about: the offer's name, or ``company``."""
        return self.offer if self.offer is not None else COMPANY

    @classmethod
    def from_id(cls, fact: str) -> FactRef:
        """The inverse of ``id``, unchecked: for ids this package made (``parse_fact`` checks user text)."""
        if fact.startswith("offers["):
            close = fact.rfind("]")
            return cls(f"offer{fact[close + 1:]}", fact[len("offers["):close])
        return cls(fact)

    @property
    def spec(self) -> Optional[FieldSpec]:
        return field_catalogue().get(self.path)


def parse_fact(text: str, sections: bool = False) -> FactRef:
    """'offers[Zoom].pricing_model' -> FactRef('offer.pricing_model', 'Zoom'); checked against the vocabulary.

    ``sections`` also accepts a section (``offers[Zoom].prices``), as rules may test
    whether one is stated; changes and questions name facts, never sections.
    """
    text = text.strip()
    if text == OFFERS:
        return FactRef(OFFERS)
    if text.startswith("offers["):
        close = text.rfind("]")
        if close < len("offers[") + 1:
            raise FactPathError(f"{shown(text)}: expected offers[<offer name>].<field>, e.g. offers[Cloud IM].pricing_model",
                                f"{shown(text)}：应写作 offers[方案名称].字段，例如 offers[Cloud IM].pricing_model")
        name, rest = text[len("offers["):close], text[close + 1:]
        if not rest.startswith(".") or len(rest) < 2:
            raise FactPathError(f"{shown(text)}: expected a field after offers[{name}], e.g. offers[{name}].pricing_model",
                                f"{shown(text)}：offers[{name}] 后面应有字段，例如 offers[{name}].pricing_model")
        path = f"offer{rest}"
        _check_input_path(path, text, sections)
        return FactRef(path, name)
    if text.startswith("offer."):
        raise FactPathError(f"{shown(text)}: name the offer, e.g. offers[<name>].{text[len('offer.'):]}",
                            f"{shown(text)}：请写明方案名称，例如 offers[方案名称].{text[len('offer.'):]}")
    _check_input_path(text, text, sections)
    return FactRef(text)


def _check_input_path(path: str, given: str, sections: bool = False) -> None:
    spec = field_catalogue().get(path)
    if path == "offer.name":
        raise FactPathError(f"{shown(given)}: an offer's name is its identity; change `offers` instead",
                            f"{shown(given)}：方案名称是方案的标识，不能单独修改；请改 `offers`")
    if spec is None or spec.derived:
        raise FactPathError(f"{shown(given)}: not an input fact of the profile vocabulary (see `expert schema`)",
                            f"{shown(given)}：不是资料词汇中可填写的事实（见 `expert schema`）")
    if spec.kind == SECTION and not sections and path not in (UPGRADE, "offer.capabilities", "company.in_house_estimate"):
        raise FactPathError(f"{shown(given)}: a section, not a fact; name one of its fields",
                            f"{shown(given)}：这是一个分节，不是事实；请指明其中的某个字段")


def _offer(profile: dict, name: str) -> Optional[dict]:
    return next((o for o in profile.get(OFFERS) or [] if o.get("name") == name), None)


def _walk(container: Optional[dict], keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(container, dict):
            return None
        container = container.get(key)
    return container


def get_fact(profile: dict, ref: FactRef) -> Any:
    """The value the profile gives for ``ref`` (None when not stated)."""
    if ref.path == OFFERS:
        return [o["name"] for o in profile.get(OFFERS) or []] or None
    if ref.path == UPGRADE:
        return None if profile.get(UPGRADE) is None else True
    if ref.offer is not None:
        offer = _offer(profile, ref.offer)
        keys = ref.path.split(".")[1:]
        if keys[0] == "capabilities" and len(keys) == 2:  # the availability, with the price when one is given
            items = (offer or {}).get("capabilities") or []
            item = next((i for i in items if i.get("capability") == keys[1]), None)
            if item is None or item.get("monthly_price_usd") is None:
                return None if item is None else item.get("availability")
            return {"availability": item.get("availability"), "monthly_price_usd": item["monthly_price_usd"]}
        return _walk(offer, keys)
    return _walk(profile, ref.path.split("."))


def set_fact(profile: dict, ref: FactRef, value: Any) -> dict:
    """A copy of ``profile`` with ``ref`` set to ``value`` (None removes the fact).

    Values are taken as given; validating the result is the caller's next step (a
    Profile model), so every error is reported by the vocabulary in one place.
    """
    return _set_in(copy.deepcopy(profile), ref, value)


def set_fact_shared(profile: dict, ref: FactRef, value: Any) -> dict:
    """``set_fact`` copying only the sections on the fact's path (the offer it names, the
    dicts above it): the rest is shared with ``profile``, so neither may be mutated after.
    What the smallest-change search's hundreds of trials need: a deep copy costs more than
    the rest of a trial's bookkeeping."""
    result = dict(profile)
    keys = ref.path.split(".")
    container = result
    if ref.offer is not None and ref.path != OFFERS:
        offers = list(result.get(OFFERS) or [])
        index = next((i for i, o in enumerate(offers) if isinstance(o, dict) and o.get("name") == ref.offer), None)
        if index is None:
            return _set_in(result, ref, value)  # it reports the unknown offer
        container = offers[index] = dict(offers[index])
        result[OFFERS] = offers
        keys = keys[1:]
    for key in keys[:-1]:  # the dicts _put may change, copied
        child = container.get(key)
        if not isinstance(child, dict):
            break
        container[key] = container = dict(child)
    return _set_in(result, ref, value)


def _set_in(result: dict, ref: FactRef, value: Any) -> dict:
    """Set ``ref`` in ``result`` (a copy the caller owns along the fact's path)."""
    if ref.path == OFFERS:
        if value is not None and not isinstance(value, list):
            raise FactPathError(f"offers: expected a list of names, got {shown(value)}",
                                f"offers：应为名称列表，收到的是 {shown(value)}")
        names = list(value or [])
        known = {o.get("name"): o for o in result.get(OFFERS) or []}
        result[OFFERS] = [known.get(name) or {"name": name} for name in names]
        return result
    if ref.path == UPGRADE:
        if value is not None and not isinstance(value, bool):
            raise FactPathError(f"upgrade: expected yes or no, got {shown(value)}",
                                f"upgrade：应为是或否，收到的是 {shown(value)}")
        if not value:
            result.pop(UPGRADE, None)
        elif result.get(UPGRADE) is None:
            result[UPGRADE] = {}
        return result
    if ref.offer is not None:
        offer = _offer(result, ref.offer)
        if offer is None:
            names = ", ".join(o.get("name", "?") for o in result.get(OFFERS) or []) or "none"
            raise FactPathError(f"{ref.id}: no offer named {shown(ref.offer)} (offers: {names})",
                                f"{ref.id}：没有名为 {shown(ref.offer)} 的方案（现有方案：{names.replace(', ', '、')}）")
        keys = ref.path.split(".")[1:]
        if keys[0] == "capabilities" and len(keys) == 2:
            _set_capability(offer, keys[1], value)
        else:
            _put(offer, keys, value)
        return result
    _put(result, ref.path.split("."), value)
    return result


def _set_capability(offer: dict, capability: str, availability: Any) -> None:
    items = [i for i in offer.get("capabilities") or [] if i.get("capability") != capability]
    if availability is not None:
        entry = availability if isinstance(availability, dict) else {"availability": availability}
        items.append({**entry, "capability": capability})
    if items or offer.get("capabilities") is not None:
        offer["capabilities"] = items


def _put(container: dict, keys: list[str], value: Any) -> None:
    """Set a nested key, creating sections on the way; None removes it and prunes empty sections."""
    *parents, last = keys
    chain = [container]
    for key in parents:
        child = chain[-1].get(key)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            chain[-1][key] = child
        chain.append(child)
    if value is None:
        chain[-1].pop(last, None)
        for parent, key in zip(reversed(chain[:-1]), reversed(parents), strict=True):
            if parent.get(key) == {} and key not in (UPGRADE,):
                parent.pop(key)
    else:
        chain[-1][last] = value


def input_facts_of(profile: dict) -> dict[str, Any]:
    """Every stated input fact of a profile, by fact id (what why-not and the bot compare)."""
    facts: dict[str, Any] = {}
    catalogue = field_catalogue()
    for path, spec in catalogue.items():
        if spec.derived or spec.kind == SECTION or path.startswith("offer."):
            continue
        value = get_fact(profile, FactRef(path))
        if value is not None:
            facts[path] = value
    if profile.get(UPGRADE) is not None:
        facts[UPGRADE] = True
    for offer in profile.get(OFFERS) or []:
        facts.setdefault(OFFERS, []).append(offer["name"])
        for path, spec in catalogue.items():
            if not path.startswith("offer.") or spec.derived or path == "offer.name":
                continue
            if spec.kind == SECTION:
                continue
            ref = FactRef(path, offer["name"])
            value = get_fact(profile, ref)
            if value is not None:
                facts[ref.id] = value
    return facts



def expand_input(item: str, subject: Optional[str], profile: dict) -> list[FactRef]:
    """The input facts one entry of a derived field's ``inputs`` stands for on this profile.

    ``offer.x`` is the subject offer's field, ``offers.x`` that field of every offer,
    ``target.x`` the field of the offer the upgrade belongs to.  A capability list stands
    for the capabilities that matter to the value: the required ones for an offer's
    must-haves, the ones the upgrade adds for the upgrade's target.
    """
    offers = [o["name"] for o in profile.get(OFFERS) or []]
    if item.startswith("offers."):
        rest = f"offer.{item[len('offers.'):]}"
        return [ref for name in offers for ref in expand_input(rest, name, profile)]
    if item.startswith("target."):
        target = (profile.get(UPGRADE) or {}).get("offer")
        if target is None:
            return []
        rest = f"offer.{item[len('target.'):]}"
        if rest == "offer.capabilities":
            adds = (profile.get(UPGRADE) or {}).get("adds_capabilities") or []
            return [FactRef(f"offer.capabilities.{c}", target) for c in adds]
        return expand_input(rest, target, profile)
    if item == "offer.capabilities":
        required = (profile.get("needs") or {}).get("capabilities") or []
        return [FactRef(f"offer.capabilities.{c}", subject) for c in required] if subject else []
    if item.startswith("offer."):
        return [FactRef(item, subject)] if subject else []
    return [FactRef(item)]
