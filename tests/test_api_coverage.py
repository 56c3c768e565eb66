"""The contract types every entry of the Responses API inventory (tools/api_coverage.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from google.protobuf import descriptor_pool

from bridge.codec.mapping import BRIDGE_FIELDS, STREAM_EVENT, UNIONS
from rbridge.responses.v1 import stream_events_pb2
from tools import conversations_inventory, session_inventory

ROOT = Path(__file__).resolve().parent.parent


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "api_coverage", ROOT / "tools" / "api_coverage.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


coverage = _load_tool()
CATEGORIES: list[Any] = coverage.compute()


def test_the_inventory_copy_is_present() -> None:
    """The tool reads the project's own copy of the inventory, with its README of origin."""
    folder = ROOT / "tests" / "fixtures" / "inventory"
    assert (folder / "responses-api-inventory.json").is_file()
    assert "f85dbe223d40e1a31cba812ab2d755c7e98a92a3" in (folder / "README.md").read_text()


def test_every_category_is_measured() -> None:
    """The categories the inventory defines are all in the report."""
    names = {category.name for category in CATEGORIES}
    expected = {
        "create_request_fields",
        "create_request_fields_sdk_only",
        "response_object_fields",
        "response_object_fields_sdk_only",
        "input_item_types",
        "input_item_types_sdk_only",
        "output_item_types",
        "output_item_types_sdk_only",
        "item_resource_types",
        "content_part_types",
        "annotation_types",
        "tool_types",
        "tool_choice_variants",
        "text_format_variants",
        "stream_event_types",
        "stream_event_types_sdk_only",
        "include_values",
        "error_codes",
        "response_status_values",
        "endpoints",
        "conversation_endpoints",
        "conversation_schemas",
        "conversation_fields",
        "conversation_item_types",
        "session_client_events",
        "session_client_event_fields",
        "session_server_events",
        "session_server_event_fields",
    }
    assert expected <= names
    headline = {category.name: category.total for category in CATEGORIES}
    # The inventory's own counts: 28 output items, 18 tool type strings, 58 events, 7 endpoints.
    assert headline["output_item_types"] == 28
    assert headline["tool_types"] == 18
    assert headline["stream_event_types"] == 58
    assert headline["endpoints"] == 7
    # The conversations: 8 endpoints, 7 schemas (3 bodies, 4 replies), 15 parameters and 16
    # schema fields, 28 item types.
    assert headline["conversation_endpoints"] == 8
    assert headline["conversation_schemas"] == 7
    assert headline["conversation_fields"] == 31
    assert headline["conversation_item_types"] == 28
    # The WebSocket mode: one client event (the create: `stream_id` and 31 fields of the create
    # body), 58 server events (the 57 stream events and the WebSocket's own error), each with
    # `stream_id`, the error with `status` and its error object too.
    assert headline["session_client_events"] == 1
    assert headline["session_client_event_fields"] == 32
    assert headline["session_server_events"] == 58
    assert headline["session_server_event_fields"] == 60


@pytest.mark.parametrize("category", CATEGORIES, ids=lambda category: category.name)
def test_category_is_fully_typed(category: Any) -> None:
    """Every member of the category is typed (see the tool's docstring for what that means)."""
    assert not category.missing, f"{category.name}: not typed: {category.missing}"
    assert category.percent == 100.0


def test_a_gap_is_reported() -> None:
    """An inventory entry the contract lacks lowers its category and is listed."""
    inventory = coverage.load_inventory()
    inventory["stream_event_types"].append({"type": "response.teleport.done", "schema": "X"})
    inventory["include_values"].append("teleport.results")
    inventory["endpoints"].append({"method": "PATCH", "path": "/v1/responses/{response_id}"})
    found = {category.name: category for category in coverage.compute(inventory)}
    assert found["stream_event_types"].missing == ["response.teleport.done"]
    assert found["include_values"].missing == ["teleport.results"]
    assert found["endpoints"].missing == ["PATCH /v1/responses/{response_id}"]
    assert "below 100%" in coverage.report(list(found.values()))


def test_a_conversations_gap_is_reported() -> None:
    """A conversations endpoint, schema field or item type the contract lacks is listed, and
    so are the parameters and schemas of an endpoint no RPC serves."""
    inventory = coverage.load_inventory(coverage.CONVERSATIONS)
    inventory["endpoints"].append(
        {
            "method": "PATCH",
            "path": "/v1/conversations/{conversation_id}",
            "operation_id": "patchConversation",
            "path_params": [{"name": "conversation_id"}],
            "query_params": [],
            "body": "PatchConversationBody",
            "reply": "ConversationResource",
        }
    )
    inventory["schemas"]["PatchConversationBody"] = {
        "kind": "object",
        "fields": [{"name": "title"}],
    }
    inventory["schemas"]["ConversationResource"]["fields"].append({"name": "archived_at"})
    inventory["schemas"]["ConversationItem"]["variants"].append(
        {"schema": "Teleport", "type": "teleport_call"}
    )
    found = {
        category.name: category
        for category in coverage.compute(conversations=inventory)
        if category.name.startswith("conversation_")
    }
    assert found["conversation_endpoints"].missing == ["PATCH /v1/conversations/{conversation_id}"]
    assert found["conversation_schemas"].missing == [
        "ConversationResource",
        "PatchConversationBody",
    ]
    assert found["conversation_fields"].missing == [
        "patchConversation.conversation_id",
        *[f"ConversationResource.{field}" for field in ("id", "object", "metadata", "created_at")],
        "ConversationResource.archived_at",
        "PatchConversationBody.title",
    ]
    assert found["conversation_item_types"].missing == ["teleport_call"]


