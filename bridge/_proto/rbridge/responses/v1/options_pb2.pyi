from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class JsonBehavior(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JSON_BEHAVIOR_UNSPECIFIED: _ClassVar[JsonBehavior]
    JSON_BEHAVIOR_ALWAYS_WRITTEN: _ClassVar[JsonBehavior]
    JSON_BEHAVIOR_EXTRA_FIELDS: _ClassVar[JsonBehavior]
    JSON_BEHAVIOR_BRIDGE_ONLY: _ClassVar[JsonBehavior]
    JSON_BEHAVIOR_INLINED: _ClassVar[JsonBehavior]

class StreamEnd(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STREAM_END_UNSPECIFIED: _ClassVar[StreamEnd]
    STREAM_END_COMPLETED: _ClassVar[StreamEnd]
    STREAM_END_FAILED: _ClassVar[StreamEnd]
    STREAM_END_ERROR: _ClassVar[StreamEnd]
JSON_BEHAVIOR_UNSPECIFIED: JsonBehavior
JSON_BEHAVIOR_ALWAYS_WRITTEN: JsonBehavior
JSON_BEHAVIOR_EXTRA_FIELDS: JsonBehavior
JSON_BEHAVIOR_BRIDGE_ONLY: JsonBehavior
JSON_BEHAVIOR_INLINED: JsonBehavior
STREAM_END_UNSPECIFIED: StreamEnd
STREAM_END_COMPLETED: StreamEnd
STREAM_END_FAILED: StreamEnd
STREAM_END_ERROR: StreamEnd
JSON_ARM_FIELD_NUMBER: _ClassVar[int]
json_arm: _descriptor.FieldDescriptor
JSON_BEHAVIOR_FIELD_NUMBER: _ClassVar[int]
json_behavior: _descriptor.FieldDescriptor
STREAM_END_FIELD_NUMBER: _ClassVar[int]
stream_end: _descriptor.FieldDescriptor
UPSTREAM_FIELD_NUMBER: _ClassVar[int]
upstream: _descriptor.FieldDescriptor

class JsonArm(_message.Message):
    __slots__ = ("types", "untyped", "json_string", "json_array", "fallback")
    TYPES_FIELD_NUMBER: _ClassVar[int]
    UNTYPED_FIELD_NUMBER: _ClassVar[int]
    JSON_STRING_FIELD_NUMBER: _ClassVar[int]
    JSON_ARRAY_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedScalarFieldContainer[str]
    untyped: bool
    json_string: bool
    json_array: bool
    fallback: bool
    def __init__(self, types: _Optional[_Iterable[str]] = ..., untyped: _Optional[bool] = ..., json_string: _Optional[bool] = ..., json_array: _Optional[bool] = ..., fallback: _Optional[bool] = ...) -> None: ...

class UpstreamRoute(_message.Message):
    __slots__ = ("method", "path", "body", "query", "stream", "websocket")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    WEBSOCKET_FIELD_NUMBER: _ClassVar[int]
    method: str
    path: str
    body: bool
    query: _containers.RepeatedScalarFieldContainer[str]
    stream: bool
    websocket: bool
    def __init__(self, method: _Optional[str] = ..., path: _Optional[str] = ..., body: _Optional[bool] = ..., query: _Optional[_Iterable[str]] = ..., stream: _Optional[bool] = ..., websocket: _Optional[bool] = ...) -> None: ...
