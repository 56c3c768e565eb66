from google.protobuf import struct_pb2 as _struct_pb2
from rbridge.responses.v1 import conversations_pb2 as _conversations_pb2
from rbridge.responses.v1 import items_pb2 as _items_pb2
from rbridge.responses.v1 import options_pb2 as _options_pb2
from rbridge.responses.v1 import response_pb2 as _response_pb2
from rbridge.responses.v1 import stream_events_pb2 as _stream_events_pb2
from rbridge.responses.v1 import tools_pb2 as _tools_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateResponseRequest(_message.Message):
    __slots__ = ("model", "input", "instructions", "tools", "tool_choice", "previous_response_id", "conversation", "text", "reasoning", "temperature", "top_p", "max_output_tokens", "store", "metadata", "include", "background", "max_tool_calls", "parallel_tool_calls", "prompt", "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "safety_identifier", "service_tier", "stream_options", "stream", "top_logprobs", "truncation", "user", "moderation", "context_management", "access_programs", "background_options", "image", "extra_fields")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    MODEL_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    STORE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_FIELD_NUMBER: _ClassVar[int]
    MAX_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_KEY_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_RETENTION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    SAFETY_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    SERVICE_TIER_FIELD_NUMBER: _ClassVar[int]
    STREAM_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    TOP_LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATION_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    MODERATION_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_MANAGEMENT_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PROGRAMS_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    model: str
    input: _items_pb2.Input
    instructions: str
    tools: _containers.RepeatedCompositeFieldContainer[_tools_pb2.Tool]
    tool_choice: _tools_pb2.ToolChoice
    previous_response_id: str
    conversation: _response_pb2.ConversationRef
    text: _response_pb2.TextConfig
    reasoning: _response_pb2.ReasoningConfig
    temperature: float
    top_p: float
    max_output_tokens: int
    store: bool
    metadata: _containers.ScalarMap[str, str]
    include: _containers.RepeatedScalarFieldContainer[str]
    background: bool
    max_tool_calls: int
    parallel_tool_calls: bool
    prompt: _response_pb2.Prompt
    prompt_cache_key: str
    prompt_cache_retention: str
    prompt_cache_options: _response_pb2.PromptCacheOptions
    safety_identifier: str
    service_tier: str
    stream_options: StreamOptions
    stream: bool
    top_logprobs: int
    truncation: str
    user: str
    moderation: _struct_pb2.Struct
    context_management: _containers.RepeatedCompositeFieldContainer[ContextManagement]
    access_programs: _response_pb2.AccessPrograms
    background_options: BackgroundOptions
    image: _response_pb2.ImageOptions
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, model: _Optional[str] = ..., input: _Optional[_Union[_items_pb2.Input, _Mapping]] = ..., instructions: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[_tools_pb2.Tool, _Mapping]]] = ..., tool_choice: _Optional[_Union[_tools_pb2.ToolChoice, _Mapping]] = ..., previous_response_id: _Optional[str] = ..., conversation: _Optional[_Union[_response_pb2.ConversationRef, _Mapping]] = ..., text: _Optional[_Union[_response_pb2.TextConfig, _Mapping]] = ..., reasoning: _Optional[_Union[_response_pb2.ReasoningConfig, _Mapping]] = ..., temperature: _Optional[float] = ..., top_p: _Optional[float] = ..., max_output_tokens: _Optional[int] = ..., store: _Optional[bool] = ..., metadata: _Optional[_Mapping[str, str]] = ..., include: _Optional[_Iterable[str]] = ..., background: _Optional[bool] = ..., max_tool_calls: _Optional[int] = ..., parallel_tool_calls: _Optional[bool] = ..., prompt: _Optional[_Union[_response_pb2.Prompt, _Mapping]] = ..., prompt_cache_key: _Optional[str] = ..., prompt_cache_retention: _Optional[str] = ..., prompt_cache_options: _Optional[_Union[_response_pb2.PromptCacheOptions, _Mapping]] = ..., safety_identifier: _Optional[str] = ..., service_tier: _Optional[str] = ..., stream_options: _Optional[_Union[StreamOptions, _Mapping]] = ..., stream: _Optional[bool] = ..., top_logprobs: _Optional[int] = ..., truncation: _Optional[str] = ..., user: _Optional[str] = ..., moderation: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., context_management: _Optional[_Iterable[_Union[ContextManagement, _Mapping]]] = ..., access_programs: _Optional[_Union[_response_pb2.AccessPrograms, _Mapping]] = ..., background_options: _Optional[_Union[BackgroundOptions, _Mapping]] = ..., image: _Optional[_Union[_response_pb2.ImageOptions, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class StreamOptions(_message.Message):
    __slots__ = ("include_obfuscation", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    INCLUDE_OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    include_obfuscation: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, include_obfuscation: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ContextManagement(_message.Message):
    __slots__ = ("type", "compact_threshold", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPACT_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    compact_threshold: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., compact_threshold: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class BackgroundOptions(_message.Message):
    __slots__ = ("completion_window", "continuation_id", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    COMPLETION_WINDOW_FIELD_NUMBER: _ClassVar[int]
    CONTINUATION_ID_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    completion_window: str
    continuation_id: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, completion_window: _Optional[str] = ..., continuation_id: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class GetResponseRequest(_message.Message):
    __slots__ = ("response_id", "include", "include_obfuscation", "starting_after", "stream", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    STARTING_AFTER_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    response_id: str
    include: _containers.RepeatedScalarFieldContainer[str]
    include_obfuscation: bool
    starting_after: int
    stream: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, response_id: _Optional[str] = ..., include: _Optional[_Iterable[str]] = ..., include_obfuscation: _Optional[bool] = ..., starting_after: _Optional[int] = ..., stream: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class DeleteResponseRequest(_message.Message):
    __slots__ = ("response_id", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    response_id: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, response_id: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class DeleteResponseResponse(_message.Message):
    __slots__ = ("id", "object", "deleted", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    object: str
    deleted: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., object: _Optional[str] = ..., deleted: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CancelResponseRequest(_message.Message):
    __slots__ = ("response_id", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    response_id: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, response_id: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ListInputItemsRequest(_message.Message):
    __slots__ = ("response_id", "after", "limit", "order", "include", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    response_id: str
    after: str
    limit: int
    order: str
    include: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, response_id: _Optional[str] = ..., after: _Optional[str] = ..., limit: _Optional[int] = ..., order: _Optional[str] = ..., include: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ListInputItemsResponse(_message.Message):
    __slots__ = ("object", "data", "first_id", "last_id", "has_more", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    FIRST_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_ID_FIELD_NUMBER: _ClassVar[int]
    HAS_MORE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    object: str
    data: _containers.RepeatedCompositeFieldContainer[_items_pb2.Item]
    first_id: str
    last_id: str
    has_more: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, object: _Optional[str] = ..., data: _Optional[_Iterable[_Union[_items_pb2.Item, _Mapping]]] = ..., first_id: _Optional[str] = ..., last_id: _Optional[str] = ..., has_more: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CountInputTokensRequest(_message.Message):
    __slots__ = ("model", "input", "previous_response_id", "tools", "text", "reasoning", "truncation", "instructions", "personality", "conversation", "tool_choice", "parallel_tool_calls", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    MODEL_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    TRUNCATION_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    PERSONALITY_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    model: str
    input: _items_pb2.Input
    previous_response_id: str
    tools: _containers.RepeatedCompositeFieldContainer[_tools_pb2.Tool]
    text: _response_pb2.TextConfig
    reasoning: _response_pb2.ReasoningConfig
    truncation: str
    instructions: str
    personality: str
    conversation: _response_pb2.ConversationRef
    tool_choice: _tools_pb2.ToolChoice
    parallel_tool_calls: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, model: _Optional[str] = ..., input: _Optional[_Union[_items_pb2.Input, _Mapping]] = ..., previous_response_id: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[_tools_pb2.Tool, _Mapping]]] = ..., text: _Optional[_Union[_response_pb2.TextConfig, _Mapping]] = ..., reasoning: _Optional[_Union[_response_pb2.ReasoningConfig, _Mapping]] = ..., truncation: _Optional[str] = ..., instructions: _Optional[str] = ..., personality: _Optional[str] = ..., conversation: _Optional[_Union[_response_pb2.ConversationRef, _Mapping]] = ..., tool_choice: _Optional[_Union[_tools_pb2.ToolChoice, _Mapping]] = ..., parallel_tool_calls: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class InputTokenCount(_message.Message):
    __slots__ = ("object", "input_tokens", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    object: str
    input_tokens: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, object: _Optional[str] = ..., input_tokens: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CompactResponseRequest(_message.Message):
    __slots__ = ("model", "input", "previous_response_id", "instructions", "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "service_tier", "image", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    MODEL_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_KEY_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_RETENTION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    SERVICE_TIER_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    model: str
    input: _items_pb2.Input
    previous_response_id: str
    instructions: str
    prompt_cache_key: str
    prompt_cache_retention: str
    prompt_cache_options: _response_pb2.PromptCacheOptions
    service_tier: str
    image: _response_pb2.ImageOptions
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, model: _Optional[str] = ..., input: _Optional[_Union[_items_pb2.Input, _Mapping]] = ..., previous_response_id: _Optional[str] = ..., instructions: _Optional[str] = ..., prompt_cache_key: _Optional[str] = ..., prompt_cache_retention: _Optional[str] = ..., prompt_cache_options: _Optional[_Union[_response_pb2.PromptCacheOptions, _Mapping]] = ..., service_tier: _Optional[str] = ..., image: _Optional[_Union[_response_pb2.ImageOptions, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CompactedResponse(_message.Message):
    __slots__ = ("id", "object", "output", "created_at", "usage", "image", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    object: str
    output: _containers.RepeatedCompositeFieldContainer[_items_pb2.Item]
    created_at: int
    usage: _response_pb2.Usage
    image: _response_pb2.ImageOptions
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., object: _Optional[str] = ..., output: _Optional[_Iterable[_Union[_items_pb2.Item, _Mapping]]] = ..., created_at: _Optional[int] = ..., usage: _Optional[_Union[_response_pb2.Usage, _Mapping]] = ..., image: _Optional[_Union[_response_pb2.ImageOptions, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ResponsesClientEvent(_message.Message):
    __slots__ = ("response_create", "unknown")
    RESPONSE_CREATE_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    response_create: ResponseCreateEvent
    unknown: _struct_pb2.Value
    def __init__(self, response_create: _Optional[_Union[ResponseCreateEvent, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ResponseCreateEvent(_message.Message):
    __slots__ = ("stream_id", "response")
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    response: CreateResponseRequest
    def __init__(self, stream_id: _Optional[str] = ..., response: _Optional[_Union[CreateResponseRequest, _Mapping]] = ...) -> None: ...

class ResponsesServerEvent(_message.Message):
    __slots__ = ("stream_id", "event")
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    event: _stream_events_pb2.ResponseStreamEvent
    def __init__(self, stream_id: _Optional[str] = ..., event: _Optional[_Union[_stream_events_pb2.ResponseStreamEvent, _Mapping]] = ...) -> None: ...
