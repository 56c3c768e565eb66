from google.protobuf import struct_pb2 as _struct_pb2
from rbridge.responses.v1 import items_pb2 as _items_pb2
from rbridge.responses.v1 import tools_pb2 as _tools_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Response(_message.Message):
    __slots__ = ("id", "object", "created_at", "status", "background", "completed_at", "conversation", "error", "incomplete_details", "instructions", "max_output_tokens", "max_tool_calls", "model", "output", "parallel_tool_calls", "previous_response_id", "prompt", "prompt_cache_key", "prompt_cache_retention", "reasoning", "safety_identifier", "service_tier", "store", "temperature", "text", "tool_choice", "tools", "top_logprobs", "top_p", "truncation", "usage", "user", "metadata", "prompt_cache_options", "moderation", "output_text", "frequency_penalty", "presence_penalty", "extra_fields")
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
    ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    INCOMPLETE_DETAILS_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MAX_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_KEY_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_RETENTION_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    SAFETY_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    SERVICE_TIER_FIELD_NUMBER: _ClassVar[int]
    STORE_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOP_LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    TRUNCATION_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    MODERATION_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TEXT_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_PENALTY_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_PENALTY_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    object: str
    created_at: int
    status: str
    background: bool
    completed_at: int
    conversation: Conversation
    error: ResponseError
    incomplete_details: IncompleteDetails
    instructions: _items_pb2.Input
    max_output_tokens: int
    max_tool_calls: int
    model: str
    output: _containers.RepeatedCompositeFieldContainer[_items_pb2.Item]
    parallel_tool_calls: bool
    previous_response_id: str
    prompt: Prompt
    prompt_cache_key: str
    prompt_cache_retention: str
    reasoning: ReasoningConfig
    safety_identifier: str
    service_tier: str
    store: bool
    temperature: float
    text: TextConfig
    tool_choice: _tools_pb2.ToolChoice
    tools: _containers.RepeatedCompositeFieldContainer[_tools_pb2.Tool]
    top_logprobs: int
    top_p: float
    truncation: str
    usage: Usage
    user: str
    metadata: _containers.ScalarMap[str, str]
    prompt_cache_options: PromptCacheOptions
    moderation: _struct_pb2.Struct
    output_text: str
    frequency_penalty: float
    presence_penalty: float
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., object: _Optional[str] = ..., created_at: _Optional[int] = ..., status: _Optional[str] = ..., background: _Optional[bool] = ..., completed_at: _Optional[int] = ..., conversation: _Optional[_Union[Conversation, _Mapping]] = ..., error: _Optional[_Union[ResponseError, _Mapping]] = ..., incomplete_details: _Optional[_Union[IncompleteDetails, _Mapping]] = ..., instructions: _Optional[_Union[_items_pb2.Input, _Mapping]] = ..., max_output_tokens: _Optional[int] = ..., max_tool_calls: _Optional[int] = ..., model: _Optional[str] = ..., output: _Optional[_Iterable[_Union[_items_pb2.Item, _Mapping]]] = ..., parallel_tool_calls: _Optional[bool] = ..., previous_response_id: _Optional[str] = ..., prompt: _Optional[_Union[Prompt, _Mapping]] = ..., prompt_cache_key: _Optional[str] = ..., prompt_cache_retention: _Optional[str] = ..., reasoning: _Optional[_Union[ReasoningConfig, _Mapping]] = ..., safety_identifier: _Optional[str] = ..., service_tier: _Optional[str] = ..., store: _Optional[bool] = ..., temperature: _Optional[float] = ..., text: _Optional[_Union[TextConfig, _Mapping]] = ..., tool_choice: _Optional[_Union[_tools_pb2.ToolChoice, _Mapping]] = ..., tools: _Optional[_Iterable[_Union[_tools_pb2.Tool, _Mapping]]] = ..., top_logprobs: _Optional[int] = ..., top_p: _Optional[float] = ..., truncation: _Optional[str] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., user: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., prompt_cache_options: _Optional[_Union[PromptCacheOptions, _Mapping]] = ..., moderation: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., output_text: _Optional[str] = ..., frequency_penalty: _Optional[float] = ..., presence_penalty: _Optional[float] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ("input_tokens", "input_tokens_details", "output_tokens", "output_tokens_details", "total_tokens", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_DETAILS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_DETAILS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    input_tokens: int
    input_tokens_details: InputTokensDetails
    output_tokens: int
    output_tokens_details: OutputTokensDetails
    total_tokens: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, input_tokens: _Optional[int] = ..., input_tokens_details: _Optional[_Union[InputTokensDetails, _Mapping]] = ..., output_tokens: _Optional[int] = ..., output_tokens_details: _Optional[_Union[OutputTokensDetails, _Mapping]] = ..., total_tokens: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class InputTokensDetails(_message.Message):
    __slots__ = ("cached_tokens", "cache_write_tokens", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    CACHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHE_WRITE_TOKENS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    cached_tokens: int
    cache_write_tokens: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, cached_tokens: _Optional[int] = ..., cache_write_tokens: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class OutputTokensDetails(_message.Message):
    __slots__ = ("reasoning_tokens", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    reasoning_tokens: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, reasoning_tokens: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ResponseError(_message.Message):
    __slots__ = ("code", "message", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class IncompleteDetails(_message.Message):
    __slots__ = ("reason", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    reason: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, reason: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class Conversation(_message.Message):
    __slots__ = ("id", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ConversationRef(_message.Message):
    __slots__ = ("id", "object")
    ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    id: str
    object: Conversation
    def __init__(self, id: _Optional[str] = ..., object: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ReasoningConfig(_message.Message):
    __slots__ = ("effort", "summary", "generate_summary", "mode", "context", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    EFFORT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    GENERATE_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    effort: str
    summary: str
    generate_summary: str
    mode: str
    context: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, effort: _Optional[str] = ..., summary: _Optional[str] = ..., generate_summary: _Optional[str] = ..., mode: _Optional[str] = ..., context: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class TextConfig(_message.Message):
    __slots__ = ("format", "verbosity", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    VERBOSITY_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    format: TextFormat
    verbosity: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, format: _Optional[_Union[TextFormat, _Mapping]] = ..., verbosity: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class TextFormat(_message.Message):
    __slots__ = ("text", "json_object", "json_schema", "unknown")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    JSON_OBJECT_FIELD_NUMBER: _ClassVar[int]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    text: PlainTextFormat
    json_object: PlainTextFormat
    json_schema: JsonSchemaFormat
    unknown: _struct_pb2.Value
    def __init__(self, text: _Optional[_Union[PlainTextFormat, _Mapping]] = ..., json_object: _Optional[_Union[PlainTextFormat, _Mapping]] = ..., json_schema: _Optional[_Union[JsonSchemaFormat, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class PlainTextFormat(_message.Message):
    __slots__ = ("extra_fields",)
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class JsonSchemaFormat(_message.Message):
    __slots__ = ("name", "description", "schema", "strict", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    schema: _struct_pb2.Struct
    strict: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., strict: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class Prompt(_message.Message):
    __slots__ = ("id", "version", "variables", "extra_fields")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: str
    variables: _containers.MessageMap[str, _struct_pb2.Value]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., version: _Optional[str] = ..., variables: _Optional[_Mapping[str, _struct_pb2.Value]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class PromptCacheOptions(_message.Message):
    __slots__ = ("ttl", "mode", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TTL_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ttl: str
    mode: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, ttl: _Optional[str] = ..., mode: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...
