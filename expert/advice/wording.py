"""Small pieces of natural wording the renderers and because-texts share.

English nouns agree with their count ("1 capability", "3 capabilities").  A tested
helper rather than a library: the nouns are the few the knowledge's texts count, and
``inflect``, the well-kept choice, takes seconds to import (typeguard instruments it) and
~150 µs a call, on a path every consultation takes.
"""

from __future__ import annotations

from typing import Any

_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women", "time": "times"}
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def plural(noun: str) -> str:
    """The plural of an English noun or noun phrase (its last word is inflected)."""
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    lower = last.lower()
    if lower in _IRREGULAR:
        return prefix + _IRREGULAR[lower]
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return f"{prefix}{last[:-1]}ies"
    if lower.endswith(_SIBILANT_ENDINGS):
        return f"{prefix}{last}es"
    return f"{prefix}{last}s"


def counted(count: Any, noun: str, shown: str) -> str:
    """``shown`` (the count as written) and the noun agreeing with it: "1 offer", "2.5 hours"."""
    try:
        one = float(count) == 1
    except (TypeError, ValueError):
        one = False
    return f"{shown} {noun if one else plural(noun)}"
