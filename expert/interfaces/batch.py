"""Batch advice: many profiles (JSON Lines, or several files) through one or several processes.

``expert advise --jsonl FILE`` reads one profile per line and writes one Advice per line,
in input order, exactly the JSON ``advise()`` gives for that profile; a bad record
becomes an error line, ``{"line": N, "error": {"message": ..., "problems": [{"path", "message"}]}}``
(both languages), and the good ones are still written.  ``expert advise A B C`` does the
same for files: text or Markdown per file under a ``==> FILE <==`` header (a bad file's
reason on stderr), or with ``--format json`` one JSON line per file, the Advice or
``{"file": ..., "error": ...}``.  Blank lines of a JSON Lines input are skipped.

``--jobs N`` spreads the records over N worker processes.  The durable_rules core wants
one engine per process and no forking of a live one, so workers are started fresh
(forkserver, else spawn) and each builds its own advisor; records travel in chunks, at
most a few chunks per worker are in flight, and results are written in input order as
they come: memory stays flat however long the input, which is read as a stream, never
whole.  A progress bar goes to stderr when stderr is a terminal.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import IO, Iterable, Iterator, Optional

import click
import orjson

from expert.advice.input_errors import InputError, InputErrorDetail, InputProblem
from expert.advice.model import Text
from expert.facts.profile_io import MAX_PROFILE_BYTES, ProfileInputError, read_profile
from expert.inference.engine import EngineError
from expert.interfaces.cli_errors import invalid_profile

OK, BAD, INTERNAL = "ok", "bad", "internal"
CHUNK = 32  # records per task: large enough to hide the cost of a round trip, small enough to keep memory flat
IN_FLIGHT_PER_JOB = 3  # chunks queued per worker: keeps every worker busy without reading ahead


@dataclass(frozen=True)
class Job:
    """What every record is advised with: the knowledge base, the language, the output form."""

    knowledge: Optional[str]
    lang: str
    fmt: str  # "jsonl" (a JSON Lines input), "json", "text" or "markdown" (files)
    brief: bool = False  # text and Markdown: only the summary of each file


_advisor = None  # the worker's own advisor (one engine per process)
_job: Optional[Job] = None


def start_worker(job: Job) -> None:
    """Set up this process to advise: its own advisor on the knowledge base."""
    global _advisor, _job
    from expert.interfaces.advisor import Advisor, default_advisor

    _advisor = Advisor(job.knowledge) if job.knowledge else default_advisor()
    _job = job


def advise_chunk(records: list[tuple[int, object]]) -> list[tuple[str, str]]:
    """Advise each record: (status, output) per record, in order.  A record is a JSON Lines
    line (bytes) with its number, or a file name with its position."""
    return [_advise_record(number, payload) for number, payload in records]


def _advise_record(number: int, payload: object) -> tuple[str, str]:
    job = _job
    assert job is not None and _advisor is not None, "start_worker first"
    where = {"line": number} if job.fmt == "jsonl" else {"file": payload}
    try:
        data = _parse_line(payload) if job.fmt == "jsonl" else read_profile(str(payload))
        advice = _advisor.advise(data, lang=job.lang)
    except InputError as error:
        if job.fmt in ("text", "markdown"):
            return BAD, invalid_profile(error, str(payload))[job.lang == "zh"]
        return BAD, _error_line(where, error.detail())
    except (ProfileInputError, _RecordError) as error:
        if job.fmt in ("text", "markdown"):
            return BAD, _texts(error)[job.lang == "zh"]
        return BAD, _error_line(where, _detail(*_texts(error)))
    except EngineError as error:
        en = f"internal error during inference: {error}"
        if job.fmt in ("text", "markdown"):
            return INTERNAL, f"{payload}: {en}" if job.lang != "zh" else f"{payload}：推理时发生内部错误：{error}"
        return INTERNAL, _error_line(where, _detail(en, f"推理时发生内部错误:{error}"))
    if job.fmt in ("json", "jsonl"):
        return OK, advice.model_dump_json()
    from expert.advice.render import render

    return OK, f"==> {payload} <==\n{render(advice, job.fmt, job.lang, job.brief)}"


class _RecordError(ValueError):
    """A JSON Lines record that is not a JSON object; ``zh`` is the message in Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


