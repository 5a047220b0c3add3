"""`expert serve` end to end: a real server (two workers, a token, a CORS origin) on a loopback
port, spoken to with httpx.

Every verb's answer is compared with the library's on the bundled examples; bad input gets
the CLI's field paths in both languages; the body limit, the token and CORS are checked
at the door; both worker processes answer.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

import httpx
import pytest
import serving
import support
from chinese import half_width_in_chinese
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from expert.advice.input_errors import InputError
from expert.advice.model import Advice
from expert.audit.cases import check
from expert.audit.rule_info import rule_detail, rule_list
from expert.consult.model import ConsultStep, WhatIf
from expert.explain.model import Explanation
from expert.facts.profile_io import read_profile, validation_problems
from expert.facts.vocabulary import Profile
from expert.interfaces.http_models import ErrorBody

pytestmark = pytest.mark.skipif(not serving.EXPERT.exists(), reason=f"no installed executable at {serving.EXPERT}")

TOKEN = "test-token-4d1f"
EXAMPLES = sorted(support.EXAMPLES.glob("*.yaml"))


ORIGIN = "https://bot.example.com"


@pytest.fixture(scope="module")
def server():
    """Two worker processes (each test may be answered by either), a token and one CORS origin."""
    with serving.expert_server("--workers", "2", "--cors-origin", ORIGIN, "--no-access-log",
                               env={"EXPERT_API_TOKEN": TOKEN}) as (base, _):
        yield base


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server, headers={"authorization": f"Bearer {TOKEN}"}, timeout=60) as client:
        yield client


def as_json(model) -> object:
    """A library result as the JSON a client receives."""
    return json.loads(model.model_dump_json())


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request) -> dict:
    return read_profile(str(request.param))


# --- the verbs answer what the library answers --------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_advise_equals_the_library(api, advisor, example, lang):
    response = api.post("/advise", json={"profile": example, "lang": lang})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.json() == as_json(advisor.advise(example, lang=lang))


def test_explain_reached_and_not_reached_equal_the_library(api, advisor, example):
    verdict = advisor.advise(example).verdict.id
    for conclusion, search in ((verdict, True), ("verdict.dont_pay" if verdict != "verdict.dont_pay" else "verdict.pay", False)):
        response = api.post("/explain", json={"profile": example, "conclusion": conclusion, "search": search, "lang": "zh"})
        assert response.status_code == 200, response.text
        expected = advisor.explain(example, conclusion, lang="zh", search=search)
        assert response.json() == as_json(expected)
        Explanation.model_validate(response.json())


def test_what_if_as_a_list_and_as_a_mapping(api, advisor, example):
    for changes in (["needs.usage.mau=50000", "needs.contract_months=24"], {"needs.usage.mau": 50000}):
        response = api.post("/what-if", json={"profile": example, "changes": changes})
        assert response.status_code == 200, response.text
        assert response.json() == as_json(advisor.what_if(example, changes))
        WhatIf.model_validate(response.json())


def test_a_whole_consultation_over_http_equals_the_library(api, advisor):
    """Question, answer, question ... until done: each turn equal to the library's turn."""
    replies = {"upgrade": "no", "needs.capabilities": "text_messaging, group_chat", "needs.pain_points": "latency"}
    profile: dict = {}
    for _ in range(12):
        step = api.post("/next-question", json={"profile": profile, "lang": "zh"}).json()
        assert step == as_json(advisor.next_step(profile, lang="zh"))
        if step["done"]:
            break
        question = ConsultStep.model_validate(step).question.id
        answer = replies.get(question, "unknown")
        result = api.post("/answer", json={"profile": step["profile"], "question_id": question, "answer": answer,
                                           "lang": "zh"}).json()
        assert result == as_json(advisor.apply_answer(step["profile"], question, answer))
        profile = result["profile"]
    assert step["done"] and set(replies) <= set(profile["asked"])


def test_a_refused_answer_is_422_naming_the_question_in_both_languages(api, advisor):
    response = api.post("/answer", json={"profile": {}, "question_id": "needs.contract_months", "answer": "soon",
                                         "lang": "zh"})
    assert response.status_code == 422
    with pytest.raises(InputError) as caught:
        advisor.apply_answer({}, "needs.contract_months", "soon")
    body = ErrorBody.model_validate(response.json())
    expected = caught.value.detail()
    assert body.message == expected.message.zh
    assert [(p.field, p.text.zh) for p in body.problems] == \
        [(q.path, f"{q.path}：{q.message.zh}") for q in expected.problems]


