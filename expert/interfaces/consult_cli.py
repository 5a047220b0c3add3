"""The terminal side of `expert consult`: ask, read a line, validate, repeat, advise.

It is a thin client of ``Advisor.next_step`` / ``Advisor.apply_answer`` (the same turns
a chat bot takes), reading answers line by line so it works under a terminal and with
answers piped in.  End of input or "quit" stops early and prints the advice so far.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, TextIO

import click
import yaml

from expert.advice.render import in_lang, render
from expert.consult.render import render_question

_QUIT = {"quit", "exit", "q", "退出"}
_WORDS = {
    "intro": ("Answer each question on one line; 'unknown' if you do not know, 'quit' to stop.",
              "每个问题回答一行；不知道请输入「不知道」，输入「退出」结束。"),
    "invalid": ("Not accepted", "无法接受"),
    "stopped": ("Stopped before the end: the advice below rests on the facts given so far.",
                "提前结束：以下建议只基于目前给出的事实。"),
    "done": ("No open question can change the verdict any more.", "剩下的问题都不会再改变结论。"),
    "saved": ("Profile saved to", "资料已保存到"),
}


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


def _ask(advisor, data: dict, question, lang: str, number: int, stdin: TextIO) -> Optional[dict]:
    """Ask until an answer is accepted: the updated profile, or None at end of input or "quit"."""
    while True:
        click.echo("")
        click.echo(render_question(question, lang, number), nl=False)
        click.echo("> ", nl=False)
        sys.stdout.flush()
        line = stdin.readline()
        if not stdin.isatty():  # answers piped in: show them, so the transcript reads as a dialogue
            click.echo(line.rstrip("\n"))
        if not line or line.strip().lower() in _QUIT:
            return None
        result = advisor.apply_answer(data, question.id, line.strip())
        if result.ok:
            return result.profile
        click.echo(f"{_w('invalid', lang)}: {result.error.get(lang)}")


def run_consultation(advisor, data: dict, lang: str, save: Optional[str], stdin: Optional[TextIO] = None) -> int:
    """Run the consultation; return the exit status (0 done or stopped, 2 when saving fails)."""
    stdin = stdin or sys.stdin
    click.echo(_w("intro", lang))
    number = 0
    while True:
        step = advisor.next_step(data, lang)
        if step.done:
            break
        number += 1
        answered = _ask(advisor, data, step.question, lang, number, stdin)
        if answered is None:
            break
        data = answered
    click.echo("")
    click.echo(_w("done" if step.done else "stopped", lang))
    click.echo("")
    click.echo(render(step.advice, "text", lang), nl=False)
    if save:
        try:
            Path(save).write_text(yaml.safe_dump(step.profile, allow_unicode=True, sort_keys=False), encoding="utf-8")
        except OSError as error:
            click.echo(f"error: cannot write {save}: {error.strerror}", err=True)
            return 2
        click.echo(f"{_w('saved', lang)} {save}")
    return 0
