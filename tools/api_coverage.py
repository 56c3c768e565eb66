"""How much of the OpenAI Responses API the contract types: `make api-coverage`.

Reads the inventory of the API (`tests/fixtures/inventory/responses-api-inventory.json`, a copy of
the project's shared reference, and `conversations-api-inventory.json` beside it, extracted from
OpenAI's OpenAPI spec by `tools/conversations_inventory.py`; their README gives the origin), the
generated descriptors of
`proto/` (the `rbridge.responses.v1` modules) with their custom options (`options.proto`), and the
comments of the `.proto` sources. It prints, per category, how many members are typed, the
percentage, and the members that are not; it exits 1 when a category is below 100%.

What "typed" means, per kind of inventory entry:

- A field (`create_request_fields`, `response_object_fields` and their `_sdk_only` lists): the
  message (`CreateResponseRequest`, `Response`) has a proto field of exactly that name. Its JSON
  key is then decoded into that field, not into `extra_fields`.
- A union member (input, output and resource items, content parts, annotations, tools, tool
  choices, text formats, stream events, and their `_sdk_only` lists): an arm of the union message
  lists its "type" string in its `json_arm` option, so it decodes into that typed oneof arm rather
  than `unknown` (the codec builds its tables from the same options). Members are counted by
  distinct type string: dated aliases (`web_search_2025_08_26`) count on their own; schemas that
  share a type string (`message` as easy input, input and output message) count once. A tool
  choice variant is typed when all its type strings are; the bare-string variant ("none",
  "auto", "required") when the union has an arm with `json_string` set.
- An include value, error code or response status: it appears, in double quotes, in the comment
  of the proto field that carries it (`CreateResponseRequest.include`, `ResponseError.code`,
  `Response.status`). These stay strings in the contract, so their comment is where they are
  documented.
- An endpoint: an RPC of `ResponsesService` whose `upstream` option names its HTTP method and
  path, e.g. `{method: "GET", path: "/responses/{response_id}"}` (paths are relative to the
  upstream base URL, which ends in /v1; the inventory's "/v1/..." paths are compared without it).
- A conversations schema (a request body or a 200 reply of a `/conversations*` endpoint): every
  endpoint that uses it is an RPC, and all of them use one message for it (the RPC's request
  message for a body, its reply message for a reply), a union message for a union schema.
- A conversations field: a path or query parameter is a field of the RPC's request message
  (`listConversationItems.after`); a field of an object schema is a field of the message the
  schema maps to (`ConversationResource.metadata`).
- A conversation item type: as a union member, in the union message the item schema maps to.

- A WebSocket-mode event (`websocket-api-inventory.json`, extracted from the same spec by
  `tools/session_inventory.py`): a client event is typed when an arm of `ResponsesClientEvent`
  lists its "type" string, a server event when an arm of the message `ResponsesServerEvent`
  inlines does. A client event's field is typed when it is a field of the arm's member or of
  the message that member inlines (`stream_id`, then every field of the create request); a
  server event's WebSocket-only field (`stream_id`, the error's `status`) when it is a field of
  `ResponsesServerEvent` or of the arm's member.

The beta (multi-agent) variants are not part of this contract and are not measured. Nor are the
WebSocket events the newest SDK has and the spec lacks (`response.steer` and its
`response.steer.*` answers): they travel whole in the `unknown` arms of the session's events.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "tests" / "fixtures" / "inventory" / "responses-api-inventory.json"
CONVERSATIONS = INVENTORY.with_name("conversations-api-inventory.json")
WEBSOCKET = INVENTORY.with_name("websocket-api-inventory.json")
PROTO_ROOT = ROOT / "proto"
PACKAGE = "rbridge.responses.v1"
SERVICE = f"{PACKAGE}.ResponsesService"


@dataclass
class Category:
    """The coverage of one inventory category."""

    name: str
    members: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.members)

    @property
    def typed(self) -> int:
        return self.total - len(self.missing)

    @property
    def percent(self) -> float:
        return 100.0 if not self.members else 100.0 * self.typed / self.total


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _type_strings(member: dict[str, Any]) -> list[str]:
    value = member.get("type")
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _source_comments() -> dict[str, str]:
    """Leading comments of every message field in proto/, by full name.

    Compiled with protoc (grpc_tools) and `--include_source_info`, so the comments are exactly
    those of the sources. Line breaks are joined with spaces.
    """
    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    files = sorted(PROTO_ROOT.rglob("*.proto"))
    well_known = Path(protoc.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "descriptors.pb"
        args = [
            "grpc_tools.protoc",
            f"-I{PROTO_ROOT}",
            f"-I{well_known}",
            f"--descriptor_set_out={out}",
            "--include_source_info",
            *[str(path) for path in files],
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed on proto/")
        descriptors = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())

    comments: dict[str, str] = {}
    for file in descriptors.file:
        by_path = {
            tuple(location.path): " ".join(location.leading_comments.split())
            for location in file.source_code_info.location
            if location.leading_comments
        }
        prefix = file.package
        # FileDescriptorProto.message_type = 4, DescriptorProto.field = 2.
        for index, message in enumerate(file.message_type):
            for number, fd in enumerate(message.field):
                text = by_path.get((4, index, 2, number))
                if text:
                    comments[f"{prefix}.{message.name}.{fd.name}"] = text
    return comments


def _fields(
    name: str, entries: list[dict[str, Any]], message: str, pool: Any, note: str = ""
) -> Category:
    descriptor = pool.FindMessageTypeByName(f"{PACKAGE}.{message}")
    members = _distinct(entry["name"] for entry in entries)
    missing = [member for member in members if member not in descriptor.fields_by_name]
    return Category(name, members, missing, note or f"fields of {message}")


def _arms(union: str, pool: Any) -> list[Any]:
    """The `json_arm` options of a union message's fields."""
    from rbridge.responses.v1 import options_pb2

    descriptor = pool.FindMessageTypeByName(f"{PACKAGE}.{union}")
    return [fd.GetOptions().Extensions[options_pb2.json_arm] for fd in descriptor.fields]


