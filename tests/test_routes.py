"""Every RPC's upstream call comes from its `upstream` option, filled from the request."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.codec.mapping import ContractError
from bridge.routes import ROUTES, FieldError, Route, read_routes
from rbridge.responses.v1 import conversations_pb2
from rbridge.responses.v1 import responses_service_pb2 as service
from tests.proto_cases import compile_messages

SERVICE = service.DESCRIPTOR.services_by_name["ResponsesService"]


def test_every_rpc_has_a_route() -> None:
    """The route table covers the service, each route as its RPC's option declares it."""
    assert set(ROUTES) == {method.name for method in SERVICE.methods}
    table = {
        (route.rpc, route.method, route.path, route.body, route.stream) for route in ROUTES.values()
    }
    assert table == {
        ("CreateResponse", "POST", "/responses", True, False),
        ("StreamCreateResponse", "POST", "/responses", True, True),
        ("GetResponse", "GET", "/responses/{response_id}", False, False),
        ("StreamGetResponse", "GET", "/responses/{response_id}", False, True),
        ("StreamCreateResponseBatched", "POST", "/responses", True, True),
        ("StreamGetResponseBatched", "GET", "/responses/{response_id}", False, True),
        ("DeleteResponse", "DELETE", "/responses/{response_id}", False, False),
        ("CancelResponse", "POST", "/responses/{response_id}/cancel", False, False),
        ("ListInputItems", "GET", "/responses/{response_id}/input_items", False, False),
        ("CountInputTokens", "POST", "/responses/input_tokens", True, False),
        ("CompactResponse", "POST", "/responses/compact", True, False),
        ("CreateConversation", "POST", "/conversations", True, False),
        ("GetConversation", "GET", "/conversations/{conversation_id}", False, False),
        ("UpdateConversation", "POST", "/conversations/{conversation_id}", True, False),
        ("DeleteConversation", "DELETE", "/conversations/{conversation_id}", False, False),
        ("ListConversationItems", "GET", "/conversations/{conversation_id}/items", False, False),
        ("CreateConversationItems", "POST", "/conversations/{conversation_id}/items", True, False),
        (
            "GetConversationItem",
            "GET",
            "/conversations/{conversation_id}/items/{item_id}",
            False,
            False,
        ),
        (
            "DeleteConversationItem",
            "DELETE",
            "/conversations/{conversation_id}/items/{item_id}",
            False,
            False,
        ),
        ("Session", "GET", "/responses", False, False),
    }
    assert {rpc for rpc, route in ROUTES.items() if route.websocket} == {"Session"}
    for method in SERVICE.methods:
        route = ROUTES[method.name]
        assert route.stream == (method.server_streaming and not route.websocket)
        assert route.request_type.DESCRIPTOR is method.input_type
        assert route.reply_type.DESCRIPTOR is method.output_type
        assert route.idempotent == (route.method in ("GET", "DELETE"))


def test_a_path_field_is_quoted_whole_and_left_out_of_the_query() -> None:
    """{response_id} takes the id percent-encoded; the other fields are the query."""
    request = service.ListInputItemsRequest(
        response_id="resp_1:a~b", limit=5, include=["a", "b"], order="asc"
    )
    request.extra_fields["beta"].bool_value = True
    target = ROUTES["ListInputItems"].target(request)
    assert target.path == "/responses/resp_1%3Aa~b/input_items"
    assert target.params == {
        "limit": "5",
        "order": "asc",
        "include[]": ["a", "b"],
        "beta": "true",
    }
    assert target.body is None


def test_conversation_routes_fill_both_ids_and_keep_include_in_the_query() -> None:
    """Two path fields fill their segments; a body's `query` field goes to the query."""
    item = conversations_pb2.GetConversationItemRequest(
        conversation_id="conv_1", item_id="msg:2", include=["a"]
    )
    target = ROUTES["GetConversationItem"].target(item)
    assert (target.path, target.params, target.body) == (
        "/conversations/conv_1/items/msg%3A2",
        {"include[]": ["a"]},
        None,
    )
    # The ids as sent, by field, for whoever routes the call by them.
    assert target.ids == {"conversation_id": "conv_1", "item_id": "msg:2"}
    added = conversations_pb2.CreateConversationItemsRequest(
        conversation_id="conv_1", include=["b"]
    )
    target = ROUTES["CreateConversationItems"].target(added)
    assert (target.path, target.params, target.body) == (
        "/conversations/conv_1/items",
        {"include[]": ["b"]},
        {"items": []},
    )
    update = conversations_pb2.UpdateConversationRequest(conversation_id="conv_1")
    assert ROUTES["UpdateConversation"].target(update).body == {"metadata": {}}
    assert (
        ROUTES["CreateConversation"].target(conversations_pb2.CreateConversationRequest()).body
        == {}
    )


@pytest.mark.parametrize("response_id", ["..", ".", "a/b", "%2F", "a?b", "a#b", "a b", "a\nb", "é"])
def test_an_id_that_is_not_one_segment_is_refused(response_id: str) -> None:
    """An id that would name another path, or is not printable ASCII, is refused by name."""
    request = service.DeleteResponseRequest(response_id=response_id)
    with pytest.raises(FieldError) as failure:
        ROUTES["DeleteResponse"].target(request)
    assert failure.value.field == "response_id"


@pytest.mark.parametrize(
    "rpc",
    ["GetResponse", "StreamGetResponse", "DeleteResponse", "CancelResponse", "ListInputItems"],
)
def test_an_empty_path_field_is_named(rpc: str) -> None:
    """A route whose path field is empty raises FieldError naming it and the path."""
    route = ROUTES[rpc]
    with pytest.raises(FieldError) as failure:
        route.target(route.request_type())
    assert failure.value.field == "response_id"
    assert route.path in failure.value.why


