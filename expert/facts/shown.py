"""Values quoted back to a person: short, and harmless on a terminal.

Error messages quote what was given so the user can find it; a value can be a 900 KB
name, a 5,000-digit integer (whose ``repr`` Python itself refuses to build beyond 4,300
digits) or text with escape sequences that would retitle or drive the user's terminal.
``shown`` gives a few dozen characters at most, control characters escaped.
"""

from __future__ import annotations

SHOWN_CHARS = 40  # characters of a value quoted in a message


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A short, printable ``repr`` of ``value`` for an error message."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = _digits(value)
        if digits > limit:
            return f"an integer of {digits:,} digits"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a huge integer inside a container, a deep nesting
        return f"a {type(value).__name__}"
    return _clip(escape_controls(text), limit)


def _digits(value: int) -> int:
    bits = abs(value).bit_length()
    if bits < 60:
        return len(str(abs(value)))
    return int(bits * 0.30103) + 1  # log10(2): exact enough to tell a person the size


def escape_controls(text: str) -> str:
    """Text with every control character (C0, DEL, C1) written as an escape, e.g. ``\\x1b``."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _clip(text: str, limit: int) -> str:
    """``text``, or its first ``limit - 3`` characters and "..." when longer."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str, limit: int = 300) -> str:
    """A message from elsewhere (a parser's, the system's) on one line, escaped, at most ``limit`` characters."""
    return _clip(escape_controls(" ".join(part.strip() for part in str(text).splitlines())), limit)