def test_take_back_equals_the_library(api, advisor):
    answered = advisor.apply_answer({}, "upgrade", "no").profile
    response = api.post("/take-back", json={"profile": answered, "question_id": "upgrade"})
    assert response.status_code == 200 and response.json() == as_json(advisor.take_back_answer(answered, "upgrade"))
    assert api.post("/take-back", json={"profile": {}, "question_id": "upgrade"}).status_code == 422


def test_rules_claims_and_one_rule_equal_the_library(api, advisor):
    kb = advisor.knowledge
    assert api.get("/rules").json() == as_json(rule_list(kb))
    assert api.get("/rules?concludes=verdict.").json() == as_json(rule_list(kb, "verdict."))
    claims = api.get("/claims").json()
    assert [c["id"] for c in claims] == list(kb.claims)
    assert all(set(c["rules"]) == {r.id for r in kb.rules.values() if c["id"] in r.claims} for c in claims)
    report = check(advisor)
    for rule_id in (next(iter(kb.rules)), list(kb.rules)[-1]):
        assert api.get(f"/rules/{rule_id}").json() == as_json(rule_detail(kb, rule_id, report))
    missing = api.get("/rules/no.such-rule?lang=zh")
    assert missing.status_code == 404 and "no.such-rule" in missing.json()["message"]
    assert support.CJK.search(missing.json()["message"])


def test_schemas(api):
    names = api.get("/schemas").json()
    assert names == ["profile", "advice", "step", "answer", "explanation", "whatif"]
    assert api.get("/schemas/profile").json() == Profile.model_json_schema()
    assert api.get("/schemas/advice").json() == Advice.model_json_schema()
    assert api.get("/schemas/explanation").json() == Explanation.model_json_schema()
    assert api.get("/schemas/nope").status_code == 404


