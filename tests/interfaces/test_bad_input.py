"""Bad profiles: every one gets a clear message (naming the field where there is one) and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from expert.facts.profile_io import MAX_PROFILE_BYTES, ProfileInputError, parse_profile_bytes, read_profile
from expert.interfaces.cli import main

EXPERT = Path(sys.executable).parent / "expert"


def advise_file(runner, tmp_path: Path, content: bytes | str, name: str = "profile.yaml"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return advise_args(runner, [str(path)]), path


def advise_args(runner, args, **kwargs):
    result = runner.invoke(main, ["advise", *args], **kwargs)
    assert isinstance(result.exception, SystemExit), f"crashed: {result.exception!r}"
    assert "Traceback" not in result.output
    return result


def assert_bad(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # nothing but the error, on stderr
    assert result.stderr.startswith("error: ")
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize("content, needles", [
    ("company: {name: x\nneeds: [", ("not valid YAML or JSON", "line")),
    ("company:\n  name: x\n   size: small\n", ("not valid YAML or JSON", "line 3")),
    ('{"company": {"name": "x"', ("not valid YAML or JSON",)),
    ('{"company": {"name": "x"}}}', ("not valid YAML or JSON",)),
    ("company: {name: a, name: b}\n", ("not valid YAML or JSON", "duplicate key")),
    ("company: !!python/object:os.system {}\n", ("not valid YAML or JSON",)),
])
def test_malformed_yaml_and_json(runner, tmp_path, content, needles):
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result, *needles)


@pytest.mark.parametrize("content, needles", [
    ("company: {nme: Acme}\n", ("company.nme", "unknown field")),
    ("colour: red\n", ("colour", "unknown field")),
    ("offers: [{name: A, vendor: {rich: true}}]\n", ("offers.0.vendor.rich", "unknown field")),
])
def test_unknown_key(runner, tmp_path, content, needles):
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result, "invalid profile", *needles)


@pytest.mark.parametrize("content, needles", [
    ("needs: {contract_months: twelve}\n", ("needs.contract_months", "integer", "'twelve'")),
    ("company: {size: gigantic}\n", ("company.size", "'gigantic'")),
    ("needs: {capabilities: hd_video}\n", ("needs.capabilities",)),
    ("needs: {capabilities: [telepathy]}\n", ("needs.capabilities.0",)),
    ("offers: {name: A}\n", ("offers",)),
    ('{"company": {"can_forecast_usage_costs": "perhaps"}}', ("company.can_forecast_usage_costs",)),
])
def test_wrong_type(runner, tmp_path, content, needles):
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result, "invalid profile", *needles)


@pytest.mark.parametrize("content, needles", [
    ("needs: {contract_months: 500}\n", ("needs.contract_months", "120", "500")),
    ("needs: {usage: {peak_to_average_ratio: 0.2}}\n", ("needs.usage.peak_to_average_ratio", "0.2")),
    ("company: {monthly_budget_usd: -5}\n", ("company.monthly_budget_usd",)),
    ("offers: [{name: A, prices: {per_mau_usd: 1e12}}]\n", ("offers.0.prices.per_mau_usd",)),
])
def test_out_of_range_number(runner, tmp_path, content, needles):
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result, "invalid profile", *needles)


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", ".Inf"])
def test_nan_and_inf(runner, tmp_path, value):
    result, _ = advise_file(runner, tmp_path, f"company:\n  monthly_budget_usd: {value}\n")
    assert_bad(result, "invalid profile", "company.monthly_budget_usd")


def test_nan_in_json(runner, tmp_path):
    result, _ = advise_file(runner, tmp_path, '{"needs": {"usage": {"monthly_minutes": NaN}}}', "p.json")
    assert result.exit_code == 2  # YAML reads NaN as a string; either way it is refused
    assert "needs.usage.monthly_minutes" in result.stderr


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"# only a comment\n", b"---\n"])
def test_empty_file(runner, tmp_path, content):
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result)
    assert "empty" in result.stderr or "expected a mapping" in result.stderr


def test_multi_megabyte_file(runner, tmp_path):
    content = b"company: {name: big}\n# " + b"x" * (3 * 1024 * 1024) + b"\n"
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result, "bytes", f"{MAX_PROFILE_BYTES:,}")


def test_multi_megabyte_stdin(runner):
    result = advise_args(runner, ["-"], input=b"a: " + b"1" * (3 * 1024 * 1024))
    assert_bad(result, "<stdin>", "bytes")


def test_missing_path(runner, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert_bad(advise_args(runner, [str(missing)]), str(missing), "no such file")


def test_directory_path(runner, tmp_path):
    assert_bad(advise_args(runner, [str(tmp_path)]), str(tmp_path), "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo") or os.geteuid() == 0, reason="needs an unreadable file (not as root)")
def test_unreadable_file(runner, tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("company: {}\n", encoding="utf-8")
    path.chmod(0)
    assert_bad(advise_args(runner, [str(path)]), "cannot read")


@pytest.mark.parametrize("content", [b"company: {name: \xff\xfe}\n", b"\xc3\x28", "company: {name: Café}\n".encode("latin-1")])
def test_non_utf8_bytes(runner, tmp_path, content):
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result, "not UTF-8")


def test_non_utf8_stdin(runner):
    assert_bad(advise_args(runner, ["-"], input=b"\xff\xfe\x00"), "<stdin>", "not UTF-8")


@pytest.mark.parametrize("content, kind", [
    ("- company: {name: x}\n", "list"),
    ("[1, 2, 3]", "list"),
    ("just a sentence\n", "str"),
    ("42\n", "int"),
])
def test_top_level_not_a_mapping(runner, tmp_path, content, kind):
    result, _ = advise_file(runner, tmp_path, content)
    assert_bad(result, "expected a mapping", kind)


def test_bad_input_from_stdin(runner):
    assert_bad(advise_args(runner, ["-"], input="company: {nme: x}\n"), "company.nme")
    assert_bad(advise_args(runner, ["-"], input="[1]\n"), "<stdin>", "expected a mapping")


def test_several_problems_are_all_listed(runner, tmp_path):
    result, _ = advise_file(runner, tmp_path, "company: {size: huge, nme: x}\nneeds: {contract_months: 0}\n")
    assert_bad(result, "company.size", "company.nme", "needs.contract_months")


def test_upgrade_naming_no_offer(runner, tmp_path):
    result, _ = advise_file(runner, tmp_path, "offers: [{name: A}]\nupgrade: {offer: B}\n")
    assert_bad(result, "upgrade.offer", "'B'")


def test_unpaired_surrogate_escape(runner, tmp_path):
    result, _ = advise_file(runner, tmp_path, 'company: {name: "\\ud800"}\n')
    assert_bad(result)
    assert "company.name" in result.stderr or "line 1" in result.stderr


@pytest.mark.parametrize("depth", [500, 3000])
def test_deeply_nested_input(runner, tmp_path, depth):
    # a small file of nested brackets must be refused like any other bad input
    result, _ = advise_file(runner, tmp_path, "company: " + "[" * depth + "]" * depth + "\n")
    assert_bad(result)


@pytest.mark.skipif(not EXPERT.exists(), reason="no installed executable")
def test_alias_bomb_is_refused_quickly(tmp_path):
    # 600 bytes of YAML aliases that expand to 10^9 items must be refused, not expanded
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines + ["company: *a8"]) + "\n", encoding="utf-8")

    def limit_memory():  # pragma: no cover - runs in the child
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    try:
        done = subprocess.run([str(EXPERT), "advise", str(path)], capture_output=True, timeout=6,
                              preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail("`expert advise` on a 600-byte alias bomb ran for more than 6 s")
    assert done.returncode == 2, done.stderr.decode()
    assert b"Traceback" not in done.stderr


# --- the reading functions themselves ------------------------------------------------

def test_read_profile_returns_plain_dicts(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("company: {name: X}\nneeds: {capabilities: [hd_video]}\n", encoding="utf-8")
    data = read_profile(str(path))
    assert data == {"company": {"name": "X"}, "needs": {"capabilities": ["hd_video"]}}
    assert type(data) is dict and type(data["company"]) is dict


def test_parse_profile_bytes_accepts_json_and_bom_free_utf8():
    assert parse_profile_bytes(b'{"company": {"name": "\xe5\x85\xac\xe5\x8f\xb8"}}', "x") == {"company": {"name": "公司"}}


def test_profile_input_error_names_the_source():
    with pytest.raises(ProfileInputError, match="^src: "):
        parse_profile_bytes(b"[]", "src")
