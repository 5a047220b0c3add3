"""expert: should a company pay for a feature upgrade of its IM / RTC / AI service?

Library entry points for chat bots and agents::

    from expert import advise, Advisor, Profile, Advice
    advice = advise({"needs": {"capabilities": ["text_messaging"]}}, lang="zh")

    from expert.advisor import default_advisor
    advisor = default_advisor()
    advisor.explain(profile, "verdict.pay")          # how, or why not (+ smallest change)
    advisor.what_if(profile, ["needs.usage.mau=50000"])
    step = advisor.next_step({})                     # a stateless consultation turn
    advisor.apply_answer(step.profile, step.question.id, "yes")
"""

from expert.advice import Advice
from expert.advisor import Advisor, advise
from expert.vocabulary import Profile

__all__ = ["Advice", "Advisor", "Profile", "advise"]
__version__ = "0.1.0"
