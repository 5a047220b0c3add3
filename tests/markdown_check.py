"""What a CommonMark reader makes of our Markdown: rendered with markdown-it-py (the
reference implementation's Python port), then read back block by block.

``problems(markdown)`` lists, in words, every place the rendering differs from what the
renderer meant: two logical lines joined into one paragraph or list item (CommonMark joins
consecutive lines, and an indented line after a list item continues that item), an HTML tag
that came from the text (``<medium>`` is eaten by a browser), a ``#`` line that is not a
heading.  Shared by the tests of every Markdown output (advice, explanations, what-if, the
knowledge diff).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

_READER = MarkdownIt("commonmark")
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MARKS = {"p", "ul", "li", "strong", "em", "code", "pre"} | HEADINGS  # every tag our Markdown means
# the words that open a logical line of their own: at most one of each per block
LINE_MARKERS = re.compile(r"\b(because|formula|inputs|missing facts|Verdict)\b[^:：\n]{0,80}[:：]"
                          r"|(因为|公式|输入|缺少的事实|结论)[^:：\n]{0,40}：")


class _Blocks(HTMLParser):
    """Each paragraph, list item, heading and code block with its own text (a nested list's
    items are blocks of their own), and every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.blocks: list[tuple[str, str]] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)
        if tag in BLOCKS:
            self._open.append([tag, ""])

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS and self._open:
            self.blocks.append(tuple(self._open.pop()))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][1] += data


def read(markdown: str) -> _Blocks:
    parsed = _Blocks()
    parsed.feed(_READER.render(markdown))
    parsed.close()
    return parsed


def _heading_lines(markdown: str) -> list[str]:
    """The text of every line meant as a heading (opening with ``#``) outside code fences,
    without its marks."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.lstrip().startswith("#"):
            lines.append(re.sub(r"[`*]", "", line.lstrip("#")).strip())
    return lines


def problems(markdown: str) -> list[str]:
    parsed = read(markdown)
    found = []
    for tag, text in parsed.blocks:
        if tag == "pre":  # a code block shows its lines as they are
            continue
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if len(lines) > 1:
            found.append(f"<{tag}> joins {len(lines)} lines: {lines}")
        markers = [m.group(0) for m in LINE_MARKERS.finditer(text)]
        if len(markers) > 1:
            found.append(f"<{tag}> holds {len(markers)} line markers {markers}: {text.strip()[:200]}")
    leaked = sorted(set(parsed.tags) - MARKS)
    if leaked:
        found.append(f"tags from the text: {leaked}")
    headings = [text.strip() for tag, text in parsed.blocks if tag in HEADINGS]
    if headings != _heading_lines(markdown):
        found.append(f"headings {headings} != the # lines {_heading_lines(markdown)}")
    return found
