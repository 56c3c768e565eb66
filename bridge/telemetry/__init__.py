"""The servicer's view of telemetry: one record per call.

The servicer starts a `CallRecord` when a call reaches the upstream, makes it
current while the upstream request runs (so HTTP spans nest under it), and
ends it exactly once with what it learned: the stream's state, the unary
reply's JSON, the failure, or the client's cancellation. `NoTelemetry` does
nothing and costs almost nothing; the real implementation lives beside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Protocol

from bridge.errors import UpstreamError
from bridge.stream_state import StreamState

__all__ = ["CallRecord", "NoTelemetry", "Telemetry"]


class CallRecord(Protocol):
    """Telemetry of one call."""

    def activate(self) -> contextlib.AbstractContextManager[None]:
        """Make this call's span current while the upstream request runs."""
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


class _NoRecord:
    __slots__ = ()

    @contextlib.contextmanager
    def activate(self) -> Iterator[None]:
        yield

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
