"""The library API for chat bots and agents: advise, Advisor, Profile, Advice."""

from __future__ import annotations

import pydantic
import pytest
import support


def test_public_names():
    import expert
    from expert import Advice, Advisor, Profile, advise

    assert set(expert.__all__) >= {"advise", "Advisor", "Profile", "Advice"}
    assert callable(advise) and isinstance(Advisor, type)
    assert issubclass(Profile, pydantic.BaseModel) and issubclass(Advice, pydantic.BaseModel)


def test_every_public_model_is_exported_from_the_root():
    import expert
    from expert import AnswerResult, ConsultStep, Explanation, Question, WhatIf, default_advisor, render
    from expert.advice.model import Question as QuestionModel
    from expert.advice.render import render as render_function
    from expert.consult.model import AnswerResult as AnswerModel
    from expert.consult.model import ConsultStep as StepModel
    from expert.consult.model import WhatIf as WhatIfModel
    from expert.explain.model import Explanation as ExplanationModel
    from expert.interfaces.advisor import default_advisor as default_function

    assert (AnswerResult, ConsultStep, Explanation, Question, WhatIf) == \
        (AnswerModel, StepModel, ExplanationModel, QuestionModel, WhatIfModel)
    assert render is render_function and default_advisor is default_function
    from expert import InputError, InputProblem, Text
    from expert.advice.input_errors import InputError as ErrorClass
    assert InputError is ErrorClass and issubclass(InputError, pydantic.ValidationError)
    assert {"Conclusion", "Verdict", "Figure", "ConclusionRef", "AnswerSpec", "Choice", "FigureChange", "FactChange",
            "SmallestChange", "ProofNode", "WhyNotNode"} <= set(expert.__all__)
    assert all(issubclass(getattr(expert, name), pydantic.BaseModel) for name in expert.__all__
               if name[0].isupper() and name not in ("Advisor", "InputError")) and InputProblem and Text
    assert all(getattr(expert, name) is not None for name in expert.__all__)
    assert set(expert.__all__) <= set(dir(expert))
    with pytest.raises(AttributeError):
        expert.no_such_name  # noqa: B018


def test_importing_the_root_leaves_explain_and_consult_unloaded():
    """``expert advise`` starts quickly because the root imports neither explanations nor questions."""
    import subprocess
    import sys

    code = ("import sys, expert; print(sorted(m for m in sys.modules "
            "if m.startswith(('expert.explain', 'expert.consult'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_advise_accepts_a_dict_or_a_profile():
    from expert import Advice, Profile, advise

    data = support.full_profile()
    from_dict = advise(data)
    from_model = advise(Profile.model_validate(data))
    assert isinstance(from_dict, Advice)
    assert from_dict == from_model
    assert from_dict.verdict.id == "verdict.pay"


def test_advise_in_chinese():
    from expert import advise

    advice = advise({"needs": {"capabilities": ["text_messaging"]}}, lang="zh")
    assert advice.lang == "zh"
    assert support.CJK.search(advice.verdict.text.get("zh"))


def test_advise_does_not_modify_its_input():
    from expert import advise

    data = support.full_profile()
    advise(data)
    assert data == support.FULL_PROFILE


def test_bad_dict_raises_validation_error_with_field_paths():
    from expert import advise

    bad = {"company": {"size": "huge", "nme": "x"}, "needs": {"usage": {"monthly_minutes": float("nan")}},
           "offers": [{"name": "A", "capabilities": [{"capability": "hd_video", "availability": "maybe"}]}]}
    with pytest.raises(pydantic.ValidationError) as info:
        advise(bad)
    paths = {tuple(e["loc"]) for e in info.value.errors()}
    assert ("company", "size") in paths
    assert ("company", "nme") in paths
    assert ("needs", "usage", "monthly_minutes") in paths
    assert ("offers", 0, "capabilities", 0, "availability") in paths


def test_bad_lang_raises():
    from expert import advise

    with pytest.raises(ValueError):
        advise({}, lang="de")


def test_advisor_on_another_knowledge_base(kb_copy):
    from expert import Advisor, advise

    path = kb_copy / "conclusions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Worth paying for"', '"PAY (copied base)"', 1),
                    encoding="utf-8")
    other = Advisor(knowledge_dir=kb_copy)
    assert other.knowledge.directory == str(kb_copy)
    advice = other.advise(support.full_profile())
    assert advice.verdict.id == "verdict.pay"
    assert advice.verdict.text.en == "PAY (copied base)"
    assert advice.knowledge != advise(support.full_profile()).knowledge  # another fingerprint
    assert advise(support.full_profile()).verdict.text.en != "PAY (copied base)"


def test_two_advisors_side_by_side(kb_copy, mini_kb):
    from expert import Advisor

    bundled, mini = Advisor(knowledge_dir=kb_copy), Advisor(knowledge_dir=str(mini_kb))
    profile = {"needs": {"usage": {"peak_to_average_ratio": 5}, "capabilities": ["hd_video"]}}
    assert mini.advise(profile).verdict.rules[0].rule == "base.pay"
    assert bundled.advise(profile).verdict.id == "verdict.pay"
    assert {r.rule for r in bundled.advise(profile).verdict.rules}.isdisjoint({"base.pay"})


def test_advisor_rejects_a_bad_knowledge_dir(tmp_path):
    from expert import Advisor
    from expert.rulebase.loader import KnowledgeError

    with pytest.raises(KnowledgeError):
        Advisor(knowledge_dir=tmp_path / "missing")


def test_validate_returns_a_profile(advisor):
    from expert import Profile

    profile = advisor.validate({"company": {"name": "X"}})
    assert isinstance(profile, Profile) and profile.company.name == "X"
    assert advisor.validate(profile) is profile


def test_advice_helpers():
    from expert import advise

    advice = advise(support.full_profile())
    assert "verdict.pay" in advice.conclusion_ids()
    assert advice.find("warning.free_trap", "Chat freemium")
    assert advice.find("warning.free_trap", "nobody") == []
    (item,) = advice.find("warning.free_trap", "Chat freemium")
    assert item.claims and item.paragraphs
