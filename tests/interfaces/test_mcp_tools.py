"""The MCP tools in process (no SDK): failures a caller cannot cause still end as error outcomes."""

from __future__ import annotations

import logging

import pytest

from expert.audit.rule_info import rule_list
from expert.interfaces.mcp_tools import ExpertTools


@pytest.fixture(scope="module")
def tools(advisor):
    return ExpertTools(advisor)


def test_an_internal_failure_is_an_error_outcome_and_is_logged(tools, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("engine on fire")

    monkeypatch.setattr(tools.advisor, "advise", broken)
    with caplog.at_level(logging.ERROR, logger="expert.mcp"):
        outcome = tools.call("advise", {"profile": {}})
    assert outcome.is_error and outcome.structured is None
    assert "internal error in advise" in outcome.text and "内部出错" in outcome.text
    assert "engine on fire" not in outcome.text  # the details stay in the server's log
    assert "engine on fire" in caplog.text


@pytest.mark.parametrize(("arguments", "field"), [(None, "profile: Field required"), ({"profile": []}, "profile: "),
                                                   ({"profile": {}, "lang": "fr"}, "lang: ")])
def test_arguments_of_the_wrong_shape_are_refused_with_the_field(tools, arguments, field):
    outcome = tools.call("advise", arguments)
    assert outcome.is_error and f"\n  {field}" in outcome.text, outcome.text


def test_rule_list_filters_by_conclusion_id_or_prefix(knowledge):
    everything = rule_list(knowledge).rules
    assert [r.id for r in everything] == list(knowledge.rules)
    exact = rule_list(knowledge, "verdict.pay").rules
    assert exact and {r.concludes for r in exact} == {"verdict.pay"}
    warnings = rule_list(knowledge, "warning.").rules
    assert {r.id for r in warnings} == {r.id for r in knowledge.rules.values() if r.conclude.startswith("warning.")}
    assert rule_list(knowledge, "warning").rules == []  # an id, not a prefix, without the dot
