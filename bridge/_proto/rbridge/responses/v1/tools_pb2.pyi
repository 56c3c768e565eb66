from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Tool(_message.Message):
    __slots__ = ("function", "unknown")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    function: FunctionTool
    unknown: _struct_pb2.Value
    def __init__(self, function: _Optional[_Union[FunctionTool, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class FunctionTool(_message.Message):
    __slots__ = ("name", "description", "parameters", "strict", "output_schema", "defer_loading", "allowed_callers", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    DEFER_LOADING_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_CALLERS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    parameters: _struct_pb2.Struct
    strict: bool
    output_schema: _struct_pb2.Struct
    defer_loading: bool
    allowed_callers: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., strict: _Optional[bool] = ..., output_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., defer_loading: _Optional[bool] = ..., allowed_callers: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ToolChoice(_message.Message):
    __slots__ = ("mode", "allowed_tools", "function", "custom", "mcp", "tool_type", "unknown")
    MODE_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_TOOLS_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELD_NUMBER: _ClassVar[int]
    MCP_FIELD_NUMBER: _ClassVar[int]
    TOOL_TYPE_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    mode: str
    allowed_tools: AllowedToolsChoice
    function: NamedToolChoice
    custom: NamedToolChoice
    mcp: McpToolChoice
    tool_type: ToolTypeChoice
    unknown: _struct_pb2.Value
    def __init__(self, mode: _Optional[str] = ..., allowed_tools: _Optional[_Union[AllowedToolsChoice, _Mapping]] = ..., function: _Optional[_Union[NamedToolChoice, _Mapping]] = ..., custom: _Optional[_Union[NamedToolChoice, _Mapping]] = ..., mcp: _Optional[_Union[McpToolChoice, _Mapping]] = ..., tool_type: _Optional[_Union[ToolTypeChoice, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class AllowedToolsChoice(_message.Message):
    __slots__ = ("mode", "tools", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    MODE_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    mode: str
    tools: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, mode: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class NamedToolChoice(_message.Message):
    __slots__ = ("name", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class McpToolChoice(_message.Message):
    __slots__ = ("server_label", "name", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    SERVER_LABEL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    server_label: str
    name: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, server_label: _Optional[str] = ..., name: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ToolTypeChoice(_message.Message):
    __slots__ = ("type", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...