def _union(
    name: str, entries: list[dict[str, Any]], union: str, pool: Any, note: str = ""
) -> Category:
    table = {type_name for arm in _arms(union, pool) for type_name in arm.types}
    members = _distinct(type_name for entry in entries for type_name in _type_strings(entry))
    missing = [member for member in members if member not in table]
    schemas = len(entries)
    detail = f"{union} json_arm options" + (
        f"; {schemas} schemas" if schemas != len(members) else ""
    )
    return Category(name, members, missing, note or detail)


def _tool_choices(entries: list[dict[str, Any]], pool: Any) -> Category:
    arms = _arms("ToolChoice", pool)
    table = {type_name for arm in arms for type_name in arm.types}
    has_string_arm = any(arm.json_string for arm in arms)
    members: list[str] = []
    missing: list[str] = []
    for entry in entries:
        strings = _type_strings(entry)
        if not strings:
            label = "|".join(entry.get("string_values", [])) or entry["schema"]
            members.append(f"{entry['schema']} ({label})")
            if not has_string_arm:
                missing.append(members[-1])
            continue
        members.append(f"{entry['schema']} ({', '.join(strings)})")
        absent = [name for name in strings if name not in table]
        if absent:
            missing.append(f"{entry['schema']} (no table entry for {', '.join(absent)})")
    return Category(
        "tool_choice_variants", members, missing, "ToolChoice json_arm options, per variant"
    )


def _documented(
    name: str, values: Iterable[str], carrier: str, comments: dict[str, str]
) -> Category:
    text = comments.get(f"{PACKAGE}.{carrier}", "")
    members = _distinct(values)
    missing = [value for value in members if f'"{value}"' not in text]
    return Category(name, members, missing, f"in the comment of {carrier}")


