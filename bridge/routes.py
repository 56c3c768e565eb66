"""The upstream HTTP call of every RPC, from the contract's `upstream` options.

Each RPC of ResponsesService declares its call in the proto, e.g.
`option (upstream) = {method: "GET", path: "/responses/{response_id}"}`.
`ROUTES` reads those options once, at import, checks them against the
service (an error names the RPC and says what to fix), and turns a request
message into the call's path, query parameters and JSON body.

Pure: no I/O, no gRPC, no HTTP client; the servicer makes the call.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from google.protobuf.descriptor import FieldDescriptor, MethodDescriptor, ServiceDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

from bridge import codec
from bridge.codec.mapping import ContractError
from bridge.validation import check_path_segment
from rbridge.responses.v1 import options_pb2, responses_service_pb2

__all__ = [
    "MAX_QUERY_BYTES",
    "ROUTES",
    "FieldError",
    "Route",
    "Target",
    "fill_path",
    "read_routes",
]

# The longest query string a call sends; web servers refuse longer request lines.
MAX_QUERY_BYTES = 8192
# The request field through which the upstream is told to stream.
STREAM_FIELD = "stream"
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_METHOD = re.compile(r"[A-Z]+")
_PLACEHOLDER = re.compile(r"\{([^{}/]*)\}")
# Typed Any: the generated stubs type extensions as plain field descriptors.
_UPSTREAM: Any = options_pb2.upstream

Params = dict[str, str | list[str]]


class FieldError(ValueError):
    """A request field the call's path needs is empty, or not one plain path segment."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field
        self.why = why


@dataclass(slots=True)
class Target:
    """What one call sends: its path, query parameters and JSON body (None: no body),
    and the values of the request fields its path names (`ids`, by field name)."""

    path: str
    params: Params
    body: dict[str, Any] | None
    ids: dict[str, str] = dataclasses.field(default_factory=dict)

    def take_body(self) -> dict[str, Any] | None:
        """The body, which this target then no longer holds (a large one is then
        freed as soon as its taker is done with it)."""
        body, self.body = self.body, None
        return body


@dataclass(frozen=True, slots=True)
class Route:
    """The upstream call of one RPC.

    Attributes:
        rpc: the RPC's name, e.g. "GetResponse".
        method: the HTTP method.
        path: the path template, e.g. "/responses/{response_id}/cancel".
        path_fields: the request fields that fill the template, in order.
        body: whether the request's other fields are a JSON body.
        query: with a body, the fields sent as query parameters instead;
            without one, every field not in the path is.
        stream: whether the upstream answers with Server-Sent Events (the RPC
            is then server-streaming).
        idempotent: whether the method is (GET, DELETE, ...): the call may be
            retried, and needs no Idempotency-Key.
        request_type: the RPC's request message class.
        reply_type: the RPC's reply message class (one event, when streaming).
        websocket: whether the upstream speaks the WebSocket mode at `path` (the
            RPC is then bidirectional: one message per client or server event).
    """

    rpc: str
    method: str
    path: str
    path_fields: tuple[str, ...]
    body: bool
    query: tuple[str, ...]
    stream: bool
    idempotent: bool
    request_type: type[Message]
    reply_type: type[Message]
    websocket: bool = False

    def request(self, **fields: Any) -> Message:
        """A request message of this RPC with `fields` set (a call the bridge makes itself)."""
        return self.request_type(**fields)

    def target(self, request: Message) -> Target:
        """The path, query and body of the call for `request`.

        A request field named `stream` is the route's to set: in a body always,
        in a query only when streaming; a value the client sent is ignored.

        Raises:
            FieldError: a field of the path is empty or not one plain segment.
        """
        path = fill_path(self, request)
        ids = {name: getattr(request, name) for name in self.path_fields}
        data: dict[str, Any] = codec.to_json(request)
        for name in self.path_fields:
            data.pop(name, None)
        has_stream = STREAM_FIELD in request.DESCRIPTOR.fields_by_name
        if self.body:
            params = _query({name: data.pop(name) for name in self.query if name in data})
            if has_stream:
                data[STREAM_FIELD] = self.stream
            return Target(path, _bounded(params), data, ids)
        params = _query(data)
        if has_stream:
            params.pop(STREAM_FIELD, None)
            if self.stream:
                params[STREAM_FIELD] = "true"
        return Target(path, _bounded(params), None, ids)


