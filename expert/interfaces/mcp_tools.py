"""The tools `expert mcp` offers LLM agents, independent of the protocol.

Each tool is a library verb (``Advisor`` and the rule catalogue) with: a pydantic model
of its arguments (the input schema is generated from it, the profile's from ``Profile``),
the pydantic model of its result (the output schema, and the structured content the
agent gets), a short text rendering by the library's own renderers, and a description
that tells an LLM what the tool is for and when to call it.

Nothing here imports the MCP SDK: ``mcp_server.py`` puts these tools on the wire.
Every failure a caller can cause (a bad profile, an unknown conclusion or rule id, a
change that does not apply) comes back as an error outcome whose text names the field
and what was expected, in English and Chinese; nothing a caller sends stops the server.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from expert.advice.input_errors import InputError
from expert.advice.model import Advice, OutputModel
from expert.advice.render import in_lang, render_text
from expert.audit import rule_info
from expert.audit.rule_info import RuleDetail, RuleList, UnknownRuleError
from expert.consult.model import AnswerResult, ConsultStep, WhatIf
from expert.consult.render import render_question, render_what_if
from expert.consult.whatif import ChangeError
from expert.explain.explainer import UnknownConclusionError
from expert.explain.model import Explanation
from expert.explain.render import render_explanation
from expert.facts.profile_io import validation_problems
from expert.facts.vocabulary import Profile
from expert.interfaces.advisor import Advisor

log = logging.getLogger("expert.mcp")

# --- arguments --------------------------------------------------------------------------

PROFILE_DOC = (
    "The company's situation as JSON: company (size, stage, industry, budget, ...), needs "
    "(capabilities, pain_points, usage), offers (each offer weighed: name, pricing_model, "
    "capabilities with availability included|paid|unavailable, prices, vendor facts) and "
    "upgrade (the paid upgrade on the table: offer, kind, adds_capabilities, prices). Every "
    "field is optional: leave out what is not known (unknown is not false; the verdict then "
    "says which facts are missing). The server keeps no state: send the whole profile in "
    "every call, {} to start from nothing."
)
LANG_DOC = "Language of the text rendering: en (English) or zh (Chinese). The structured result carries " \
           "every text in both (fields en and zh)."
Lang = Literal["en", "zh"]


class ToolArguments(BaseModel):
    """Arguments of a tool; an unknown argument is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class ProfileArguments(ToolArguments):
    profile: Profile = Field(description=PROFILE_DOC)
    lang: Lang = Field("en", description=LANG_DOC)


class AdviseArguments(ProfileArguments):
    pass


class ExplainArguments(ProfileArguments):
    conclusion_id: str = Field(
        description="The conclusion to explain, e.g. verdict.pay, verdict.dont_pay, warning.free_trap, fit.usage_based "
                    "(ids as in advise results, or list_rules' `concludes`).")
    subject: Optional[str] = Field(
        None, description="For a conclusion about an offer: the offer's name as in the profile. Omit for every "
                          "subject, or for a company-level conclusion.")
    search: bool = Field(True, description="For a conclusion not reached: also search the smallest change of facts "
                                           "that would reach it (slower; false skips it).")


class WhatIfArguments(ProfileArguments):
    changes: Union[dict[str, Any], list[str]] = Field(
        description="The facts to change: {fact path: value}, e.g. {\"needs.usage.mau\": 50000, "
                    "\"offers[Cloud IM].pricing_model\": \"buyout\", \"upgrade\": \"no\"}, or a list of "
                    "\"PATH=VALUE\" strings. A value is written as one would answer the question for that fact; "
                    "null, \"\" or \"unknown\" removes the fact.")


class NextQuestionArguments(ProfileArguments):
    pass


class AnswerQuestionArguments(ProfileArguments):
    question_id: str = Field(description="The `id` of the question next_question returned, unchanged "
                                         "(e.g. needs.capabilities, offers[Chat freemium].vendor.sunset_announced).")
    answer: Any = Field(
        description="The user's answer: a choice's value (or its number in the list of choices), a list of values "
                    "for a several-choices question, yes/no (or true/false), a number, or \"unknown\" when the user "
                    "does not know (the question is then not asked again).")


