from google.protobuf import struct_pb2 as _struct_pb2
from rbridge.responses.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Tool(_message.Message):
    __slots__ = ("function", "file_search", "computer", "computer_use_preview", "web_search", "mcp", "code_interpreter", "programmatic_tool_calling", "image_generation", "local_shell", "shell", "custom", "namespace", "tool_search", "web_search_preview", "apply_patch", "unknown")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    FILE_SEARCH_FIELD_NUMBER: _ClassVar[int]
    COMPUTER_FIELD_NUMBER: _ClassVar[int]
    COMPUTER_USE_PREVIEW_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_FIELD_NUMBER: _ClassVar[int]
    MCP_FIELD_NUMBER: _ClassVar[int]
    CODE_INTERPRETER_FIELD_NUMBER: _ClassVar[int]
    PROGRAMMATIC_TOOL_CALLING_FIELD_NUMBER: _ClassVar[int]
    IMAGE_GENERATION_FIELD_NUMBER: _ClassVar[int]
    LOCAL_SHELL_FIELD_NUMBER: _ClassVar[int]
    SHELL_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    TOOL_SEARCH_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_PREVIEW_FIELD_NUMBER: _ClassVar[int]
    APPLY_PATCH_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    function: FunctionTool
    file_search: FileSearchTool
    computer: ComputerTool
    computer_use_preview: ComputerUsePreviewTool
    web_search: WebSearchTool
    mcp: McpTool
    code_interpreter: CodeInterpreterTool
    programmatic_tool_calling: ProgrammaticToolCallingTool
    image_generation: ImageGenerationTool
    local_shell: LocalShellTool
    shell: ShellTool
    custom: CustomTool
    namespace: NamespaceTool
    tool_search: ToolSearchTool
    web_search_preview: WebSearchPreviewTool
    apply_patch: ApplyPatchTool
    unknown: _struct_pb2.Value
    def __init__(self, function: _Optional[_Union[FunctionTool, _Mapping]] = ..., file_search: _Optional[_Union[FileSearchTool, _Mapping]] = ..., computer: _Optional[_Union[ComputerTool, _Mapping]] = ..., computer_use_preview: _Optional[_Union[ComputerUsePreviewTool, _Mapping]] = ..., web_search: _Optional[_Union[WebSearchTool, _Mapping]] = ..., mcp: _Optional[_Union[McpTool, _Mapping]] = ..., code_interpreter: _Optional[_Union[CodeInterpreterTool, _Mapping]] = ..., programmatic_tool_calling: _Optional[_Union[ProgrammaticToolCallingTool, _Mapping]] = ..., image_generation: _Optional[_Union[ImageGenerationTool, _Mapping]] = ..., local_shell: _Optional[_Union[LocalShellTool, _Mapping]] = ..., shell: _Optional[_Union[ShellTool, _Mapping]] = ..., custom: _Optional[_Union[CustomTool, _Mapping]] = ..., namespace: _Optional[_Union[NamespaceTool, _Mapping]] = ..., tool_search: _Optional[_Union[ToolSearchTool, _Mapping]] = ..., web_search_preview: _Optional[_Union[WebSearchPreviewTool, _Mapping]] = ..., apply_patch: _Optional[_Union[ApplyPatchTool, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

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
    ASYNC_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    parameters: _struct_pb2.Struct
    strict: bool
    output_schema: _struct_pb2.Struct
    defer_loading: bool
    allowed_callers: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., strict: _Optional[bool] = ..., output_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., defer_loading: _Optional[bool] = ..., allowed_callers: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ..., **kwargs) -> None: ...

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

class FileSearchTool(_message.Message):
    __slots__ = ("vector_store_ids", "max_num_results", "ranking_options", "filters", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    VECTOR_STORE_IDS_FIELD_NUMBER: _ClassVar[int]
    MAX_NUM_RESULTS_FIELD_NUMBER: _ClassVar[int]
    RANKING_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    vector_store_ids: _containers.RepeatedScalarFieldContainer[str]
    max_num_results: int
    ranking_options: RankingOptions
    filters: FileSearchFilter
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, vector_store_ids: _Optional[_Iterable[str]] = ..., max_num_results: _Optional[int] = ..., ranking_options: _Optional[_Union[RankingOptions, _Mapping]] = ..., filters: _Optional[_Union[FileSearchFilter, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class RankingOptions(_message.Message):
    __slots__ = ("ranker", "score_threshold", "hybrid_search", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    RANKER_FIELD_NUMBER: _ClassVar[int]
    SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    HYBRID_SEARCH_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ranker: str
    score_threshold: float
    hybrid_search: HybridSearchOptions
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, ranker: _Optional[str] = ..., score_threshold: _Optional[float] = ..., hybrid_search: _Optional[_Union[HybridSearchOptions, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class HybridSearchOptions(_message.Message):
    __slots__ = ("embedding_weight", "text_weight", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    EMBEDDING_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    TEXT_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    embedding_weight: float
    text_weight: float
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, embedding_weight: _Optional[float] = ..., text_weight: _Optional[float] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class FileSearchFilter(_message.Message):
    __slots__ = ("comparison", "compound", "unknown")
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    COMPOUND_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    comparison: ComparisonFilter
    compound: CompoundFilter
    unknown: _struct_pb2.Value
    def __init__(self, comparison: _Optional[_Union[ComparisonFilter, _Mapping]] = ..., compound: _Optional[_Union[CompoundFilter, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ComparisonFilter(_message.Message):
    __slots__ = ("type", "key", "value", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    key: str
    value: _struct_pb2.Value
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CompoundFilter(_message.Message):
    __slots__ = ("type", "filters", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    filters: _containers.RepeatedCompositeFieldContainer[FileSearchFilter]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., filters: _Optional[_Iterable[_Union[FileSearchFilter, _Mapping]]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ComputerTool(_message.Message):
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

class ComputerUsePreviewTool(_message.Message):
    __slots__ = ("environment", "display_width", "display_height", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_WIDTH_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    environment: str
    display_width: int
    display_height: int
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, environment: _Optional[str] = ..., display_width: _Optional[int] = ..., display_height: _Optional[int] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class WebSearchTool(_message.Message):
    __slots__ = ("type", "external_web_access", "filters", "user_location", "search_context_size", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_WEB_ACCESS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    USER_LOCATION_FIELD_NUMBER: _ClassVar[int]
    SEARCH_CONTEXT_SIZE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    external_web_access: bool
    filters: WebSearchFilters
    user_location: ApproximateLocation
    search_context_size: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., external_web_access: _Optional[bool] = ..., filters: _Optional[_Union[WebSearchFilters, _Mapping]] = ..., user_location: _Optional[_Union[ApproximateLocation, _Mapping]] = ..., search_context_size: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class WebSearchFilters(_message.Message):
    __slots__ = ("allowed_domains", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ALLOWED_DOMAINS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    allowed_domains: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, allowed_domains: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ApproximateLocation(_message.Message):
    __slots__ = ("type", "country", "region", "city", "timezone", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    country: str
    region: str
    city: str
    timezone: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., country: _Optional[str] = ..., region: _Optional[str] = ..., city: _Optional[str] = ..., timezone: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class WebSearchPreviewTool(_message.Message):
    __slots__ = ("type", "user_location", "search_context_size", "search_content_types", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    USER_LOCATION_FIELD_NUMBER: _ClassVar[int]
    SEARCH_CONTEXT_SIZE_FIELD_NUMBER: _ClassVar[int]
    SEARCH_CONTENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    user_location: ApproximateLocation
    search_context_size: str
    search_content_types: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., user_location: _Optional[_Union[ApproximateLocation, _Mapping]] = ..., search_context_size: _Optional[str] = ..., search_content_types: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class McpTool(_message.Message):
    __slots__ = ("server_label", "server_url", "connector_id", "tunnel_id", "authorization", "server_description", "headers", "allowed_tools", "allowed_callers", "require_approval", "defer_loading", "extra_fields")
    class HeadersEntry(_message.Message):
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
    SERVER_LABEL_FIELD_NUMBER: _ClassVar[int]
    SERVER_URL_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_ID_FIELD_NUMBER: _ClassVar[int]
    TUNNEL_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZATION_FIELD_NUMBER: _ClassVar[int]
    SERVER_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_TOOLS_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_CALLERS_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_APPROVAL_FIELD_NUMBER: _ClassVar[int]
    DEFER_LOADING_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    server_label: str
    server_url: str
    connector_id: str
    tunnel_id: str
    authorization: str
    server_description: str
    headers: _containers.ScalarMap[str, str]
    allowed_tools: McpAllowedTools
    allowed_callers: _containers.RepeatedScalarFieldContainer[str]
    require_approval: McpRequireApproval
    defer_loading: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, server_label: _Optional[str] = ..., server_url: _Optional[str] = ..., connector_id: _Optional[str] = ..., tunnel_id: _Optional[str] = ..., authorization: _Optional[str] = ..., server_description: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ..., allowed_tools: _Optional[_Union[McpAllowedTools, _Mapping]] = ..., allowed_callers: _Optional[_Iterable[str]] = ..., require_approval: _Optional[_Union[McpRequireApproval, _Mapping]] = ..., defer_loading: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class McpAllowedTools(_message.Message):
    __slots__ = ("tool_names", "filter")
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    tool_names: McpToolNameList
    filter: McpToolFilter
    def __init__(self, tool_names: _Optional[_Union[McpToolNameList, _Mapping]] = ..., filter: _Optional[_Union[McpToolFilter, _Mapping]] = ...) -> None: ...

class McpToolNameList(_message.Message):
    __slots__ = ("tool_names",)
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tool_names: _Optional[_Iterable[str]] = ...) -> None: ...

class McpToolFilter(_message.Message):
    __slots__ = ("tool_names", "read_only", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    read_only: bool
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, tool_names: _Optional[_Iterable[str]] = ..., read_only: _Optional[bool] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class McpRequireApproval(_message.Message):
    __slots__ = ("mode", "filter")
    MODE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    mode: str
    filter: McpApprovalFilter
    def __init__(self, mode: _Optional[str] = ..., filter: _Optional[_Union[McpApprovalFilter, _Mapping]] = ...) -> None: ...

class McpApprovalFilter(_message.Message):
    __slots__ = ("always", "never", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ALWAYS_FIELD_NUMBER: _ClassVar[int]
    NEVER_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    always: McpToolFilter
    never: McpToolFilter
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, always: _Optional[_Union[McpToolFilter, _Mapping]] = ..., never: _Optional[_Union[McpToolFilter, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CodeInterpreterTool(_message.Message):
    __slots__ = ("container", "allowed_callers", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_CALLERS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    container: CodeInterpreterContainer
    allowed_callers: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, container: _Optional[_Union[CodeInterpreterContainer, _Mapping]] = ..., allowed_callers: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CodeInterpreterContainer(_message.Message):
    __slots__ = ("id", "auto", "unknown")
    ID_FIELD_NUMBER: _ClassVar[int]
    AUTO_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    id: str
    auto: AutoContainer
    unknown: _struct_pb2.Value
    def __init__(self, id: _Optional[str] = ..., auto: _Optional[_Union[AutoContainer, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class AutoContainer(_message.Message):
    __slots__ = ("file_ids", "memory_limit", "network_policy", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    FILE_IDS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NETWORK_POLICY_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    file_ids: _containers.RepeatedScalarFieldContainer[str]
    memory_limit: str
    network_policy: ContainerNetworkPolicy
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, file_ids: _Optional[_Iterable[str]] = ..., memory_limit: _Optional[str] = ..., network_policy: _Optional[_Union[ContainerNetworkPolicy, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ContainerNetworkPolicy(_message.Message):
    __slots__ = ("disabled", "allowlist", "unknown")
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    ALLOWLIST_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    disabled: ContainerNetworkPolicyDisabled
    allowlist: ContainerNetworkPolicyAllowlist
    unknown: _struct_pb2.Value
    def __init__(self, disabled: _Optional[_Union[ContainerNetworkPolicyDisabled, _Mapping]] = ..., allowlist: _Optional[_Union[ContainerNetworkPolicyAllowlist, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ContainerNetworkPolicyDisabled(_message.Message):
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

class ContainerNetworkPolicyAllowlist(_message.Message):
    __slots__ = ("allowed_domains", "domain_secrets", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ALLOWED_DOMAINS_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_SECRETS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    allowed_domains: _containers.RepeatedScalarFieldContainer[str]
    domain_secrets: _containers.RepeatedCompositeFieldContainer[DomainSecret]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, allowed_domains: _Optional[_Iterable[str]] = ..., domain_secrets: _Optional[_Iterable[_Union[DomainSecret, _Mapping]]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class DomainSecret(_message.Message):
    __slots__ = ("domain", "name", "value", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    domain: str
    name: str
    value: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, domain: _Optional[str] = ..., name: _Optional[str] = ..., value: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ProgrammaticToolCallingTool(_message.Message):
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

class ImageGenerationTool(_message.Message):
    __slots__ = ("model", "quality", "size", "output_format", "output_compression", "moderation", "background", "input_fidelity", "input_image_mask", "partial_images", "action", "complexity", "frame_count", "frame_duration_ms", "svg", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    MODEL_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_COMPRESSION_FIELD_NUMBER: _ClassVar[int]
    MODERATION_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIDELITY_FIELD_NUMBER: _ClassVar[int]
    INPUT_IMAGE_MASK_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_IMAGES_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    COMPLEXITY_FIELD_NUMBER: _ClassVar[int]
    FRAME_COUNT_FIELD_NUMBER: _ClassVar[int]
    FRAME_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    SVG_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    model: str
    quality: str
    size: str
    output_format: str
    output_compression: int
    moderation: str
    background: str
    input_fidelity: str
    input_image_mask: ImageMask
    partial_images: int
    action: str
    complexity: str
    frame_count: int
    frame_duration_ms: int
    svg: SvgAuthorOptions
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, model: _Optional[str] = ..., quality: _Optional[str] = ..., size: _Optional[str] = ..., output_format: _Optional[str] = ..., output_compression: _Optional[int] = ..., moderation: _Optional[str] = ..., background: _Optional[str] = ..., input_fidelity: _Optional[str] = ..., input_image_mask: _Optional[_Union[ImageMask, _Mapping]] = ..., partial_images: _Optional[int] = ..., action: _Optional[str] = ..., complexity: _Optional[str] = ..., frame_count: _Optional[int] = ..., frame_duration_ms: _Optional[int] = ..., svg: _Optional[_Union[SvgAuthorOptions, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class SvgAuthorOptions(_message.Message):
    __slots__ = ("model", "reasoning", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    model: str
    reasoning: SvgAuthorReasoning
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, model: _Optional[str] = ..., reasoning: _Optional[_Union[SvgAuthorReasoning, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class SvgAuthorReasoning(_message.Message):
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

class ImageMask(_message.Message):
    __slots__ = ("image_url", "file_id", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    IMAGE_URL_FIELD_NUMBER: _ClassVar[int]
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    image_url: str
    file_id: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, image_url: _Optional[str] = ..., file_id: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class LocalShellTool(_message.Message):
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

class ShellTool(_message.Message):
    __slots__ = ("environment", "allowed_callers", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_CALLERS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    environment: ShellEnvironment
    allowed_callers: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, environment: _Optional[_Union[ShellEnvironment, _Mapping]] = ..., allowed_callers: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ShellEnvironment(_message.Message):
    __slots__ = ("container_auto", "local", "container_reference", "unknown")
    CONTAINER_AUTO_FIELD_NUMBER: _ClassVar[int]
    LOCAL_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    container_auto: ContainerAutoEnvironment
    local: LocalEnvironment
    container_reference: ContainerReferenceEnvironment
    unknown: _struct_pb2.Value
    def __init__(self, container_auto: _Optional[_Union[ContainerAutoEnvironment, _Mapping]] = ..., local: _Optional[_Union[LocalEnvironment, _Mapping]] = ..., container_reference: _Optional[_Union[ContainerReferenceEnvironment, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class ContainerAutoEnvironment(_message.Message):
    __slots__ = ("file_ids", "memory_limit", "network_policy", "skills", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    FILE_IDS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NETWORK_POLICY_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    file_ids: _containers.RepeatedScalarFieldContainer[str]
    memory_limit: str
    network_policy: ContainerNetworkPolicy
    skills: _containers.RepeatedCompositeFieldContainer[Skill]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, file_ids: _Optional[_Iterable[str]] = ..., memory_limit: _Optional[str] = ..., network_policy: _Optional[_Union[ContainerNetworkPolicy, _Mapping]] = ..., skills: _Optional[_Iterable[_Union[Skill, _Mapping]]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class LocalEnvironment(_message.Message):
    __slots__ = ("skills", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    skills: _containers.RepeatedCompositeFieldContainer[LocalSkill]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, skills: _Optional[_Iterable[_Union[LocalSkill, _Mapping]]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ContainerReferenceEnvironment(_message.Message):
    __slots__ = ("container_id", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    container_id: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, container_id: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class Skill(_message.Message):
    __slots__ = ("skill_reference", "inline", "unknown")
    SKILL_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    INLINE_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    skill_reference: SkillReference
    inline: InlineSkill
    unknown: _struct_pb2.Value
    def __init__(self, skill_reference: _Optional[_Union[SkillReference, _Mapping]] = ..., inline: _Optional[_Union[InlineSkill, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class SkillReference(_message.Message):
    __slots__ = ("skill_id", "version", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    skill_id: str
    version: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, skill_id: _Optional[str] = ..., version: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class InlineSkill(_message.Message):
    __slots__ = ("name", "description", "source", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    source: InlineSkillSource
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., source: _Optional[_Union[InlineSkillSource, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class InlineSkillSource(_message.Message):
    __slots__ = ("type", "media_type", "data", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    media_type: str
    data: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, type: _Optional[str] = ..., media_type: _Optional[str] = ..., data: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class LocalSkill(_message.Message):
    __slots__ = ("name", "description", "path", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    path: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., path: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class CustomTool(_message.Message):
    __slots__ = ("name", "description", "format", "defer_loading", "allowed_callers", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    DEFER_LOADING_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_CALLERS_FIELD_NUMBER: _ClassVar[int]
    ASYNC_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    format: CustomToolFormat
    defer_loading: bool
    allowed_callers: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., format: _Optional[_Union[CustomToolFormat, _Mapping]] = ..., defer_loading: _Optional[bool] = ..., allowed_callers: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ..., **kwargs) -> None: ...

class CustomToolFormat(_message.Message):
    __slots__ = ("text", "grammar", "unknown")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    GRAMMAR_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    text: CustomTextFormat
    grammar: CustomGrammarFormat
    unknown: _struct_pb2.Value
    def __init__(self, text: _Optional[_Union[CustomTextFormat, _Mapping]] = ..., grammar: _Optional[_Union[CustomGrammarFormat, _Mapping]] = ..., unknown: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class CustomTextFormat(_message.Message):
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

class CustomGrammarFormat(_message.Message):
    __slots__ = ("syntax", "definition", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    SYNTAX_FIELD_NUMBER: _ClassVar[int]
    DEFINITION_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    syntax: str
    definition: str
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, syntax: _Optional[str] = ..., definition: _Optional[str] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class NamespaceTool(_message.Message):
    __slots__ = ("name", "description", "tools", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    tools: _containers.RepeatedCompositeFieldContainer[Tool]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[Tool, _Mapping]]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ToolSearchTool(_message.Message):
    __slots__ = ("execution", "description", "parameters", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    execution: str
    description: str
    parameters: _struct_pb2.Struct
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, execution: _Optional[str] = ..., description: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...

class ApplyPatchTool(_message.Message):
    __slots__ = ("allowed_callers", "extra_fields")
    class ExtraFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _struct_pb2.Value
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
    ALLOWED_CALLERS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELDS_FIELD_NUMBER: _ClassVar[int]
    allowed_callers: _containers.RepeatedScalarFieldContainer[str]
    extra_fields: _containers.MessageMap[str, _struct_pb2.Value]
    def __init__(self, allowed_callers: _Optional[_Iterable[str]] = ..., extra_fields: _Optional[_Mapping[str, _struct_pb2.Value]] = ...) -> None: ...
