"""`expert consult` end to end: answers through a pipe and through a pseudo-terminal,
a bad answer asked again, "don't know", early end of input, --from and --save, "back",
"change FACT" and "help", the progress shown, and the summary as the last screen."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

EXPERT = Path(sys.executable).parent / "expert"
pytestmark = pytest.mark.skipif(not EXPERT.exists(), reason=f"no installed executable at {EXPERT}")


def _pipe(args: list[str], answers: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXPERT), "consult", *args], input=answers.encode("utf-8"), capture_output=True,
                          timeout=60, cwd=cwd)


def test_pipe_consultation_to_a_verdict_and_save(tmp_path):
    saved = tmp_path / "built.yaml"
    result = _pipe(["--save", str(saved)], "no\ntext_messaging\nlatency\n", tmp_path)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr
    assert out.count("> ") == 3  # three questions were enough
    # whether an upgrade is on the table comes first: every verdict rule turns on it (issue 9 made the
    # upgrade's judgement rules, and the ranking weighs them; with no upgrade, the offers are not asked)
    assert "Question 1 (" in out and "Question 2 (" in out and "Question 3 (" in out
    assert out.index("Are you weighing a specific upgrade") < out.index("Which capabilities") < out.index("Which problems")
    assert "No open question can change the verdict any more." in out
    # the last screen: the summary, then where the full advice is
    assert "Verdict: Worth paying for" in out and "IN FULL" not in out and f"Profile saved to {saved}" in out
    assert out.rstrip().endswith(f"The full advice, with every reason: expert advise {saved}")
    profile = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert profile["needs"]["pain_points"] == ["latency"]
    assert profile["asked"] == ["upgrade", "needs.capabilities", "needs.pain_points"]


def test_bad_answer_is_explained_and_asked_again(tmp_path):
    out = _pipe([], "perhaps\nno\n1\nnone\n", tmp_path).stdout.decode("utf-8")
    assert "Not accepted: expected yes or no, got 'perhaps'" in out
    assert out.count("Question 1 (") == 2 and out.count("Are you weighing a specific upgrade") == 2
    assert "Verdict: Not worth paying for" in out


def test_dont_know_is_not_asked_again_and_chinese(tmp_path):
    result = _pipe(["--lang", "zh"], "否\n不知道\n不知道\n", tmp_path)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0
    assert "您是否正在考虑" in out and "剩下的问题都不会再改变结论" in out
    assert "结论：信息不足，暂时无法判断" in out


def test_end_of_input_stops_with_advice_so_far(tmp_path):
    result = _pipe([], "yes\n", tmp_path)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0 and "Stopped before the end" in out \
        and "Verdict: Not enough facts to decide yet" in out


def test_from_resumes_without_repeating(tmp_path):
    start = tmp_path / "start.yaml"
    start.write_text("upgrade: {kind: version_update, monthly_price_usd: 0}\nasked: [upgrade, upgrade.kind]\n",
                     encoding="utf-8")
    out = _pipe(["--from", str(start)], "", tmp_path).stdout.decode("utf-8")
    assert "weighing a specific upgrade" not in out and "What kind of upgrade" not in out
    assert "Verdict: Not worth paying for" in out  # a free version update: nothing to ask, nothing to pay


def test_invalid_from_profile_exits_2(tmp_path):
    start = tmp_path / "bad.yaml"
    start.write_text("needs: {pain_points: [boredom]}\n", encoding="utf-8")
    result = _pipe(["--from", str(start)], "", tmp_path)
    assert result.returncode == 2 and "needs.pain_points" in result.stderr.decode("utf-8")
    assert "Traceback" not in result.stderr.decode("utf-8")


def _read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    data = b""
    while marker not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"timed out waiting for {marker!r}; got {data.decode('utf-8', 'replace')}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            data += chunk
    return data


def test_pseudo_terminal_consultation(tmp_path):
    """Under a real terminal: each prompt waits for a typed line (echoed by the terminal)."""
    master, slave = pty.openpty()
    process = subprocess.Popen([str(EXPERT), "consult"], stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path,
                               close_fds=True)
    os.close(slave)
    deadline = time.monotonic() + 60
    transcript = b""
    try:
        for answer in (b"maybe", b"no", b"1", b"2"):
            transcript += _read_until(master, b"> ", deadline)
            os.write(master, answer + b"\n")
        transcript += _read_until(master, b"Worth paying for", deadline)
        transcript += _read_until(master, b"\n", deadline)
    finally:
        process.wait(timeout=30)
        os.close(master)
    text = transcript.decode("utf-8", "replace")
    assert process.returncode == 0
    assert "expected yes or no, got 'maybe'" in text
    assert "Question 3 (" in text and "Which problems" in text and "Verdict: Worth paying for" in text


def test_back_takes_back_the_last_answer_and_asks_it_again(tmp_path):
    saved = tmp_path / "built.yaml"
    answers = "不知道\n撤回\nno\ntext_messaging\nback\ntext_messaging\nlatency\n"
    result = _pipe(["--save", str(saved), "--lang", "zh"], answers, tmp_path)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr
    assert out.count("已撤回：是否考虑具体升级") == 1 and out.count("已撤回：所需能力") == 1
    assert out.count("第 1 题") == 2 and out.count("您是否正在考虑") == 2 and out.count("您的产品需要哪些能力") >= 2
    profile = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert profile["needs"]["capabilities"] == ["text_messaging"] and "upgrade" not in profile
    assert profile["asked"] == ["upgrade", "needs.capabilities", "needs.pain_points"]


def test_back_before_any_answer_says_so(tmp_path):
    out = _pipe([], "back\nquit\n", tmp_path).stdout.decode("utf-8")
    assert "Nothing to take back yet." in out and out.count("Question 1 (") == 2


def test_each_question_says_its_number_what_is_open_and_what_it_decides(tmp_path):
    out = _pipe([], "no\nquit\n", tmp_path).stdout.decode("utf-8")
    first = out[out.index("Question 1"):out.index("> ")]
    assert "more open questions could still change the verdict now)" in first.splitlines()[0]
    deciding = next(line for line in first.splitlines() if "Deciding the verdict:" in line)
    assert "Worth paying for" in deciding and "Not worth paying for" in deciding
    chinese = _pipe(["--lang", "zh"], "退出\n", tmp_path).stdout.decode("utf-8")
    assert "第 1 题（目前另有" in chinese and "关系到结论：" in chinese and "值得付费" in chinese


def test_change_replaces_only_that_answer(tmp_path):
    saved = tmp_path / "built.yaml"
    answers = ("no\ntext_messaging\nchange capabilities needed\ntext_messaging, video_calls\n"
               "change needs.pain_points\nlatency\n")
    result = _pipe(["--save", str(saved)], answers, tmp_path)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr
    assert "Changing your answer about capabilities needed (now: text_messaging)" in out
    assert "Changed: capabilities needed" in out
    # pain points were never answered: nothing to change, and the open question is asked again
    assert "No answered question matches 'needs.pain_points'" in out and out.count("Question 3 (") == 3
    profile = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert profile["needs"]["capabilities"] == ["text_messaging", "video_calls"]
    assert profile["needs"]["pain_points"] == ["latency"] and "upgrade" not in profile
    assert profile["asked"] == ["upgrade", "needs.capabilities", "needs.pain_points"]  # the order kept


def test_change_in_chinese_by_name_and_back_keeps_the_answer(tmp_path):
    saved = tmp_path / "built.yaml"
    answers = "否\n1\n更改 是否考虑具体升级\n撤回\n更改 所需能力\n1, 5\n延迟高\n"
    out = _pipe(["--save", str(saved), "--lang", "zh"], answers, tmp_path).stdout.decode("utf-8")
    assert "更改「是否考虑具体升级」的回答（目前：否）" in out and "已保留原回答。" in out
    assert "更改「所需能力」的回答（目前：文字消息）" in out and "已更改：所需能力" in out
    profile = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert "upgrade" not in profile and profile["needs"]["capabilities"] == ["text_messaging", "video_calls"]


def test_help_lists_the_commands(tmp_path):
    out = _pipe([], "help\nquit\n", tmp_path).stdout.decode("utf-8")
    commands = out[out.index("Commands:"):]
    for command in ("unknown", "back", "change FACT", "help", "quit"):
        assert f"\n  {command} " in commands
    assert "'help' lists the commands" in out.splitlines()[0]


def test_no_resume_hint_when_every_answer_was_taken_back(tmp_path):
    result = _pipe([], "no\nback\nquit\n", tmp_path)
    assert result.returncode == 0
    assert "Taken back: upgrade" in result.stdout.decode("utf-8")
    assert "expert consult --from" not in result.stderr.decode("utf-8")  # nothing to resume
    kept = _pipe([], "no\nquit\n", tmp_path)
    assert "expert consult --from FILE" in kept.stderr.decode("utf-8") and "- upgrade" in kept.stderr.decode("utf-8")
