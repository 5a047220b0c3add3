"""`expert serve`: the library's verbs as an HTTP JSON API (FastAPI, served by uvicorn).

Stateless: the profile travels in every request, as with ``Advisor.next_step``, so any
replica can answer any request and replicas scale out behind a load balancer.  Each
server process holds one engine (``default_advisor()`` or ``--knowledge``) and runs every
consultation on its one engine thread (``http_worker``) under the request's time limit;
``http_guard`` checks the token and the body size before the body reaches FastAPI.

Results are the library's models serialised once (``model_dump_json``), not re-validated
by FastAPI on the way out; their models are declared on the routes for the OpenAPI
document.  Bad input is 422 with the CLI's field paths, in both languages (``http_errors``).

Configuration comes from the environment, so that every worker process of
``uvicorn --workers N`` builds the same app: see ``ServeSettings``.
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import metadata
from typing import Any, Callable, Literal, Optional

from fastapi import FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from expert.advice.input_errors import InputError
from expert.advice.model import Advice, Text
from expert.audit.cases import CaseFileError, CheckReport, check
from expert.audit.rule_info import RuleDetail, RuleList, rule_detail, rule_list
from expert.consult.model import AnswerResult, ConsultStep, WhatIf
from expert.explain.model import Explanation
from expert.facts.problem_text import Problem, describe_problems, problem_of, user_items
from expert.facts.profile_io import MAX_PROFILE_BYTES
from expert.facts.vocabulary import Profile
from expert.inference.engine import EngineError
from expert.interfaces import http_models as m
from expert.interfaces.advisor import Advisor, default_advisor
from expert.interfaces.http_errors import LANG_KEY, LANGS, ApiError, error_lang, error_payload
from expert.interfaces.http_guard import DEADLINE, OPEN_PATHS, Guard
from expert.interfaces.http_worker import EngineWorker, QueueTimeout, RunTimeout
from expert.rulebase.errors import KnowledgeError

log = logging.getLogger("expert.serve")
JSON = "application/json"


@dataclass(frozen=True)
class ServeSettings:
    """How a server process is set up; read from the environment in each worker process."""

    time_limit: float = 10.0  # seconds per request: reading the body, waiting for the engine, consulting
    max_body: int = MAX_PROFILE_BYTES
    token: Optional[str] = None  # bearer token required on every path but health
    cors_origins: tuple[str, ...] = ()  # no CORS headers at all unless origins are given
    knowledge: Optional[str] = None  # another knowledge directory; default: the bundled one

    ENV = {"time_limit": "EXPERT_API_TIME_LIMIT", "token": "EXPERT_API_TOKEN",
           "cors_origins": "EXPERT_API_CORS_ORIGINS", "knowledge": "EXPERT_API_KNOWLEDGE"}

    @classmethod
    def from_env(cls, env: Optional[dict] = None) -> ServeSettings:
        env = os.environ if env is None else env
        origins = env.get(cls.ENV["cors_origins"], "")
        raw_limit = env.get(cls.ENV["time_limit"]) or str(cls.time_limit)
        try:
            time_limit = float(raw_limit)
        except ValueError:
            time_limit = float("nan")
        if not 0 < time_limit <= 3600:
            raise ValueError(f"{cls.ENV['time_limit']}={raw_limit!r}: expected seconds, more than 0 and at most 3600")
        return cls(time_limit=time_limit,
                   token=env.get(cls.ENV["token"]) or None,
                   cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
                   knowledge=env.get(cls.ENV["knowledge"]) or None)

    def to_env(self) -> dict[str, str]:
        return {self.ENV["time_limit"]: repr(self.time_limit), self.ENV["token"]: self.token or "",
                self.ENV["cors_origins"]: ",".join(self.cors_origins), self.ENV["knowledge"]: self.knowledge or ""}


def app_from_env() -> Any:
    """The ASGI app of one server process (uvicorn's ``--factory`` entry point)."""
    return create_app(ServeSettings.from_env())


def package_version() -> str:
    try:
        return metadata.version("expert")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
        return "unknown"


class Service:
    """What the routes share in one process: the advisor, its engine thread, cached listings."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.advisor: Advisor = Advisor(settings.knowledge) if settings.knowledge else default_advisor()
        self.worker = EngineWorker()
        self.version = package_version()
        self.advisor.advise({})  # warm: questions.yaml and the lazily imported parts load now, not on a request

    async def run(self, request: Request, job: Callable[[], bytes]) -> Response:
        try:
            body = await self.worker.run(job, request.scope[DEADLINE])
        except QueueTimeout:
            raise ApiError(503, "busy", f"the server was busy for the whole time limit ({self.settings.time_limit:g} s); "
                           "try again", f"服务器在整个时限（{self.settings.time_limit:g} 秒）内都在忙；请重试",
                           headers={"retry-after": "1"}) from None
        except RunTimeout:
            raise ApiError(504, "timeout", f"the consultation took longer than the time limit "
                           f"({self.settings.time_limit:g} s)", f"咨询超过了时限（{self.settings.time_limit:g} 秒）") from None
        return Response(body, media_type=JSON)

    @cached_property
    def check_report(self) -> CheckReport:
        """The worked cases run once (which rules each fires, for GET /rules/{id}); on the engine thread."""
        return check(self.advisor)

    @cached_property
    def claim_list(self) -> bytes:
        kb = self.advisor.knowledge
        citing: dict[str, list[str]] = {}
        for rule in kb.rules.values():
            for claim in rule.claims:
                citing.setdefault(claim, []).append(rule.id)
        claims = [m.ClaimSummary(id=c.id, paragraphs=list(c.paragraphs), summary=Text(en=c.summary.en, zh=c.summary.zh),
                                 rules=citing.get(c.id, [])) for c in kb.claims.values()]
        return json.dumps([c.model_dump() for c in claims], ensure_ascii=False).encode()


def schemas() -> dict[str, type]:
    """The JSON Schemas GET /schemas/{name} serves, by the names of `expert schema`."""
    return {"profile": Profile, "advice": Advice, "step": ConsultStep, "answer": AnswerResult,
            "explanation": Explanation, "whatif": WhatIf}


# --- strict JSON bodies ------------------------------------------------------------------

def strict_json(raw: bytes) -> Any:
    """JSON as the profile reader takes YAML: UTF-8, no duplicate keys, no NaN or Infinity."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise json.JSONDecodeError(f"not UTF-8 text (byte {error.start})", "", 0) from None
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def _unique_keys(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise json.JSONDecodeError(f"duplicate key {duplicate!r}", "", 0)
    return result


def _no_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not a number JSON allows", "", 0)


class _StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
            if isinstance(self._json, dict) and self._json.get("lang") in LANGS:
                self.scope[LANG_KEY] = self._json["lang"]  # errors raised later speak it too
        return self._json


class _StrictJSONRoute(APIRoute):
    """FastAPI's route, reading JSON bodies with ``strict_json``."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
            if request.method == "POST" and not (kind == "application/json" or kind.endswith("+json")):
                raise ApiError(415, "not_json", f"the body must be JSON, sent with Content-Type: application/json "
                               f"(got {kind})", f"请求内容须为 JSON，并带 Content-Type: application/json（收到的是 {kind}）")
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict_handler


# --- errors ------------------------------------------------------------------------------

def request_problems(error: RequestValidationError) -> list:
    """FastAPI's validation errors as Problems: profile fields by the CLI's paths, other
    request fields by their names, a body that is not JSON by where it stops being JSON."""
    problems, in_profile = [], []
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "json_invalid":
            error_text = item.get("ctx", {}).get("error", "")
            if len(loc) > 1 and isinstance(loc[1], int) and loc[1] > 0:
                error_text += f" (at character {loc[1]})"
            problem = problem_of({"type": "json_invalid", "loc": (), "msg": f"not valid JSON: {error_text}",
                                  "ctx": {"error": error_text}}, root="(body)")
        elif loc[:2] == ("body", "profile") and not (loc == ("body", "profile") and item["type"] == "missing"):
            in_profile.append({**item, "loc": loc[2:]})  # by the user's paths, as the CLI words them
            continue
        else:
            problem = problem_of({**item, "loc": loc[1:]}, root=f"({loc[0]})")
        problems.append(replace(problem, loc=loc))
    return problems + [replace(problem_of(item), loc=("body", "profile", *item["loc"])) for item in user_items(in_profile)]


def _error_response(request: Request, error: ApiError, body: Any = None) -> Response:
    return Response(error_payload(error, error_lang(request.scope, body)), status_code=error.status,
                    media_type=JSON, headers=error.headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        return _error_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = request_problems(error)
        where = "; ".join(p.field for p in problems)
        if all(p.loc[:2] == ("body", "profile") and p.field != "profile" for p in problems):
            en, zh = f"invalid profile: {where}", f"档案无效：{where}"
        else:
            en, zh = f"invalid request: {where}", f"请求无效：{where}"
        return _error_response(request, ApiError(422, "invalid_input", en, zh, problems), error.body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        texts = {404: ("no such endpoint; see /docs", "没有这个接口；见 /docs"),
                 405: ("method not allowed on this endpoint", "该接口不支持这个方法")}
        en, zh = texts.get(error.status_code, (str(error.detail), str(error.detail)))
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return _error_response(request, ApiError(error.status_code, code, en, zh, headers=error.headers))

    @app.exception_handler(Exception)
    async def internal(request: Request, error: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return _error_response(request, ApiError(500, "internal", f"internal error: {type(error).__name__}",
                                                 f"内部错误：{type(error).__name__}"))


def _input_error(error: InputError) -> ApiError:
    """The library's InputError as a 422: its own bilingual problems, its paths as fields."""
    detail = error.detail()
    problems = [Problem(loc=(p.path,), field=p.path or "(profile)", en=f"{p.path or '(profile)'}: {p.message.en}",
                        zh=f"{p.path or '（档案）'}：{p.message.zh}") for p in detail.problems]
    return ApiError(422, "invalid_input", detail.message.en, detail.message.zh, problems)


def _consulting(job: Callable[[], bytes]) -> Callable[[], bytes]:
    """The job with the library's errors turned into API errors (on the engine thread)."""
    def guarded() -> bytes:
        try:
            return job()
        except InputError as error:  # a bad answer, or a profile made invalid by the request's changes
            raise _input_error(error) from None
        except EngineError as error:
            raise ApiError(500, "inference_failed", f"internal error during inference: {error}",
                           f"推理时出现内部错误：{error}") from None
        except (KnowledgeError, CaseFileError) as error:
            raise ApiError(500, "knowledge_invalid", str(error), f"知识库无效：{error}") from None
    return guarded


# --- the app -----------------------------------------------------------------------------

def _document_the_token(app: FastAPI) -> None:
    """Say in the OpenAPI document that every path but the open ones wants the bearer token
    (the Guard checks it; /docs then offers to send it)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            document = build()
            document.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            for path, operations in document["paths"].items():
                if path not in OPEN_PATHS:
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: ServeSettings) -> Any:
    service: Optional[Service] = None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        nonlocal service
        service = Service(settings)
        yield
        service.worker.shutdown()

    app = FastAPI(title="expert", version=package_version(), lifespan=lifespan, responses=m.ERROR_RESPONSES,
                  description="Should a company pay for an IM / RTC / conversational-AI feature upgrade? "
                              "Explained, rule by rule. Stateless: the profile travels in every request.")
    if settings.token:
        _document_the_token(app)
    app.router.route_class = _StrictJSONRoute
    _install_error_handlers(app)

    def the() -> Service:
        assert service is not None, "the app's lifespan has not started"
        return service

    @app.get("/health", response_model=m.Health, tags=["service"])
    async def health() -> Response:
        """Liveness and identity: package version, knowledge fingerprint, the worker's pid. No token needed."""
        s = the()
        busy = s.worker.busy_for()
        status: Literal["ok", "busy"] = "busy" if busy > settings.time_limit else "ok"
        body = m.Health(status=status, version=s.version, knowledge=s.advisor.knowledge.fingerprint,
                        rules=len(s.advisor.knowledge.rules), worker=os.getpid(), busy_for_s=round(busy, 3))
        return Response(body.model_dump_json(), status_code=200 if status == "ok" else 503, media_type=JSON)

    @app.post("/advise", response_model=Advice, tags=["verbs"])
    async def advise(request: Request, body: m.AdviseRequest) -> Response:
        """The advice on a profile: verdict, fits, warnings, actions, figures, each with its rules and citations."""
        return await the().run(request, _consulting(
            lambda: the().advisor.advise(body.profile, lang=body.lang).model_dump_json().encode()))

    @app.post("/explain", response_model=Explanation, tags=["verbs"])
    async def explain(request: Request, body: m.ExplainRequest) -> Response:
        """How a conclusion was reached (proof trees), or why not and the smallest change of facts that would reach it."""
        from expert.explain.explainer import UnknownConclusionError

        def job() -> bytes:
            try:
                result = the().advisor.explain(body.profile, body.conclusion, body.subject, body.lang, body.search)
            except UnknownConclusionError as error:
                field = "subject" if str(error).startswith("no offer") else "conclusion"
                raise ApiError(422, "unknown_conclusion", f"{field}: {error}", f"{field}：无法解释：{error}") from None
            return result.model_dump_json().encode()
        return await the().run(request, _consulting(job))

    @app.post("/what-if", response_model=WhatIf, tags=["verbs"])
    async def what_if(request: Request, body: m.WhatIfRequest) -> Response:
        """Re-run the profile with some facts changed: verdict before and after, conclusions gained and lost, figures."""
        from expert.consult.whatif import ChangeError

        def job() -> bytes:
            try:
                result = the().advisor.what_if(body.profile, body.changes, body.lang)
            except ChangeError as error:
                raise ApiError(422, "bad_change", f"changes: {error}", f"changes：无法应用该改动：{error}") from None
            except InputError:
                raise
            except ValidationError as error:
                problems = describe_problems(error)
                where = "; ".join(p.field for p in problems)
                raise ApiError(422, "bad_change", f"changes: after the changes, the profile is not valid: {where}",
                               f"changes：改动之后档案无效：{where}", problems) from None
            return result.model_dump_json().encode()
        return await the().run(request, _consulting(job))

    @app.post("/next-question", response_model=ConsultStep, tags=["consultation"])
    async def next_question(request: Request, body: m.NextQuestionRequest) -> Response:
        """One stateless consultation turn: the most valuable open question, or done with the advice."""
        return await the().run(request, _consulting(
            lambda: the().advisor.next_step(body.profile, body.lang).model_dump_json().encode()))

    @app.post("/answer", response_model=AnswerResult, tags=["consultation"])
    async def answer(request: Request, body: m.AnswerRequest) -> Response:
        """Put one answer in the profile. An answer that does not fit its question is a 422 whose problem's
        field is the question id, with the reason in both languages (ask again)."""
        return await the().run(request, _consulting(
            lambda: the().advisor.apply_answer(body.profile, body.question_id, body.answer).model_dump_json().encode()))

    @app.post("/take-back", response_model=AnswerResult, tags=["consultation"])
    async def take_back(request: Request, body: m.TakeBackRequest) -> Response:
        """Take back the answer to a question ("don't know" included): the fact is unstated and may be asked again."""
        return await the().run(request, _consulting(
            lambda: the().advisor.take_back_answer(body.profile, body.question_id).model_dump_json().encode()))

    @app.get("/schemas", response_model=list[str], tags=["knowledge"])
    async def schema_names() -> list[str]:
        """The names of the JSON Schemas served."""
        return list(schemas())

    @app.get("/schemas/{name}", tags=["knowledge"])
    async def schema(name: str) -> dict:
        """The JSON Schema of the profile or of a result (advice, step, answer, explanation, whatif)."""
        found = schemas().get(name)
        if found is None:
            raise ApiError(404, "not_found", f"no schema {name!r}; one of {', '.join(schemas())}",
                           f"没有名为 {name!r} 的结构；可选：{', '.join(schemas())}")
        return found.model_json_schema()

    @app.get("/rules", response_model=RuleList, tags=["knowledge"])
    async def rules(concludes: Optional[str] = Query(None, description="Only the rules reaching this conclusion id, "
                                                                        "or any id starting with it when it ends with '.'")
                    ) -> Response:
        """Every rule: what it concludes, where it is written, what it cites (as `expert rules list`)."""
        return Response(rule_list(the().advisor.knowledge, concludes).model_dump_json(), media_type=JSON)

    @app.get("/rules/{rule_id}", response_model=RuleDetail, tags=["knowledge"])
    async def rule(request: Request, rule_id: str) -> Response:
        """One rule in full (as `expert rules show`): as written, its claims' text, basis, threshold sources,
        the chain below it, and the worked cases that fire it."""
        if rule_id not in the().advisor.knowledge.rules:
            raise ApiError(404, "not_found", f"no rule {rule_id!r}; see GET /rules", f"没有规则 {rule_id!r}；见 GET /rules")
        return await the().run(request, _consulting(lambda: rule_detail(
            the().advisor.knowledge, rule_id, the().check_report).model_dump_json().encode()))

    @app.get("/claims", response_model=list[m.ClaimSummary], tags=["knowledge"])
    async def claims() -> Response:
        """The article's claims the rules cite, with the rules citing each."""
        return Response(the().claim_list, media_type=JSON)

    wrapped: Any = Guard(app, settings.max_body, settings.time_limit, settings.token)
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        wrapped = CORSMiddleware(wrapped, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                                 allow_headers=["authorization", "content-type"], max_age=600)
    return wrapped

