"""The `expert` command: advise, check, rules, schema.

Exit status: 0 success; 2 bad input or usage (the message names the field and what was
expected); 1 an invalid knowledge base or an internal error.  Never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from importlib import import_module
from pathlib import Path
from typing import Optional

import click
from pydantic import ValidationError

from expert.advice.render import render
from expert.facts.profile_io import ProfileInputError, read_profile
from expert.facts.safe_files import guard_output
from expert.inference.engine import EngineError
from expert.interfaces.advisor import Advisor, default_advisor
from expert.interfaces.cli_errors import fail as _fail  # in Chinese under --lang zh when given a zh text
from expert.interfaces.cli_errors import in_chinese_if_asked, invalid_profile, remember_command_line
from expert.interfaces.collector import made_with_collector_paused
from expert.interfaces.schemas import SCHEMAS, json_schema
from expert.rulebase.errors import KnowledgeError

BAD_INPUT, INTERNAL, INTERRUPTED = 2, 1, 130


def _advisor(knowledge: Optional[str]) -> Advisor:
    """The knowledge base, loaded as ``entry.py`` loads the imports (``collector.py``):
    its objects (ten thousand or so) live as long as the command, and a batch of profiles
    would otherwise have each full collection scan them again."""
    try:
        return made_with_collector_paused(lambda: Advisor(knowledge) if knowledge else default_advisor())
    except KnowledgeError as error:
        _fail(str(error), INTERNAL)
    raise AssertionError("unreachable")


# Commands in modules of their own, imported when run or listed (``expert --help``), so that
# ``expert advise`` starts without them (click's lazily loaded subcommands).
_LAZY_COMMANDS = {"init": ("expert.interfaces.init_cli", "init_command"),
                  "mcp": ("expert.interfaces.mcp_command", "mcp_command"),
                  "serve": ("expert.interfaces.serve_cli", "serve")}


class _ExpertGroup(click.Group):
    """Parts of a knowledge base load on first use (questions.yaml for a need-more-info
    verdict): a problem found then is reported like one found at start, never as a traceback.
    Ctrl-C ends any command with status 130 and no traceback; output that cannot be written
    (standard output closed, a full disk) is one line on stderr and status 1 (see guard_output)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
        if name in _LAZY_COMMANDS and name not in self.commands:
            module, attribute = _LAZY_COMMANDS[name]
            self.add_command(getattr(import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as error:
            raise in_chinese_if_asked(error) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise in_chinese_if_asked(error) from None
        except KnowledgeError as error:
            _fail(str(error), INTERNAL)
        except KeyboardInterrupt:
            sys.exit(INTERRUPTED)

    def main(self, args=None, *rest, **kwargs):
        remember_command_line(sys.argv[1:] if args is None else list(args))
        with guard_output():
            return super().main(args, *rest, **kwargs)


@click.group(cls=_ExpertGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="expert")
def main() -> None:
    """Should we pay for this IM / RTC / conversational-AI upgrade? Explained, rule by rule."""


@main.command()
@click.argument("profiles", nargs=-1, required=True, metavar="PROFILE...")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]), default=None,
              help="Output form [default: text; JSON Lines with --jsonl; html: one self-contained page with a cost chart].")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--brief", is_flag=True, help="Only the summary (at most 12 lines).")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Another knowledge directory.")
@click.option("--jsonl", is_flag=True, help="PROFILE holds one JSON profile per line (- for stdin): one Advice per line.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes for batches.")
def advise(profiles: tuple, fmt: Optional[str], lang: str, brief: bool, knowledge: Optional[str], jsonl: bool,
           jobs: int) -> None:
    """Advise on PROFILE (a YAML or JSON file, or - for standard input), on several files
    (each under a '==> FILE <==' header; one JSON line per file with --format json), or
    with --jsonl on every line of a JSON Lines file; bad records are reported, the rest
    advised, and the exit status is 2 when any was bad."""
    if jsonl and (len(profiles) != 1 or fmt not in (None, "json")):
        _fail("--jsonl takes one input (a file or -) and writes JSON Lines", BAD_INPUT,
              "--jsonl 只接受一个输入（一个文件或 -），输出为 JSON Lines")
    if fmt == "html" and len(profiles) > 1:
        _fail("--format html writes one page: give one PROFILE", BAD_INPUT,
              "--format html 只写一个页面：请只给一个资料文件")
    if jsonl or len(profiles) > 1:
        from expert.interfaces.batch import run

        try:
            sys.exit(run(list(profiles), jsonl, fmt or "text", lang, jobs, knowledge, brief))
        except ProfileInputError as error:
            _fail(str(error), BAD_INPUT, error.zh)
    profile, fmt = profiles[0], fmt or "text"
    try:
        data = read_profile(profile)
        advisor = _advisor(knowledge)
        data = advisor.validate(data) if fmt == "html" else data  # the page's chart reads the profile
        advice = advisor.advise(data, lang=lang)
    except ProfileInputError as error:
        _fail(str(error), BAD_INPUT, error.zh)
    except ValidationError as error:
        _fail_invalid(error, '<stdin>' if profile == '-' else profile)
    except EngineError as error:
        _internal(error)
    if fmt == "html":
        from expert.advice.html_page import render_page

        click.echo(render_page(advice, data, advisor.knowledge.labels, lang, brief), nl=False)
        return
    click.echo(render(advice, fmt, lang, brief), nl=False)


