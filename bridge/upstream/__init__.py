"""The upstream side: calls of one OpenAI-compatible Responses API.

One `UpstreamClient` per upstream, configured by its own `UpstreamOptions`
(the server builds them from its settings): the HTTP client and its
transports, the retry policy and budget, the provider's profile and the API
key sources. Nothing here imports the server's configuration, the gRPC side
or its interceptors; telemetry is hooked in by the server (`RequestHooks`).
Dependencies run one way: the gRPC side -> the pure core <- this package.
"""

from bridge.upstream.client import UpstreamCall, UpstreamClient
from bridge.upstream.credentials import ApiKeySource, InvalidCallerKey
from bridge.upstream.failure import UpstreamFailure
from bridge.upstream.options import RequestHooks, UpstreamOptions
from bridge.upstream.profiles import BUILTIN, OPENAI, Profile, ending_with, load_profile
from bridge.upstream.reply import UpstreamReply
from bridge.upstream.retry import AttemptBudget, RetryBudget, RetryPolicy, parse_retry_after
from bridge.upstream.websocket import UpstreamSocket, WebSocketRefused

__all__ = [
    "BUILTIN",
    "OPENAI",
    "ApiKeySource",
    "AttemptBudget",
    "InvalidCallerKey",
    "Profile",
    "RequestHooks",
    "RetryBudget",
    "RetryPolicy",
    "UpstreamCall",
    "UpstreamClient",
    "UpstreamFailure",
    "UpstreamOptions",
    "UpstreamReply",
    "UpstreamSocket",
    "WebSocketRefused",
    "ending_with",
    "load_profile",
    "parse_retry_after",
]