def _routes(pool: Any) -> dict[str, Any]:
    """The `upstream` option of every RPC of the service, by RPC name."""
    from rbridge.responses.v1 import options_pb2

    service = pool.FindServiceByName(SERVICE)
    return {
        method.name: method.GetOptions().Extensions[options_pb2.upstream]
        for method in service.methods
    }


def _endpoints(entries: list[dict[str, Any]], pool: Any, name: str = "endpoints") -> Category:
    routes = _routes(pool)
    members: list[str] = []
    missing: list[str] = []
    for entry in entries:
        method, path = entry["method"], entry["path"]
        short = path.removeprefix("/v1")
        label = f"{method} {path}"
        members.append(label)
        named = [
            rpc
            for rpc, route in routes.items()
            if route.method == method and route.path in (short, path)
        ]
        if named:
            members[-1] = f"{label} -> {', '.join(sorted(named))}"
        else:
            missing.append(label)
    return Category(
        name, members, missing, "RPCs of ResponsesService whose upstream option names it"
    )


def _serving(entry: dict[str, Any], pool: Any) -> Any:
    """The method descriptor of the RPC whose upstream option is the endpoint's call, or None."""
    path = entry["path"].removeprefix("/v1")
    for rpc, route in _routes(pool).items():
        if route.method == entry["method"] and route.path == path:
            return pool.FindMethodByName(f"{SERVICE}.{rpc}")
    return None


def _conversations(inventory: dict[str, Any], pool: Any) -> list[Category]:
    """The conversations endpoints, the schemas they use, their fields, and the item types."""
    endpoints: list[dict[str, Any]] = inventory["endpoints"]
    schemas: dict[str, dict[str, Any]] = inventory["schemas"]
    # Schema -> the message each endpoint using it maps it to (None: no RPC serves it).
    uses: dict[str, list[Any]] = {name: [] for name in schemas}
    fields = Category("conversation_fields", note="fields of the RPCs' messages")
    for entry in endpoints:
        method = _serving(entry, pool)
        if entry["body"]:
            uses[entry["body"]].append(method.input_type if method else None)
        uses[entry["reply"]].append(method.output_type if method else None)
        for param in [*entry["path_params"], *entry["query_params"]]:
            fields.members.append(f"{entry['operation_id']}.{param['name']}")
            if method is None or param["name"] not in method.input_type.fields_by_name:
                fields.missing.append(fields.members[-1])
    typed = Category("conversation_schemas", note="one message per schema, for every endpoint")
    items: list[Category] = []
    for name, schema in schemas.items():
        messages = {message.full_name for message in uses[name] if message is not None}
        message = next(iter(messages)) if len(messages) == 1 else None
        union = schema["kind"] == "union"
        fits = (
            message is not None
            and None not in uses[name]
            and _is_union(pool.FindMessageTypeByName(message)) == union
        )
        typed.members.append(f"{name} -> {message.rsplit('.', 1)[-1] if message else '?'}")
        if not fits:
            typed.missing.append(name)
        if union:
            target = message.removeprefix(f"{PACKAGE}.") if fits and message else None
            items.append(_item_types(schema["variants"], target, pool))
            continue
        descriptor = pool.FindMessageTypeByName(message) if fits and message else None
        for entry in schema["fields"]:
            fields.members.append(f"{name}.{entry['name']}")
            if descriptor is None or entry["name"] not in descriptor.fields_by_name:
                fields.missing.append(fields.members[-1])
    return [
        _endpoints(endpoints, pool, "conversation_endpoints"),
        typed,
        fields,
        *items,
    ]


def _item_types(variants: list[dict[str, Any]], union: str | None, pool: Any) -> Category:
    if union is None:
        members = _distinct(type_name for entry in variants for type_name in _type_strings(entry))
        return Category("conversation_item_types", members, list(members), "no union message")
    return _union("conversation_item_types", variants, union, pool)