class ListRulesArguments(ToolArguments):
    concludes: Optional[str] = Field(
        None, description="Only the rules reaching this conclusion id (e.g. verdict.pay), or, ending with a dot, "
                          "any conclusion id starting with it (e.g. \"warning.\"). Omit for every rule.")


class ShowRuleArguments(ToolArguments):
    rule_id: str = Field(description="The rule's id as list_rules, advise (rules[].rule) or explain give it, "
                                     "e.g. traffic.spiky.")
    lang: Lang = Field("en", description=LANG_DOC)


# --- outcomes and tools -----------------------------------------------------------------

@dataclass(frozen=True)
class ToolOutcome:
    """What a call gives back: the structured result (None for a failure), a short text, and
    whether the call failed (the text then says why)."""

    text: str
    result: Optional[BaseModel] = None
    is_error: bool = False

    @property
    def structured(self) -> Optional[dict]:
        return None if self.result is None else self.result.model_dump(mode="json")


@dataclass(frozen=True)
class ExpertTool:
    name: str
    title: str
    description: str
    arguments: type[ToolArguments]
    result: type[OutputModel]
    run: Callable[[Any], ToolOutcome]

    @property
    def input_schema(self) -> dict:
        return self.arguments.model_json_schema()

    @property
    def output_schema(self) -> dict:
        return self.result.model_json_schema(mode="serialization")


class CallerError(Exception):
    """A failure the caller can fix: what is wrong in English and Chinese, and the details
    (field paths and what each expected), which read the same in both."""

    def __init__(self, en: str, zh: str, details: tuple[str, ...] = ()) -> None:
        super().__init__(en)
        self.en, self.zh, self.details = en, zh, details

    @property
    def text(self) -> str:
        head = f"{self.en} / {self.zh}:" if self.details else f"{self.en}\n{self.zh}"
        return head + "".join(f"\n  {line}" for line in self.details)


def invalid(what_en: str, what_zh: str, error: ValidationError) -> CallerError:
    """A validation error as field paths and what each expected."""
    return CallerError(what_en, what_zh, tuple(validation_problems(error)))


_WORDS = {
    "done": ("No open question can change the verdict any more; this is the final advice.",
             "剩下的问题都不会再改变结论；以下是最终建议。"),
    "ask": ("Ask the user this, then call answer_question with question_id {id}.",
            "请向用户提出此问题，然后调用 answer_question，question_id 为 {id}。"),
    "verdict_so_far": ("Verdict so far: ", "目前的结论："),
    "recorded": ("Answer recorded. Call next_question with the profile returned.",
                 "答案已记录。请用返回的 profile 调用 next_question。"),
    "not_accepted": ("Answer not accepted (profile unchanged): ", "答案未被接受（资料未改变）："),
}


def _w(key: str, lang: str) -> str:
    return in_lang(_WORDS[key], lang)


