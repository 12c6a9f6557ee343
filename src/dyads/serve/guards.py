"""ASGI middleware that refuses requests before any endpoint runs: bodies over the size
limit (413) and Host headers naming a host the server does not answer for (400).

Both answer with JSON ``{"detail": ...}`` like the endpoints' own errors.
"""
from __future__ import annotations

from typing import Iterable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class BodyLimit:
    """413 for a request body over ``limit`` bytes, whether declared (Content-Length) or
    sent chunked. The body is read here, counted as it arrives, and handed to the app
    only when it fits, so no endpoint ever sees (or buffers) more than ``limit`` bytes;
    an exception raised inside the app's own read would reach FastAPI's body parser,
    which turns any error into 400."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(scope, receive, send)
        body = await self._read(receive)
        if body is None:  # the client went away
            return None
        if len(body) > self.limit:
            return await self._refuse(scope, receive, send)
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or its first ``limit + 1`` bytes once it is over the limit."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                return b"".join(chunks) + chunk[: self.limit + 1 - (seen - len(chunk))]
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse({"detail": f"request body is larger than {self.limit} bytes"}, status_code=413,
                                headers={"Connection": "close"})  # the rest of the body is not read
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that gives the app the body already read, then the client's next messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class HostCheck:
    """400 for a request whose Host header is not one of ``allowed`` (port ignored).

    A web page can make a browser send requests to 127.0.0.1 under its own domain name
    (DNS rebinding) and read the answers; such requests carry that domain as Host, so
    answering only for the names this server is reached by closes that door.
    ``"*"`` in ``allowed`` turns the check off."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = {normal_host(name) for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "*" in self.allowed:  # the app serves no websockets
            return await self.app(scope, receive, send)
        raw = (_header(scope, b"host") or b"").decode("latin-1")
        if normal_host(raw) in self.allowed:
            return await self.app(scope, receive, send)
        shown = raw[:100] or "(none)"
        response = JSONResponse({"detail": f"this server does not answer for host {shown!r} "
                                           "(dyads serve --allow-host NAME allows it)"}, status_code=400)
        await response(scope, receive, send)


def normal_host(value: str) -> str:
    """A Host header or host name without its port, brackets or trailing dot, lower case:
    'LocalHost:8000' -> 'localhost', '[::1]:8000' -> '::1'."""
    value = value.strip().lower()
    if value.startswith("["):  # IPv6 literal, maybe with a port after the bracket
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> list[str]:
    """The names a server bound to ``bound`` answers for: that address, the loopback names,
    and ``extra`` (``--allow-host``)."""
    return [bound, *LOOPBACK, *extra]


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value
    return None
