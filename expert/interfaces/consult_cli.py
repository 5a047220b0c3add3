"""The terminal side of `expert consult`: ask, read a line, validate, repeat, advise.

It is a thin client of ``Advisor.next_step`` / ``Advisor.apply_answer`` (the same turns
a chat bot takes), reading answers line by line so it works under a terminal and with
answers piped in.  Each question says its number, how many open questions could still
change the verdict now, and which verdicts its answer can decide.  "back" takes back the
last answer ("don't know" included) and asks again; "change FACT" asks one earlier
question again (FACT by its id or its name) and replaces only that answer; "help" lists
the commands; end of input or "quit" stops early.  Either way the last screen is the
summary of the advice, then how to read it in full.
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
from expert.advice.wording import counted
from expert.consult.render import render_question
from expert.facts.factpaths import get_fact, input_facts_of, parse_fact
from expert.facts.safe_files import atomic_write_text

INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C (128 + SIGINT)

_QUIT = {"quit", "exit", "q", "退出"}
_BACK = {"back", "undo", "撤回", "返回", "上一步"}
_HELP = {"help", "?", "？", "帮助"}
_CHANGE = ("change ", "更改", "修改")
BACK = "back"  # what _ask returns when the user takes back the last answer
_WORDS = {
    "intro": ("Answer each question on one line; 'help' lists the commands (back, change, quit).",
              "每个问题回答一行；输入「帮助」查看可用命令（撤回、更改、退出）。"),
    "help": ("Commands:\n"
             "  unknown       you do not know (the question is not asked again)\n"
             "  back          take back the last answer and ask it again\n"
             "  change FACT   ask an earlier question again and replace only that answer;\n"
             "                FACT is its id (needs.usage.mau) or its name (monthly active users)\n"
             "  help          show this list\n"
             "  quit          stop here: the advice so far, and your answers kept",
             "可用命令：\n"
             "  不知道        不知道答案（该问题不会再问）\n"
             "  撤回          收回上一个回答并重新提问\n"
             "  更改 事实      重新回答之前的某个问题，只替换该回答；\n"
             "                事实可用名称（如：月活跃用户数）或编号（如：needs.usage.mau）\n"
             "  帮助          显示本列表\n"
             "  退出          到此为止：给出目前的建议，并保留已给的回答"),
    "question": ("Question {n}", "第 {n} 题"),
    "more": (" ({k} could still change the verdict now)",
             "（目前另有 {k} 个未答问题可能改变结论）"),
    "last": (" (the last open question that could change the verdict now)", "（目前唯一还可能改变结论的问题）"),
    "changing": ("Changing your answer about {fact} (now: {value}); 'back' keeps it.",
                 "更改「{fact}」的回答（目前：{value}）；输入「撤回」保留原回答。"),
    "changed": ("Changed", "已更改"),
    "kept_answer": ("Kept your earlier answer.", "已保留原回答。"),
    "no_match": ("No answered question matches {text!r}. Answered so far: {known}",
                 "没有与「{text}」相符的已答问题。已回答：{known}"),
    "several": ("{text!r} could be any of: {found}; name one by its id.", "「{text}」可能指：{found}；请用编号指明。"),
    "none_yet": ("nothing yet", "暂无"),
    "taken_back": ("Taken back", "已撤回"),
    "nothing_back": ("Nothing to take back yet.", "还没有可以撤回的回答。"),
    "invalid": ("Not accepted", "无法接受"),
    "stopped": ("Stopped before the end: the advice below rests on the facts given so far.",
                "提前结束：以下建议只基于目前给出的事实。"),
    "done": ("No open question can change the verdict any more.", "剩下的问题都不会再改变结论。"),
    "full_saved": ("The full advice, with every reason: expert advise {file}{lang}",
                   "完整建议及全部理由：expert advise {file}{lang}"),
    "full_unsaved": ("The full advice, with every reason: save the answers below (also on standard error) to a file "
                     "and run: expert advise FILE{lang} (next time, --save FILE keeps them for you)",
                     "完整建议及全部理由：把下面的回答（输出到标准错误）存入文件后运行 expert advise FILE{lang}"
                     "（下次加上 --save FILE 可自动保存）"),
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


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


class _Change:
    """What _ask returns for "change FACT": the text naming the fact."""

    def __init__(self, text: str) -> None:
        self.text = text


def _command(line: str) -> Union[str, _Change, None]:
    """The command a line is, if any: quit, back, help, or a change."""
    text = line.strip()
    word = text.lower()
    if word in _QUIT:
        return "quit"
    if word in _BACK:
        return BACK
    if word in _HELP:
        return "help"
    for prefix in _CHANGE:
        if word.startswith(prefix) and text[len(prefix):].strip():
            return _Change(text[len(prefix):].strip())
    return None


def _say_invalid(error: InputError, lang: str) -> None:
    click.echo(f"{_w('invalid', lang)}{_colon(lang)}{error.problems[0].message.get(lang)}")


def _read(stdin: TextIO) -> str:
    click.echo("> ", nl=False)
    sys.stdout.flush()
    line = stdin.readline()
    if not stdin.isatty():  # answers piped in: show them, so the transcript reads as a dialogue
        click.echo(line.rstrip("\n"))
    return line


def _progress(step, lang: str, number: int) -> str:
    """'Question 3 (7 more open questions could still change the verdict now)': the open
    questions counted are those that matter now; an answer may open or settle others, so
    no bound on the rest is promised."""
    others = len(step.questions) - 1
    more = counted(others, "more open question", str(others)) if lang == "en" else str(others)
    tail = _w("last", lang) if others == 0 else _w("more", lang).format(k=more)
    return _w("question", lang).format(n=number) + tail


def _ask(advisor, data: dict, step, lang: str, number: int, stdin: TextIO) -> Union[dict, str, _Change, None]:
    """Ask until an answer is accepted: the updated profile; BACK to take back the last
    answer; a _Change to change an earlier one; None at end of input or "quit"."""
    question = step.question
    while True:
        click.echo("")
        click.echo(_progress(step, lang, number))
        click.echo(render_question(question, lang), nl=False)
        line = _read(stdin)
        command = _command(line)
        if not line or command == "quit":
            return None
        if command == "help":
            click.echo(_w("help", lang))
            continue
        if command is not None:
            return command
        try:
            return advisor.apply_answer(data, question.id, line.strip()).profile
        except InputError as error:
            _say_invalid(error, lang)


def _take_back(advisor, data: dict, lang: str) -> Optional[dict]:
    """The profile with the last answer taken back (the last question asked, "don't know"
    included); None when nothing was answered yet."""
    asked = data.get("asked") or []
    if not asked:
        click.echo(_w("nothing_back", lang))
        return None
    click.echo(f"{_w('taken_back', lang)}{_colon(lang)}{advisor.glossary.fact(asked[-1], lang)}")
    return advisor.take_back_answer(data, asked[-1]).profile


def _answered(data: dict) -> list[str]:
    """The facts a "change" may name: those asked (answered or "don't know") and those stated."""
    return list(dict.fromkeys([*(data.get("asked") or []), *_answers(data)[0]]))


def _find(advisor, data: dict, text: str, lang: str) -> Optional[str]:
    """The answered fact ``text`` names (its id, or its name in either language); None,
    having said why, when none or several do."""
    facts = _answered(data)
    glossary = advisor.glossary
    wanted = text.strip().casefold()
    exact = [fact for fact in facts if fact.casefold() == wanted]
    found = exact or [fact for fact in facts if wanted in {name.casefold() for name in glossary.names(fact)}]
    if len(found) == 1:
        return found[0]
    sep = "、" if lang == "zh" else ", "

    def both(fact: str) -> str:  # the name to read and the id to type
        return f"{glossary.names(fact)[2]}（{fact}）" if lang == "zh" else f"{glossary.names(fact)[1]} ({fact})"

    if found:
        click.echo(_w("several", lang).format(text=text, found=sep.join(both(fact) for fact in found)))
    else:
        known = sep.join(both(fact) for fact in facts) or _w("none_yet", lang)
        click.echo(_w("no_match", lang).format(text=text, known=known))
    return None


def _change(advisor, data: dict, wanted: _Change, lang: str, stdin: TextIO) -> Union[dict, None]:
    """Ask one earlier question again and replace only its answer: the updated profile, the
    same profile when the user keeps the answer ("back") or names nothing answered; None at
    end of input or "quit"."""
    fact = _find(advisor, data, wanted.text, lang)
    if fact is None:
        return data
    question = advisor.asker.question_about(fact, data)
    glossary = advisor.glossary
    now = _current(glossary, data, fact, lang)
    name = glossary.names(fact)[2 if lang == "zh" else 1]
    while True:
        click.echo("")
        click.echo(_w("changing", lang).format(fact=name, value=now))
        click.echo(render_question(question, lang), nl=False)
        line = _read(stdin)
        command = _command(line)
        if not line or command == "quit":
            return None
        if command == BACK:
            click.echo(_w("kept_answer", lang))
            return data
        if command == "help":
            click.echo(_w("help", lang))
            continue
        try:
            changed = advisor.change_answer(data, fact, line.strip()).profile
        except InputError as error:
            _say_invalid(error, lang)
            continue
        click.echo(f"{_w('changed', lang)}{_colon(lang)}{name}")
        return changed


def _current(glossary, data: dict, fact: str, lang: str) -> str:
    """The answer given to ``fact``, as the person gave it: "no" for no upgrade, "don't know"
    for a question asked and left unanswered."""
    if fact == "upgrade":
        return glossary.plain(data.get("upgrade") is not None, lang)
    value = get_fact(data, parse_fact(fact))
    if value is None:
        return "不知道" if lang == "zh" else "don't know"
    return glossary.value(fact, value, lang)


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
            answered = _ask(advisor, data, step, lang, number, stdin)
            if answered is None:
                break
            if answered == BACK:
                taken_back = _take_back(advisor, data, lang)
                number -= 2 if taken_back is not None else 1  # a question taken back is asked again under its number
                data = taken_back if taken_back is not None else data
                continue
            if isinstance(answered, _Change):
                number -= 1  # the open question is asked again, under the same number
                changed = _change(advisor, data, answered, lang, stdin)
                if changed is None:
                    break
                data = changed
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
    click.echo(render(step.advice, "text", lang, brief=True), nl=False)  # the last screen: the summary
    click.echo("")
    flag = " --lang zh" if lang == "zh" else ""
    if save:
        if not _write(save, step.profile, lang):
            return 2
        click.echo(f"{_w('saved', lang)} {save}")
        click.echo(_w("full_saved", lang).format(file=save, lang=flag))
    elif not step.done:
        _keep(data, start, None, lang)
    elif _has_answers(step.profile):
        click.echo(_w("full_unsaved", lang).format(lang=flag))
        click.echo(_yaml(step.profile), err=True, nl=False)
    return 0


def _answers(data: dict) -> tuple[dict, list]:
    """What a person gave in a profile: the facts stated (the default company name aside)
    and the questions asked."""
    facts = input_facts_of(data)
    if facts.get("company.name") == "company":
        del facts["company.name"]
    return facts, list(data.get("asked") or [])


def _has_answers(data: dict) -> bool:
    return _answers(data) != ({}, [])


def _keep(data: dict, start: dict, save: Optional[str], lang: str) -> bool:
    """Keep the answers of a consultation that stopped early: save them, or show them with
    how to resume.  False when saving failed (the answers were shown instead)."""
    if save:
        if not _write(save, data, lang):
            return False
        click.echo(_w("kept", lang).format(file=save), err=True)
    elif _answers(data) != _answers(start):  # nothing to resume when every answer was taken back
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
