"""Under --lang zh every error the command line prints is Chinese, end to end: bad profiles
(each common kind of validation problem, by the user's field path), bad files, click's own
usage errors, and the errors of whatif, explain, rules show, consult and batch runs; exit
2, no traceback, and Chinese a Chinese reader expects (tests/chinese.py), the field paths,
file names and quoted values aside."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import support
from chinese import chinese_problems

from expert.facts.profile_io import MAX_PROFILE_BYTES
from expert.interfaces.cli import main

EXAMPLE = str(support.EXAMPLES / "live-commerce.yaml")


def _run(runner, args: list[str]):
    result = runner.invoke(main, args, prog_name="expert")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and result.exit_code == 2, result.output
    return result.stderr


def _chinese(stderr: str, *allowed: str) -> None:
    """The message is in Chinese and reads as Chinese, with the user's own words taken out:
    the paths and names given, every quoted value, and the options named (--lang, --set)."""
    assert re.match(r"(错误|用法)：", stderr) and "error:" not in stderr and "Error:" not in stderr, stderr
    quoted = set(re.findall(r"'[^'\n]*'|“[^”\n]*”", stderr))
    problems = chinese_problems(stderr, allowed=quoted | set(allowed))
    assert problems == [], problems


def _profile(tmp_path, text: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("text, path, words", [
    ("company: {sise: small}\n", "company.sise", "未知字段"),
    ("needs: {usage: {mau: many}}\n", "needs.usage.mau", "应为整数"),
    ("needs: {usage: {monthly_minutes: lots}}\n", "needs.usage.monthly_minutes", "应为数字"),
    ("needs: {usage: {mau: -5}}\n", "needs.usage.mau", "应大于或等于 0"),
    ("needs: {contract_months: 500}\n", "needs.contract_months", "应小于或等于 120"),
    ("company: {size: huge}\n", "company.size", "应为以下之一：'micro'、'small'、'medium'、'large'"),
    ("offers: [{pricing_model: freemium}]\n", "offers.0.name", "缺少必填字段"),
    ("needs: {capabilities: hd_video}\n", "needs.capabilities", "应为列表"),
    ("company: {can_forecast_usage_costs: maybe}\n", "company.can_forecast_usage_costs", "应为是或否"),
    # a union's tags never show: the path is the user's and 'unknown' is offered as the alternative
    ("offers: [{name: A, capabilities: [{capability: hd_video, availability: paid, monthly_price_usd: -3}]}]\n",
     "offers.0.capabilities.0.monthly_price_usd", "应大于或等于 0（或填 'unknown'）"),
    # a check of the whole profile is reported at the field it is about
    ("offers: [{name: A}]\nupgrade: {offer: Nope}\n", "upgrade.offer", "'Nope' 不是所列方案中任何一个的名称"),
])
def test_each_common_validation_problem_reads_in_chinese_at_the_users_path(runner, tmp_path, text, path, words):
    profile = _profile(tmp_path, text)
    stderr = _run(runner, ["advise", profile, "--lang", "zh"])
    assert stderr.startswith(f"错误：{profile}：资料无效：\n") and f"  {path}：" in stderr and words in stderr, stderr
    assert "constrained" not in stderr and "literal[" not in stderr and "（档案）" not in stderr
    _chinese(stderr, profile, path)


def test_the_same_profile_in_english_names_the_same_paths(runner, tmp_path):
    profile = _profile(tmp_path, "offers: [{name: A, capabilities: [{capability: hd_video, availability: paid, "
                                 "monthly_price_usd: cheap}]}]\n")
    stderr = _run(runner, ["advise", profile])
    assert stderr.startswith(f"error: {profile}: invalid profile:")
    assert "offers.0.capabilities.0.monthly_price_usd: Input should be a valid number" in stderr
    assert "(or 'unknown')" in stderr
    profile = _profile(tmp_path, "offers: [{name: A}]\nupgrade: {offer: Nope}\n")
    assert "  upgrade.offer: Value error, 'Nope' is not the name" in _run(runner, ["advise", profile])


def _file_cases(tmp_path):
    directory = tmp_path / "a-directory"
    directory.mkdir()
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_PROFILE_BYTES + 12_345))
    return [
        (str(tmp_path / "missing.yaml"), "没有这个文件"),
        (str(directory), "不是普通文件"),
        (str(big), f"文件有 {MAX_PROFILE_BYTES + 12_345:,} 字节，最多接受 {MAX_PROFILE_BYTES:,} 字节"),
        (_write(tmp_path / "syntax.yaml", b"company:\n  size: [small\n"), "不是有效的 YAML 或 JSON（第 3 行第 1 列）"),
        (_write(tmp_path / "indent.yaml", b"company:\n  name: x\n bad: 1\n"), "此处应为一个键（多半是缩进不一致）"),
        (_write(tmp_path / "tab.yaml", b"company:\n\tname: x\n"), "例如用制表符缩进，请改用空格"),
        (_write(tmp_path / "quote.yaml", b'company: {name: "x}\n'), "文件意外结束（多半是引号未闭合）"),
        (_write(tmp_path / "latin1.yaml", b"company: {name: caf\xe9}\n"), "不是 UTF-8 文本（第 20 个字节"),
        (_write(tmp_path / "empty.yaml", b"  \n"), "资料为空"),
        (_write(tmp_path / "list.yaml", b"- a\n- b\n"),
         "应为映射（键值对），含 company、needs、offers、upgrade 等键；收到的是列表"),
        (_write(tmp_path / "alias.yaml", b"a: &x 1\nb: *x\n"), "第 1 行：资料中不接受锚点和别名"),
    ]


def _write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_file_errors_read_in_chinese(runner, tmp_path):
    for path, words in _file_cases(tmp_path):
        stderr = _run(runner, ["advise", path, "--lang", "zh"])
        assert stderr.startswith(f"错误：{path}：") and words in stderr, stderr
        _chinese(stderr, path)


def test_a_too_large_standard_input_states_its_real_size(runner):
    result = runner.invoke(main, ["advise", "-", "--lang", "zh"], input=b"#" * (MAX_PROFILE_BYTES + 5))
    assert result.exit_code == 2
    assert f"<stdin>：资料有 {MAX_PROFILE_BYTES + 5:,} 字节，最多接受 {MAX_PROFILE_BYTES:,} 字节" in result.stderr


@pytest.mark.parametrize("args, words", [
    (["advise", EXAMPLE, "--format", "pdf", "--lang", "zh"], "'--format' 的取值 'pdf' 无效，应为以下之一：text、markdown、json"),
    (["advise", EXAMPLE, "--format=pdf", "--lang=zh"], "'--format' 的取值 'pdf' 无效"),
    (["advise", "--lang", "zh"], "缺少参数 'PROFILE...'"),
    (["advise", EXAMPLE, "--lang", "zh", "--colour"], "没有 --colour 这个选项"),
    (["advise", EXAMPLE, "--lang", "zh", "--jobs", "0"], "'--jobs' 的取值 0 超出范围"),
    (["explain", EXAMPLE, "--lang", "zh"], "缺少参数 'CONCLUSION_ID'"),
    (["whatif", EXAMPLE, "--lang", "zh"], "缺少选项 '--set'"),
    (["adviseme", "--lang", "zh"], "没有 adviseme 这个命令"),
])
def test_clicks_usage_errors_read_in_chinese(runner, args, words):
    stderr = _run(runner, args)
    assert stderr.startswith("用法：expert") and "[选项]" in stderr and "查看帮助。" in stderr
    assert f"错误：{words}" in stderr, stderr
    _chinese(stderr, "--colour", "--jobs", "adviseme", "CONCLUSION_ID")  # the synopsis names the arguments


def test_the_command_line_as_typed_decides_in_a_real_process():
    """The language of a usage error is read from sys.argv when click is not handed the arguments."""
    result = subprocess.run([sys.executable, "-m", "expert", "advise", EXAMPLE, "--lang=zh", "--format", "pdf"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("用法：") and "错误：'--format' 的取值 'pdf' 无效" in result.stderr


def test_usage_errors_stay_english_without_lang_zh(runner):
    stderr = _run(runner, ["advise", EXAMPLE, "--format", "pdf"])
    assert stderr.startswith("Usage: expert advise") and "Error: Invalid value for '--format'" in stderr
    assert "Error: No such option" in _run(runner, ["advise", EXAMPLE, "--lang", "zh", "--lang", "en", "--colour"])


@pytest.mark.parametrize("args, words", [
    (["whatif", EXAMPLE, "--set", "needs.usage.maus=5"], "--set 'needs.usage.maus'：不是资料词汇中可填写的事实"),
    (["whatif", EXAMPLE, "--set", "needs.usage.mau=-1"], "--set needs.usage.mau：-1 超出范围"),
    (["whatif", EXAMPLE, "--set", "needs.usage.mau"], "应写作 PATH=VALUE"),
    (["whatif", EXAMPLE, "--set", "offers[Nope].pricing_model=buyout"], "没有名为 'Nope' 的方案"),
    (["explain", EXAMPLE, "verdict.payy"], "没有编号为 'verdict.payy' 的结论；您是否想找 'verdict.pay'"),
    (["explain", EXAMPLE, "verdict.pay", "--subject", "Nope"], "资料中没有名为 'Nope' 的方案"),
    (["rules", "show", "no.such-rule"], "没有编号为 'no.such-rule' 的规则"),
])
def test_whatif_explain_and_rules_errors_read_in_chinese(runner, args, words):
    stderr = _run(runner, [*args, "--lang", "zh"])
    assert stderr.startswith("错误：") and words in stderr, stderr
    _chinese(stderr, "needs.usage.mau", "offers[Nope].pricing_model", "verdict.payy", "verdict.pay",
             "offers[Cloud IM].pricing_model=buyout", "needs.usage.mau=50000", "no.such-rule")


def test_a_whatif_that_leaves_the_profile_invalid_reads_in_chinese(runner):
    stderr = _run(runner, ["whatif", EXAMPLE, "--set", "offers[Chat freemium].prices.per_mau_usd=-2", "--lang", "zh"])
    _chinese(stderr, "offers[Chat freemium].prices.per_mau_usd")


def test_consult_from_a_bad_profile_reads_in_chinese(runner, tmp_path):
    profile = _profile(tmp_path, "company: {size: huge}\n")
    stderr = _run(runner, ["consult", "--from", profile, "--lang", "zh"])
    assert stderr.startswith(f"错误：{profile}：资料无效：") and "company.size：应为以下之一" in stderr
    _chinese(stderr, profile, "company.size")


def test_a_batch_reports_each_bad_file_in_chinese(runner, tmp_path):
    profile = _profile(tmp_path, "needs: {usage: {mau: -5}}\n")
    missing = str(tmp_path / "missing.yaml")
    result = runner.invoke(main, ["advise", profile, missing, EXAMPLE, "--lang", "zh", "--brief"])
    assert result.exit_code == 2 and "结论：" in result.stdout
    assert f"错误：{profile}：资料无效：\n  needs.usage.mau：应大于或等于 0" in result.stderr
    assert f"错误：{missing}：没有这个文件" in result.stderr
    _chinese(result.stderr, profile, missing, "needs.usage.mau")


def test_init_errors_read_in_chinese(runner, tmp_path):
    taken = tmp_path / "taken.yaml"
    taken.write_text("mine\n")
    stderr = _run(runner, ["init", str(taken), "--lang", "zh"])
    assert "文件已存在" in stderr
    _chinese(stderr, str(taken), "--force")