def _is_union(descriptor: Any) -> bool:
    """Whether a message is a union: its fields are arms with `json_arm` options."""
    from rbridge.responses.v1 import options_pb2

    return any(fd.GetOptions().HasExtension(options_pb2.json_arm) for fd in descriptor.fields)


def _session_member(union: str, type_name: str, pool: Any) -> Any:
    """The member message of the union arm that holds `type_name`, or None."""
    from rbridge.responses.v1 import options_pb2

    for fd in pool.FindMessageTypeByName(f"{PACKAGE}.{union}").fields:
        if type_name in fd.GetOptions().Extensions[options_pb2.json_arm].types:
            return fd.message_type
    return None


def _inlined(descriptor: Any) -> Any:
    """The message a message inlines (JSON_BEHAVIOR_INLINED), or None."""
    from rbridge.responses.v1 import options_pb2

    for fd in descriptor.fields:
        options = fd.GetOptions()
        if (
            options.HasExtension(options_pb2.json_behavior)
            and options.Extensions[options_pb2.json_behavior] == options_pb2.JSON_BEHAVIOR_INLINED
        ):
            return fd.message_type
    return None


def _sessions(inventory: dict[str, Any], pool: Any) -> list[Category]:
    """The WebSocket mode's client and server events, and the fields they add."""
    server = pool.FindMessageTypeByName(f"{PACKAGE}.ResponsesServerEvent")
    events = _inlined(server)
    client_fields = Category(
        "session_client_event_fields", note="fields of the arm's member or the message it inlines"
    )
    for entry in inventory["client_events"]:
        member = _session_member("ResponsesClientEvent", entry["type"], pool)
        inner = _inlined(member) if member is not None else None
        for name in entry["fields"]:
            if name == "type":
                continue
            client_fields.members.append(f"{entry['type']}.{name}")
            if not any(
                message is not None and name in message.fields_by_name
                for message in (member, inner)
            ):
                client_fields.missing.append(client_fields.members[-1])
    server_fields = Category(
        "session_server_event_fields",
        note="WebSocket-only fields, of ResponsesServerEvent or the event's member",
    )
    for entry in inventory["server_events"]:
        member = _session_member(events.name, entry["type"], pool) if events else None
        for name in entry["websocket_fields"]:
            server_fields.members.append(f"{entry['type']}.{name}")
            if not any(
                message is not None and name in message.fields_by_name
                for message in (server, member)
            ):
                server_fields.missing.append(server_fields.members[-1])
    return [
        _union(
            "session_client_events",
            inventory["client_events"],
            "ResponsesClientEvent",
            pool,
            "ResponsesClientEvent json_arm options",
        ),
        client_fields,
        _union(
            "session_server_events",
            inventory["server_events"],
            events.name if events else "ResponsesServerEvent",
            pool,
            "the json_arm options of the union ResponsesServerEvent inlines",
        ),
        server_fields,
    ]


