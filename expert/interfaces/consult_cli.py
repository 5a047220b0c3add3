"""The terminal side of `expert consult`: ask, read a line, validate, repeat, advise.

It is a thin client of ``Advisor.next_step`` / ``Advisor.apply_answer`` (the same turns
a chat bot takes), reading answers line by line so it works under a terminal and with
answers piped in.  "back" takes back the last answer ("don't know" included) and asks
again; end of input or "quit" stops early and prints the advice so far.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, TextIO, Union

import click
import yaml

from expert.advice.input_errors import InputError
from expert.advice.render import in_lang, render
from expert.consult.render import render_question

_QUIT = {"quit", "exit", "q", "退出"}
_BACK = {"back", "undo", "撤回", "返回", "上一步"}
BACK = "back"  # what _ask returns when the user takes back the last answer
_WORDS = {
    "intro": ("Answer each question on one line; 'unknown' if you do not know, 'back' to take back "
              "the last answer, 'quit' to stop.",
              "每个问题回答一行;不知道请输入「不知道」,输入「撤回」收回上一个回答,输入「退出」结束。"),
    "taken_back": ("Taken back", "已撤回"),
    "nothing_back": ("Nothing to take back yet.", "还没有可以撤回的回答。"),
    "invalid": ("Not accepted", "无法接受"),
    "stopped": ("Stopped before the end: the advice below rests on the facts given so far.",
                "提前结束:以下建议只基于目前给出的事实。"),
    "done": ("No open question can change the verdict any more.", "剩下的问题都不会再改变结论。"),
    "saved": ("Profile saved to", "资料已保存到"),
}


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


def _ask(advisor, data: dict, question, lang: str, number: int, stdin: TextIO) -> Union[dict, str, None]:
    """Ask until an answer is accepted: the updated profile; BACK to take back the last
    answer; None at end of input or "quit"."""
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
        if line.strip().lower() in _BACK:
            return BACK
        try:
            return advisor.apply_answer(data, question.id, line.strip()).profile
        except InputError as error:
            click.echo(f"{_w('invalid', lang)}: {error.problems[0].message.get(lang)}")


def _take_back(advisor, data: dict, lang: str) -> Optional[dict]:
    """The profile with the last answer taken back (the last question asked, "don't know"
    included); None when nothing was answered yet."""
    asked = data.get("asked") or []
    if not asked:
        click.echo(_w("nothing_back", lang))
        return None
    click.echo(f"{_w('taken_back', lang)}: {asked[-1]}")
    return advisor.take_back_answer(data, asked[-1]).profile


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
        if answered == BACK:
            taken_back = _take_back(advisor, data, lang)
            number -= 2 if taken_back is not None else 1  # a question taken back is asked again under its number
            data = taken_back if taken_back is not None else data
            continue
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
