"""`expert mcp` end to end: the MCP SDK's own client starts the real command over stdio.

One server process for the module: every call is made in one session (the fixture), and
each test checks what came back against the library called directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
import support

from expert.advice.input_errors import InputError
from expert.advice.render import render_text
from expert.audit.cases import check
from expert.audit.rule_info import rule_detail, rule_list
from expert.consult.turns import answer_from, volunteered_facts
from expert.facts.profile_io import read_profile
from expert.facts.vocabulary import Profile

mcp = pytest.importorskip("mcp")

EXPERT = Path(sys.executable).parent / "expert"
EXAMPLES = sorted(support.EXAMPLES.glob("*.yaml"))
TOOLS = {"advise", "explain", "what_if", "next_question", "answer_question", "list_rules", "show_rule"}

pytestmark = pytest.mark.skipif(not EXPERT.exists(), reason=f"no installed executable at {EXPERT}")


def example(name: str) -> dict:
    return read_profile(str(support.EXAMPLES / f"{name}.yaml"))


def calls(advisor) -> dict[str, tuple[str, dict]]:
    """Every call the session makes, by key, in order (the bad ones among the good)."""
    live = example("live-commerce")
    made = {f"advise {path.stem}": ("advise", {"profile": read_profile(str(path))}) for path in EXAMPLES}
    made |= {
        "advise zh": ("advise", {"profile": live, "lang": "zh"}),
        "bad profile": ("advise", {"profile": {"company": {"size": "huge", "nme": "x"}, "needs": {"usage": {"mau": -5}}}}),
        "after the bad profile": ("advise", {"profile": example("small-team-chat")}),
        "extra argument": ("advise", {"profile": {}, "format": "json"}),
        "explain reached": ("explain", {"profile": live, "conclusion_id": advisor.advise(live).verdict.id}),
        "explain not reached": ("explain", {"profile": live, "conclusion_id": "verdict.dont_pay", "search": False}),
        "unknown conclusion": ("explain", {"profile": live, "conclusion_id": "verdict.payy"}),
        "what_if": ("what_if", {"profile": live, "changes": {"needs.usage.peak_to_average_ratio": 1.2}}),
        "what_if list": ("what_if", {"profile": live, "changes": ["needs.usage.mau=50000"], "lang": "zh"}),
        "bad change": ("what_if", {"profile": live, "changes": {"needs.usage.mau": "lots"}}),
        "next_question": ("next_question", {"profile": {}}),
        "bad answer": ("answer_question", {"profile": {}, "question_id": "needs.capabilities", "answer": "teleportation"}),
        "list_rules": ("list_rules", {}),
        "list_rules verdict.": ("list_rules", {"concludes": "verdict."}),
        "show_rule": ("show_rule", {"rule_id": "traffic.spiky", "lang": "zh"}),
        "unknown rule": ("show_rule", {"rule_id": "no.such-rule"}),
        "unknown tool": ("no_such_tool", {}),
    }
    return made


async def session(planned: dict[str, tuple[str, dict]], consult_from: dict):
    """List the tools, make every planned call, then run a whole consultation through the
    tools, answering as someone who knows ``consult_from`` would."""
    server = mcp.StdioServerParameters(command=str(EXPERT), args=["mcp"], env=dict(os.environ))
    async with mcp.Client(server, read_timeout_seconds=120) as client:
        listed = await client.list_tools()
        results = {key: await client.call_tool(name, arguments) for key, (name, arguments) in planned.items()}
        turns, profile = [], volunteered_facts(consult_from)
        for _ in range(80):
            step = await client.call_tool("next_question", {"profile": profile})
            turns.append(step)
            if step.structured_content["done"]:
                break
            question = step.structured_content["question"]["id"]
            answered = await client.call_tool("answer_question", {"profile": profile, "question_id": question,
                                                                  "answer": answer_from(consult_from, question)})
            assert not answered.is_error, answered.content[0].text
            profile = answered.structured_content["profile"]
    return listed, results, turns


@pytest.fixture(scope="module")
def served(advisor):
    planned = calls(advisor)
    listed, results, turns = anyio.run(session, planned, example("live-commerce"))
    return planned, {tool.name: tool for tool in listed.tools}, results, turns


def test_lists_every_tool_with_schemas_and_descriptions(served):
    _, tools, _, _ = served
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.input_schema["type"] == "object" and tool.output_schema["type"] == "object"
        assert len(tool.description) > 200, tool.name
        assert tool.annotations.read_only_hint
    advise = tools["advise"].input_schema
    assert advise["required"] == ["profile"] and advise["properties"]["profile"]["$ref"] == "#/$defs/Profile"
    profile_schema = Profile.model_json_schema()
    assert advise["$defs"]["Profile"]["properties"].keys() == profile_schema["properties"].keys()
    assert set(profile_schema["$defs"]) <= set(advise["$defs"])
    assert advise["properties"]["lang"]["enum"] == ["en", "zh"]
    assert "answer_question" in tools["next_question"].description
    assert set(tools["answer_question"].input_schema["required"]) == {"profile", "question_id", "answer"}


def test_advise_equals_the_library(served, advisor):
    planned, _, results, _ = served
    for path in EXAMPLES:
        result = results[f"advise {path.stem}"]
        advice = advisor.advise(read_profile(str(path)))
        assert not result.is_error
        assert result.structured_content == advice.model_dump(mode="json")
        assert result.content[0].text == render_text(advice, "en", findings=False)
    chinese = advisor.advise(planned["advise zh"][1]["profile"], lang="zh")
    assert results["advise zh"].structured_content == chinese.model_dump(mode="json")
    assert support.CJK.search(results["advise zh"].content[0].text)


def test_a_bad_profile_is_a_tool_error_naming_each_field_and_the_server_goes_on(served, advisor):
    planned, _, results, _ = served
    bad = results["bad profile"]
    assert bad.is_error and bad.structured_content is None
    text = bad.content[0].text
    assert "invalid arguments / 参数无效" in text
    for field in ("profile.company.size", "profile.company.nme", "profile.needs.usage.mau"):
        assert field in text
    assert "'huge'" in text and "Traceback" not in text
    after = results["after the bad profile"]
    assert not after.is_error
    assert after.structured_content == advisor.advise(planned["after the bad profile"][1]["profile"]).model_dump(mode="json")
    assert results["extra argument"].is_error and "format" in results["extra argument"].content[0].text


def test_explain_equals_the_library(served, advisor):
    planned, _, results, _ = served
    for key in ("explain reached", "explain not reached"):
        arguments = planned[key][1]
        expected = advisor.explain(arguments["profile"], arguments["conclusion_id"], search=arguments.get("search", True))
        assert not results[key].is_error
        assert results[key].structured_content == expected.model_dump(mode="json")
    assert results["explain reached"].structured_content["reached"]
    not_reached = results["explain not reached"].structured_content
    assert not not_reached["reached"] and not_reached["why_not"] and not_reached["smallest_change"] is None
    unknown = results["unknown conclusion"]
    assert unknown.is_error and "verdict.payy" in unknown.content[0].text and "verdict.pay" in unknown.content[0].text


def test_what_if_equals_the_library(served, advisor):
    planned, _, results, _ = served
    for key in ("what_if", "what_if list"):
        arguments = planned[key][1]
        expected = advisor.what_if(arguments["profile"], arguments["changes"], lang=arguments.get("lang", "en"))
        assert not results[key].is_error
        assert results[key].structured_content == expected.model_dump(mode="json")
    bad = results["bad change"]
    assert bad.is_error and "needs.usage.mau" in bad.content[0].text


def test_next_question_and_answer_question_equal_the_library(served, advisor):
    _, _, results, _ = served
    step = advisor.next_step({})
    assert results["next_question"].structured_content == step.model_dump(mode="json")
    assert step.question.id in results["next_question"].content[0].text
    with pytest.raises(InputError) as refused:
        advisor.apply_answer({}, "needs.capabilities", "teleportation")
    bad = results["bad answer"]
    assert bad.is_error and not bad.structured_content
    (problem,) = refused.value.problems
    assert f"{problem.path}: {problem.message.en} / {problem.message.zh}" in bad.content[0].text


def test_a_consultation_through_the_tools_reaches_the_library_s_verdict(served, advisor):
    """The agent's loop (next_question, answer_question, ...) asks what the library's loop asks
    and ends on the same step."""
    _, _, _, turns = served
    known = example("live-commerce")
    profile, expected = volunteered_facts(known), []
    while True:
        step = advisor.next_step(profile)
        expected.append(step)
        if step.done:
            break
        result = advisor.apply_answer(step.profile, step.question.id, answer_from(known, step.question.id))
        profile = result.profile
    assert [t.structured_content for t in turns] == [s.model_dump(mode="json") for s in expected]
    assert turns[-1].structured_content["done"] and len(turns) > 2


def test_rules_equal_the_library(served, advisor):
    _, _, results, _ = served
    assert results["list_rules"].structured_content == rule_list(advisor.knowledge).model_dump(mode="json")
    verdict_rules = results["list_rules verdict."].structured_content["rules"]
    assert verdict_rules and all(r["concludes"].startswith("verdict.") for r in verdict_rules)
    assert len(verdict_rules) < len(results["list_rules"].structured_content["rules"])
    detail = rule_detail(advisor.knowledge, "traffic.spiky", check(advisor))
    assert results["show_rule"].structured_content == detail.model_dump(mode="json")
    assert detail.cites[0].summary.zh in results["show_rule"].content[0].text
    assert results["unknown rule"].is_error and "no.such-rule" in results["unknown rule"].content[0].text
    assert results["unknown tool"].is_error and "advise" in results["unknown tool"].content[0].text


def test_no_other_command_imports_the_sdk():
    """`import expert` and the CLI's start-up stay free of the MCP SDK."""
    code = "import sys, expert, expert.interfaces.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'mcp'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
