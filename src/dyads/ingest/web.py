"""Fetching a URL without trusting the network (``dyads watch``'s feeds and pages).

* **One deadline per fetch.** A socket's timeout bounds each wait for data, not their
  sum: a server that sends a byte every half second would hold a fetch for ever. The
  deadline covers every redirect, the headers and the body; a watchdog shuts the
  connection down when it passes, whatever the reader is waiting for.
* **Public addresses only** unless allowed: the host is resolved here, every address
  it resolves to is checked (loopback, private, link-local, reserved, multicast,
  unspecified are refused), and the connection goes to the checked addresses, so a
  second lookup cannot swap in another one. Each redirect hop is checked again.
* **Redirects** are followed here: at most ``MAX_REDIRECTS``, and only to http(s).
* **A size cap**: a declared ``Content-Length`` over it is refused unread; a body that
  grows past it is cut off.
* **Conditional GET**: the ETag and Last-Modified a server sent are sent back; its 304
  means the resource has not changed.

Every failure is an ``InputError`` with a one-line reason: kind ``fetch`` (time-out,
HTTP error, connection), ``too large``, or ``refused`` (what dyads will not fetch).
"""
from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from dyads.errors import InputError

USER_AGENT = "dyads/0.1 (political event coder)"
MAX_RESPONSE_BYTES = 10_000_000  # a feed or a news page is far smaller; more is a mistake or an attack
MAX_REDIRECTS = 5
WEB_SCHEMES = ("http", "https")
CHUNK = 65536
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_PATH_SAFE = "/%;:@&=+$,!~*'()[]?#"  # characters a URL path may carry as they are; the rest is percent-encoded
# ipaddress's tests, most telling first: a loopback, link-local or reserved address is also "private".
_NOT_PUBLIC = (("is_unspecified", "an unspecified"), ("is_loopback", "a loopback"), ("is_link_local", "a link-local"),
               ("is_multicast", "a multicast"), ("is_site_local", "a site-local"), ("is_reserved", "a reserved"),
               ("is_private", "a private"))


@dataclass(frozen=True)
class Validators:
    """What identifies the version of a resource a server sent (its ETag and Last-Modified);
    sent back as If-None-Match / If-Modified-Since, they let it answer 304 Not Modified."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def request_headers(self) -> dict[str, str]:
        headers = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in headers.items() if value}


@dataclass(frozen=True)
class AddressPolicy:
    """Which hosts may be fetched from: public addresses always; loopback, private and
    link-local ones only with ``allow_private``, or for a host named in ``allowed_hosts``."""

    allow_private: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    def trusts(self, host: str) -> bool:
        return self.allow_private or host_name(host) in self.allowed_hosts


PUBLIC_ONLY = AddressPolicy()


def host_name(host: str) -> str:
    """A host as URLs and users write it, compared: lower case, an IPv6 literal without brackets."""
    return host.strip().strip("[]").lower()


@dataclass
class Fetched:
    data: bytes
    url: str  # after redirects
    content_type: str
    charset: str | None
    validators: Validators = Validators()
    not_modified: bool = False  # a 304 answer to the validators sent: ``data`` is empty


def is_web_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in WEB_SCHEMES


def not_public(address: str) -> str | None:
    """What kind of non-public address this is ("a loopback", ...), or None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 address may name its interface: fe80::1%eth0
    ip = getattr(ip, "ipv4_mapped", None) or ip  # ::ffff:127.0.0.1 reaches 127.0.0.1
    for test, kind in _NOT_PUBLIC:
        if getattr(ip, test, False):
            return kind
    return None if ip.is_global else "a non-global"  # shared address space (100.64.0.0/10) and the like


class Deadline:
    """One fetch's time limit, over every redirect, the headers and the body."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._watchdogs: list[tuple[threading.Timer, socket.socket]] = []

    def remaining(self) -> float:
        """The seconds left; TimeoutError when there are none."""
        left = self.ends - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock``'s connection down when the deadline passes (a blocked read then returns)."""
        # A copy of the socket: TLS takes the original object over, the copy still names the connection.
        copy = sock.dup()
        timer = threading.Timer(self.remaining(), self._cut, [copy])
        timer.daemon = True
        self._watchdogs.append((timer, copy))
        timer.start()

    def _cut(self, copy: socket.socket) -> None:
        self.expired = True
        with contextlib.suppress(OSError):
            copy.shutdown(socket.SHUT_RDWR)

    def release(self) -> None:
        for timer, copy in self._watchdogs:
            timer.cancel()
            timer.join()  # a watchdog running now finishes before its socket copy is closed
            copy.close()
        self._watchdogs.clear()


class _CheckedHTTPConnection(http.client.HTTPConnection):
    """Connects to the addresses that were checked, within the fetch's deadline."""

    addresses: list[tuple[int, tuple]]
    deadline: Deadline

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.deadline)


class _CheckedHTTPSConnection(http.client.HTTPSConnection, _CheckedHTTPConnection):
    """HTTPS over ``_CheckedHTTPConnection.connect`` (certificates verified against the host name)."""


