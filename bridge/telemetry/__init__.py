"""The servicer's view of telemetry: one record per call.

The servicer starts a `CallRecord` when a call reaches the upstream, makes it
current while the upstream request runs (so HTTP spans nest under it), notes
each upstream it tries (`attempt`: with a routes file, a child span each), and
ends it exactly once with what it learned: the stream's state, the unary
reply's JSON, the failure, or the client's cancellation. `NoTelemetry` does
nothing and costs almost nothing; the real implementation lives beside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from bridge.errors import UpstreamError
from bridge.stream_state import StreamState

__all__ = ["AttemptRecord", "CallRecord", "NoTelemetry", "Telemetry", "UpstreamTag"]


@dataclass(frozen=True, slots=True)
class UpstreamTag:
    """An upstream as telemetry names it.

    Attributes:
        name: its name in the routes file (the `bridge.upstream` attribute and the
            access log's `upstream`); None for the one upstream of a bridge without
            a routes file, whose telemetry stays as it always was.
        address: server.address of its base URL.
        port: server.port of its base URL.
        provider: gen_ai.provider.name (None: the bridge's setting).
    """

    name: str | None
    address: str
    port: int
    provider: str | None = None

    @classmethod
    def of(cls, name: str | None, url: str, provider: str | None = None) -> UpstreamTag:
        """The tag of the upstream at base URL `url`."""
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = None
        default = 443 if parts.scheme == "https" else 80
        return cls(name, parts.hostname or "", port or default, provider)


class AttemptRecord(Protocol):
    """Telemetry of one upstream a call tries."""

    def activate(self) -> contextlib.AbstractContextManager[None]:
        """Make this attempt's span current while its upstream request runs."""
        ...

    def end(self, error: UpstreamError | None) -> None:
        """The attempt served the call (None), or failed with `error`."""
        ...


class CallRecord(Protocol):
    """Telemetry of one call."""

    def activate(self) -> contextlib.AbstractContextManager[None]:
        """Make this call's span current while the upstream request runs."""
        ...

    def attempt(self, upstream: UpstreamTag) -> AttemptRecord:
        """Start the record of one attempt at `upstream` (each upstream tried, in order)."""
        ...

    def end(
        self,
        *,
        state: StreamState | None = None,
        response: dict[str, Any] | None = None,
        error: UpstreamError | None = None,
        cancelled: bool = False,
    ) -> None:
        """Finish the call; called once, whatever way the call ends."""
        ...


class Telemetry(Protocol):
    """Creates call records."""

    def start_call(self, *, rpc: str, request: dict[str, Any] | None, stream: bool) -> CallRecord:
        """Start the record of one call of `rpc` with the upstream request body."""
        ...


class _NoAttempt:
    __slots__ = ()

    def activate(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def end(self, error: UpstreamError | None) -> None:
        return None


_NO_ATTEMPT = _NoAttempt()


class _NoRecord:
    __slots__ = ()

    @contextlib.contextmanager
    def activate(self) -> Iterator[None]:
        yield

    def attempt(self, upstream: UpstreamTag) -> AttemptRecord:
        return _NO_ATTEMPT

    def end(
        self,
        *,
        state: StreamState | None = None,
        response: dict[str, Any] | None = None,
        error: UpstreamError | None = None,
        cancelled: bool = False,
    ) -> None:
        return None


class NoTelemetry:
    """Telemetry that records nothing."""

    _RECORD = _NoRecord()

    def start_call(self, *, rpc: str, request: dict[str, Any] | None, stream: bool) -> CallRecord:
        return self._RECORD
