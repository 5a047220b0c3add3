"""expert: should a company pay for a feature upgrade of its IM / RTC / AI service?

Library entry points for chat bots and agents::

    from expert import advise, Advisor, Profile, Advice, default_advisor
    advice = advise({"needs": {"capabilities": ["text_messaging"]}}, lang="zh")

    advisor = default_advisor()
    advisor.explain(profile, "verdict.pay")          # how, or why not (+ smallest change)
    advisor.what_if(profile, ["needs.usage.mau=50000"])
    step = advisor.next_step({})                     # a stateless consultation turn
    advisor.apply_answer(step.profile, step.question.id, "yes")

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
    "Advice": "expert.advice.model",
    "Question": "expert.advice.model",
    "Profile": "expert.facts.vocabulary",
    "Advisor": "expert.interfaces.advisor",
    "advise": "expert.interfaces.advisor",
    "default_advisor": "expert.interfaces.advisor",
    "Explanation": "expert.explain.model",
    "WhatIf": "expert.consult.model",
    "ConsultStep": "expert.consult.model",
    "AnswerResult": "expert.consult.model",
    "render": "expert.advice.render",
}

__all__ = ["Advice", "Advisor", "AnswerResult", "ConsultStep", "Explanation", "Profile", "Question", "WhatIf",
           "advise", "default_advisor", "render"]
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