@pytest.mark.parametrize(("rpc", "stream"), [("GetResponse", None), ("StreamGetResponse", "true")])
def test_the_route_sets_stream_in_the_query(rpc: str, stream: str | None) -> None:
    """A query's `stream` is the route's: "true" when streaming, absent otherwise."""
    request = service.GetResponseRequest(response_id="r", stream=True, starting_after=3)
    params = ROUTES[rpc].target(request).params
    assert params.get("stream") == stream
    assert params["starting_after"] == "3"


@pytest.mark.parametrize(
    ("rpc", "stream"), [("CreateResponse", False), ("StreamCreateResponse", True)]
)
def test_the_route_sets_stream_in_the_body(rpc: str, stream: bool) -> None:
    """A body's `stream` is the route's, whatever the client sent; the whole request is the body."""
    request = service.CreateResponseRequest(model="m", stream=not stream)
    request.input.text = "hi"
    target = ROUTES[rpc].target(request)
    assert (target.path, target.params) == ("/responses", {})
    assert target.body == {"model": "m", "input": "hi", "stream": stream}


def test_a_body_route_can_send_some_fields_in_the_query() -> None:
    """With `query`, those fields leave the body for the query; path fields leave both."""
    route = Route(
        rpc="AddItems",
        method="POST",
        path="/things/{response_id}/items",
        path_fields=("response_id",),
        body=True,
        query=("include",),
        stream=False,
        idempotent=False,
        request_type=service.ListInputItemsRequest,
        reply_type=service.ListInputItemsResponse,
    )
    request = service.ListInputItemsRequest(response_id="t_1", include=["x"], after="i_1")
    target = route.target(request)
    assert target.path == "/things/t_1/items"
    assert target.params == {"include[]": ["x"]}
    assert target.body == {"after": "i_1"}


SERVICE_CASE = """
message Req {
  optional string name = 1;
  optional int32 count = 2;
  repeated string tags = 3;
  map<string, google.protobuf.Value> extra_fields = 1001
      [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_EXTRA_FIELDS];
}
service S {
  rpc M(Req) returns (%s B) {
    option (rbridge.responses.v1.upstream) = {%s};
  }
}
"""


@pytest.mark.parametrize(
    ("streaming", "option", "error"),
    [
        ("", 'method: "get", path: "/x"', r"'get' is not an HTTP method"),
        ("", 'method: "GET", path: "x"', r"does not start with /"),
        ("", 'method: "GET", path: "/x/{count}"', r"\{count\} in '/x/\{count\}' is not a string"),
        ("", 'method: "GET", path: "/x/{nope}"', r"\{nope\} .* is not a string field of Req"),
        ("", 'method: "GET", path: "/x/a{name}"', r"is not a whole segment"),
        (
            "",
            'method: "GET", path: "/x", query: "tags"',
            r"`query` lists fields only beside a body",
        ),
        ("", 'method: "POST", path: "/x/{name}", body: true, query: "name"', r"not a free field"),
        ("", 'method: "POST", path: "/x", stream: true', r"the RPC is not server-streaming"),
        (
            "stream",
            'method: "POST", path: "/x"',
            r"upstream stream is False, but the RPC is server",
        ),
    ],
)
def test_a_wrong_route_is_refused_naming_the_rpc(
    streaming: str, option: str, error: str, tmp_path: Path
) -> None:
    """read_routes refuses an option that does not fit its RPC, naming the RPC."""
    pool = compile_messages(SERVICE_CASE % (streaming, option), tmp_path)
    with pytest.raises(ContractError, match=rf"S\.M: (.* )?{error}"):
        read_routes(pool.FindServiceByName("test.v1.S"))


def test_an_rpc_without_a_route_is_refused(tmp_path: Path) -> None:
    """An RPC without the upstream option stops the table from being built."""
    source = "message Req {} service S { rpc M(Req) returns (B); }"
    pool = compile_messages(source, tmp_path)
    with pytest.raises(ContractError, match=r"S\.M: every RPC needs its upstream option"):
        read_routes(pool.FindServiceByName("test.v1.S"))


def test_a_new_rpc_needs_only_its_option(tmp_path: Path) -> None:
    """An annotated RPC of any service gets its route; the servicer method is all that is left."""
    pool = compile_messages(
        SERVICE_CASE % ("", 'method: "DELETE", path: "/things/{name}"'), tmp_path
    )
    route = read_routes(pool.FindServiceByName("test.v1.S"))["M"]
    request = route.request_type(name="a", count=2, tags=["t"])
    target = route.target(request)
    assert (route.method, route.idempotent) == ("DELETE", True)
    assert (target.path, target.params, target.body) == (
        "/things/a",
        {"count": "2", "tags[]": ["t"]},
        None,
    )
    assert route.reply_type.DESCRIPTOR.full_name == "test.v1.B"


def test_a_query_string_too_long_for_an_upstream_is_refused() -> None:
    """A query string past MAX_QUERY_BYTES is refused naming the parameter that made it."""
    from bridge.routes import MAX_QUERY_BYTES

    request = service.GetResponseRequest(response_id="resp_1", include=["a" * MAX_QUERY_BYTES])
    with pytest.raises(FieldError) as failure:
        ROUTES["GetResponse"].target(request)
    assert failure.value.field == "include"


def test_a_route_builds_its_own_request_message_for_calls_the_bridge_makes() -> None:
    """A call the bridge makes itself (a background cancel) gets its request type's message."""
    route = ROUTES["CancelResponse"]
    request = route.request(response_id="resp_1")
    assert type(request) is route.request_type
    assert route.target(request).path == "/responses/resp_1/cancel"
