from google.protobuf import struct_pb2 as _struct_pb2
from rbridge.responses.v1 import content_pb2 as _content_pb2
from rbridge.responses.v1 import options_pb2 as _options_pb2
from rbridge.responses.v1 import tool_calls_pb2 as _tool_calls_pb2
from rbridge.responses.v1 import tools_pb2 as _tools_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Item(_message.Message):
    __slots__ = ("message", "function_call", "function_call_output", "reasoning", "file_search_call", "computer_call", "computer_call_output", "web_search_call", "tool_search_call", "tool_search_output", "additional_tools", "compaction", "image_generation_call", "code_interpreter_call", "local_shell_call", "local_shell_call_output", "shell_call", "shell_call_output", "apply_patch_call", "apply_patch_call_output", "mcp_list_tools", "mcp_approval_request", "mcp_approval_response", "mcp_call", "custom_tool_call", "custom_tool_call_output", "compaction_trigger", "item_reference", "program", "program_output", "configuration_update", "unknown")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_CALL_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_CALL_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    FILE_SEARCH_CALL_FIELD_NUMBER: _ClassVar[int]
    COMPUTER_CALL_FIELD_NUMBER: _ClassVar[int]
    COMPUTER_CALL_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_CALL_FIELD_NUMBER: _ClassVar[int]
    TOOL_SEARCH_CALL_FIELD_NUMBER: _ClassVar[int]
    TOOL_SEARCH_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    ADDITIONAL_TOOLS_FIELD_NUMBER: _ClassVar[int]
    COMPACTION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_GENERATION_CALL_FIELD_NUMBER: _ClassVar[int]
    CODE_INTERPRETER_CALL_FIELD_NUMBER: _ClassVar[int]
    LOCAL_SHELL_CALL_FIELD_NUMBER: _ClassVar[int]
    LOCAL_SHELL_CALL_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    SHELL_CALL_FIELD_NUMBER: _ClassVar[int]
    SHELL_CALL_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    APPLY_PATCH_CALL_FIELD_NUMBER: _ClassVar[int]
    APPLY_PATCH_CALL_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    MCP_LIST_TOOLS_FIELD_NUMBER: _ClassVar[int]
    MCP_APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    MCP_APPROVAL_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    MCP_CALL_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_TOOL_CALL_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_TOOL_CALL_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    COMPACTION_TRIGGER_FIELD_NUMBER: _ClassVar[int]
    ITEM_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    CONFIGURATION_UPDATE_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    message: MessageItem
    function_call: FunctionCallItem
    function_call_output: FunctionCallOutputItem
    reasoning: ReasoningItem
    file_search_call: _tool_calls_pb2.FileSearchCallItem
    computer_call: _tool_calls_pb2.ComputerCallItem
    computer_call_output: _tool_calls_pb2.ComputerCallOutputItem
    web_search_call: _tool_calls_pb2.WebSearchCallItem
    tool_search_call: _tool_calls_pb2.ToolSearchCallItem
    tool_search_output: _tool_calls_pb2.ToolSearchOutputItem
    additional_tools: AdditionalToolsItem
    compaction: CompactionItem
    image_generation_call: _tool_calls_pb2.ImageGenerationCallItem
    code_interpreter_call: _tool_calls_pb2.CodeInterpreterCallItem
    local_shell_call: _tool_calls_pb2.LocalShellCallItem
    local_shell_call_output: _tool_calls_pb2.LocalShellCallOutputItem
    shell_call: _tool_calls_pb2.ShellCallItem
    shell_call_output: _tool_calls_pb2.ShellCallOutputItem
    apply_patch_call: _tool_calls_pb2.ApplyPatchCallItem
    apply_patch_call_output: _tool_calls_pb2.ApplyPatchCallOutputItem
    mcp_list_tools: _tool_calls_pb2.McpListToolsItem
    mcp_approval_request: _tool_calls_pb2.McpApprovalRequestItem
    mcp_approval_response: _tool_calls_pb2.McpApprovalResponseItem
    mcp_call: _tool_calls_pb2.McpCallItem
    custom_tool_call: _tool_calls_pb2.CustomToolCallItem
    custom_tool_call_output: _tool_calls_pb2.CustomToolCallOutputItem
    compaction_trigger: CompactionTriggerItem
    item_reference: ItemReference
    program: ProgramItem
    program_output: ProgramOutputItem
    configuration_update: ConfigurationUpdateItem
    unknown: _struct_pb2.Value
    def __init__(self, message: _Optional[_Union[MessageItem, _Mapping]] = ..., function_call: _Optional[_Union[FunctionCallItem, _Mapping]] = ..., function_call_output: _Optional[_Union[FunctionCallOutputItem, _Mapping]] = ..., reasoning: _Optional[_Union[ReasoningItem, _Mapping]] = ..., file_search_call: _Optional[_Union[_tool_calls_pb2.FileSearchCallItem, _Mapping]] = ..., computer_call: _Optional[_Union[_tool_calls_pb2.ComputerCallItem, _Mapping]] = ..., computer_call_output: _Optional[_Union[_tool_calls_pb2.ComputerCallOutputItem, _Mapping]] = ..., web_search_call: _Optional[_Union[_tool_calls_pb2.WebSearchCallItem, _Mapping]] = ..., tool_search_call: _Optional[_Union[_tool_calls_pb2.ToolSearchCallItem, _Mapping]] = ..., tool_search_output: _Optional[_Union[_tool_calls_pb2.ToolSearchOutputItem, _Mapping]] = ..., additional_tools: _Optional[_Union[AdditionalToolsItem, _Mapping]] = ..., compaction: _Optional[_Union[CompactionItem, _Mapping]] = ..., image_generation_call: _Optional[_Union[_tool_calls_pb2.ImageGenerationCallItem, _Mapping]] = ..., code_interpreter_call: _Optional[_Union[_tool_calls_pb2.CodeInterpreterCallItem, _Mapping]] = ..., local_shell_call: _Optional[_Union[_tool_calls_pb2.LocalShellCallItem, _Mapping]] = ..., local_shell_call_output: _Optional[_Union[_tool_calls_pb2.LocalShellCallOutputItem, _Mapping]] = ..., shell_call: _Optional[_Union[_tool_calls_pb2.ShellCallItem, _Mapping]] = ..., shell_call_output: _Optional[_Union[_tool_calls_pb2.ShellCallOutputItem, _Mapping]] = ..., apply_patch_call: _Optional[_Union[_tool_calls_pb2.ApplyPatchCallItem, _Mapping]] = ..., apply_patch_call_output: _Optional[_Union[_tool_calls_pb2.ApplyPatchCallOutputItem, _Mapping]] = ..., mcp_list_tools: _Optional[_Union[_tool_calls_pb2.McpListToolsItem, _Mapping]] = ..., mcp_approval_request: _Optional[_Union[_tool_calls_pb2.McpApprovalRequestItem, _Mapping]] = ..., mcp_approval_response: _Optional[_Union[_tool_calls_pb2.McpApprovalResponseItem, _Mapping]] = ..., mcp_call: _Optional[_Union[_tool_calls_pb2.McpCallItem, _Mapping]] = ..., custom_tool_call: _Optional[_Union[_tool_calls_pb2.CustomToolCallItem, _Mapping]] = ..., custom_tool_call_output: _Optional[_Union[_tool_calls_pb2.CustomToolCallOutputItem, _Mapping]] = ..., compaction_trigger: _Optional[_Union[CompactionTriggerItem, _Mapping]] = ..., item_reference: _Optional[_Union[ItemReference, _Mapping]] = ..., program: _Optional[_Union[ProgramItem, _Mapping]] = ..., program_output: _Optional[_Union[ProgramOutputItem, _Mapping]] = ..., configuration_update: _Optional[_Union[ConfigurationUpdateItem, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ItemList(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Item]
    def __init__(self, items: _Optional[_Iterable[_Union[Item, _Mapping]]] = ...) -> None: ...

class Input(_message.Message):
    __slots__ = ("text", "items")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    text: str
    items: ItemList
    def __init__(self, text: _Optional[str] = ..., items: _Optional[_Union[ItemList, _Mapping]] = ...) -> None: ...

class MessageItem(_message.Message):
    __slots__ = ("type", "id", "role", "content", "status", "phase", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    id: str
    role: str
    content: _content_pb2.Content
    status: str
    phase: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., id: _Optional[str] = ..., role: _Optional[str] = ..., content: _Optional[_Union[_content_pb2.Content, _Mapping]] = ..., status: _Optional[str] = ..., phase: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class FunctionCallItem(_message.Message):
    __slots__ = ("id", "call_id", "name", "arguments", "status", "namespace", "caller", "created_by", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    ASYNC_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    call_id: str
    name: str
    arguments: str
    status: str
    namespace: str
    caller: _struct_pb2.Value
    created_by: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., call_id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ..., status: _Optional[str] = ..., namespace: _Optional[str] = ..., caller: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., created_by: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ..., **kwargs) -> None: ...

class FunctionCallOutputItem(_message.Message):
    __slots__ = ("id", "call_id", "output", "status", "name", "namespace", "caller", "created_by", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    call_id: str
    output: _content_pb2.Content
    status: str
    name: str
    namespace: str
    caller: _struct_pb2.Value
    created_by: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., call_id: _Optional[str] = ..., output: _Optional[_Union[_content_pb2.Content, _Mapping]] = ..., status: _Optional[str] = ..., name: _Optional[str] = ..., namespace: _Optional[str] = ..., caller: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., created_by: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ReasoningItem(_message.Message):
    __slots__ = ("id", "summary", "content", "encrypted_content", "status", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTED_CONTENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    summary: _containers.RepeatedCompositeFieldContainer[_content_pb2.ContentPart]
    content: _containers.RepeatedCompositeFieldContainer[_content_pb2.ContentPart]
    encrypted_content: str
    status: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., summary: _Optional[_Iterable[_Union[_content_pb2.ContentPart, _Mapping]]] = ..., content: _Optional[_Iterable[_Union[_content_pb2.ContentPart, _Mapping]]] = ..., encrypted_content: _Optional[str] = ..., status: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class AdditionalToolsItem(_message.Message):
    __slots__ = ("id", "role", "tools", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    role: str
    tools: _containers.RepeatedCompositeFieldContainer[_tools_pb2.Tool]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., role: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[_tools_pb2.Tool, _Mapping]]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CompactionItem(_message.Message):
    __slots__ = ("id", "encrypted_content", "created_by", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTED_CONTENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    encrypted_content: str
    created_by: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., encrypted_content: _Optional[str] = ..., created_by: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CompactionTriggerItem(_message.Message):
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

class ItemReference(_message.Message):
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

class ProgramItem(_message.Message):
    __slots__ = ("id", "call_id", "code", "fingerprint", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    call_id: str
    code: str
    fingerprint: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., call_id: _Optional[str] = ..., code: _Optional[str] = ..., fingerprint: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ProgramOutputItem(_message.Message):
    __slots__ = ("id", "call_id", "result", "status", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    call_id: str
    result: str
    status: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., call_id: _Optional[str] = ..., result: _Optional[str] = ..., status: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ConfigurationUpdateItem(_message.Message):
    __slots__ = ("id", "reasoning", "text", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    reasoning: ConfigurationReasoning
    text: ConfigurationText
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, id: _Optional[str] = ..., reasoning: _Optional[_Union[ConfigurationReasoning, _Mapping]] = ..., text: _Optional[_Union[ConfigurationText, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ConfigurationReasoning(_message.Message):
    __slots__ = ("effort", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    EFFORT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    effort: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, effort: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ConfigurationText(_message.Message):
    __slots__ = ("format", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    format: _struct_pb2.Struct
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, format: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...