def _texts(error: Exception) -> tuple[str, str]:
    if isinstance(error, _RecordError):
        return str(error), error.zh
    return str(error), getattr(error, "zh", str(error))  # ProfileInputError: the file's problem


def _parse_line(raw: object) -> dict:
    assert isinstance(raw, bytes)
    if len(raw) > MAX_PROFILE_BYTES:
        raise _RecordError(f"the record is {len(raw):,} bytes; at most {MAX_PROFILE_BYTES:,} are accepted",
                           f"该记录有 {len(raw):,} 字节,最多接受 {MAX_PROFILE_BYTES:,} 字节")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise _RecordError(f"not valid JSON: {error}", f"不是有效的 JSON:{error}") from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise _RecordError(f"expected a JSON object (a profile), got {kind}", f"应为 JSON 对象(一份资料),收到的是 {kind}")
    return data


def _detail(en: str, zh: str) -> InputErrorDetail:
    message = Text(en=en, zh=zh)
    return InputErrorDetail(message=message, problems=[InputProblem(path="", message=message)])


def _error_line(where: dict, detail: InputErrorDetail) -> str:
    return orjson.dumps({**where, "error": detail.model_dump(mode="json")}).decode("utf-8")


# --- the driver ----------------------------------------------------------------------------

def _chunks(records: Iterable[tuple[int, object]], size: int) -> Iterator[list[tuple[int, object]]]:
    chunk: list = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def jsonl_records(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for each non-blank line, read as a stream."""
    for number, line in enumerate(stream, 1):
        if line.strip():
            yield number, line


def advise_records(records: Iterable[tuple[int, object]], job: Job, jobs: int = 1,
                   chunk: int = CHUNK) -> Iterator[tuple[str, str]]:
    """(status, output) for each record, in input order, advised by ``jobs`` processes."""
    if jobs <= 1:
        start_worker(job)
        for part in _chunks(records, chunk):
            yield from advise_chunk(part)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=start_worker,
                             initargs=(job,)) as pool:
        pending: deque[Future] = deque()
        for part in _chunks(records, chunk):
            pending.append(pool.submit(advise_chunk, part))
            while len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def run(sources: list[str], jsonl: bool, fmt: str, lang: str, jobs: int, knowledge: Optional[str],
        brief: bool = False) -> int:
    """Advise every record of ``sources`` to stdout; the exit status (0, 2 if any record was
    bad, 1 on an internal error)."""
    job = Job(knowledge, lang, "jsonl" if jsonl else fmt, brief)
    if jsonl:
        stream, total = _open(sources[0])
        records: Iterable[tuple[int, object]] = jsonl_records(stream)
    else:
        stream, total = None, len(sources)
        records = enumerate(sources, 1)
    worst = 0
    out = sys.stdout
    try:
        results = advise_records(records, job, jobs)
        with _progress(total) as bar:
            for status, output in results:
                bar.update(1)
                if status == OK or job.fmt in ("json", "jsonl"):
                    out.write(output + "\n")  # a JSON line; or a file's advice, then a blank line
                else:
                    click.echo(f"错误：{output}" if job.lang == "zh" else f"error: {output}", err=True)
                worst = max(worst, {OK: 0, BAD: 2, INTERNAL: 3}[status])
    finally:
        if stream is not None and stream is not sys.stdin.buffer:
            stream.close()
    out.flush()
    return {0: 0, 2: 2, 3: 1}[worst]


def _open(source: str) -> tuple[IO[bytes], Optional[int]]:
    """The JSON Lines input as a binary stream, and its line count when it is a regular file
    (for the progress bar, counted only when one is shown)."""
    if source == "-":
        return sys.stdin.buffer, None
    try:
        stream = open(source, "rb")  # noqa: SIM115 - closed by run()
    except OSError as error:
        raise ProfileInputError(f"{source}: cannot read: {error.strerror}", f"{source}：无法读取：{error.strerror}") from None
    total = None
    if sys.stderr.isatty():
        with open(source, "rb") as counting:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: counting.read(1 << 20), b""))
    return stream, total


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, steps: int) -> None:
        return None


def _progress(total: Optional[int]):
    """click's progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return _NoBar()
    return click.progressbar(iter(()) if total is None else None, length=total, label="advising", file=sys.stderr,
                             show_pos=True, update_min_steps=CHUNK)