def _load(profile: str, advisor: Advisor) -> dict:
    """Read and validate a profile file; exit 2 with the reason when it is not valid."""
    try:
        data = read_profile(profile)
        advisor.validate(data)
    except ProfileInputError as error:
        _fail(str(error), BAD_INPUT, error.zh)
    except ValidationError as error:
        _fail_invalid(error, '<stdin>' if profile == '-' else profile)
    return data


def _fail_invalid(error: ValidationError, source: str, after_changes: bool = False) -> None:
    en, zh = invalid_profile(error, source, after_changes)
    _fail(en, BAD_INPUT, zh)


def _internal(error: EngineError) -> None:
    _fail(f"internal error during inference: {error}", INTERNAL, f"推理时发生内部错误：{error}")


@main.command()
@click.argument("profile")
@click.argument("conclusion_id")
@click.option("--subject", default=None, help="The offer (by name) the conclusion is about; default: every subject.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--no-search", is_flag=True, help="Why-not without searching for the smallest change of facts.")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Another knowledge directory.")
def explain(profile: str, conclusion_id: str, subject: Optional[str], fmt: str, lang: str, no_search: bool,
            knowledge: Optional[str]) -> None:
    """How CONCLUSION_ID was reached for PROFILE, or why it was not and the smallest change that would."""
    from expert.explain.explainer import UnknownConclusionError
    from expert.explain.render import render_explanation

    advisor = _advisor(knowledge)
    data = _load(profile, advisor)
    try:
        result = advisor.explain(data, conclusion_id, subject, lang=lang, search=not no_search)
    except UnknownConclusionError as error:
        _fail(str(error), BAD_INPUT, error.zh)
    except EngineError as error:
        _internal(error)
    output = result.model_dump_json(indent=2) + "\n" if fmt == "json" \
        else render_explanation(result, lang, fmt == "markdown", advisor.glossary)
    click.echo(output, nl=False)


@main.command()
@click.argument("profile")
@click.option("--set", "changes", multiple=True, required=True, metavar="PATH=VALUE",
              help="A fact to change, e.g. needs.usage.mau=50000 or 'offers[Cloud IM].pricing_model=buyout'; "
                   "an empty VALUE removes the fact. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Another knowledge directory.")
def whatif(profile: str, changes: tuple, fmt: str, lang: str, knowledge: Optional[str]) -> None:
    """Re-run PROFILE with facts changed and show what changes: verdict, conclusions, figures."""
    from expert.consult.render import render_what_if
    from expert.consult.whatif import ChangeError

    advisor = _advisor(knowledge)
    data = _load(profile, advisor)
    try:
        result = advisor.what_if(data, list(changes), lang=lang)
    except ChangeError as error:
        _fail(f"--set {error}", BAD_INPUT, f"--set {error.zh}")
    except ValidationError as error:
        _fail_invalid(error, profile, after_changes=True)
    except EngineError as error:
        _internal(error)
    output = result.model_dump_json(indent=2) + "\n" if fmt == "json" \
        else render_what_if(result, lang, fmt == "markdown", advisor.glossary)
    click.echo(output, nl=False)


@main.command()
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--from", "start", default=None, metavar="PROFILE", help="Start from the facts in this profile.")
@click.option("--save", default=None, metavar="PROFILE", help="Write the profile built to this file (YAML).")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Another knowledge directory.")
def consult(lang: str, start: Optional[str], save: Optional[str], knowledge: Optional[str]) -> None:
    """Ask, one question at a time, only what can still change the verdict; then advise.

    Answers come from the terminal or a pipe, one per line: a choice's number or value,
    yes/no, a number, several choices separated by commas, or "unknown" (不知道).
    """
    from expert.interfaces.consult_cli import run_consultation

    advisor = _advisor(knowledge)
    data = _load(start, advisor) if start else {}
    sys.exit(run_consultation(advisor, data, lang, save))