def fill_path(route: Route, request: Message) -> str:
    """The route's path with each `{field}` replaced by the request's value.

    Each value is percent-encoded whole (no character is safe, "/" included),
    so a value can never reach another path of the upstream.

    Raises:
        FieldError: a field of the path is empty, or not one plain segment
            (".", "..", "/", "?", "#", "%", spaces, controls, non-ASCII).
    """
    path = route.path
    for name in route.path_fields:
        value = getattr(request, name)
        if not value:
            raise FieldError(name, f"required: it fills {{{name}}} in {route.method} {path}")
        for field, why in check_path_segment(name, value):
            raise FieldError(field, why)
        path = path.replace(f"{{{name}}}", quote(value, safe=""), 1)
    return path


def _query(data: dict[str, Any]) -> Params:
    """Query parameters from JSON data: arrays as repeated `key[]`, nulls left out."""
    params: Params = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list):
            params[f"{key}[]"] = [_query_value(item) for item in value]
        else:
            params[key] = _query_value(value)
    return params


def _bounded(params: Params) -> Params:
    """`params`, unless their query string would pass `MAX_QUERY_BYTES`.

    Raises:
        FieldError: naming the parameter with the longest value.
    """
    if params and len(urlencode(params, doseq=True)) > MAX_QUERY_BYTES:
        longest = max(params, key=lambda name: len(urlencode({name: params[name]}, doseq=True)))
        raise FieldError(
            longest.removesuffix("[]"),
            f"the query string would pass {MAX_QUERY_BYTES} bytes, more than an upstream reads",
        )
    return params


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _route(method: MethodDescriptor) -> Route:
    where = f"{method.containing_service.name}.{method.name}"
    options = method.GetOptions()
    if not options.HasExtension(_UPSTREAM):
        raise ContractError(
            f"{where}: every RPC needs its upstream option, e.g. "
            'option (upstream) = {method: "GET", path: "/responses/{response_id}"}'
        )
    option = options.Extensions[_UPSTREAM]
    request = method.input_type
    fields = request.fields_by_name
    if not _METHOD.fullmatch(option.method):
        raise ContractError(f"{where}: upstream method {option.method!r} is not an HTTP method")
    if not option.path.startswith("/"):
        raise ContractError(f"{where}: upstream path {option.path!r} does not start with /")
    path_fields = tuple(_PLACEHOLDER.findall(option.path))
    for name in path_fields:
        fd = fields.get(name)
        if fd is None or fd.type != FieldDescriptor.TYPE_STRING or fd.is_repeated:
            raise ContractError(
                f"{where}: {{{name}}} in {option.path!r} is not a string field of {request.name}"
            )
    segments = option.path.split("/")
    if any("{" in segment and not _PLACEHOLDER.fullmatch(segment) for segment in segments):
        raise ContractError(f"{where}: a placeholder in {option.path!r} is not a whole segment")
    if len(set(path_fields)) != len(path_fields):
        raise ContractError(f"{where}: a field fills {option.path!r} twice")
    if option.query and not option.body:
        raise ContractError(f"{where}: `query` lists fields only beside a body")
    for name in option.query:
        if name not in fields or name in path_fields:
            raise ContractError(
                f"{where}: query field {name!r} is not a free field of {request.name}"
            )
    if option.websocket:
        if not (method.client_streaming and method.server_streaming) or option.stream:
            raise ContractError(
                f"{where}: a websocket route serves a bidirectional RPC, without `stream` "
                "(which means Server-Sent Events)"
            )
        if option.body or option.query or path_fields:
            raise ContractError(f"{where}: a websocket route has no body, query nor path fields")
    elif method.client_streaming:
        raise ContractError(f"{where}: only a websocket route serves a client-streaming RPC")
    elif option.stream != method.server_streaming:
        raise ContractError(
            f"{where}: upstream stream is {option.stream}, but the RPC is "
            f"{'' if method.server_streaming else 'not '}server-streaming"
        )
    return Route(
        rpc=method.name,
        method=option.method,
        path=option.path,
        path_fields=path_fields,
        body=option.body,
        query=tuple(option.query),
        stream=option.stream,
        idempotent=option.method in _IDEMPOTENT,
        request_type=GetMessageClass(request),
        reply_type=GetMessageClass(method.output_type),
        websocket=option.websocket,
    )


def read_routes(service: ServiceDescriptor) -> dict[str, Route]:
    """The route of every RPC of `service`, by RPC name.

    Raises:
        ContractError: an RPC lacks its upstream option, or the option does not
            fit the RPC (see options.proto, UpstreamRoute).
    """
    return {method.name: _route(method) for method in service.methods}


#: RPC name -> its upstream call, for every RPC of ResponsesService.
ROUTES: dict[str, Route] = read_routes(
    responses_service_pb2.DESCRIPTOR.services_by_name["ResponsesService"]
)
