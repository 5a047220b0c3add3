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
root only re-exports the public names, each imported when first asked for: the
explanation and consultation models stay unloaded for ``expert advise``, and importing
the package costs nothing, so the command's entry point (``expert.interfaces.entry``) can
take charge of Ctrl-C before pydantic or durable_rules start loading.
"""

from importlib import import_module
from typing import Any

_LAZY = {
    **dict.fromkeys(("InputError", "InputErrorDetail", "InputProblem"), "expert.advice.input_errors"),
    **dict.fromkeys(("Advice", "AnswerSpec", "Choice", "Conclusion", "ConclusionRef", "Figure", "Question", "Text",
                     "Verdict"), "expert.advice.model"),
    "Profile": "expert.facts.vocabulary",
    **dict.fromkeys(("Advisor", "advise", "default_advisor"), "expert.interfaces.advisor"),
    **dict.fromkeys(("Explanation", "ProofNode", "WhyNotNode", "SmallestChange", "FactChange"), "expert.explain.model"),
    **dict.fromkeys(("WhatIf", "FigureChange", "ConsultStep", "AnswerResult"), "expert.consult.model"),
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
