"""Everything one upstream needs, as one immutable object.

The server builds one `UpstreamOptions` per upstream from its own settings;
nothing in `bridge.upstream` reads the server's configuration.
"""

from __future__ import annotations

from collections.abc import MutableSequence
from dataclasses import dataclass, field
from typing import Protocol

from bridge.upstream.profiles import OPENAI, Profile

__all__ = ["WIRES", "RequestHooks", "UpstreamOptions", "wire_problem"]

#: The HTTP clients an upstream's requests can go over (`UpstreamOptions.wire`):
#: "http1" (asyncio and llhttp, `bridge.upstream.http1`), "aiohttp" (aiohttp's client),
#: "httpx" (httpx's, HTTP/2 where offered), or "auto": httpx for HTTP/2, aiohttp through
#: a proxy, else http1.
WIRES = ("auto", "http1", "aiohttp", "httpx")


def wire_problem(wire: str, *, http2: bool, proxy: bool) -> str | None:
    """Why `wire` cannot carry an upstream's requests with these settings, or None."""
    if wire not in WIRES:
        return f"one of {', '.join(WIRES)}; got {wire!r}"
    if http2 and wire in ("http1", "aiohttp"):
        return f"the {wire} wire speaks HTTP/1.1 only: HTTP/2 goes over httpx (or auto)"
    if proxy and wire == "http1":
        return "the http1 wire sends through no proxy: use aiohttp, httpx or auto"
    return None


class RequestHooks(Protocol):
    """What the server hooks around each HTTP request (telemetry: a span, trace headers).

    The upstream side knows nothing of OpenTelemetry; the server gives it these.
    """

    def started(self, method: str, url: str, headers: MutableSequence[tuple[str, str]]) -> object:
        """A request is about to be sent; may add headers. Returns a token for `ended`."""
        ...

    def ended(self, token: object, status: int | None, error: BaseException | None) -> None:
        """Its response head arrived (`status`), or the attempt failed (`error`)."""
        ...

    def retried(self) -> None:
        """A failed attempt is retried."""
        ...

    def budget_exhausted(self) -> None:
        """A failed attempt is not retried: the retry budget is spent."""
        ...


@dataclass(frozen=True)
class UpstreamOptions:
    """How to reach one upstream and how to behave towards it.

    Attributes:
        base_url: the Responses API base URL, e.g. "https://api.openai.com/v1".
        name: what logs and telemetry call this upstream.
        profile: how the upstream differs from OpenAI's API.
        api_key: the fixed API key, if any.
        api_key_file: a file holding the key, re-read when rotated ("" for none).
        api_key_file_setting: what the key file is called in error messages.
        caller_key_header: the metadata key of a caller's own key; None: callers
            cannot bring their own key to this upstream.
        forward_headers: metadata keys sent upstream as headers.
        headers: headers sent with every request (name, value), besides the key.
        header_files: headers whose value is a file's content (name, path),
            re-read when rotated; the values are registered as secrets.
        connect_timeout: seconds to connect (and to write the request).
        first_event_timeout: seconds from a stream's request to its first event.
        read_timeout: seconds a body may go without a byte.
        max_retries: retries of a call before anything reached the client.
        retry_budget_percent: retries allowed, as a share of the last 10 s of calls.
        max_connections: the connection pool's size (0: unbounded).
        http2: use HTTP/2 where offered, over httpx's own transport.
        ca_bundle: a CA bundle file to verify the upstream with ("" for the system's).
        proxy: an outbound proxy URL, credentials allowed.
        wire: the HTTP client of its requests, one of `WIRES` (see `wire_problem`).
        max_body_bytes: the largest reply body, stream event or line held.
    """

    base_url: str
    name: str = "default"
    profile: Profile = OPENAI
    api_key: str | None = field(default=None, repr=False)
    api_key_file: str = ""
    api_key_file_setting: str = "BRIDGE_UPSTREAM_API_KEY_FILE"
    caller_key_header: str | None = None
    forward_headers: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    header_files: tuple[tuple[str, str], ...] = ()
    connect_timeout: float = 10.0
    first_event_timeout: float = 300.0
    read_timeout: float = 300.0
    max_retries: int = 2
    retry_budget_percent: float = 20.0
    max_connections: int = 1000
    http2: bool = False
    ca_bundle: str = ""
    proxy: str | None = field(default=None, repr=False)
    wire: str = "auto"
    max_body_bytes: int = 64 * 1024 * 1024

    @property
    def chosen_wire(self) -> str:
        """The wire that carries the requests: `wire`, or what "auto" picks."""
        if self.wire != "auto":
            return self.wire
        if self.http2:
            return "httpx"
        return "aiohttp" if self.proxy is not None else "http1"
