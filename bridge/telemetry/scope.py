"""What one RPC has learned so far, shared by the interceptor and the call record.

The interceptor opens a `RpcScope` per RPC and makes it current (a context
variable: each grpc.aio RPC runs in its own task, so it is private to that
RPC); the servicer's `CallRecord` fills in model, usage and timings when it
ends; the interceptor reads it all back for the access log. An authentication
interceptor (or anything else that runs inside the RPC) names the caller with
`set_caller`; the servicer names the conversation an RPC acts on with
`set_conversation`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

import grpc
from opentelemetry.trace import Span

__all__ = [
    "RpcScope",
    "current_scope",
    "enter_scope",
    "leave_scope",
    "pending_caller",
    "set_caller",
    "set_conversation",
]


class RpcScope:
    """One RPC's facts, for its spans, metrics and access log line."""

    __slots__ = (
        "attempts",
        "cached_tokens",
        "caller",
        "closed",
        "code",
        "conversation_id",
        "events",
        "finish",
        "first_event_ms",
        "genai_error",
        "input_tokens",
        "messages_sent",
        "method",
        "model",
        "output_tokens",
        "peer",
        "reasoning_tokens",
        "records",
        "request_id",
        "response_id",
        "response_model",
        "responses",
        "rpc",
        "service",
        "span",
        "started",
        "stream",
        "upstream",
    )

    def __init__(
        self,
        *,
        service: str,
        rpc: str,
        stream: bool,
        started: float,
        peer: str,
        caller: str | None,
        span: Span | None,
    ) -> None:
        self.service = service
        self.rpc = rpc
        self.method = f"/{service}/{rpc}"
        self.stream = stream
        self.started = started
        self.peer = peer
        self.caller = caller
        self.span = span
        # Set by the context wrapper: the status the handler chose, the
        # upstream's x-request-id, how many messages went to the client.
        self.code: grpc.StatusCode | None = None
        self.request_id: str | None = None
        self.messages_sent = 0
        # Set by the call record when the upstream exchange ends.
        self.model: str | None = None
        self.response_model: str | None = None
        self.response_id: str | None = None
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None
        self.cached_tokens: int | None = None
        self.reasoning_tokens: int | None = None
        self.first_event_ms: float | None = None
        self.events: int | None = None
        self.genai_error: str | None = None
        # With a routes file: the upstream that served (or failed) the call, and
        # each upstream tried, "name: outcome".
        self.upstream: str | None = None
        self.attempts: list[str] | None = None
        # The conversation the RPC acts on: its path's, the create request's,
        # or the one the reply names.
        self.conversation_id: str | None = None
        # A session's: how many responses it served (their tokens are summed).
        self.responses: int | None = None
        # Call records started and not yet ended, and the interceptor's
        # deferred finish (span end, metrics, access line) waiting for them.
        self.records = 0
        self.finish: Callable[[], None] | None = None
        self.closed = False

    def flush(self) -> None:
        """Run the deferred finish, if one waits (once)."""
        finish, self.finish = self.finish, None
        if finish is not None:
            finish()

    def record_ended(self) -> None:
        """A call record ended: finish the RPC if it already ended and waits for none."""
        self.records -= 1
        if self.records <= 0:
            self.flush()


_CURRENT: ContextVar[RpcScope | None] = ContextVar("bridge_rpc_scope", default=None)
# A caller named before the scope opens (by an interceptor's intercept_service,
# which runs in the RPC's task before any handler).
_CALLER: ContextVar[str | None] = ContextVar("bridge_rpc_caller", default=None)


def enter_scope(scope: RpcScope) -> None:
    """Make `scope` the current RPC's in this task (the edge, as the RPC starts)."""
    _CURRENT.set(scope)


def leave_scope() -> None:
    """No RPC is current in this task any more (the edge, as the RPC ends)."""
    _CURRENT.set(None)


def current_scope() -> RpcScope | None:
    """The scope of the RPC running in this task, if the interceptor opened one."""
    return _CURRENT.get()


def set_caller(name: str) -> None:
    """Name the authenticated caller of the current RPC (for the access log).

    Meant for an authentication interceptor (from its intercept_service or
    its handler) or the handler itself; it wins over the metadata key
    configured with BRIDGE_ACCESS_LOG_CALLER_KEY.
    """
    scope = _CURRENT.get()
    if scope is not None:
        scope.caller = name
    else:
        _CALLER.set(name)


def set_conversation(conversation_id: str) -> None:
    """Name the conversation the current RPC acts on (gen_ai.conversation.id of its
    GenAI span, and the access log), when the request's JSON body does not say it:
    the servicer, for a conversation named by the call's path."""
    scope = _CURRENT.get()
    if scope is not None:
        scope.conversation_id = conversation_id


def pending_caller() -> str | None:
    """The caller named in this RPC's task before its scope opened."""
    return _CALLER.get()
