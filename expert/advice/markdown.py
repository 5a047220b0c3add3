"""Markdown that a CommonMark reader shows line for line.

CommonMark joins consecutive lines into one paragraph, and reads an indented line after a
list item as more of that item's paragraph: "because: ..." under a conclusion would run on
after its title.  The renderers write the same logical lines for text and Markdown; in
Markdown a line that belongs to the item above it becomes a nested item (``detail``), and a
blank line goes before every line that is not a list item (``blocks``).  A list may follow
the line that introduces it directly: a list item starts a new block on its own.
"""

from __future__ import annotations

import re

_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")


def detail(text: str, md: bool, indent: str = "    ") -> str:
    """A line under the top-level list item above it: ``indent`` in text, a nested list
    item in Markdown."""
    return f"  - {text}" if md else f"{indent}{text}"


def is_item(line: str) -> bool:
    return line.lstrip().startswith("- ")


def blocks(lines: list[str]) -> list[str]:
    """A blank line before every line that is neither a list item nor already after a blank."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip() and not is_item(line):
            out.append("")
        out.append(line)
    return out


def no_raw_html(markdown: str) -> str:
    """The Markdown with every ``<`` outside code escaped (``\\<``): our renderers write no
    HTML, so any tag came from user text (a company or offer name) and must show as text,
    not run in a renderer that allows HTML.  Code spans and fenced blocks show ``<`` as is."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and "<" in line:
            pieces, last = [], 0
            for span in _CODE_SPAN.finditer(line):
                pieces += [line[last:span.start()].replace("<", "\\<"), span.group(0)]
                last = span.end()
            line = "".join(pieces) + line[last:].replace("<", "\\<")
        out.append(line)
    return "\n".join(out)
