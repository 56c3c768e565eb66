"""The official `openai` package's models accept what the codec writes.

For every OpenAI-shaped payload among the fixtures, `codec.to_json(codec.from_json(x))` is
validated with the `openai` package's pydantic models: every event of `fixtures/sse/*.sse` and
every spec stream-event example with `ResponseStreamEvent`, every response body with `Response`,
the replies of the other endpoints with their models, and the spec's conversations examples with
`openai.types.conversations` (replies with their models, request bodies with their params).

Some fixtures are not valid for the installed `openai` models to begin with (recorded before a
field became required, or spec examples that omit required fields). Such a case is an xfail
with its reason, and only after proving it is the fixture: the raw payload fails validation too,
and the codec's output fails with no error the raw payload does not already have. A fixture
that fails without a listed reason, or a codec output that fails where the fixture passes, is a
test failure.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import pytest
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message
from google.protobuf.struct_pb2 import Struct, Value
from openai._models import BaseModel
from openai.types import conversations as conversations_sdk
from openai.types import responses as sdk
from openai.types.conversations import (
    conversation_create_params,
    conversation_update_params,
    item_create_params,
)

from bridge import codec
from bridge.codec.mapping import ALWAYS_WRITTEN, UNIONS
from rbridge.responses.v1 import (
    conversations_pb2,
    items_pb2,
    response_pb2,
    responses_service_pb2,
    stream_events_pb2,
)
from tests.conftest import conversation_fixtures, fixture_files, load_json, sse_payloads

Error = tuple[tuple[Any, ...], str]

EVENT_ADAPTER: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(sdk.ResponseStreamEvent)


def _members(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models of a (possibly nested, annotated) union annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _members(arg)]


def _literals(model: type[BaseModel]) -> list[str]:
    """The "type" strings a model accepts (its `type` field's Literal values)."""
    field = model.model_fields.get("type")
    if field is None:
        return []
    found: list[str] = []
    stack = [field.annotation]
    while stack:
        annotation = stack.pop()
        if typing.get_origin(annotation) is typing.Literal:
            found += [value for value in typing.get_args(annotation) if isinstance(value, str)]
        else:
            stack += list(typing.get_args(annotation))
    return found


# "response.created" -> "ResponseCreatedEvent": the union branch whose errors matter.
EVENT_BRANCH = {
    literal: model.__name__
    for model in _members(sdk.ResponseStreamEvent)
    for literal in _literals(model)
}


def _event_errors(payload: Any) -> set[Error]:
    try:
        EVENT_ADAPTER.validate_python(payload)
    except pydantic.ValidationError as error:
        branch = EVENT_BRANCH.get(payload.get("type")) if isinstance(payload, dict) else None
        return {
            (tuple(item["loc"][1:]), item["type"])
            for item in error.errors()
            if branch is None or item["loc"][0] == branch
        }
    return set()


def _consumed(value: Any) -> Any:
    """`value` with every lazily validated iterable consumed: pydantic validates an
    `Iterable[...]` of a TypedDict (the SDK's params) only as it is iterated."""
    if isinstance(value, dict):
        return {key: _consumed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_consumed(item) for item in value]
    if hasattr(value, "__next__"):
        return [_consumed(item) for item in value]
    return value


def _type_errors(annotation: Any) -> Callable[[Any], set[Error]]:
    """Errors of a payload against any type pydantic validates: a union, a TypedDict."""
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(annotation)

    def errors(payload: Any) -> set[Error]:
        try:
            _consumed(adapter.validate_python(payload))
        except pydantic.ValidationError as error:
            return {(tuple(item["loc"]), item["type"]) for item in error.errors()}
        return set()

    return errors


# The conversations RPCs' messages -> the openai type their JSON is.
CONVERSATION_TYPES: dict[str, Any] = {
    conversations_pb2.ConversationResource.DESCRIPTOR.name: conversations_sdk.Conversation,
    conversations_pb2.DeleteConversationResponse.DESCRIPTOR.name: (
        conversations_sdk.ConversationDeletedResource
    ),
    conversations_pb2.ConversationItemList.DESCRIPTOR.name: conversations_sdk.ConversationItemList,
    items_pb2.Item.DESCRIPTOR.name: conversations_sdk.ConversationItem,
    conversations_pb2.CreateConversationRequest.DESCRIPTOR.name: (
        conversation_create_params.ConversationCreateParams
    ),
    conversations_pb2.UpdateConversationRequest.DESCRIPTOR.name: (
        conversation_update_params.ConversationUpdateParams
    ),
    conversations_pb2.CreateConversationItemsRequest.DESCRIPTOR.name: (
        item_create_params.ItemCreateParams
    ),
}


def _model_errors(model: type[BaseModel]) -> Callable[[Any], set[Error]]:
    def errors(payload: Any) -> set[Error]:
        try:
            model.model_validate(payload)
        except pydantic.ValidationError as error:
            return {(tuple(item["loc"]), item["type"]) for item in error.errors()}
        return set()

    return errors


NO_SEQUENCE = (
    "recorded before the API numbered its events: no sequence_number, which openai 3.54.0 "
    "requires (and the final usage has no input_tokens_details.cache_write_tokens)"
)
NO_CACHE_WRITE = (
    "recorded before usage.input_tokens_details.cache_write_tokens existed; openai 3.54.0 "
    "requires it"
)

# Why a fixture itself fails the openai models: by case id, or by file for every case of it.
FIXTURE_QUIRKS: dict[str, str] = {
    "function_call_legacy_no_seq_gpt4o.sse": NO_SEQUENCE,
    "spec-createResponse-streaming.response.sse": (
        "the spec's streaming example has no sequence_number, and its final usage no "
        "input_tokens_details"
    ),
    "function_call_with_reasoning_gpt5.sse:13": NO_CACHE_WRITE,
    "reasoning_summary_o3mini.sse:675": NO_CACHE_WRITE,
    "resume_get_starting_after_0.sse:15": NO_CACHE_WRITE,
    "text_answer_gpt41.sse:9": NO_CACHE_WRITE,
    "error_then_failed_insufficient_quota.sse:2": (
        "api.openai.com sent this error event with its fields nested in an `error` object; "
        "openai's ResponseErrorEvent requires a top-level `message`"
    ),
    "error_then_failed_insufficient_quota.sse:3": (
        'the error code "insufficient_quota" is not among the literals of openai\'s '
        "ResponseError.code"
    ),
    "spec:response.completed": "the spec example's output message has no status",
    "spec:response.failed": "the spec example has no sequence_number and no parallel_tool_calls",
    "spec:response.incomplete": (
        'the spec example\'s incomplete_details.reason "max_tokens" is not an openai literal, '
        "and it has no parallel_tool_calls"
    ),
    "spec:response.queued": (
        "the spec example's response has a date-string created_at and no model, object, "
        "output or parallel_tool_calls"
    ),
    "spec:response.custom_tool_call_input.delta": "the spec example has no sequence_number",
    "spec:response.custom_tool_call_input.done": "the spec example has no sequence_number",
    "spec-createResponse-functions.response.json": "the spec example's usage has no "
    "input_tokens_details",
    "spec-createResponse-web-search.response.json": (
        "the spec example's web_search_call item has no action"
    ),
    "spec-deleteResponse.response.json": (
        'a deletion confirmation {id, object, deleted}: its object is "response" but it is '
        "not a Response"
    ),
    "spec-Compactconversation.response.json": (
        "the compacted output holds a user message with input_text parts, which the spec's "
        "ItemField allows but openai's CompactedResponse.output (output items only) does not"
    ),
}


def _quirk(case_id: str) -> str | None:
    return FIXTURE_QUIRKS.get(case_id) or FIXTURE_QUIRKS.get(case_id.split(":")[0])


def _cases() -> list[Any]:
    event = stream_events_pb2.ResponseStreamEvent
    cases: list[Any] = []
    for path in fixture_files("sse", "*.sse"):
        for number, payload in enumerate(sse_payloads(path.read_bytes())):
            case_id = f"{path.name}:{number}"
            cases.append(pytest.param(payload, event, _event_errors, case_id, id=case_id))
    for path in fixture_files("events", "*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            payload = json.loads(line)
            case_id = f"spec:{payload['type']}"
            cases.append(pytest.param(payload, event, _event_errors, case_id, id=case_id))
    replies: dict[str, tuple[type[Message], type[BaseModel]]] = {
        "response": (response_pb2.Response, sdk.Response),
        "response.compaction": (responses_service_pb2.CompactedResponse, sdk.CompactedResponse),
        "response.input_tokens": (
            responses_service_pb2.InputTokenCount,
            sdk.InputTokenCountResponse,
        ),
        "list": (responses_service_pb2.ListInputItemsResponse, sdk.ResponseItemList),
    }
    for folder in ("json/responses", "json/objects"):
        for path in fixture_files(folder, "*.json"):
            payload = load_json(path)
            kind = replies.get(payload.get("object")) if isinstance(payload, dict) else None
            if kind is None:
                continue
            message_type, model = kind
            errors = _model_errors(model)
            cases.append(pytest.param(payload, message_type, errors, path.name, id=path.name))
    for path, conversation_type in conversation_fixtures():
        errors = _type_errors(CONVERSATION_TYPES[conversation_type.DESCRIPTOR.name])
        payload = load_json(path)
        cases.append(pytest.param(payload, conversation_type, errors, path.name, id=path.name))
    return cases


CASES = _cases()


def test_case_count() -> None:
    """Every SSE event, spec event example and reply fixture is a case."""
    assert len(CASES) > 790


@pytest.mark.parametrize(("payload", "message_type", "errors_of", "case_id"), CASES)
def test_openai_models_accept_codec_output(
    payload: Any,
    message_type: type[Message],
    errors_of: Callable[[Any], set[Error]],
    case_id: str,
) -> None:
    """The codec's JSON for a fixture validates, unless the fixture itself does not."""
    written = codec.to_json(codec.from_json(payload, message_type))
    errors = errors_of(written)
    if not errors:
        return
    raw_errors = errors_of(payload)
    assert raw_errors, f"the fixture validates but the codec's output does not: {errors}"
    assert errors <= raw_errors, f"the codec adds errors: {errors - raw_errors}"
    reason = _quirk(case_id)
    assert reason, f"the fixture fails openai's models without a listed reason: {raw_errors}"
    pytest.xfail(f"fixture, not codec: {reason}")


# -- Lists the openai models require are always written ----------------------------------------

_POOL = descriptor_pool.Default()
_FREE_FORM = {Struct.DESCRIPTOR.full_name, Value.DESCRIPTOR.full_name}


def _descriptor(name: str) -> Descriptor:
    return _POOL.FindMessageTypeByName(f"rbridge.responses.v1.{name}")


def _required_lists(roots: list[tuple[list[type[BaseModel]], Descriptor]]) -> set[str]:
    """Lists and maps the SDK models require, as "Message.field", walking both in parallel.

    A union maps each SDK member to the arm its "type" string picks in the codec's table.
    """
    found: set[str] = set()
    seen: set[tuple[type[BaseModel], str]] = set()

    def walk(model: type[BaseModel], descriptor: Descriptor) -> None:
        if descriptor.full_name in UNIONS:
            walk_union([model], descriptor)
            return
        if (model, descriptor.full_name) in seen:
            return
        seen.add((model, descriptor.full_name))
        for name, info in model.model_fields.items():
            fd = descriptor.fields_by_name.get(info.alias or name)
            if fd is None:
                continue
            is_map = fd.message_type is not None and fd.message_type.GetOptions().map_entry
            container = typing.get_origin(info.annotation) in (list, dict)
            if info.is_required() and container and (fd.is_repeated or is_map):
                found.add(f"{descriptor.full_name}.{fd.name}")
            target = fd.message_type
            if target is not None and is_map:
                target = target.fields_by_name["value"].message_type
            models = _members(info.annotation)
            if target is None or not models or target.full_name in _FREE_FORM:
                continue
            if target.full_name in UNIONS:
                walk_union(models, target)
            else:
                for sub in models:
                    walk(sub, target)

    def walk_union(models: list[type[BaseModel]], descriptor: Descriptor) -> None:
        union = UNIONS[descriptor.full_name]
        if not union.types and union.list_arm and not union.untyped_arm:
            element = descriptor.fields_by_name[union.list_arm].message_type.fields[0]
            target = element.message_type
            if target is not None and target.full_name in UNIONS:
                walk_union(models, target)
            elif target is not None:
                for model in models:
                    walk(model, target)
            return
        for model in models:
            literals = _literals(model)
            arms = [union.types[t] for t in literals if t in union.types]
            if not literals and union.untyped_arm:
                arms = [union.untyped_arm]
            for arm in arms:
                walk(model, descriptor.fields_by_name[arm].message_type)

    for models, descriptor in roots:
        for model in models:
            walk(model, descriptor)
    return found


def test_lists_openai_requires_are_always_written() -> None:
    """Every list or map the openai models require is in ALWAYS_WRITTEN, so [] and {} survive."""
    roots = [
        ([sdk.Response], _descriptor("Response")),
        (_members(sdk.ResponseStreamEvent), _descriptor("ResponseStreamEvent")),
        (_members(sdk.ResponseItem), _descriptor("Item")),
        (_members(sdk.ResponseInputItem), _descriptor("Item")),
        (_members(sdk.ResponseOutputItem), _descriptor("Item")),
        ([sdk.CompactedResponse], _descriptor("CompactedResponse")),
        ([sdk.ResponseItemList], _descriptor("ListInputItemsResponse")),
        ([conversations_sdk.Conversation], _descriptor("ConversationResource")),
        ([conversations_sdk.ConversationItemList], _descriptor("ConversationItemList")),
        (_members(conversations_sdk.ConversationItem), _descriptor("Item")),
        (
            [conversations_sdk.ConversationDeletedResource],
            _descriptor("DeleteConversationResponse"),
        ),
    ]
    required = _required_lists(roots)
    assert len(required) > 20
    written = {f"{name}.{field}" for name, fields in ALWAYS_WRITTEN.items() for field in fields}
    assert not required - written, f"add to ALWAYS_WRITTEN: {sorted(required - written)}"


def test_fixtures_folder() -> None:
    """The fixtures this module reads are where conftest finds them."""
    assert (Path(__file__).parent / "fixtures" / "sse").is_dir()
