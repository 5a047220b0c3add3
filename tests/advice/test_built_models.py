"""The Advice the assembler builds without validation equals the same Advice validated.

``model.built`` skips pydantic's validation of values the assembler made itself.  That is
only sound if every value already has its field's type and every model lists its fields in
declaration order (the order of its JSON): here each Advice is dumped, validated again by
pydantic, and compared with the original byte for byte, model class for model class, with
the same fields marked set, for every example and worked case (both languages) and for
generated profiles.
"""

from __future__ import annotations

import orjson
import pytest
import support
import yaml
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel, ValidationError
from strategies import profiles

from expert.advice.input_errors import InputError
from expert.advice.model import Advice, MatchedFact, Question, Text, built


def _profiles() -> dict[str, dict]:
    found = {f"examples/{p.name}": yaml.safe_load(p.read_text(encoding="utf-8"))
             for p in sorted(support.EXAMPLES.glob("*.yaml"))}
    for path in sorted((support.KNOWLEDGE / "cases").glob("*.yaml")):
        found[f"knowledge/cases/{path.name}"] = yaml.safe_load(path.read_text(encoding="utf-8"))["profile"]
    return found


PROFILES = _profiles()


def _check(advice: Advice) -> None:
    validated = Advice.model_validate(advice.model_dump())
    assert orjson.dumps(advice.model_dump()) == orjson.dumps(validated.model_dump())
    assert advice.model_dump_json() == validated.model_dump_json()
    assert advice == validated
    support.same_models(advice, validated, "advice", (Question,))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("label", sorted(PROFILES))
def test_built_advice_equals_the_validated_one(advisor, label, lang):
    _check(advisor.advise(PROFILES[label], lang=lang))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=profiles())
def test_built_advice_equals_the_validated_one_on_generated_profiles(advisor, data):
    try:
        advice = advisor.advise(data)
    except InputError:
        return
    _check(advice)


def test_built_model_behaves_as_a_validated_one():
    made = built(MatchedFact, {"kind": "profile", "ref": "profile", "values": {"x": 1}})
    same = MatchedFact(kind="profile", ref="profile", values={"x": 1})
    assert made == same and hash(built(Text, {"en": "a", "zh": "b"})) == hash(Text(en="a", zh="b"))
    assert repr(made) == repr(same) and made.model_copy(update={"ref": "r"}).ref == "r"
    with pytest.raises(Exception, match="frozen"):
        made.kind = "offer"


def test_a_built_model_copied_with_changes_leaves_the_shared_fields_set_alone():
    """Built models of a class share their fields set; pydantic's own changes go to a copy."""
    one, two = (built(Text, {"en": "a", "zh": "b"}) for _ in range(2))
    changed = one.model_copy(update={"en": "c"})
    assert changed.en == "c" and changed.model_fields_set == {"en", "zh"}
    assert one.model_fields_set is two.model_fields_set == {"en", "zh"}
    assert changed.model_fields_set is not one.model_fields_set
    with pytest.raises(ValidationError):
        one.en = "x"  # frozen: the set is never changed in place


def test_advices_share_no_container_a_caller_could_change():
    """Conclusions built once and reused (no parameters) still get their own params and rules:
    one caller's edit must never reach another caller's Advice."""
    import expert

    profile = yaml.safe_load((support.EXAMPLES / "small-team-chat.yaml").read_text(encoding="utf-8"))
    first, second = expert.advise(profile), expert.advise(profile)
    for a, b in zip(first.warnings + first.actions, second.warnings + second.actions, strict=True):
        assert a.params is not b.params and a.rules is not b.rules
    first.warnings[0].params["injected"] = "X"
    first.warnings[0].rules.append(first.warnings[0].rules[0])
    assert expert.advise(profile).model_dump_json() == second.model_dump_json()


def _containers(value, found: dict) -> dict:
    """Every list and dict reachable from ``value`` through models, by id."""
    if isinstance(value, BaseModel):
        for item in value.__dict__.values():
            _containers(item, found)
    elif isinstance(value, (list, dict)):
        found[id(value)] = value
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, found)
    return found


@pytest.mark.parametrize("name", ["examples/clinic-telehealth.yaml", "examples/small-team-chat.yaml",
                                  "knowledge/cases/36-youth-league-pain-unstated.yaml"])
def test_no_list_or_dict_is_shared_between_two_advices(name):
    """Reasons, citations and trace entries worked out once still come with lists and dicts
    of their own (claims, paragraphs, a named fact's values ...): no container of one Advice
    is reachable from another, so no edit of one can show in the other."""
    import expert

    profile = _profiles()[name]
    first, second = expert.advise(profile), expert.advise(profile, lang="zh")
    mine, theirs = _containers(first, {}), _containers(second, {})
    assert len(mine) > 50
    shared = [mine[i] for i in mine.keys() & theirs.keys()]
    assert not shared, f"{len(shared)} containers shared, e.g. {shared[:3]}"
