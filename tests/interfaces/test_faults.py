"""Nothing lost, no traceback: the CLI under faults (issue 11), each reproduced in a real process.

A save that cannot be completed keeps the old file; Ctrl-C in a consultation keeps the
answers; output that cannot be written is one line and a non-zero status; closed
standard input is a message; Ctrl-C at any moment (even while importing) exits 130 quietly.
"""

from __future__ import annotations

import os
import resource
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from expert.facts.safe_files import atomic_write_text

EXPERT = Path(sys.executable).parent / "expert"
pytestmark = pytest.mark.skipif(not EXPERT.exists(), reason=f"no installed executable at {EXPERT}")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "small-team-chat.yaml"
ENV = {**os.environ, "EXPERT_CACHE_DIR": "off"}


def shell(command: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", command, str(EXPERT)], capture_output=True, timeout=120, cwd=cwd, env=ENV,
                          **kwargs)


def clean(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8")
    assert "Traceback" not in err and "Exception" not in err, err
    return err


def test_save_that_cannot_be_written_keeps_the_old_file(tmp_path):
    saved = tmp_path / "profile.yaml"
    old = "# my earlier consultation\n" + "company: {name: Earlier Inc}\n"
    saved.write_text(old, encoding="utf-8")

    def small_file_limit():  # a "disk" that takes 64 bytes per file: the new profile does not fit
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    result = subprocess.run([str(EXPERT), "consult", "--save", str(saved)], input=b"no\ntext_messaging\nlatency\n",
                            capture_output=True, timeout=120, cwd=tmp_path, env=ENV, preexec_fn=small_file_limit)
    err = clean(result)
    assert result.returncode == 2
    assert saved.read_text(encoding="utf-8") == old  # untouched, not truncated
    assert f"cannot write {saved}" in err and "latency" in err  # the answers are shown instead
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profile.yaml"]  # no temporary left


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "a.yaml"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o600)
    atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n" and (target.stat().st_mode & 0o777) == 0o600

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        atomic_write_text(target, "newer\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def _read_until(stream, marker: bytes, deadline: float) -> bytes:
    data = b""
    fd = stream.fileno()
    while marker not in data:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {marker!r}; got {data[-400:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    return data


def _interrupt_after_one_answer(tmp_path: Path, args: list[str]) -> tuple[int, str]:
    process = subprocess.Popen([str(EXPERT), "consult", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=tmp_path, env=ENV)
    deadline = time.monotonic() + 90
    try:
        _read_until(process.stdout, b"> ", deadline)
        process.stdin.write(b"no\n")  # the first question: is an upgrade on the table?
        process.stdin.flush()
        _read_until(process.stdout, b"Question 2 (", deadline)
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, err.decode("utf-8")


def test_ctrl_c_in_consult_saves_the_answers_given(tmp_path):
    saved = tmp_path / "partial.yaml"
    code, err = _interrupt_after_one_answer(tmp_path, ["--save", str(saved)])
    assert code == 130, err
    assert "Traceback" not in err and "Aborted" not in err
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["asked"] == ["upgrade"]
    assert f"expert consult --from {saved}" in err


def test_ctrl_c_in_consult_without_save_shows_the_answers_and_how_to_resume(tmp_path):
    code, err = _interrupt_after_one_answer(tmp_path, [])
    assert code == 130, err
    assert "Traceback" not in err and "expert consult --from FILE" in err
    shown = yaml.safe_load(err[err.index("asked:"):])
    assert shown["asked"] == ["upgrade"]


def test_stdout_closed_is_an_error_not_silence(tmp_path):
    result = shell(f'exec "$0" advise {EXAMPLE} >&-', tmp_path)
    err = clean(result)
    assert result.returncode == 1 and "standard output is closed" in err


def test_stdout_on_a_full_disk_is_one_line(tmp_path):
    result = shell(f'exec "$0" advise {EXAMPLE} > /dev/full', tmp_path)
    err = clean(result)
    assert result.returncode == 1 and err.strip() == "error: cannot write the output: No space left on device"


@pytest.mark.parametrize("command", [["schema"], ["advise", str(EXAMPLE), "--format", "json"]])
def test_broken_pipe_is_quiet(tmp_path, command):
    """`expert ... | head`: the reader is gone before anything is written."""
    process = subprocess.Popen([str(EXPERT), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                               env=ENV)
    process.stdout.close()
    err = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) != 0
    assert err == ""


@pytest.mark.parametrize("command", ["advise -", "consult"])
def test_stdin_closed_is_a_message(tmp_path, command):
    result = shell(f'exec "$0" {command} <&-', tmp_path)
    err = clean(result)
    assert result.returncode == 2 and "standard input is closed" in err


IMPORTING = """
import builtins, os, signal, sys
sys.argv = ["expert", "advise", sys.argv[1]]
real_import = builtins.__import__
def importing(name, *args, **kwargs):
    if name == TARGET:
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
from expert.interfaces.entry import main
main()
"""

RUNNING = """
import os, signal, sys
sys.argv = ["expert", "advise", sys.argv[1]]
from expert.interfaces.entry import main
import expert.inference.engine as engine
real_run = engine.Engine.run
def run(self, *args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    return real_run(self, *args, **kwargs)
engine.Engine.run = run
main()
"""


@pytest.mark.parametrize("module", ["click", "pydantic", "pydantic_core", "orjson", "durable.engine"])
def test_ctrl_c_while_importing_exits_130_quietly(tmp_path, module):
    script = IMPORTING.replace("TARGET", repr(module))
    result = subprocess.run([sys.executable, "-c", script, str(EXAMPLE)], capture_output=True, timeout=120,
                            cwd=tmp_path, env=ENV)
    assert (result.returncode, result.stderr.decode("utf-8")) == (130, "")


def test_ctrl_c_while_running_exits_130_quietly(tmp_path):
    result = subprocess.run([sys.executable, "-c", RUNNING, str(EXAMPLE)], capture_output=True, timeout=120,
                            cwd=tmp_path, env=ENV)
    assert (result.returncode, result.stderr.decode("utf-8")) == (130, "")
