"""The HTTP API's gate (a plain ASGI middleware): time limit, bearer token, body size.

Every request gets its deadline here, before anything else, in ``scope["expert.deadline"]``
(``time.monotonic()`` seconds): reading the body and the consultation both count.  Then:

* the bearer token, when one is configured, on every path but the open ones (health, and
  the API's own description: it says nothing the published source does not); compared
  in constant time (``hmac.compare_digest``), before the body is read;
* the body is read here, whole, counting bytes as they arrive: a declared
  Content-Length over the limit is refused without keeping any of it, and a body sent
  without one (chunked) as soon as it passes the limit (the rest is read and dropped, up
  to ``DRAIN_LIMIT``, so the client gets its 413); a body that has not arrived by the
  deadline gets 408.  The application then reads the buffered body as usual.
"""

from __future__ import annotations

import hmac
import time
from typing import Awaitable, Callable, Optional

import anyio

from expert.interfaces.http_errors import ApiError, error_lang, error_payload

Scope, Message = dict, dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = frozenset({"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
DEADLINE = "expert.deadline"
DRAIN_LIMIT = 8_000_000  # a larger body is cut off with the 413 (the client may see a reset instead)


class Guard:
    def __init__(self, app: ASGIApp, max_body: int, time_limit: float, token: Optional[str]) -> None:
        self.app, self.max_body, self.time_limit = app, max_body, time_limit
        self.token = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[DEADLINE] = time.monotonic() + self.time_limit
        try:
            self._authorise(scope)
            body = await self._read_body(scope, receive)
        except ApiError as error:
            await send_error(scope, send, error)
            return
        await self.app(scope, _replay(body, receive), send)

    def _authorise(self, scope: Scope) -> None:
        if self.token is None or scope["path"] in OPEN_PATHS or scope["method"] == "OPTIONS":
            return
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                given = value[7:].strip()
        if not hmac.compare_digest(given, self.token):
            raise ApiError(401, "unauthorized", "a valid bearer token is required (Authorization: Bearer <token>)",
                           "需要有效的访问令牌（Authorization: Bearer <令牌>）", headers={"www-authenticate": "Bearer"})

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        declared = next((int(value) for name, value in scope["headers"]
                         if name == b"content-length" and value.isdigit()), None)
        chunks, size, more = [], 0, True
        try:
            with anyio.fail_after(max(scope[DEADLINE] - time.monotonic(), 0)):
                if declared is not None and declared > self.max_body:
                    await self._drain(receive, declared)
                    raise self._too_large()
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        break
                    chunk, more = message.get("body", b""), message.get("more_body", False)
                    size += len(chunk)
                    if size > self.max_body:
                        if more:
                            await self._drain(receive, size)
                        raise self._too_large()
                    chunks.append(chunk)
        except TimeoutError:
            raise ApiError(408, "request_timeout", "the request body did not arrive within the time limit",
                           "请求内容未在时限内送达") from None
        return b"".join(chunks)

    async def _drain(self, receive: Receive, size: int) -> None:
        """Read and drop the rest of a body that is too large, so that the client, still
        sending, gets the 413 rather than a reset connection; not past DRAIN_LIMIT bytes."""
        more = True
        while more and size <= DRAIN_LIMIT:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            more = message.get("more_body", False)

    def _too_large(self) -> ApiError:
        return ApiError(413, "body_too_large", f"the request body is over {self.max_body:,} bytes",
                        f"请求内容超过 {self.max_body:,} 字节")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the buffered body once, then waits on the client (disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def send_error(scope: Scope, send: Send, error: ApiError) -> None:
    payload = error_payload(error, error_lang(scope))
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in error.headers.items()]
    if error.status in (408, 413):
        headers.append((b"connection", b"close"))  # the rest of the body is not read
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
