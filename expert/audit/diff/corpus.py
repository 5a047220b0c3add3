"""The profiles a change is measured on: every worked case (of either side), the bundled
examples when present, and a seeded set of generated profiles whose numbers sit on and
around every threshold either knowledge base compares them with.

Generated profiles are valid by construction: values come from the vocabulary's domains
(every enum choice, numbers within range) and each candidate is validated; the seed makes
the set the same on every run, so two runs of ``expert diff`` agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from expert.audit.cases import load_cases
from expert.facts.fields import BOOL, ENUM, LIST_ENUM, NUMBER, SECTION, field_catalogue
from expert.facts.profile_io import read_profile
from expert.facts.vocabulary import Availability, Capability, Profile
from expert.rulebase.rulebook import KnowledgeBase, thresholds_by_field

OFFER_NAMES = ("Offer A", "Offer B")


@dataclass(frozen=True)
class Sample:
    name: str  # "case:ID", "example:FILE" or "generated:N"
    profile: dict


def _number(rng: random.Random, spec, thresholds: dict[str, set]):
    low = spec.minimum if spec.minimum is not None else 0.0
    high = min(spec.maximum if spec.maximum is not None else 1e6, 1e7)
    near = sorted(v + d for v in thresholds.get(spec.path, ()) for d in (-1, 0, 1) if low <= v + d <= high)
    value = rng.choice(near) if near and rng.random() < 0.5 else rng.uniform(low, high) * rng.random()
    value = max(low, min(high, value))
    return int(round(value)) if spec.integer else round(value, 2)


def _value(rng: random.Random, spec, thresholds: dict[str, set]):
    if spec.kind == BOOL:
        return rng.random() < 0.5
    if spec.kind == ENUM:
        return rng.choice(spec.choices)
    if spec.kind == NUMBER:
        return _number(rng, spec, thresholds)
    if spec.kind == LIST_ENUM:
        return rng.sample(list(spec.choices), k=rng.randint(0, min(4, len(spec.choices))))
    return None


def _put(container: dict, keys: list[str], value) -> None:
    for key in keys[:-1]:
        container = container.setdefault(key, {})
    container[keys[-1]] = value


def generated_profile(rng: random.Random, thresholds: dict[str, set], share: float = 0.35) -> dict:
    """One random profile: each input field stated with probability ``share``."""
    catalogue = field_catalogue()
    profile: dict = {}
    offers = [{"name": name} for name in OFFER_NAMES[: rng.randint(0, len(OFFER_NAMES))]]
    for path, spec in catalogue.items():
        if spec.derived or spec.kind == SECTION or spec.path.startswith("upgrade.") or spec.kind == "text":
            continue
        if path.startswith("offer.capabilities."):
            continue
        if path.startswith("offer."):
            for offer in offers:
                if rng.random() < share:
                    _put(offer, path.split(".")[1:], _value(rng, spec, thresholds))
        elif rng.random() < share:
            _put(profile, path.split("."), _value(rng, spec, thresholds))
    for offer in offers:
        if rng.random() < 0.7:
            items = []
            for capability in rng.sample([c.value for c in Capability], k=rng.randint(1, 6)):
                availability = rng.choice([a.value for a in Availability])
                item = {"capability": capability, "availability": availability}
                if availability == Availability.paid.value and rng.random() < 0.7:
                    item["monthly_price_usd"] = round(rng.uniform(0, 2000), 2)
                items.append(item)
            offer["capabilities"] = items
    if offers:
        profile["offers"] = offers
    if rng.random() < 0.5:
        upgrade: dict = {}
        for path, spec in catalogue.items():
            if path.startswith("upgrade.") and not spec.derived and spec.kind not in (SECTION, "text") \
                    and path != "upgrade.offer" and rng.random() < 0.6:
                _put(upgrade, path.split(".")[1:], _value(rng, spec, thresholds))
        if offers and rng.random() < 0.7:
            upgrade["offer"] = rng.choice(offers)["name"]
        profile["upgrade"] = upgrade
    return profile


def corpus(old: KnowledgeBase, new: KnowledgeBase, generated: int, seed: int,
           examples: Path | None = None) -> list[Sample]:
    """Worked cases of both sides (by id, the new one's profile when both have it), the
    examples, then ``generated`` valid generated profiles."""
    samples: dict[str, Sample] = {}
    for knowledge in (old, new):
        directory = Path(knowledge.directory) / "cases"
        if directory.is_dir():
            for case in load_cases(directory, require_rationale=False):
                samples[f"case:{case.id}"] = Sample(f"case:{case.id}", case.profile)
    if examples is not None and examples.is_dir():
        for path in sorted(examples.glob("*.yaml")):
            samples[f"example:{path.name}"] = Sample(f"example:{path.name}", read_profile(str(path)))
    rng = random.Random(seed)  # noqa: S311 - a seeded, repeatable sample, not a secret
    thresholds = thresholds_by_field(old, new)
    made = 0
    while made < generated:
        profile = generated_profile(rng, thresholds)
        try:
            Profile.model_validate(profile)
        except ValidationError:
            continue
        samples[f"generated:{made}"] = Sample(f"generated:{made}", profile)
        made += 1
    return list(samples.values())
