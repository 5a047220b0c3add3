"""Read a profile from a file or standard input, and word validation errors for people.

Whatever goes wrong (no such file, not UTF-8, too large, not YAML/JSON, not a mapping,
a field of the wrong type) becomes one ``ProfileInputError`` whose message names the
field path and what was expected; the CLI prints it and exits 2, never a traceback.
"""

from __future__ import annotations

import os
import sys

import yaml
from pydantic import ValidationError

from expert.facts.safe_files import UnsafeFileError, read_regular_file
from expert.facts.shown import one_line
from expert.facts.yamlsource import UnsafeDocumentError, check_plain_document, load_yaml_text

MAX_PROFILE_BYTES = 1_000_000  # a real profile is a few KB; refuse anything absurd


class ProfileInputError(Exception):
    """The profile could not be read or is invalid; the message says where and why, ``zh``
    the same in Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


STDIN_DRAINED = 100_000_000  # a too-large standard input is counted up to this, to state its real size


def _plain(value: object) -> object:
    """LineDicts back to plain dicts (pydantic and JSON output want ordinary types)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse_profile_bytes(raw: bytes, source: str) -> dict:
    """The mapping ``raw`` holds (YAML or JSON); ``source`` names it in messages."""
    if len(raw) > MAX_PROFILE_BYTES:
        raise _too_large(source, f"{len(raw):,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = raw[error.start:error.start + 1]
        raise ProfileInputError(f"{source}: not UTF-8 text (byte {error.start}: {byte!r})",
                                f"{source}：不是 UTF-8 文本（第 {error.start + 1} 个字节：{byte!r}）") from None
    if not text.strip():
        raise ProfileInputError(f"{source}: the profile is empty; expected a YAML or JSON mapping",
                                f"{source}：资料为空；应为 YAML 或 JSON 映射")
    try:
        check_plain_document(text)
        data = load_yaml_text(text)
    except UnsafeDocumentError as error:
        raise ProfileInputError(f"{source}: {error}", f"{source}：{error.zh}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        where_zh = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark else ""
        problem = one_line(getattr(error, "problem", None) or str(error).splitlines()[0], 200)
        from expert.facts.problem_text import yaml_problem_zh  # (error paths only: not imported at start)

        raise ProfileInputError(f"{source}: not valid YAML or JSON{where}: {problem}",
                                f"{source}：不是有效的 YAML 或 JSON{where_zh}：{yaml_problem_zh(problem)}") from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ProfileInputError(
            f"{source}: expected a mapping with keys such as company, needs, offers, upgrade; got {kind}",
            f"{source}：应为映射（键值对），含 company、needs、offers、upgrade 等键；收到的是{_KINDS_ZH.get(kind, kind)}")
    return _plain(data)


def _too_large(source: str, real: str) -> ProfileInputError:
    return ProfileInputError(f"{source}: the profile is {real} bytes; at most {MAX_PROFILE_BYTES:,} are accepted",
                             f"{source}：资料有 {real.replace('more than', '超过')} 字节，最多接受 {MAX_PROFILE_BYTES:,} 字节")


_KINDS_ZH = {"list": "列表", "str": "文字", "int": "整数", "float": "数字", "bool": "是或否", "NoneType": "空值"}


def _read_stdin() -> bytes:
    if sys.stdin is None:  # the process was started with standard input closed
        raise ProfileInputError("<stdin>: standard input is closed; pipe a profile in or name a file",
                                "<stdin>：标准输入已关闭；请用管道传入资料，或给出文件名")
    try:
        raw = sys.stdin.buffer.read(MAX_PROFILE_BYTES + 1)
        if len(raw) <= MAX_PROFILE_BYTES:
            return raw
        size = len(raw)
        while size <= STDIN_DRAINED and (chunk := sys.stdin.buffer.read(1 << 20)):
            size += len(chunk)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise ProfileInputError(f"<stdin>: cannot read: {reason}", f"<stdin>：无法读取：{reason}") from None
    raise _too_large("<stdin>", f"{size:,}" if size <= STDIN_DRAINED else f"more than {STDIN_DRAINED:,}")


def read_profile(path: str) -> dict:
    """Read PATH (YAML or JSON), or standard input for '-'."""
    if path == "-":
        return parse_profile_bytes(_read_stdin(), "<stdin>")
    if not os.path.lexists(path):
        raise ProfileInputError(f"{path}: no such file", f"{path}：没有这个文件")
    try:
        raw = read_regular_file(path, MAX_PROFILE_BYTES)
    except UnsafeFileError as error:
        raise ProfileInputError(str(error), error.zh) from None
    except OSError as error:
        reason = error.strerror or error
        raise ProfileInputError(f"{path}: cannot read: {reason}", f"{path}：无法读取：{reason}") from None
    return parse_profile_bytes(raw, path)


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: field path, what was expected, what was given."""
    return "invalid profile:\n" + "\n".join(f"  {line}" for line in validation_problems(error))


def validation_problems(error: ValidationError) -> list[str]:
    """Each problem of a validation error as "field.path: what was expected (got ...)".

    Never raises: values are quoted short and escaped (``shown``), whatever they are.
    """
    return [f"{path}: {message}" for path, message in problem_lines(error)]


def problem_lines(error: ValidationError) -> list[tuple[str, str]]:
    """Each problem of a validation error as (field path, what was expected (got ...)), in
    English, by the user's paths (``problem_text.user_items``); never raises (values quoted
    short and escaped)."""
    from expert.facts.problem_text import english_line, user_items  # (error paths only: not imported at start)

    return [english_line(item) for item in user_items(error)]
