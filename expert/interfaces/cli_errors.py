"""What the `expert` command says when something is wrong, in the language asked for.

A command with ``--lang`` prints its errors in that language: ``error: ...`` in English,
``错误：……`` in Chinese, one message per failure with the same exit status either way.
The language is the command's own ``--lang`` once click has parsed it; before that (a
usage error: a bad ``--format`` choice, a missing argument, an unknown option) it is
read from the command line as typed (``--lang zh`` or ``--lang=zh``, the last one
winning, as click's), and click's usage errors are reworded in Chinese from their kind
and their parts (the option, the value, the choices), not from click's English text.
"""

from __future__ import annotations

import errno
import re
import sys
from collections.abc import Sequence
from typing import NoReturn, Optional

import click
from pydantic import ValidationError

from expert.facts.profile_io import describe_validation_error

_typed_lang = "en"  # --lang as typed on the command line, for errors found before click has parsed it


def remember_command_line(args: Sequence[str]) -> None:
    """Note the language the command line asks for (``--lang zh`` / ``--lang=zh``; the last wins)."""
    global _typed_lang
    _typed_lang = "en"
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            _typed_lang = args[index + 1]
        elif arg.startswith("--lang="):
            _typed_lang = arg[len("--lang="):]


def current_lang() -> str:
    """The running command's ``--lang`` when it has one, else the one typed."""
    ctx = click.get_current_context(silent=True)
    lang = ctx.params.get("lang") if ctx is not None else None
    return lang if lang in ("en", "zh") else ("zh" if _typed_lang == "zh" else "en")


def fail(en: str, code: int, zh: Optional[str] = None) -> NoReturn:
    """Print the error in the command's language (``zh`` when given and asked for) and exit ``code``."""
    if zh is not None and current_lang() == "zh":
        click.echo(f"错误：{zh}", err=True)
    else:
        click.echo(f"error: {en}", err=True)
    sys.exit(code)


_OS_REASONS_ZH = {errno.ENOENT: "目录或文件不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
                  errno.EISDIR: "这是一个目录", errno.ENOTDIR: "路径中有一部分不是目录", errno.ENOSPC: "磁盘空间不足",
                  errno.EROFS: "文件系统只读", errno.EEXIST: "文件已存在"}


def os_reason_zh(error: OSError) -> str:
    """The system's reason for ``error`` in Chinese when it is a common one, else the system's words."""
    return _OS_REASONS_ZH.get(error.errno or 0, str(error.strerror or error))


def invalid_profile(error: ValidationError, source: str, after_changes: bool = False) -> tuple[str, str]:
    """A profile that is not valid, every problem on its line by the user's field path: (English, Chinese)."""
    from expert.facts.problem_text import describe_problems  # (error paths only: not imported at start)

    lines = "\n".join(f"  {problem.zh}" for problem in describe_problems(error))
    if after_changes:
        return f"after the changes, {describe_validation_error(error)}", f"修改之后，资料无效：\n{lines}"
    return f"{source}: {describe_validation_error(error)}", f"{source}：资料无效：\n{lines}"


class ChineseUsageError(click.UsageError):
    """A usage error shown in Chinese: the usage line, the help hint and the reason."""

    def show(self, file=None) -> None:
        lines = []
        if self.ctx is not None:
            usage = self.ctx.get_usage().replace("Usage: ", "用法：", 1).replace("[OPTIONS]", "[选项]")
            lines += [usage, f"请运行 '{self.ctx.command_path} --help' 查看帮助。", ""]
        lines.append(f"错误：{self.message}")
        click.echo("\n".join(lines), file=file, err=file is None)


def in_chinese_if_asked(error: click.UsageError) -> click.UsageError:
    """``error`` reworded in Chinese when the command line asks for Chinese; else ``error`` itself."""
    if _typed_lang != "zh" or isinstance(error, ChineseUsageError):
        return error
    return ChineseUsageError(chinese_usage(error), error.ctx)


def _hint(error: click.UsageError) -> str:
    param = getattr(error, "param", None)
    hint = getattr(error, "param_hint", None)
    if hint is None and param is not None:
        hint = param.get_error_hint(error.ctx)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return str(hint or "")


_EXTRA = re.compile(r"Got unexpected extra arguments? \((.*)\)")
_NO_COMMAND = re.compile(r"No such command '(.*)'\.?")
_GIVEN = re.compile(r"(.+?) is not (?:one of |in the range |a valid |'|\d)")
_RANGE = re.compile(r"is not in the range (.+?)\.?$")
_TYPE_NAMES = {"integer": "整数", "float": "数字", "boolean": "是或否"}


def chinese_usage(error: click.UsageError) -> str:
    """The reason of one of click's usage errors, in Chinese."""
    if isinstance(error, click.NoSuchOption):
        close = getattr(error, "possibilities", None) or []
        return f"没有 {error.option_name} 这个选项" + (f"；您是否想用 {'、'.join(sorted(close))}？" if close else "")
    if isinstance(error, click.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        return f"缺少{'参数' if kind == 'argument' else '选项' if kind == 'option' else '参数'} {_hint(error)}"
    if isinstance(error, click.BadParameter):
        return _bad_value(error)
    if isinstance(error, click.BadOptionUsage) and error.message.endswith("requires an argument."):
        return f"选项 {error.option_name} 后面需要一个值"
    for pattern, template in ((_EXTRA, "多余的参数：{0}"),
                              (_NO_COMMAND, "没有 {0} 这个命令；请运行 'expert --help' 查看全部命令")):
        found = pattern.fullmatch(error.message)
        if found:
            return template.format(*found.groups())
    return f"用法有误：{error.message}"


def _bad_value(error: click.BadParameter) -> str:
    hint, param = _hint(error), error.param
    found = _GIVEN.match(error.message)
    given = found.group(1) if found else ""
    where = f"{hint} 的取值 {given}".replace("  ", " ").strip()
    kind = param.type if param is not None else None
    if isinstance(kind, click.Choice):
        return f"{where} 无效，应为以下之一：{'、'.join(str(c) for c in kind.choices)}"
    if isinstance(kind, (click.IntRange, click.FloatRange)):
        limits = _RANGE.search(error.message)
        return f"{where} 超出范围" + (f"（应满足 {limits.group(1)}）" if limits else "")
    name = getattr(kind, "name", "")
    if name in _TYPE_NAMES:
        return f"{where} 无效，应为{_TYPE_NAMES[name]}"
    return f"{hint} 的取值无效：{error.message}"
