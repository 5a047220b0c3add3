"""`expert schema NAME`: every document's JSON Schema, the profile's fields described in both
languages from the consultation's questions, and real outputs valid against their schemas."""

from __future__ import annotations

import json

import jsonschema
import pytest
import support
from click.testing import CliRunner

from expert.consult.question_catalogue import load_questions
from expert.facts.descriptions import WRITTEN, ZH_KEY
from expert.interfaces.cli import main
from expert.interfaces.schemas import SCHEMAS, json_schema


def _properties(schema: dict):
    """(model name, field name, property) for every field of every object in the schema."""
    for model, definition in [("Profile", schema), *schema.get("$defs", {}).items()]:
        for name, prop in definition.get("properties", {}).items():
            yield model, name, prop


def test_every_profile_field_is_described_in_english_and_chinese():
    fields = list(_properties(json_schema("profile")))
    assert len(fields) > 60
    undescribed = [f"{model}.{name}" for model, name, prop in fields
                   if not prop.get("description") or not support.CJK.search(prop.get(ZH_KEY, ""))]
    assert undescribed == []


def test_asked_fields_are_described_by_their_question(advisor):
    questions = load_questions(advisor.knowledge).questions
    schema = json_schema("profile")
    company = schema["$defs"]["Company"]["properties"]
    assert company["stage"]["description"] == questions["company.stage"].text.en
    assert company["size"][ZH_KEY] == questions["company.size"].text.zh + questions["company.size"].hint.zh
    vendor = schema["$defs"]["Vendor"]["properties"]["sunset_announced"]
    assert vendor["description"] == questions["offer.vendor.sunset_announced"].text.en.replace("{offer}", "this offer")
    texts = [prop[key] for _, _, prop in _properties(schema) for key in ("description", ZH_KEY)]
    assert not [t for t in texts if "{offer}" in t or "{capability}" in t]
    assert not set(WRITTEN) & set(questions), "a field with a question is described by it"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_schema_is_valid_json_schema(name):
    result = CliRunner().invoke(main, ["schema", name])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object" and schema["properties"]


def test_default_schema_is_the_profile():
    assert json.loads(CliRunner().invoke(main, ["schema"]).stdout) == json_schema("profile")


def test_unknown_schema_is_a_usage_error():
    result = CliRunner().invoke(main, ["schema", "nope"])
    assert result.exit_code == 2 and "profile" in result.output


def _valid(name: str, document) -> None:
    jsonschema.validate(json.loads(document.model_dump_json()) if hasattr(document, "model_dump_json") else document,
                        json_schema(name))


def test_real_documents_match_their_schemas(advisor):
    from expert import InputError

    profile = support.full_profile()
    _valid("profile", profile)
    _valid("advice", advisor.advise(profile))
    _valid("explanation", advisor.explain(profile, "verdict.dont_pay", search=False))
    _valid("whatif", advisor.what_if(profile, {"needs.usage.mau": 50000}))
    step = advisor.next_step({})
    _valid("step", step)
    _valid("answer", advisor.apply_answer({}, step.question.id, "1"))
    with pytest.raises(InputError) as caught:
        advisor.advise({"company": {"size": "huge"}})
    _valid("error", caught.value.detail())
    with pytest.raises(jsonschema.ValidationError):
        _valid("profile", {"company": {"size": "huge"}})
