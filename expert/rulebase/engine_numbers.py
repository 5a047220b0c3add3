"""The numbers durable_rules can be given.

Kept apart from ``inference/engine.py`` because the knowledge loader holds rule constants to the
same grid, and the loader must not depend on the engine.
"""

from __future__ import annotations

NUMBER_LIMIT = 1e15  # numbers are clamped to +-this before they reach durable_rules
NUMBER_DECIMALS = 4  # and rounded to this many decimals


def engine_number(value: float) -> float:
    """A float durable_rules can read: fixed-point, no exponent.

    Verified here: durable_rules' JSON reader segfaults on exponent notation ("1e-30",
    "1e+17"), which Python and orjson produce below 1e-4 and from 1e16 on.  Rounding to
    4 decimals and clamping to 1e15 keeps every number in fixed notation.  Rule constants
    are held to the same grid by the loader, so comparisons are exact at that precision:
    only a value within 0.00005 of a rule's constant can compare as equal to it.
    """
    return max(-NUMBER_LIMIT, min(NUMBER_LIMIT, round(value, NUMBER_DECIMALS)))