@main.command(name="check")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Knowledge directory to check.")
def check_command(knowledge: Optional[str]) -> None:
    """Validate the knowledge base and run every worked case; exit 1 unless all pass and all is covered."""
    from expert.audit.cases import CaseFileError, check  # only these commands need it: keep `advise` quick to start

    advisor = _advisor(knowledge)
    try:
        report = check(advisor)
    except (CaseFileError, EngineError) as error:
        _fail(str(error), INTERNAL)
    for result in report.failed:
        click.echo(f"FAIL {result.case.id} ({result.case.file})")
        for failure in result.failures:
            click.echo(f"    {failure}")
    rules_missing = sorted(report.rules_total - report.rules_fired)
    claims_missing = sorted(report.claims_total - report.claims_covered)
    kb = advisor.knowledge
    click.echo(f"knowledge: {len(kb.rules)} rules, {len(kb.conclusions)} conclusions, fingerprint {kb.fingerprint}")
    click.echo(f"cases: {len(report.results) - len(report.failed)} passed, {len(report.failed)} failed")
    click.echo(f"rules fired by cases: {len(report.rules_fired)}/{len(report.rules_total)}")
    if rules_missing:
        click.echo(f"    never fired: {', '.join(rules_missing)}")
        click.echo("    (each needs a worked case in knowledge/cases/ whose profile fires it; see docs/authoring.md)")
    click.echo(f"claims covered: {len(report.claims_covered)}/{len(report.claims_total)}")
    if claims_missing:
        click.echo(f"    not covered: {', '.join(claims_missing)}")
        click.echo("    (a claim is covered when a rule citing it fires in a worked case)")
    bases = Counter(rule.basis or "none" for rule in kb.rules.values())
    click.echo(f"rule bases: {bases['stated']} stated, {bases['inferred']} inferred"
               + (f", {bases['none']} without a basis" if bases["none"] else ""))
    sources = Counter(source.kind for rule in kb.rules.values() for source in rule.thresholds.values())
    unsourced = sum(1 for rule in kb.rules.values() for path in rule.compared_numbers if path not in rule.thresholds)
    click.echo(f"thresholds: {sum(sources.values()) + unsourced} compared fields, "
               + ("every one with a source" if not unsourced else f"{unsourced} WITHOUT a source")
               + f" ({', '.join(f'{n} {kind}' for kind, n in sorted(sources.items()))})")
    click.echo(f"exclusions: {len(kb.exclusions)} pairs that must not co-occur, checked on every case")
    sys.exit(0 if report.ok and not unsourced and not bases["none"] else INTERNAL)


@main.command(name="lint")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Knowledge directory to lint.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint_command(knowledge: Optional[str], fmt: str) -> None:
    """Check the knowledge as an auditor would: untested, unsourced, unreachable and redundant
    rules, and exclusive conclusions reached together (with a witness profile); each finding
    with a stable code and file:line; exit 1 on errors (warnings pass)."""
    from expert.audit.cases import CaseFileError
    from expert.audit.lint.runner import CHECKS, lint

    notes: list[str] = []
    try:
        found = lint(knowledge, notes)
    except (CaseFileError, EngineError) as error:
        _fail(str(error), INTERNAL)
    errors = sum(1 for d in found if d.severity == "error")
    if fmt == "json":
        click.echo(json.dumps({"errors": errors, "warnings": len(found) - errors, "notes": notes,
                               "findings": [d.as_dict() for d in found]}, indent=2, ensure_ascii=False))
    else:
        for d in found:
            click.echo(f"{d.where()}: {d.severity}: {d.code}{f' {d.rule}' if d.rule else ''}: {d.message}")
        for note in notes:
            click.echo(note)
        names = ", ".join(module.__name__.rsplit(".", 1)[-1] for module in CHECKS)
        click.echo(f"lint: {errors} error(s), {len(found) - errors} warning(s) (checks: {names})")
    sys.exit(INTERNAL if errors else 0)


@main.command(name="diff")
@click.argument("old")
@click.argument("new")
@click.option("--profiles", type=click.IntRange(0, 1_000_000), default=5000, show_default=True,
              help="Generated profiles to run besides the worked cases and examples.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the generated profiles.")
