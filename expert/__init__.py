"""expert: should a company pay for a feature upgrade of its IM / RTC / AI service?

Library entry points for chat bots and agents::

    from expert import advise, Advisor, Profile, Advice, default_advisor
    advice = advise({"needs": {"capabilities": ["text_messaging"]}}, lang="zh")

    advisor = default_advisor()
    advisor.explain(profile, "verdict.pay")          # how, or why not (+ smallest change)
    advisor.what_if(profile, ["needs.usage.mau=50000"])
    step = advisor.next_step({})                     # a stateless consultation turn
    advisor.apply_answer(step.profile, step.question.id, "yes")   # InputError if it does not fit
    advisor.take_back_answer(profile, "needs.usage.mau")          # "don't know" included

The parts, lowest first (each imports only those below it): ``facts``, ``rulebase``,
``inference``, ``advice``, ``explain``, ``consult``, ``audit``, ``interfaces``.  This
root only re-exports the public names; the explanation and consultation models are
imported when first asked for, so ``expert advise`` starts without them.
"""

from importlib import import_module
from typing import Any

from expert.advice.input_errors import InputError, InputErrorDetail, InputProblem
from expert.advice.model import Advice, AnswerSpec, Choice, Conclusion, ConclusionRef, Figure, Question, Text, Verdict
from expert.facts.vocabulary import Profile
from expert.interfaces.advisor import Advisor, advise, default_advisor

_LAZY = {
    "Explanation": "expert.explain.model",
    "ProofNode": "expert.explain.model",
    "WhyNotNode": "expert.explain.model",
    "SmallestChange": "expert.explain.model",
    "FactChange": "expert.explain.model",
    "WhatIf": "expert.consult.model",
    "FigureChange": "expert.consult.model",
    "ConsultStep": "expert.consult.model",
    "AnswerResult": "expert.consult.model",
    "render": "expert.advice.render",
    "json_schema": "expert.interfaces.schemas",
}

# Every model a verb takes or returns, and the parts a bot reads by name.
__all__ = ["Advice", "Advisor", "AnswerResult", "AnswerSpec", "Choice", "Conclusion", "ConclusionRef", "ConsultStep",
           "Explanation", "FactChange", "Figure", "FigureChange", "InputError", "InputErrorDetail", "InputProblem",
           "Profile", "ProofNode", "Question", "SmallestChange", "Text", "Verdict", "WhatIf", "WhyNotNode",
           "advise", "default_advisor", "json_schema", "render"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Public names whose modules are imported on first use (PEP 562)."""
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'expert' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
