"""Client authentication as a server interceptor: bearer tokens on every RPC
but health checks, which probes make without credentials."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import grpc.aio

from bridge.security import TokenAuthenticator
from bridge.telemetry.scope import set_caller

__all__ = ["BearerAuthInterceptor"]

_OPEN_PREFIXES = ("/grpc.health.v1.Health/",)
_DENIED = "missing or invalid bearer token in the authorization metadata"


async def _deny_unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
    await context.abort(grpc.StatusCode.UNAUTHENTICATED, _DENIED)


async def _deny_stream(
    request: Any, context: grpc.aio.ServicerContext[Any, Any]
) -> AsyncIterator[Any]:
    await context.abort(grpc.StatusCode.UNAUTHENTICATED, _DENIED)
    yield  # pragma: no cover - unreachable; makes this an async generator


class BearerAuthInterceptor(grpc.aio.ServerInterceptor):
    """Rejects calls without a valid `authorization: Bearer <token>` header."""

    def __init__(self, authenticator: TokenAuthenticator) -> None:
        self._authenticator = authenticator

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(_OPEN_PREFIXES):
            return handler
        authorization = None
        for key, value in handler_call_details.invocation_metadata or ():
            if key == "authorization" and isinstance(value, str):
                authorization = value
                break
        client = self._authenticator.authenticate(authorization)
        if client is None:
            if handler.response_streaming:
                return grpc.unary_stream_rpc_method_handler(_deny_stream)
            return grpc.unary_unary_rpc_method_handler(_deny_unary)
        # The access log and spans name the authenticated client.
        set_caller(client)
        return handler
