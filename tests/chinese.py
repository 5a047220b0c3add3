"""What Chinese text must look like to a Chinese reader, as checks the tests share.

Inside a Chinese sentence: full-width punctuation (，：；？！（）), one register (您, never
你), and no ASCII identifiers (``monthly_fee_usd``, ``upgrade.kind``, ``USD/month``,
``paid``): every field, value and unit reads as its Chinese label.  Numbers, brand names
and acronyms (AI, SSO, MAU, 2K/4K) are fine, and so are the references a line ends with
(``[warning.free_trap]``, ``(warning.free-trap-hard-cap; C23, P41)``), which are ids.
"""

from __future__ import annotations

import re

CJK = "\u4e00-\u9fff"
WIDE = "\u3000-\u303f\uff00-\uffef“”‘’"
_CJK_OR_WIDE = re.compile(f"[{CJK}{WIDE}]")
HALF_WIDTH = ",:;?!()"
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_.\-])[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+(?![A-Za-z0-9_])")
_UNIT = re.compile(r"\b(USD|EUR|CNY)\b")
_REFERENCES = re.compile(
    r"\[[a-z]+\.[a-z_]+\]"                                          # a conclusion tag [warning.free_trap]
    r"|`[a-z]+\.[a-z_]+`"                                           # the same in Markdown
    r"|[（(][a-z0-9_\-]+\.[a-z0-9_.\-]+[;；][^()（）]*[)）]"          # (rule-id; C01, P03)
    r"|\b[CP]\d\d\b"                                                # claim and paragraph ids
    r"|\b[a-z0-9_]+-[a-z0-9_-]+\.yaml:\d+\b"                        # file:line
)


def _neighbour(text: str, index: int, step: int) -> str:
    index += step
    while 0 <= index < len(text) and text[index] == " ":
        index += step
    return text[index] if 0 <= index < len(text) else ""


def half_width_in_chinese(text: str) -> list[str]:
    """Each half-width punctuation mark that touches Chinese text (spaces aside), shown in context."""
    found = []
    for index, char in enumerate(text):
        if char not in HALF_WIDTH:
            continue
        before, after = _neighbour(text, index, -1), _neighbour(text, index, 1)
        if char == "," and before.isdigit() and after.isdigit():
            continue
        if _CJK_OR_WIDE.match(before or " ") or _CJK_OR_WIDE.match(after or " "):
            found.append(text[max(0, index - 8):index + 8])
    return found


def identifiers_in_chinese(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """ASCII identifiers and codes left inside Chinese text, after the line's references and
    the user's own names (``allowed``) are taken out."""
    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(name, " ")
    text = _REFERENCES.sub(" ", text)
    return _IDENTIFIER.findall(text) + _UNIT.findall(text)


def chinese_problems(output: str, allowed: set[str] = frozenset(), words: set[str] = frozenset()) -> list[str]:
    """Every problem in the Chinese lines of ``output``: half-width punctuation, 你,
    identifiers, and whole ASCII ``words`` (enum values) that should have been labelled."""
    problems = []
    for line in output.splitlines():
        if not re.search(f"[{CJK}]", line):
            continue
        clean = line
        for name in sorted(allowed, key=len, reverse=True):
            clean = clean.replace(name, "\x00")
        stripped = _REFERENCES.sub("\x00", clean)
        problems += [f"half-width {bit!r} in: {line}" for bit in half_width_in_chinese(stripped)]
        problems += [f"identifier {bit!r} in: {line}" for bit in identifiers_in_chinese(stripped)]
        problems += [f"untranslated {word!r} in: {line}" for word in re.findall(r"[A-Za-z_]+", stripped) if word in words]
        if "你" in line:
            problems.append(f"你 instead of 您 in: {line}")
    return problems


def user_names(profile: dict) -> set[str]:
    """The user's own words in a profile (company, offer and add-on names), which stay as
    written in any language."""
    names = {(profile.get("company") or {}).get("name") or ""}
    names |= {offer.get("name", "") for offer in profile.get("offers") or []}
    names |= {addon.get("name", "") for addon in (profile.get("needs") or {}).get("custom_addons") or []}
    names |= {addon.get("name", "") for offer in profile.get("offers") or [] for addon in offer.get("addons") or []}
    return {name for name in names if name}


def enum_words() -> set[str]:
    """The vocabulary's choice values, which Chinese text shows by their labels (a few that
    are also plain words or acronyms aside)."""
    from expert.facts.fields import ENUM, LIST_ENUM, field_catalogue

    return {value for spec in field_catalogue().values() if spec.kind in (ENUM, LIST_ENUM)
            for value in spec.choices} - {"none", "other", "AI"}