class ExpertTools:
    """The tools on one advisor.  Thread-safe: calls may run in worker threads at once."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        self._report = None
        self._report_lock = threading.Lock()
        self.tools = {tool.name: tool for tool in self._define()}

    # --- dispatch --------------------------------------------------------------------------

    def call(self, name: str, arguments: Optional[dict]) -> ToolOutcome:
        """Run a tool; every failure becomes an error outcome, never an exception."""
        tool = self.tools.get(name)
        if tool is None:
            return _error(CallerError(f"no tool {name!r}; the tools are {', '.join(self.tools)}",
                                      f"没有名为 {name!r} 的工具；可用的工具：{'、'.join(self.tools)}"))
        try:
            try:
                args = tool.arguments.model_validate(arguments or {})
            except ValidationError as error:
                raise invalid("invalid arguments", "参数无效", error) from None
            return tool.run(args)
        except CallerError as error:
            return _error(error)
        except Exception:  # a bug or an engine failure: reported, logged, and the server goes on
            log.exception("tool %s failed", name)
            return _error(CallerError(f"internal error in {name}; the server logged the details and goes on",
                                      f"{name} 内部出错；服务器已记录详情并继续运行"))

    # --- the tools --------------------------------------------------------------------------

    def advise(self, args: AdviseArguments) -> ToolOutcome:
        advice = self.advisor.advise(args.profile, lang=args.lang)
        return ToolOutcome(render_text(advice, args.lang, findings=False), advice)

    def explain(self, args: ExplainArguments) -> ToolOutcome:
        try:
            result = self.advisor.explain(args.profile, args.conclusion_id, args.subject, lang=args.lang,
                                          search=args.search)
        except UnknownConclusionError as error:
            raise CallerError(str(error), f"无法解释：{error}") from None
        return ToolOutcome(render_explanation(result, args.lang, glossary=self.advisor.glossary), result)

    def what_if(self, args: WhatIfArguments) -> ToolOutcome:
        try:
            result = self.advisor.what_if(args.profile, args.changes, lang=args.lang)
        except ChangeError as error:
            raise CallerError(f"changes: {error}", f"changes 中的改变无法应用：{error}") from None
        except ValidationError as error:
            raise invalid("after the changes, the profile is invalid", "改变之后资料无效", error) from None
        return ToolOutcome(render_what_if(result, args.lang, glossary=self.advisor.glossary), result)

    def next_question(self, args: NextQuestionArguments) -> ToolOutcome:
        step = self.advisor.next_step(args.profile, lang=args.lang)
        if step.done:
            text = f"{_w('done', args.lang)}\n\n{render_text(step.advice, args.lang, findings=False)}"
        else:
            verdict = f"{_w('verdict_so_far', args.lang)}{step.advice.verdict.id}"
            ask = _w("ask", args.lang).format(id=repr(step.question.id))
            text = f"{render_question(step.question, args.lang)}\n{ask}\n{verdict}\n"
        return ToolOutcome(text, step)

    def answer_question(self, args: AnswerQuestionArguments) -> ToolOutcome:
        try:
            result = self.advisor.apply_answer(args.profile, args.question_id, args.answer)
        except InputError as error:  # the answer does not fit: why, with the question id as its path
            en, zh = (in_lang(_WORDS["not_accepted"], lang).rstrip(": ：") for lang in ("en", "zh"))
            raise CallerError(en, zh, tuple(f"{p.path}: {p.message.en} / {p.message.zh}" for p in error.problems)) \
                from None
        return ToolOutcome(_w("recorded", args.lang), result)

    def list_rules(self, args: ListRulesArguments) -> ToolOutcome:
        rules = rule_info.rule_list(self.advisor.knowledge, args.concludes)
        return ToolOutcome(rule_info.render_rule_list(rules) or "(none)\n", rules)

    def show_rule(self, args: ShowRuleArguments) -> ToolOutcome:
        try:
            detail = rule_info.rule_detail(self.advisor.knowledge, args.rule_id, self._cases_report())
        except UnknownRuleError as error:
            raise CallerError(str(error), f"没有编号为 {args.rule_id!r} 的规则；请用 list_rules 查看") from None
        return ToolOutcome(rule_info.render_rule_detail(detail, args.lang), detail)

    def _cases_report(self):
        """The worked cases run once (which rules each fires), on first need."""
        from expert.audit.cases import check

        with self._report_lock:
            if self._report is None:
                self._report = check(self.advisor)
            return self._report

    def _define(self) -> list[ExpertTool]:
        return [
            ExpertTool("advise", "Advise on a profile", DESCRIPTIONS["advise"], AdviseArguments, Advice, self.advise),
            ExpertTool("explain", "Explain a conclusion, or why it was not reached", DESCRIPTIONS["explain"],
                       ExplainArguments, Explanation, self.explain),
            ExpertTool("what_if", "What if some facts were different", DESCRIPTIONS["what_if"], WhatIfArguments,
                       WhatIf, self.what_if),
            ExpertTool("next_question", "The next question to ask the user", DESCRIPTIONS["next_question"],
                       NextQuestionArguments, ConsultStep, self.next_question),
            ExpertTool("answer_question", "Record the user's answer", DESCRIPTIONS["answer_question"],
                       AnswerQuestionArguments, AnswerResult, self.answer_question),
            ExpertTool("list_rules", "List the rules", DESCRIPTIONS["list_rules"], ListRulesArguments, RuleList,
                       self.list_rules),
            ExpertTool("show_rule", "Show one rule in full", DESCRIPTIONS["show_rule"], ShowRuleArguments, RuleDetail,
                       self.show_rule),
        ]


def _error(error: CallerError) -> ToolOutcome:
    return ToolOutcome(error.text, is_error=True)


INSTRUCTIONS = """\
expert decides whether a company should pay for a feature upgrade of its enterprise instant-messaging, \
real-time audio/video or conversational-AI service, which pricing model fits, which traps to avoid and what \
to do next. Every conclusion comes from written rules citing a source article (claims Cnn, paragraphs Pnn).
The server keeps no state: the profile (the company's facts as JSON) travels in every call.
- The user describes their situation: build a profile and call advise.
- The user wants to be guided: start with profile {} and loop next_question -> ask the user -> \
answer_question -> next_question with the profile returned, until next_question says done; its advice is \
the answer.
- The user asks why (or why not): explain with a conclusion id from the advice (or any other).
- The user asks "what if ...": what_if with the facts to change.
- The user asks where a rule comes from: show_rule (list_rules to find one).
Report the verdict id and its reason; never invent a conclusion the tools did not return."""

DESCRIPTIONS = {
    "advise": """\
Advise on a company's profile: should it pay for the upgrade (verdict), which pricing models fit or do not, \
warnings (per offer), next steps (actions) and cost figures, each with the rule that concluded it and the article's \
claims (Cnn) and paragraphs (Pnn) it rests on.
Call it when you know the user's facts (or some of them). The verdict is exactly one of verdict.pay, \
verdict.dont_pay, verdict.need_more_info; with need_more_info, verdict.missing lists the facts that would decide \
it and verdict.questions the questions to ask (or use next_question to ask them one at a time). Ids are stable: \
fit.*, unfit.*, warning.*, action.*, figure.*; `subject` is "company" or an offer's name.""",
    "explain": """\
Explain one conclusion for a profile. If the advice reached it: the proof (the rule, and every fact and earlier \
conclusion it matched, down to the user's inputs). If not: why not (each rule that could conclude it, condition by \
condition: held, failed or unknown, with the value given) and the smallest change of the user's facts that would \
reach it, checked by running the rules.
Call it when the user asks "why?" or "why not X?". Pass the same profile as to advise.""",
    "what_if": """\
Re-run a profile with some facts changed and report the difference: verdict before and after, conclusions gained \
(with the reason each now holds) and lost, figures changed, and the full advice on the changed profile.
Call it when the user asks "what if we had 50,000 users" or "what if the upgrade cost 200". The profile is the \
current one; the changes are applied on top of it and validated like any input.""",
    "next_question": """\
A guided consultation, one question at a time. Returns `done` and the advice when no unanswered question can \
change the verdict any more; otherwise `question` (the most valuable one to ask: its id, text in English and \
Chinese, the answers allowed) and the advice so far.
Loop: call next_question with the profile (start with {}), ask the user question.text in their language, call \
answer_question with the same profile, question.id and the user's reply, then call next_question with the \
profile answer_question returns. Stop when done is true and report advice.verdict.""",
    "answer_question": """\
Record the user's answer to a question from next_question. Returns ok and the updated profile (the fact set, \
and the question marked as asked so it is never asked again, even after "unknown"). A reply that does not fit \
(not one of the choices, out of range) is a tool error with the reason in English and Chinese and the profile \
unchanged: tell the user and ask again.
Always continue with next_question on the profile returned.""",
    "list_rules": """\
List the rules the advice is decided by: each rule's id, title, what it concludes, about (company or offer), \
the file and line it is written in, the claims and paragraphs it cites, and whether the article states it or it \
is inferred. Use it to find the rule behind a conclusion, then show_rule for its full text.""",
    "show_rule": """\
One rule in full, as an auditor reads it: the rule as written (YAML), its reason, the cited claims with their \
text, its basis (stated or the reasoning when inferred), where each threshold number comes from, and the worked \
cases that fire it. Call it when the user asks where a conclusion comes from or how trustworthy it is.""",
}
