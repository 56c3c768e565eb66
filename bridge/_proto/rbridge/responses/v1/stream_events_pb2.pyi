from google.protobuf import struct_pb2 as _struct_pb2
from rbridge.responses.v1 import content_pb2 as _content_pb2
from rbridge.responses.v1 import items_pb2 as _items_pb2
from rbridge.responses.v1 import options_pb2 as _options_pb2
from rbridge.responses.v1 import response_pb2 as _response_pb2
from rbridge.responses.v1 import tool_calls_pb2 as _tool_calls_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResponseStreamEventBatch(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[ResponseStreamEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[ResponseStreamEvent, _Mapping]]] = ...) -> None: ...

class ResponseStreamEvent(_message.Message):
    __slots__ = ("output_text_delta", "function_call_arguments_delta", "reasoning_summary_text_delta", "reasoning_text_delta", "refusal_delta", "output_item_added", "output_item_done", "content_part_added", "content_part_done", "output_text_done", "created", "in_progress", "completed", "error", "output_text_annotation_added", "queued", "failed", "incomplete", "refusal_done", "function_call_arguments_done", "reasoning_summary_part_added", "reasoning_summary_part_done", "reasoning_summary_text_done", "reasoning_text_done", "audio_delta", "audio_done", "audio_transcript_delta", "audio_transcript_done", "code_interpreter_call_code_delta", "code_interpreter_call_code_done", "code_interpreter_call_completed", "code_interpreter_call_in_progress", "code_interpreter_call_interpreting", "file_search_call_completed", "file_search_call_in_progress", "file_search_call_searching", "shell_call_command_added", "shell_call_command_delta", "shell_call_command_done", "shell_call_output_content_delta", "shell_call_output_content_done", "web_search_call_completed", "web_search_call_in_progress", "web_search_call_searching", "image_generation_call_completed", "image_generation_call_generating", "image_generation_call_in_progress", "image_generation_call_partial_image", "mcp_call_arguments_delta", "mcp_call_arguments_done", "mcp_call_completed", "mcp_call_failed", "mcp_call_in_progress", "mcp_list_tools_completed", "mcp_list_tools_failed", "mcp_list_tools_in_progress", "custom_tool_call_input_delta", "custom_tool_call_input_done", "compaction_compacting", "unknown", "raw_json")
    OUTPUT_TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_CALL_ARGUMENTS_DELTA_FIELD_NUMBER: _ClassVar[int]
    REASONING_SUMMARY_TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    REASONING_TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_DELTA_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ITEM_ADDED_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ITEM_DONE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_PART_ADDED_FIELD_NUMBER: _ClassVar[int]
    CONTENT_PART_DONE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TEXT_DONE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TEXT_ANNOTATION_ADDED_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    INCOMPLETE_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_DONE_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_CALL_ARGUMENTS_DONE_FIELD_NUMBER: _ClassVar[int]
    REASONING_SUMMARY_PART_ADDED_FIELD_NUMBER: _ClassVar[int]
    REASONING_SUMMARY_PART_DONE_FIELD_NUMBER: _ClassVar[int]
    REASONING_SUMMARY_TEXT_DONE_FIELD_NUMBER: _ClassVar[int]
    REASONING_TEXT_DONE_FIELD_NUMBER: _ClassVar[int]
    AUDIO_DELTA_FIELD_NUMBER: _ClassVar[int]
    AUDIO_DONE_FIELD_NUMBER: _ClassVar[int]
    AUDIO_TRANSCRIPT_DELTA_FIELD_NUMBER: _ClassVar[int]
    AUDIO_TRANSCRIPT_DONE_FIELD_NUMBER: _ClassVar[int]
    CODE_INTERPRETER_CALL_CODE_DELTA_FIELD_NUMBER: _ClassVar[int]
    CODE_INTERPRETER_CALL_CODE_DONE_FIELD_NUMBER: _ClassVar[int]
    CODE_INTERPRETER_CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    CODE_INTERPRETER_CALL_IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CODE_INTERPRETER_CALL_INTERPRETING_FIELD_NUMBER: _ClassVar[int]
    FILE_SEARCH_CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    FILE_SEARCH_CALL_IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    FILE_SEARCH_CALL_SEARCHING_FIELD_NUMBER: _ClassVar[int]
    SHELL_CALL_COMMAND_ADDED_FIELD_NUMBER: _ClassVar[int]
    SHELL_CALL_COMMAND_DELTA_FIELD_NUMBER: _ClassVar[int]
    SHELL_CALL_COMMAND_DONE_FIELD_NUMBER: _ClassVar[int]
    SHELL_CALL_OUTPUT_CONTENT_DELTA_FIELD_NUMBER: _ClassVar[int]
    SHELL_CALL_OUTPUT_CONTENT_DONE_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_CALL_IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_CALL_SEARCHING_FIELD_NUMBER: _ClassVar[int]
    IMAGE_GENERATION_CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    IMAGE_GENERATION_CALL_GENERATING_FIELD_NUMBER: _ClassVar[int]
    IMAGE_GENERATION_CALL_IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_GENERATION_CALL_PARTIAL_IMAGE_FIELD_NUMBER: _ClassVar[int]
    MCP_CALL_ARGUMENTS_DELTA_FIELD_NUMBER: _ClassVar[int]
    MCP_CALL_ARGUMENTS_DONE_FIELD_NUMBER: _ClassVar[int]
    MCP_CALL_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    MCP_CALL_FAILED_FIELD_NUMBER: _ClassVar[int]
    MCP_CALL_IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    MCP_LIST_TOOLS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    MCP_LIST_TOOLS_FAILED_FIELD_NUMBER: _ClassVar[int]
    MCP_LIST_TOOLS_IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_TOOL_CALL_INPUT_DELTA_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_TOOL_CALL_INPUT_DONE_FIELD_NUMBER: _ClassVar[int]
    COMPACTION_COMPACTING_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    RAW_JSON_FIELD_NUMBER: _ClassVar[int]
    output_text_delta: OutputTextDeltaEvent
    function_call_arguments_delta: FunctionCallArgumentsDeltaEvent
    reasoning_summary_text_delta: ReasoningSummaryTextDeltaEvent
    reasoning_text_delta: ReasoningTextDeltaEvent
    refusal_delta: RefusalDeltaEvent
    output_item_added: OutputItemEvent
    output_item_done: OutputItemEvent
    content_part_added: ContentPartEvent
    content_part_done: ContentPartEvent
    output_text_done: OutputTextDoneEvent
    created: ResponseEvent
    in_progress: ResponseEvent
    completed: ResponseEvent
    error: ErrorEvent
    output_text_annotation_added: OutputTextAnnotationAddedEvent
    queued: ResponseEvent
    failed: ResponseEvent
    incomplete: ResponseEvent
    refusal_done: RefusalDoneEvent
    function_call_arguments_done: FunctionCallArgumentsDoneEvent
    reasoning_summary_part_added: ReasoningSummaryPartEvent
    reasoning_summary_part_done: ReasoningSummaryPartEvent
    reasoning_summary_text_done: ReasoningSummaryTextDoneEvent
    reasoning_text_done: ReasoningTextDoneEvent
    audio_delta: AudioDeltaEvent
    audio_done: AudioDoneEvent
    audio_transcript_delta: AudioDeltaEvent
    audio_transcript_done: AudioDoneEvent
    code_interpreter_call_code_delta: ItemDeltaEvent
    code_interpreter_call_code_done: CodeInterpreterCallCodeDoneEvent
    code_interpreter_call_completed: ItemStatusEvent
    code_interpreter_call_in_progress: ItemStatusEvent
    code_interpreter_call_interpreting: ItemStatusEvent
    file_search_call_completed: ItemStatusEvent
    file_search_call_in_progress: ItemStatusEvent
    file_search_call_searching: ItemStatusEvent
    shell_call_command_added: ShellCallCommandEvent
    shell_call_command_delta: ShellCallCommandDeltaEvent
    shell_call_command_done: ShellCallCommandEvent
    shell_call_output_content_delta: ShellCallOutputContentDeltaEvent
    shell_call_output_content_done: ShellCallOutputContentDoneEvent
    web_search_call_completed: ItemStatusEvent
    web_search_call_in_progress: ItemStatusEvent
    web_search_call_searching: ItemStatusEvent
    image_generation_call_completed: ItemStatusEvent
    image_generation_call_generating: ItemStatusEvent
    image_generation_call_in_progress: ItemStatusEvent
    image_generation_call_partial_image: ImageGenerationCallPartialImageEvent
    mcp_call_arguments_delta: ItemDeltaEvent
    mcp_call_arguments_done: McpCallArgumentsDoneEvent
    mcp_call_completed: ItemStatusEvent
    mcp_call_failed: ItemStatusEvent
    mcp_call_in_progress: ItemStatusEvent
    mcp_list_tools_completed: ItemStatusEvent
    mcp_list_tools_failed: ItemStatusEvent
    mcp_list_tools_in_progress: ItemStatusEvent
    custom_tool_call_input_delta: ItemDeltaEvent
    custom_tool_call_input_done: CustomToolCallInputDoneEvent
    compaction_compacting: ItemStatusEvent
    unknown: _struct_pb2.Value
    raw_json: str
    def __init__(self, output_text_delta: _Optional[_Union[OutputTextDeltaEvent, _Mapping]] = ..., function_call_arguments_delta: _Optional[_Union[FunctionCallArgumentsDeltaEvent, _Mapping]] = ..., reasoning_summary_text_delta: _Optional[_Union[ReasoningSummaryTextDeltaEvent, _Mapping]] = ..., reasoning_text_delta: _Optional[_Union[ReasoningTextDeltaEvent, _Mapping]] = ..., refusal_delta: _Optional[_Union[RefusalDeltaEvent, _Mapping]] = ..., output_item_added: _Optional[_Union[OutputItemEvent, _Mapping]] = ..., output_item_done: _Optional[_Union[OutputItemEvent, _Mapping]] = ..., content_part_added: _Optional[_Union[ContentPartEvent, _Mapping]] = ..., content_part_done: _Optional[_Union[ContentPartEvent, _Mapping]] = ..., output_text_done: _Optional[_Union[OutputTextDoneEvent, _Mapping]] = ..., created: _Optional[_Union[ResponseEvent, _Mapping]] = ..., in_progress: _Optional[_Union[ResponseEvent, _Mapping]] = ..., completed: _Optional[_Union[ResponseEvent, _Mapping]] = ..., error: _Optional[_Union[ErrorEvent, _Mapping]] = ..., output_text_annotation_added: _Optional[_Union[OutputTextAnnotationAddedEvent, _Mapping]] = ..., queued: _Optional[_Union[ResponseEvent, _Mapping]] = ..., failed: _Optional[_Union[ResponseEvent, _Mapping]] = ..., incomplete: _Optional[_Union[ResponseEvent, _Mapping]] = ..., refusal_done: _Optional[_Union[RefusalDoneEvent, _Mapping]] = ..., function_call_arguments_done: _Optional[_Union[FunctionCallArgumentsDoneEvent, _Mapping]] = ..., reasoning_summary_part_added: _Optional[_Union[ReasoningSummaryPartEvent, _Mapping]] = ..., reasoning_summary_part_done: _Optional[_Union[ReasoningSummaryPartEvent, _Mapping]] = ..., reasoning_summary_text_done: _Optional[_Union[ReasoningSummaryTextDoneEvent, _Mapping]] = ..., reasoning_text_done: _Optional[_Union[ReasoningTextDoneEvent, _Mapping]] = ..., audio_delta: _Optional[_Union[AudioDeltaEvent, _Mapping]] = ..., audio_done: _Optional[_Union[AudioDoneEvent, _Mapping]] = ..., audio_transcript_delta: _Optional[_Union[AudioDeltaEvent, _Mapping]] = ..., audio_transcript_done: _Optional[_Union[AudioDoneEvent, _Mapping]] = ..., code_interpreter_call_code_delta: _Optional[_Union[ItemDeltaEvent, _Mapping]] = ..., code_interpreter_call_code_done: _Optional[_Union[CodeInterpreterCallCodeDoneEvent, _Mapping]] = ..., code_interpreter_call_completed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., code_interpreter_call_in_progress: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., code_interpreter_call_interpreting: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., file_search_call_completed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., file_search_call_in_progress: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., file_search_call_searching: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., shell_call_command_added: _Optional[_Union[ShellCallCommandEvent, _Mapping]] = ..., shell_call_command_delta: _Optional[_Union[ShellCallCommandDeltaEvent, _Mapping]] = ..., shell_call_command_done: _Optional[_Union[ShellCallCommandEvent, _Mapping]] = ..., shell_call_output_content_delta: _Optional[_Union[ShellCallOutputContentDeltaEvent, _Mapping]] = ..., shell_call_output_content_done: _Optional[_Union[ShellCallOutputContentDoneEvent, _Mapping]] = ..., web_search_call_completed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., web_search_call_in_progress: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., web_search_call_searching: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., image_generation_call_completed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., image_generation_call_generating: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., image_generation_call_in_progress: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., image_generation_call_partial_image: _Optional[_Union[ImageGenerationCallPartialImageEvent, _Mapping]] = ..., mcp_call_arguments_delta: _Optional[_Union[ItemDeltaEvent, _Mapping]] = ..., mcp_call_arguments_done: _Optional[_Union[McpCallArgumentsDoneEvent, _Mapping]] = ..., mcp_call_completed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., mcp_call_failed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., mcp_call_in_progress: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., mcp_list_tools_completed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., mcp_list_tools_failed: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., mcp_list_tools_in_progress: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., custom_tool_call_input_delta: _Optional[_Union[ItemDeltaEvent, _Mapping]] = ..., custom_tool_call_input_done: _Optional[_Union[CustomToolCallInputDoneEvent, _Mapping]] = ..., compaction_compacting: _Optional[_Union[ItemStatusEvent, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., raw_json: _Optional[str] = ...) -> None: ...

class ResponseEvent(_message.Message):
    __slots__ = ("response", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    response: _response_pb2.Response
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, response: _Optional[_Union[_response_pb2.Response, _Mapping]] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class OutputItemEvent(_message.Message):
    __slots__ = ("output_index", "item", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    output_index: int
    item: _items_pb2.Item
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, output_index: _Optional[int] = ..., item: _Optional[_Union[_items_pb2.Item, _Mapping]] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ContentPartEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "part", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    PART_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    part: _content_pb2.ContentPart
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., part: _Optional[_Union[_content_pb2.ContentPart, _Mapping]] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class OutputTextDeltaEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "delta", "logprobs", "obfuscation", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    delta: str
    logprobs: _containers.RepeatedCompositeFieldContainer[_content_pb2.LogProb]
    obfuscation: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., delta: _Optional[str] = ..., logprobs: _Optional[_Iterable[_Union[_content_pb2.LogProb, _Mapping]]] = ..., obfuscation: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class OutputTextDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "text", "logprobs", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    text: str
    logprobs: _containers.RepeatedCompositeFieldContainer[_content_pb2.LogProb]
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., text: _Optional[str] = ..., logprobs: _Optional[_Iterable[_Union[_content_pb2.LogProb, _Mapping]]] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class OutputTextAnnotationAddedEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "annotation_index", "annotation", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    ANNOTATION_INDEX_FIELD_NUMBER: _ClassVar[int]
    ANNOTATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    annotation_index: int
    annotation: _content_pb2.Annotation
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., annotation_index: _Optional[int] = ..., annotation: _Optional[_Union[_content_pb2.Annotation, _Mapping]] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class RefusalDeltaEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "delta", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    delta: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., delta: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class RefusalDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "refusal", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    refusal: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., refusal: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class FunctionCallArgumentsDeltaEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "delta", "obfuscation", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    delta: str
    obfuscation: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., delta: _Optional[str] = ..., obfuscation: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class FunctionCallArgumentsDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "name", "arguments", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    name: str
    arguments: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ReasoningSummaryPartEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "summary_index", "part", "status", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_INDEX_FIELD_NUMBER: _ClassVar[int]
    PART_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    summary_index: int
    part: _content_pb2.ContentPart
    status: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., summary_index: _Optional[int] = ..., part: _Optional[_Union[_content_pb2.ContentPart, _Mapping]] = ..., status: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ReasoningSummaryTextDeltaEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "summary_index", "delta", "obfuscation", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    summary_index: int
    delta: str
    obfuscation: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., summary_index: _Optional[int] = ..., delta: _Optional[str] = ..., obfuscation: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ReasoningSummaryTextDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "summary_index", "text", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_INDEX_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    summary_index: int
    text: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., summary_index: _Optional[int] = ..., text: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ReasoningTextDeltaEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "delta", "obfuscation", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    delta: str
    obfuscation: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., delta: _Optional[str] = ..., obfuscation: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ReasoningTextDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "content_index", "text", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    content_index: int
    text: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., content_index: _Optional[int] = ..., text: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ErrorEvent(_message.Message):
    __slots__ = ("code", "message", "param", "error", "sequence_number", "status", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PARAM_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    param: str
    error: ApiError
    sequence_number: int
    status: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., param: _Optional[str] = ..., error: _Optional[_Union[ApiError, _Mapping]] = ..., sequence_number: _Optional[int] = ..., status: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ApiError(_message.Message):
    __slots__ = ("type", "code", "message", "param", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PARAM_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    code: str
    message: str
    param: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ..., param: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class AudioDeltaEvent(_message.Message):
    __slots__ = ("delta", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    DELTA_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    delta: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, delta: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class AudioDoneEvent(_message.Message):
    __slots__ = ("sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ItemDeltaEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "delta", "obfuscation", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    delta: str
    obfuscation: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., delta: _Optional[str] = ..., obfuscation: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ItemStatusEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CodeInterpreterCallCodeDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "code", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    code: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., code: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class McpCallArgumentsDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "arguments", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    arguments: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., arguments: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CustomToolCallInputDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "input", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    input: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., input: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ImageGenerationCallPartialImageEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "partial_image_index", "partial_image_b64", "size", "quality", "background", "output_format", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_IMAGE_INDEX_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_IMAGE_B64_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    partial_image_index: int
    partial_image_b64: str
    size: str
    quality: str
    background: str
    output_format: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., partial_image_index: _Optional[int] = ..., partial_image_b64: _Optional[str] = ..., size: _Optional[str] = ..., quality: _Optional[str] = ..., background: _Optional[str] = ..., output_format: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ShellCallCommandEvent(_message.Message):
    __slots__ = ("output_index", "command_index", "command", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    COMMAND_INDEX_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    output_index: int
    command_index: int
    command: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, output_index: _Optional[int] = ..., command_index: _Optional[int] = ..., command: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ShellCallCommandDeltaEvent(_message.Message):
    __slots__ = ("output_index", "command_index", "delta", "obfuscation", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    COMMAND_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    OBFUSCATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    output_index: int
    command_index: int
    delta: str
    obfuscation: str
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, output_index: _Optional[int] = ..., command_index: _Optional[int] = ..., delta: _Optional[str] = ..., obfuscation: _Optional[str] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ShellCallOutputContentDeltaEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "command_index", "delta", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    COMMAND_INDEX_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    command_index: int
    delta: ShellOutputDelta
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., command_index: _Optional[int] = ..., delta: _Optional[_Union[ShellOutputDelta, _Mapping]] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ShellOutputDelta(_message.Message):
    __slots__ = ("stdout", "stderr", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    STDOUT_FIELD_NUMBER: _ClassVar[int]
    STDERR_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    stdout: str
    stderr: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, stdout: _Optional[str] = ..., stderr: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ShellCallOutputContentDoneEvent(_message.Message):
    __slots__ = ("item_id", "output_index", "command_index", "output", "sequence_number", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    COMMAND_INDEX_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    output_index: int
    command_index: int
    output: _containers.RepeatedCompositeFieldContainer[_tool_calls_pb2.ShellCallOutputContent]
    sequence_number: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, item_id: _Optional[str] = ..., output_index: _Optional[int] = ..., command_index: _Optional[int] = ..., output: _Optional[_Iterable[_Union[_tool_calls_pb2.ShellCallOutputContent, _Mapping]]] = ..., sequence_number: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...
