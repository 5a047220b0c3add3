"""The terminal side of `expert consult`: ask, read a line, validate, repeat, advise.

It is a thin client of ``Advisor.next_step`` / ``Advisor.apply_answer`` (the same turns
a chat bot takes), reading answers line by line so it works under a terminal and with
answers piped in.  "back" takes back the last answer ("don't know" included) and asks
again; end of input or "quit" stops early and prints the advice so far.
No answer is ever lost: when the consultation stops early (end of input, "quit",
Ctrl-C) the answers given are saved to ``--save`` (atomically: the old file stays whole if
writing fails), or, without ``--save``, printed to standard error with how to resume.
"""

from __future__ import annotations

import sys
from typing import Optional, TextIO, Union

import click
import yaml

from expert.advice.input_errors import InputError
from expert.advice.render import in_lang, render
from expert.consult.render import render_question
from expert.facts.safe_files import atomic_write_text

INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C (128 + SIGINT)

_QUIT = {"quit", "exit", "q", "退出"}
_BACK = {"back", "undo", "撤回", "返回", "上一步"}
BACK = "back"  # what _ask returns when the user takes back the last answer
_WORDS = {
    "intro": ("Answer each question on one line; 'unknown' if you do not know, 'back' to take back "
              "the last answer, 'quit' to stop.",
              "每个问题回答一行；不知道请输入「不知道」，输入「撤回」收回上一个回答，输入「退出」结束。"),
    "taken_back": ("Taken back", "已撤回"),
    "nothing_back": ("Nothing to take back yet.", "还没有可以撤回的回答。"),
    "invalid": ("Not accepted", "无法接受"),
    "stopped": ("Stopped before the end: the advice below rests on the facts given so far.",
                "提前结束：以下建议只基于目前给出的事实。"),
    "done": ("No open question can change the verdict any more.", "剩下的问题都不会再改变结论。"),
    "saved": ("Profile saved to", "资料已保存到"),
    "interrupted": ("Interrupted.", "已中断。"),
    "kept": ("The answers given so far are saved to {file}; continue with: expert consult --from {file}",
             "目前给出的回答已保存到 {file}；继续请运行：expert consult --from {file}"),
    "resume": ("The answers given so far are below (also on standard error); save them to a file and continue "
               "with: expert consult --from FILE (next time, --save FILE keeps them for you)",
               "目前给出的回答如下（输出到标准错误）；把它们存入文件后运行 expert consult --from FILE 继续"
               "（下次加上 --save FILE 可自动保存）"),
    "not_saved": ("cannot write {file} ({reason}); it is unchanged. The answers given so far:",
                  "无法写入 {file}（{reason}），原文件未改动。目前给出的回答："),
    "no_stdin": ("standard input is closed: consult reads one answer per line from it "
                 "(pipe answers in, or use `expert advise PROFILE`)",
                 "标准输入已关闭：consult 需要从标准输入逐行读取回答（可用管道输入回答，或改用 `expert advise PROFILE`）"),
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
    """Run the consultation; return the exit status (0 done or stopped, 2 when saving fails
    or there is no standard input, 130 when interrupted by Ctrl-C)."""
    stdin = stdin or sys.stdin
    if stdin is None:  # the process was started with standard input closed
        click.echo(f"error: {_w('no_stdin', lang)}", err=True)
        return 2
    start = dict(data)
    click.echo(_w("intro", lang))
    number = 0
    try:
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
    except KeyboardInterrupt:
        click.echo("", err=True)
        click.echo(_w("interrupted", lang), err=True)
        saved = _keep(data, start, save, lang)
        return INTERRUPTED if saved else 2
    click.echo("")
    click.echo(_w("done" if step.done else "stopped", lang))
    click.echo("")
    click.echo(render(step.advice, "text", lang), nl=False)
    if save:
        if not _write(save, step.profile, lang):
            return 2
        click.echo(f"{_w('saved', lang)} {save}")
    elif not step.done:
        _keep(data, start, None, lang)
    return 0


def _keep(data: dict, start: dict, save: Optional[str], lang: str) -> bool:
    """Keep the answers of a consultation that stopped early: save them, or show them with
    how to resume.  False when saving failed (the answers were shown instead)."""
    if save:
        if not _write(save, data, lang):
            return False
        click.echo(_w("kept", lang).format(file=save), err=True)
    elif data != start:
        click.echo(_w("resume", lang), err=True)
        click.echo(_yaml(data), err=True, nl=False)
    return True


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _write(save: str, data: dict, lang: str) -> bool:
    """Write the profile to ``save`` atomically; on failure say so and show it on stderr."""
    try:
        atomic_write_text(save, _yaml(data))
    except OSError as error:
        reason = error.strerror or str(error)
        click.echo(f"error: {_w('not_saved', lang).format(file=save, reason=reason)}", err=True)
        click.echo(_yaml(data), err=True, nl=False)
        return False
    return True