def fetch_url(url: str, timeout: float, max_bytes: int = MAX_RESPONSE_BYTES, *,
              policy: AddressPolicy = PUBLIC_ONLY, validators: Validators = Validators()) -> Fetched:
    """The body of an http(s) URL, fetched whole within ``timeout`` seconds; InputError otherwise."""
    deadline = Deadline(timeout)
    try:
        return _follow(url, deadline, max_bytes, policy, validators)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if deadline.expired or isinstance(exc, TimeoutError):
            raise InputError(f"timed out after {timeout:g} s", url, kind="fetch") from None
        raise InputError(f"cannot fetch: {_describe(exc)}", url, kind="fetch") from None
    finally:
        deadline.release()


def _follow(source: str, deadline: Deadline, max_bytes: int, policy: AddressPolicy,
            validators: Validators) -> Fetched:
    url = source
    for _ in range(MAX_REDIRECTS + 1):
        connection = _connection(url, source, deadline, policy)
        with contextlib.closing(connection):
            connection.request("GET", _request_target(url), headers=_headers(validators))
            response = connection.getresponse()
            if response.status not in _REDIRECT_STATUSES:
                return _fetched(response, url, source, deadline, max_bytes, validators)
            url = _redirect_target(url, response, source)
    raise InputError(f"more than {MAX_REDIRECTS} redirects", source, kind="fetch")


def _headers(validators: Validators) -> dict[str, str]:
    # identity: the size cap counts the bytes that arrive, and no decompression bomb can follow
    return {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close",
            **validators.request_headers()}


def _connection(url: str, source: str, deadline: Deadline, policy: AddressPolicy) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    if not parts.hostname:
        raise InputError("cannot fetch: the URL names no host", source, kind="fetch")
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    connection_type = _CheckedHTTPSConnection if https else _CheckedHTTPConnection
    connection = connection_type(parts.hostname, port, timeout=deadline.remaining())
    connection.addresses = _checked_addresses(parts.hostname, port, source, policy)
    connection.deadline = deadline
    return connection


def _checked_addresses(host: str, port: int, source: str, policy: AddressPolicy) -> list[tuple[int, tuple]]:
    """Every address ``host`` resolves to, as (family, socket address); refused if one is not public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve {host}: {exc.strerror}", source, kind="fetch") from None
    addresses = [(family, address) for family, _, _, _, address in found]
    if policy.trusts(host):
        return addresses
    for _, address in addresses:
        kind = not_public(address[0])
        if kind:
            named = host if host_name(host) == host_name(address[0]) else f"{host} ({address[0]})"
            raise InputError(f"refused: {named} is {kind} address (--allow-private fetches from such addresses)",
                             source, kind="refused")
    return addresses


def _connect(addresses: list[tuple[int, tuple]], deadline: Deadline) -> socket.socket:
    """A socket connected to the first address that answers, watched by the deadline."""
    failure: OSError = OSError("the host has no address")
    for family, address in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(deadline.remaining())
            sock.connect(address)
            deadline.watch(sock)
            return sock
        except OSError as exc:  # TimeoutError included
            sock.close()
            failure = exc
    raise failure


def _request_target(url: str) -> str:
    """The path and query to request, percent-encoded (feeds carry links with spaces and non-ASCII)."""
    parts = urlsplit(url)
    target = quote(parts.path or "/", safe=_PATH_SAFE)
    return f"{target}?{quote(parts.query, safe=_PATH_SAFE)}" if parts.query else target


def _redirect_target(url: str, response: http.client.HTTPResponse, source: str) -> str:
    location = response.getheader("Location")
    if not location:
        raise InputError(f"HTTP {response.status} redirect without a Location", source, kind="fetch")
    target = urljoin(url, location.strip())
    if not is_web_url(target):
        raise InputError(f"refused: redirected to {target[:200]} (only http and https are followed)",
                         source, kind="refused")
    return target


def _fetched(response: http.client.HTTPResponse, url: str, source: str, deadline: Deadline,
             max_bytes: int, validators: Validators) -> Fetched:
    headers = response.headers
    sent = Validators(headers.get("ETag"), headers.get("Last-Modified"))
    if response.status == 304 and validators:
        return Fetched(b"", url, "", None, Validators(sent.etag or validators.etag,
                                                      sent.last_modified or validators.last_modified), True)
    if not 200 <= response.status < 300:
        raise InputError(f"HTTP {response.status} {response.reason}".strip(), source, kind="fetch")
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(f"larger than {max_bytes:,} bytes (Content-Length {int(declared):,})", source, kind="too large")
    data = _read_body(response, deadline, max_bytes, source)
    return Fetched(data, url, headers.get_content_type(), headers.get_content_charset(), sent)


def _read_body(response: http.client.HTTPResponse, deadline: Deadline, max_bytes: int, source: str) -> bytes:
    chunks, size = [], 0
    while chunk := response.read1(CHUNK):  # read1: whatever has arrived, so the clock is checked as bytes drip in
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"larger than {max_bytes:,} bytes", source, kind="too large")
        deadline.remaining()
        chunks.append(chunk)
    if deadline.expired:  # the watchdog shut the connection: the end of the data is not the end of the body
        raise TimeoutError
    if response.length:  # the server closed before sending what its Content-Length promised
        raise InputError(f"cannot fetch: the response ended after {size:,} of {size + response.length:,} bytes",
                         source, kind="fetch")
    return b"".join(chunks)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")[:200]