def compute(
    inventory: dict[str, Any] | None = None,
    conversations: dict[str, Any] | None = None,
    websocket: dict[str, Any] | None = None,
) -> list[Category]:
    """The coverage of every category of the inventories."""
    from google.protobuf import descriptor_pool

    # The service's module imports every file of the contract, options included.
    from rbridge.responses.v1 import responses_service_pb2  # noqa: F401

    if inventory is None:
        inventory = load_inventory()
    if conversations is None:
        conversations = load_inventory(CONVERSATIONS)
    if websocket is None:
        websocket = load_inventory(WEBSOCKET)
    pool = descriptor_pool.Default()
    comments = _source_comments()
    inv = inventory
    resource = inv["item_resource_types"]
    errors = inv["error_codes"]
    return [
        _fields(
            "create_request_fields", inv["create_request_fields"], "CreateResponseRequest", pool
        ),
        _fields(
            "create_request_fields_sdk_only",
            inv["create_request_fields_sdk_only"],
            "CreateResponseRequest",
            pool,
        ),
        _fields("response_object_fields", inv["response_object_fields"], "Response", pool),
        _fields(
            "response_object_fields_sdk_only",
            inv["response_object_fields_sdk_only"],
            "Response",
            pool,
        ),
        _fields(
            "response_object_fields_seen_in_payloads",
            inv["response_object_fields_seen_in_real_payloads_but_not_in_schema"],
            "Response",
            pool,
        ),
        _union("input_item_types", inv["input_item_types"], "Item", pool),
        _union("input_item_types_sdk_only", inv["input_item_types_sdk_only"], "Item", pool),
        _union("output_item_types", inv["output_item_types"], "Item", pool),
        _union("output_item_types_sdk_only", inv["output_item_types_sdk_only"], "Item", pool),
        _union("item_resource_types", resource["members"], "Item", pool),
        _union("item_resource_types_sdk_only", resource["sdk_only"], "Item", pool),
        _union("content_part_types", inv["content_part_types"], "ContentPart", pool),
        _union("annotation_types", inv["annotation_types"], "Annotation", pool),
        _union(
            "tool_types",
            inv["tool_types"],
            "Tool",
            pool,
            f"Tool json_arm options, dated aliases incl.; {len(inv['tool_types'])} schemas",
        ),
        _tool_choices(inv["tool_choice_variants"], pool),
        _union("text_format_variants", inv["text_format_variants"], "TextFormat", pool),
        _union("stream_event_types", inv["stream_event_types"], "ResponseStreamEvent", pool),
        _union(
            "stream_event_types_sdk_only",
            inv["stream_event_types_sdk_only"],
            "ResponseStreamEvent",
            pool,
        ),
        _documented(
            "include_values", inv["include_values"], "CreateResponseRequest.include", comments
        ),
        _documented(
            "error_codes",
            [*errors["response_error_codes_spec"], *errors["response_error_codes_sdk_only"]],
            "ResponseError.code",
            comments,
        ),
        _documented(
            "response_status_values", inv["response_status_values"], "Response.status", comments
        ),
        _endpoints(inv["endpoints"], pool),
        *_conversations(conversations, pool),
        *_sessions(websocket, pool),
    ]


def load_inventory(path: Path = INVENTORY) -> dict[str, Any]:
    """The inventory JSON."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def report(categories: list[Category], verbose: bool = False) -> str:
    """The printed table, with the missing members of each category below it."""
    width = max(len(category.name) for category in categories)
    lines = [f"{'category':<{width}}  {'typed':>5}  {'total':>5}  {'%':>6}  what counts"]
    for category in categories:
        lines.append(
            f"{category.name:<{width}}  {category.typed:>5}  {category.total:>5}  "
            f"{category.percent:>5.1f}%  {category.note}"
        )
        for member in category.missing:
            lines.append(f"{'':<{width}}  missing: {member}")
        if verbose:
            lines.extend(f"{'':<{width}}  - {member}" for member in category.members)
    total = sum(category.total for category in categories)
    typed = sum(category.typed for category in categories)
    below = [category.name for category in categories if category.typed < category.total]
    lines.append("")
    lines.append(f"overall: {typed}/{total} typed ({100.0 * typed / total:.1f}%)")
    lines.append(f"below 100%: {', '.join(below)}" if below else "every category is at 100%")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", type=Path, default=INVENTORY)
    parser.add_argument("--conversations", type=Path, default=CONVERSATIONS)
    parser.add_argument("--websocket", type=Path, default=WEBSOCKET)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every member")
    args = parser.parse_args(argv)
    categories = compute(
        load_inventory(args.inventory),
        load_inventory(args.conversations),
        load_inventory(args.websocket),
    )
    print(report(categories, args.verbose))
    return 0 if all(category.typed == category.total for category in categories) else 1


if __name__ == "__main__":
    sys.exit(main())
