"""The knowledge book (issue 9, part C): built from the knowledge alone in under 10 s, every
internal link resolves, and a real browser (headless Chromium) opens its pages with no
console error; a screenshot of one claim page is saved."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import CHROMIUM, NO_CHROMIUM, console_lines
from browser import chromium as _chromium
from markdown_check import problems

from expert.audit.book.site import build_book
from expert.interfaces.cli import main


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.hrefs.append(values["href"])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module", params=["en", "zh"])
def book(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"book-{request.param}")
    return build_book(out, lang=request.param)


def test_the_book_builds_quickly_with_every_part(book):
    assert book.seconds < 10
    names = {p.relative_to(book.out).as_posix() for p in book.out.rglob("*") if p.is_file()}
    assert {"index.html", "rules.html", "cases.html", "thresholds.html", "conclusions.html", "chains.html",
            "book.md"} <= names
    assert sum(1 for n in names if n.startswith("claims/")) == 29
    rules = (book.out / "rules.html").read_text(encoding="utf-8")
    assert "verdict.not-at-this-price" in rules and ("When" in rules or "当" in rules)
    assert "<svg" in (book.out / "chains.html").read_text(encoding="utf-8")
    assert "M03" in (book.out / "thresholds.html").read_text(encoding="utf-8")


def test_the_markdown_book_renders_line_for_line(book):
    markdown = (book.out / "book.md").read_text(encoding="utf-8")
    assert not problems(markdown), problems(markdown)[:5]


def test_every_internal_link_resolves(book):
    anchors = {page: _parse(page) for page in book.out.rglob("*.html")}
    checked = 0
    for page, parsed in anchors.items():
        for href in parsed.hrefs:
            target, _, fragment = href.partition("#")
            destination = (page.parent / target).resolve() if target else page
            assert destination.exists(), f"{page.name}: {href} points nowhere"
            if fragment:
                assert fragment in anchors[destination].ids, f"{page.name}: {href} has no such anchor"
            checked += 1
    assert checked > 500


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_a_browser_opens_the_book_without_console_errors(book, tmp_path):
    english = "book-en" in book.out.name
    pages = ("index.html", "rules.html", "chains.html") if english else ("index.html",)
    for page in pages:
        done = _chromium("--dump-dom", (book.out / page).as_uri())
        assert done.returncode == 0, done.stderr[-500:]
        assert "<h1>" in done.stdout and "</html>" in done.stdout
        console = console_lines(done)
        assert console == [], console
    if not english:
        return
    shot = tmp_path / "claim-C13.png"
    done = _chromium("--hide-scrollbars", "--window-size=1200,900", f"--screenshot={shot}",
                     (book.out / "claims" / "C13.html").as_uri())
    assert done.returncode == 0 and shot.exists() and shot.stat().st_size > 10_000


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_the_console_check_catches_a_script_error(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><h1>x</h1><script>undefinedFn()</script></body></html>", encoding="utf-8")
    done = _chromium("--dump-dom", page.as_uri())
    assert any("undefinedFn" in line for line in console_lines(done))


def test_cli_writes_the_book(runner, tmp_path):
    result = runner.invoke(main, ["book", "--out", str(tmp_path / "b"), "--lang", "zh"])
    assert result.exit_code == 0 and "book: 35 pages" in result.output
    assert "知识手册" in (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
    blocked = tmp_path / "file"
    blocked.write_text("x")
    bad = runner.invoke(main, ["book", "--out", str(blocked / "sub")])
    assert bad.exit_code == 2 and "cannot write the book" in bad.output and "Traceback" not in bad.output