def test_openapi_document_is_generated_from_the_models(server):
    document = httpx.get(f"{server}/openapi.json").json()  # open, like /docs: it says what the source says
    paths = document["paths"]
    for path in ("/advise", "/explain", "/what-if", "/next-question", "/answer"):
        assert "post" in paths[path]
    advise = paths["/advise"]["post"]
    assert advise["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Advice")
    assert "Profile" in document["components"]["schemas"]
    assert advise["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert advise["security"] == [{"bearer": []}] and "security" not in paths["/health"]["get"]


def test_health_is_open_and_names_version_and_knowledge(server, advisor):
    response = httpx.get(f"{server}/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["version"] == metadata.version("expert")
    assert body["knowledge"] == advisor.knowledge.fingerprint and body["rules"] == len(advisor.knowledge.rules)


# --- bad input: the CLI's field paths, in both languages ----------------------------------

BAD_PROFILES = [
    {"company": {"nme": "Acme"}},
    {"needs": {"contract_months": "twelve"}},
    {"needs": {"contract_months": 500}, "company": {"size": "gigantic"}},
    {"needs": {"capabilities": ["telepathy", "text_messaging"]}},
    {"offers": [{"name": "A"}, {"name": "A"}]},
    {"offers": [{"name": " A"}], "upgrade": {"offer": "B"}},
    {"company": {"can_forecast_usage_costs": "perhaps"}, "needs": {"usage": {"peak_to_average_ratio": 0.2}}},
]


def cli_lines(profile: dict) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Profile.model_validate(profile)
    return validation_problems(caught.value)


@pytest.mark.parametrize("profile", BAD_PROFILES)
@pytest.mark.parametrize("verb, extra", [("/advise", {}), ("/explain", {"conclusion": "verdict.pay"}),
                                         ("/next-question", {})])
def test_a_bad_profile_gets_422_with_the_cli_field_paths(api, profile, verb, extra):
    response = api.post(verb, json={"profile": profile, "lang": "zh", **extra})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_input" and ErrorBody.model_validate(body).problems
    expected = cli_lines(profile)
    assert sorted(p["text"]["en"] for p in body["problems"]) == sorted(expected)
    for problem in body["problems"]:
        assert problem["loc"][:2] == ["body", "profile"]
        assert problem["text"]["zh"].startswith(problem["field"] if problem["field"] != "(profile)" else "（档案）")
        assert support.CJK.search(problem["text"]["zh"])
        assert problem["message"] == problem["text"]["zh"]  # lang=zh picks the Chinese
        assert not half_width_in_chinese(problem["text"]["zh"])
    assert body["message"].startswith("档案无效")


def test_the_error_language_follows_lang_then_query_then_accept_language(api):
    bad = {"profile": {"company": {"nme": "x"}}}
    assert api.post("/advise", json=bad).json()["message"].startswith("invalid profile: company.nme")
    assert api.post("/advise?lang=zh", json=bad).json()["message"].startswith("档案无效")
    assert api.post("/advise", json=bad, headers={"accept-language": "zh-CN,zh"}).json()["message"].startswith("档案无效")


@pytest.mark.parametrize("body, field", [
    ({"profile": {}, "lang": "fr"}, "lang"),
    ({"profile": {}, "colour": 1}, "colour"),
    ({}, "profile"),
    ([1, 2], "(body)"),
])
def test_bad_request_fields_are_named(api, body, field):
    response = api.post("/advise", json=body)
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["problems"]] == [field]


@pytest.mark.parametrize("raw, needle", [
    (b'{"profile": {"company": {"name": "a", "name": "b"}}}', "duplicate key 'name'"),
    (b'{"profile": {"needs": {"usage": {"mau": NaN}}}}', "NaN"),
    (b'{"profile": {', "not valid JSON"),
    (b'{"profile": {"company": {"name": "\xff"}}}', "not UTF-8"),
])
def test_a_body_that_is_not_strict_json_gets_422(api, raw, needle):
    response = api.post("/advise", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["field"] == "(body)" and needle in problem["text"]["en"] and support.CJK.search(problem["text"]["zh"])


def test_a_body_that_is_not_json_gets_415(api):
    response = api.post("/advise", content=b"profile=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415 and "Content-Type: application/json" in response.json()["message"]


def test_explain_and_what_if_refusals_name_the_field(api):
    unknown = api.post("/explain", json={"profile": {}, "conclusion": "verdict.pya"}).json()
    assert unknown["error"] == "unknown_conclusion" and "did you mean verdict.pay" in unknown["message"]
    bad_change = api.post("/what-if", json={"profile": {}, "changes": ["needs.usage.mau=lots"], "lang": "zh"}).json()
    assert bad_change["error"] == "bad_change" and bad_change["text"]["en"].startswith("changes: needs.usage.mau")
    invalid_after = api.post("/what-if", json={"profile": {}, "changes": {"needs.contract_months": 500}}).json()
    assert invalid_after["error"] == "bad_change", invalid_after
    assert api.post("/what-if", json={"profile": {}, "changes": []}).status_code == 422


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional={
    "contract_months": st.one_of(st.integers(-5, 200), st.text(max_size=3), st.floats(allow_nan=False, allow_infinity=False)),
    "capabilities": st.lists(st.sampled_from(["text_messaging", "hd_video", "telepathy", 3]), max_size=3),
    "budget": st.one_of(st.none(), st.floats(-10, 2e9, allow_nan=False), st.booleans())}))
def test_any_profile_is_advised_or_refused_exactly_as_the_library_does(api, advisor, drawn):
    profile = {"needs": {k: v for k, v in drawn.items() if k != "budget"}}
    if "budget" in drawn:
        profile["company"] = {"monthly_budget_usd": drawn["budget"]}
    response = api.post("/advise", json={"profile": profile})
    try:
        expected = advisor.advise(profile)
    except ValidationError as error:
        assert response.status_code == 422
        assert sorted(p["text"]["en"] for p in response.json()["problems"]) == sorted(validation_problems(error))
    else:
        assert response.status_code == 200 and response.json() == as_json(expected)


# --- at the door: size, token, CORS --------------------------------------------------------

def test_a_body_over_one_megabyte_gets_413_declared_or_streamed(api):
    padded = b'{"profile": {}, "pad": "' + b"x" * 1_000_000 + b'"}'
    declared = api.post("/advise", content=padded, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and declared.json()["error"] == "body_too_large"

    def chunks():  # no Content-Length: the server must count as it reads
        for start in range(0, len(padded), 64_000):
            yield padded[start:start + 64_000]
    streamed = api.post("/advise", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and support.CJK.search(streamed.json()["text"]["zh"])
    just_under = b'{"profile": {}}' + b" " * (1_000_000 - 15)
    assert api.post("/advise", content=just_under, headers={"content-type": "application/json"}).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer wrong"}, {"authorization": TOKEN},
                                     {"authorization": f"Basic {TOKEN}"}])
def test_every_endpoint_but_health_needs_the_token(server, headers):
    for method, path in (("POST", "/advise"), ("POST", "/answer"), ("POST", "/take-back"), ("GET", "/rules"), ("GET", "/claims"),
                         ("GET", "/schemas/profile"), ("GET", "/rules/x")):
        response = httpx.request(method, f"{server}{path}", json={"profile": {}}, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.headers["www-authenticate"] == "Bearer" and response.json()["error"] == "unauthorized"
    assert httpx.get(f"{server}/health", headers=headers).status_code == 200


def test_unknown_paths_and_methods_answer_in_both_languages(api):
    missing = api.get("/nowhere")
    assert missing.status_code == 404 and support.CJK.search(missing.json()["text"]["zh"])
    assert api.get("/advise").status_code == 405


# --- two workers --------------------------------------------------------------------------

def fresh_connection_get(url: str) -> httpx.Response:
    return httpx.get(url, headers={"connection": "close"}, timeout=30)


def test_two_workers_both_serve(server, advisor):
    seen: set = set()
    with ThreadPoolExecutor(8) as pool:
        for _ in range(25):
            seen |= {r.json()["worker"] for r in pool.map(fresh_connection_get, [f"{server}/health"] * 8)}
            if len(seen) == 2:
                break
    assert len(seen) == 2, f"only worker {seen} answered"
    profiles = [read_profile(str(p)) for p in sorted(support.EXAMPLES.glob("*.yaml"))] * 4

    def advise(profile: dict) -> tuple:
        response = httpx.post(f"{server}/advise", json={"profile": profile}, timeout=30,
                              headers={"authorization": f"Bearer {TOKEN}"})
        return response.status_code, response.json(), profile

    with ThreadPoolExecutor(6) as pool:
        for status, body, profile in pool.map(advise, profiles):
            assert status == 200 and body == json.loads(advisor.advise(profile).model_dump_json())


def test_cors_only_for_the_configured_origin(server):
    allowed = httpx.options(f"{server}/advise", headers={"origin": ORIGIN, "access-control-request-method": "POST",
                                                              "access-control-request-headers": "authorization"})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == ORIGIN
    other = httpx.options(f"{server}/advise", headers={"origin": "https://evil.example",
                                                            "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in other.headers
    simple = httpx.post(f"{server}/advise", json={"profile": {}}, headers={"origin": ORIGIN,
                                                                         "authorization": f"Bearer {TOKEN}"})
    assert simple.status_code == 200 and simple.headers["access-control-allow-origin"] == ORIGIN


def test_a_worker_that_dies_is_replaced(server):
    """Last in this module: it kills one of the server's workers (found through /health)."""
    victim = fresh_connection_get(f"{server}/health").json()["worker"]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    seen: set = set()
    while len(seen - {victim}) < 2:
        assert time.monotonic() < deadline, f"no replacement for worker {victim}; answering: {seen}"
        try:
            seen.add(fresh_connection_get(f"{server}/health").json()["worker"])
        except httpx.TransportError:
            time.sleep(0.1)


# --- no server needed ----------------------------------------------------------------------

def test_other_commands_start_without_the_web_stack():
    code = ("import sys, expert, expert.interfaces.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette', 'httptools')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("args, env, status, needle", [
    ([], {"EXPERT_API_TIME_LIMIT": "soon"}, 2, "EXPERT_API_TIME_LIMIT='soon'"),
    (["--time-limit", "0"], {}, 2, "--time-limit"),
    (["--knowledge", "/nonexistent-kb"], {}, 1, "no such knowledge directory"),
])
def test_bad_settings_are_refused_in_words(args, env, status, needle):
    result = subprocess.run([str(serving.EXPERT), "serve", "--port", str(serving.free_port()), *args],
                            capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert result.returncode == status and needle in result.stderr and "Traceback" not in result.stderr
