"""`expert init`: a starter profile that validates and advises as it stands, every field of
the schema shown and explained, in English and in Chinese; a user's file is never replaced
without --force."""

from __future__ import annotations

import os
import re

import pytest
import yaml
from chinese import half_width_in_chinese

from expert.facts.descriptions import ZH_KEY
from expert.facts.vocabulary import Profile
from expert.interfaces.cli import main
from expert.interfaces.schemas import json_schema

LANGS = ["en", "zh"]
_FIELD_LEFT_OUT = re.compile(r"^(\s*)#(?=[a-z_-])", re.MULTILINE)  # "#field: value" / "#- name: ..."


def _init(runner, *args: str):
    result = runner.invoke(main, ["init", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def _schema_fields(schema: dict, node: dict, path: str):
    """(path, property) of every field in the profile's JSON Schema, "[]" marking a list's items."""
    node = _resolve(schema, node)
    for name, prop in node.get("properties", {}).items():
        field = f"{path}.{name}" if path else name
        yield field, prop
        for target, suffix in _inner(schema, prop):
            yield from _schema_fields(schema, target, field + suffix)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _inner(schema: dict, prop: dict):
    """The object schemas a property holds: itself, or its list's items ("[]")."""
    for option in prop.get("anyOf", [prop]):
        option = _resolve(schema, option)
        if option.get("type") == "array":
            item = _resolve(schema, option.get("items", {}))
            if "properties" in item:
                yield item, "[]"
        elif "properties" in option:
            yield option, ""


def _lookup(data: object, path: str) -> bool:
    """Whether ``path`` (a schema path, "[]" for a list's first item) is present in ``data``."""
    for key in path.split("."):
        listed = key.endswith("[]")
        key = key.removesuffix("[]")
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
        if listed:
            if not isinstance(data, list) or not data:
                return False
            data = data[0]
    return True


def _comments(text: str, lang: str) -> str:
    """The comment text, lines joined as they were wrapped (a space in English, nothing in Chinese)."""
    lines = [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("# ")]
    return (" " if lang == "en" else "").join(lines)


@pytest.mark.parametrize("lang", LANGS)
def test_the_starter_validates_and_advises_as_it_stands(runner, advisor, lang, tmp_path):
    result = _init(runner, "--lang", lang)
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    Profile.model_validate(data)
    advice = advisor.advise(data, lang=lang)
    assert advice.verdict.id.startswith("verdict.") and len(data["offers"]) >= 2 and data["upgrade"]
    written = tmp_path / "profile.yaml"
    assert _init(runner, str(written), "--lang", lang).exit_code == 0
    advised = runner.invoke(main, ["advise", str(written), "--lang", lang, "--brief"])
    assert advised.exit_code == 0 and advised.stdout.strip()


@pytest.mark.parametrize("lang", LANGS)
def test_every_field_of_the_schema_is_shown_and_explained(runner, lang):
    text = _init(runner, "--lang", lang).stdout
    every = yaml.safe_load(_FIELD_LEFT_OUT.sub(r"\1", text))  # each field left out, stated
    Profile.model_validate(every)  # the examples of the fields left out are valid too
    schema = json_schema("profile")
    comments = _comments(text, lang)
    fields = list(_schema_fields(schema, schema, ""))
    assert len(fields) > 60
    assert [path for path, _ in fields if not _lookup(every, path)] == []
    key = "description" if lang == "en" else ZH_KEY
    unexplained = [path for path, prop in fields
                   if not prop.get(key) or (prop[key] if lang == "zh" else " ".join(prop[key].split())) not in comments]
    assert unexplained == []


def test_choices_are_listed_with_their_chinese_labels(runner):
    text = _init(runner, "--lang", "zh").stdout
    assert "可选值：micro（微型，少于10人）" in text and "freemium" in text
    assert "buyout_subscription" in text  # every value of a choice, not only the one stated


def test_the_chinese_comments_read_as_chinese(runner):
    text = _init(runner, "--lang", "zh").stdout
    comments = [line for line in text.splitlines() if line.strip().startswith("# ")]
    assert all(re.search("[\u4e00-\u9fff]", line) for line in comments if "expert schema" not in line)
    assert [bit for line in comments for bit in half_width_in_chinese(line)] == []
    assert "你" not in text and "您" in text


def test_an_existing_file_is_never_replaced_without_force(runner, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("company: {name: My real data}\n")
    for lang, words in (("en", "already exists"), ("zh", "文件已存在")):
        result = _init(runner, str(mine), "--lang", lang)
        assert result.exit_code == 2 and words in result.stderr and "--force" in result.stderr
        assert str(mine) in result.stderr
    assert mine.read_text() == "company: {name: My real data}\n"
    dangling = tmp_path / "link.yaml"
    dangling.symlink_to(tmp_path / "nowhere.yaml")
    assert _init(runner, str(dangling)).exit_code == 2 and os.path.islink(dangling)
    assert not (tmp_path / "nowhere.yaml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "mine.yaml"]  # no temporary file left


def test_force_replaces_the_file_whole(runner, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("old\n")
    mine.chmod(0o640)
    result = _init(runner, str(mine), "--force")
    assert result.exit_code == 0 and "expert advise" in result.stderr
    assert mine.read_text() == _init(runner).stdout
    assert mine.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]


@pytest.mark.parametrize("lang, words", [("en", "cannot write"), ("zh", "无法写入：目录或文件不存在")])
def test_a_file_that_cannot_be_written_is_reported(runner, tmp_path, lang, words):
    result = _init(runner, str(tmp_path / "missing" / "p.yaml"), "--lang", lang)
    assert result.exit_code == 2 and words in result.stderr