def test_a_session_gap_is_reported() -> None:
    """A WebSocket event type or WebSocket-only field the contract lacks is listed."""
    inventory = coverage.load_inventory(coverage.WEBSOCKET)
    inventory["client_events"][0]["fields"].append("priority_lane")
    inventory["client_events"].append({"type": "response.teleport", "fields": ["type"]})
    inventory["server_events"].append(
        {"type": "response.teleported", "fields": [], "websocket_fields": ["stream_id", "hops"]}
    )
    found = {
        category.name: category
        for category in coverage.compute(websocket=inventory)
        if category.name.startswith("session_")
    }
    assert found["session_client_events"].missing == ["response.teleport"]
    assert found["session_client_event_fields"].missing == ["response.create.priority_lane"]
    assert found["session_server_events"].missing == ["response.teleported"]
    assert found["session_server_event_fields"].missing == ["response.teleported.hops"]


def test_the_websocket_inventory_is_what_the_spec_gives() -> None:
    """The committed WebSocket inventory is the extraction of the shared spec, unchanged."""
    if not session_inventory.SPEC.is_file():
        pytest.skip(f"the shared spec is not at {session_inventory.SPEC}")
    expected = session_inventory.render(session_inventory.SPEC)
    assert session_inventory.OUT.read_text(encoding="utf-8") == expected


def test_the_websocket_inventory_agrees_with_the_shared_one() -> None:
    """Its server events are the stream events plus the WebSocket error, and its client events
    those of the SDK of the spec's date; the newer SDK's steer events are the ones left out."""
    shared = coverage.load_inventory()
    own = coverage.load_inventory(coverage.WEBSOCKET)
    streamed = {entry["type"] for entry in shared["stream_event_types"]}
    assert {entry["type"] for entry in own["server_events"]} == streamed
    mode = shared["websocket_mode"]
    assert [entry["type"] for entry in own["client_events"]] == mode["sdk_3_3_1_client_events"]
    newer = {entry["type"] for entry in mode["client_events"]} - set(
        mode["sdk_3_3_1_client_events"]
    )
    assert newer == {"response.steer"}


def test_the_conversations_inventory_is_what_the_spec_gives() -> None:
    """The committed conversations inventory is the extraction of the shared spec, unchanged."""
    spec = conversations_inventory.SPEC
    if not spec.is_file():
        pytest.skip(f"the shared spec is not at {spec}")
    expected = conversations_inventory.render(spec)
    assert conversations_inventory.OUT.read_text(encoding="utf-8") == expected


def test_the_conversations_inventory_agrees_with_the_shared_one() -> None:
    """Its endpoints and item types are those the shared inventory lists for conversations."""
    shared = coverage.load_inventory()
    own = coverage.load_inventory(coverage.CONVERSATIONS)
    calls = {(entry["method"], entry["path"]) for entry in own["endpoints"]}
    related = shared["related_endpoints"]["endpoints"]
    assert calls == {(entry["method"], entry["path"]) for entry in related}
    variants = own["schemas"]["ConversationItem"]["variants"]
    assert [variant["type"] for variant in variants] == shared["conversation_item_types"]


def test_every_event_message_carries_a_sequence_number() -> None:
    """Each typed event arm holds a message with `optional int32 sequence_number`."""
    descriptor = stream_events_pb2.ResponseStreamEvent.DESCRIPTOR
    for arm in set(STREAM_EVENT.types.values()):
        message = descriptor.fields_by_name[arm].message_type
        field = message.fields_by_name.get("sequence_number")
        assert field is not None, f"{message.name} has no sequence_number"
        assert field.has_presence and field.type == field.TYPE_INT32, message.name


def test_raw_json_option_is_outside_the_json() -> None:
    """Field 1002 of the stream event and the response is the bridge's raw-JSON option."""
    pool = descriptor_pool.Default()
    for name in ("ResponseStreamEvent", "Response"):
        descriptor = pool.FindMessageTypeByName(f"rbridge.responses.v1.{name}")
        assert descriptor.fields_by_number[1002].name in BRIDGE_FIELDS


def test_every_union_member_is_typed_in_its_table() -> None:
    """No union has a typed arm the tables forget (which would decode as unknown)."""
    pool = descriptor_pool.Default()
    for name, union in UNIONS.items():
        descriptor = pool.FindMessageTypeByName(name)
        special = {union.untyped_arm, union.string_arm, union.list_arm, union.unknown_arm}
        untabled = (
            {fd.name for fd in descriptor.fields}
            - set(union.types.values())
            - special
            - BRIDGE_FIELDS
        )
        assert not untabled, f"{name}: arms without a type string: {untabled}"