@click.option("--repo", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The git repository OLD and NEW are revisions of (when they are not directories).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["verdict", "any"]), default=None,
              help="Exit 1 when a verdict flips (verdict) or any advice changes (any): a review gate.")
def diff_command(old: str, new: str, profiles: int, seed: int, repo: str, fmt: str, fail_on: Optional[str]) -> None:
    """What changes between two knowledge bases OLD and NEW (directories, or git revisions of
    knowledge/): rules added, removed and changed, and the advice of every worked case,
    example and generated profile run through both."""
    import tempfile

    from expert.advice.consultation import Consultant
    from expert.audit.diff.corpus import corpus
    from expert.audit.diff.impact import impact
    from expert.audit.diff.render import render as render_diff
    from expert.audit.diff.rules import rule_diff
    from expert.audit.diff.sources import KnowledgeSourceError, knowledge_directory
    from expert.rulebase.loader import load_knowledge

    with tempfile.TemporaryDirectory(prefix="expert-diff-") as scratch:
        try:
            directories = [knowledge_directory(spec, Path(scratch), Path(repo)) for spec in (old, new)]
        except KnowledgeSourceError as error:
            _fail(str(error), BAD_INPUT)
        before, after = (load_knowledge(d) for d in directories)
        samples = corpus(before, after, profiles, seed, Path(repo) / "examples")
        result = impact(Consultant(knowledge=before), Consultant(knowledge=after), samples)
        click.echo(render_diff(rule_diff(before, after), result, old, new, fmt), nl=False)
    flipped = sum(result.verdict_flips.values())
    sys.exit(1 if (fail_on == "verdict" and flipped) or (fail_on == "any" and result.changed) else 0)


@main.command(name="book")
@click.option("--out", type=click.Path(file_okay=False), default="book", show_default=True, help="Where to write the book.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--knowledge", type=click.Path(file_okay=False), default=None)
def book_command(out: str, lang: str, knowledge: Optional[str]) -> None:
    """Write the knowledge book: a static HTML site (open OUT/index.html) and OUT/book.md, with
    every claim, rule (in plain language), case, threshold and conclusion, and their chains."""
    from expert.audit.book.site import build_book
    from expert.audit.cases import CaseFileError

    try:
        report = build_book(out, knowledge, lang)
    except (CaseFileError, EngineError) as error:
        _fail(str(error), INTERNAL)
    except OSError as error:
        _fail(f"{out}: cannot write the book: {error}", BAD_INPUT, f"{out}：无法写入知识手册：{error}")
    click.echo(f"book: {report.pages} pages and book.md in {report.out} ({report.seconds:.1f} s); "
               f"open {report.out / 'index.html'}")


@main.group()
def rules() -> None:
    """Browse the rules as an auditor would."""


@rules.command(name="list")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None)
def rules_list(knowledge: Optional[str]) -> None:
    """One line per rule: id, what it concludes, where it is written, what it cites."""
    from expert.audit.rule_info import render_rule_list, rule_list

    click.echo(render_rule_list(rule_list(_advisor(knowledge).knowledge)), nl=False)


@rules.command(name="show")
@click.argument("rule_id")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--knowledge", type=click.Path(file_okay=False), default=None)
def rules_show(rule_id: str, lang: str, knowledge: Optional[str]) -> None:
    """Show RULE_ID as written, its citations with the claims' text, and the cases that fire it."""
    from expert.audit.cases import CaseFileError, check
    from expert.audit.rule_info import render_rule_detail, rule_detail

    advisor = _advisor(knowledge)
    if rule_id not in advisor.knowledge.rules:  # before running the cases
        _fail(f"no rule {rule_id!r}; see `expert rules list`", BAD_INPUT,
              f"没有编号为 {rule_id!r} 的规则；请用 `expert rules list` 查看全部规则")
    try:
        detail = rule_detail(advisor.knowledge, rule_id, check(advisor))
    except (CaseFileError, EngineError) as error:
        _fail(str(error), INTERNAL)
    click.echo(render_rule_detail(detail, lang), nl=False)


@main.command()
@click.argument("name", type=click.Choice(list(SCHEMAS)), default="profile")
def schema(name: str) -> None:
    """Print the JSON Schema of NAME: the profile (default, every field described in English
    and Chinese), an advice, a consultation step, an answer's result, an explanation, a
    what-if, or an input error."""
    click.echo(json.dumps(json_schema(name), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
