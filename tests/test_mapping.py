"""The codec's tables come from the contract's options, which are complete and consistent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor
from google.protobuf.message_factory import GetMessageClass

from bridge import codec
from bridge.codec import mapping
from bridge.codec.mapping import ContractError, read_object, read_union
from rbridge.responses.v1 import options_pb2, tool_calls_pb2
from tests.proto_cases import compile_messages

PACKAGE = "rbridge.responses.v1"
ARM: Any = options_pb2.json_arm


def union_of(source: str, tmp_path: Path) -> Descriptor:
    return compile_messages(source, tmp_path).FindMessageTypeByName("test.v1.U")


def test_every_union_arm_of_the_contract_carries_its_option() -> None:
    """Every field of every oneof in the contract has json_arm; fields elsewhere do not."""
    unions = 0
    for message in mapping.contract_messages():
        union = mapping.UNIONS.get(message.full_name)
        arms = {fd.name for fd in message.oneofs_by_name[union.oneof].fields} if union else set()
        for fd in message.fields:
            assert fd.GetOptions().HasExtension(ARM) == (fd.name in arms), fd.full_name
        # Every real oneof of the contract is a union: a proto3 `optional` field's is not.
        real = [oneof for oneof in message.oneofs if not oneof.name.startswith("_")]
        assert bool(real) == (union is not None), message.full_name
        unions += union is not None
    assert unions == 27


def test_no_type_string_is_claimed_twice_in_the_contract() -> None:
    """Within each union, the arms' type strings are distinct (one arm per string)."""
    for name, union in mapping.UNIONS.items():
        descriptor = descriptor_pool.Default().FindMessageTypeByName(name)
        claimed = [t for fd in descriptor.fields for t in fd.GetOptions().Extensions[ARM].types]
        assert len(claimed) == len(set(claimed)) == len(union.types), name


def test_tables_read_from_the_options() -> None:
    """The tables say what the options say: aliases, the untyped, string and fallback arms."""
    tool = mapping.UNIONS[f"{PACKAGE}.Tool"]
    assert tool.types["web_search_2025_08_26"] == "web_search"
    assert tool.canonical["web_search"] == "web_search"
    assert tool.unknown_arm == "unknown"
    item = mapping.UNIONS[f"{PACKAGE}.Item"]
    assert (item.untyped_arm, item.types["message"]) == ("message", "message")
    choice = mapping.UNIONS[f"{PACKAGE}.ToolChoice"]
    assert choice.string_arm == "mode" and choice.types["shell"] == "tool_type"
    content = mapping.UNIONS[f"{PACKAGE}.Content"]
    assert (content.string_arm, content.list_arm, content.unknown_arm) == ("text", "parts", None)
    assert mapping.STREAM_EVENT.types["response.output_text.delta"] == "output_text_delta"
    assert mapping.ALWAYS_WRITTEN[f"{PACKAGE}.Response"] == ("output", "tools", "metadata")
    assert {"raw_json"} == mapping.BRIDGE_FIELDS


def test_a_union_declared_in_another_package_is_served(tmp_path: Path) -> None:
    """A union of any file annotated with the options decodes and encodes by them."""
    compile_messages(
        """
        message U {
          oneof u {
            A a = 1 [(rbridge.responses.v1.json_arm).types = "a",
                     (rbridge.responses.v1.json_arm).types = "a_2025"];
            A b = 2 [(rbridge.responses.v1.json_arm).types = "b",
                     (rbridge.responses.v1.json_arm).untyped = true];
            B c = 5 [(rbridge.responses.v1.json_arm).types = "c"];
            string s = 3 [(rbridge.responses.v1.json_arm).json_string = true];
            AList list = 4 [(rbridge.responses.v1.json_arm).json_array = true];
            google.protobuf.Value unknown = 1000 [(rbridge.responses.v1.json_arm).fallback = true];
          }
        }
        """,
        tmp_path,
        package="test.served.v1",
    )
    cls = GetMessageClass(descriptor_pool.Default().FindMessageTypeByName("test.served.v1.U"))
    for data, arm in [
        ({"type": "a_2025", "x": 1}, "a"),
        ({"y": 2}, "b"),
        ({"type": "b"}, "b"),
        ({"type": "c", "z": [1]}, "c"),
        ("text", "s"),
        ([{"type": "a"}], "list"),
        ({"type": "zzz"}, "unknown"),
        (3, "unknown"),
    ]:
        message = codec.from_json(data, cls)
        assert message.WhichOneof("u") == arm, data
        assert codec.to_json(message) == data


@pytest.mark.parametrize(
    ("arms", "error"),
    [
        (
            'A a = 1 [(rbridge.responses.v1.json_arm).types = "a"]; B b = 2;',
            r"test\.v1\.U\.b: a union arm needs its json_arm option",
        ),
        (
            'A a = 1 [(rbridge.responses.v1.json_arm).types = "x"];'
            ' B b = 2 [(rbridge.responses.v1.json_arm).types = "x"];',
            r"arms 'a' and 'b' both claim the type string 'x'",
        ),
        (
            'B b = 1 [(rbridge.responses.v1.json_arm).types = "b",'
            ' (rbridge.responses.v1.json_arm).types = "b2"];',
            r"test\.v1\.B needs an `optional string type` field",
        ),
        (
            "A a = 1 [(rbridge.responses.v1.json_arm).untyped = true];"
            " B b = 2 [(rbridge.responses.v1.json_arm).untyped = true];",
            r"arms 'a' and 'b' both take an untyped object",
        ),
        (
            "string s = 1 [(rbridge.responses.v1.json_arm).json_array = true];",
            r"a json_array arm holds a list message",
        ),
        (
            "A a = 1 [(rbridge.responses.v1.json_arm).json_string = true];",
            r"a json_string arm is a string field",
        ),
        (
            "B b = 1 [(rbridge.responses.v1.json_arm).fallback = true];",
            r"a fallback arm is a google.protobuf.Value",
        ),
        (
            'google.protobuf.Value v = 1 [(rbridge.responses.v1.json_arm).types = "v"];',
            r"an arm for JSON objects holds an object message",
        ),
        (
            "A a = 1 [(rbridge.responses.v1.json_arm) = {}];",
            r"json_arm must give type strings",
        ),
        (
            'A a = 1 [(rbridge.responses.v1.json_arm).types = "a",'
            " (rbridge.responses.v1.json_arm).fallback = true];",
            r"json_arm must give type strings",
        ),
    ],
    ids=[
        "arm-without-option",
        "string-claimed-twice",
        "aliases-without-type-field",
        "two-untyped-arms",
        "array-arm-not-a-list",
        "string-arm-not-a-string",
        "fallback-not-a-value",
        "object-arm-holding-a-value",
        "empty-option",
        "two-forms",
    ],
)
def test_a_wrong_union_is_refused_naming_the_arm(arms: str, error: str, tmp_path: Path) -> None:
    """read_union refuses a union whose options are missing or contradictory, saying why."""
    union = union_of(f"message U {{ oneof u {{ {arms} }} }}", tmp_path)
    with pytest.raises(ContractError, match=error):
        read_union(union)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ("optional string x = 1;", r"needs exactly one map<string, google.protobuf.Value>"),
        (
            "map<string, string> extra_fields = 1"
            " [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_EXTRA_FIELDS];",
            r"extra fields are a map<string, google.protobuf.Value>",
        ),
        (
            "optional string x = 1"
            " [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_ALWAYS_WRITTEN];"
            " map<string, google.protobuf.Value> extra_fields = 1001"
            " [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_EXTRA_FIELDS];",
            r"only a list or a map is always written",
        ),
        (
            'optional string x = 1 [(rbridge.responses.v1.json_arm).types = "x"];'
            " map<string, google.protobuf.Value> extra_fields = 1001"
            " [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_EXTRA_FIELDS];",
            r"json_arm on \['x'\], which are not arms of a oneof",
        ),
        (
            "B b = 1 [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_INLINED];"
            " map<string, google.protobuf.Value> extra_fields = 1001"
            " [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_EXTRA_FIELDS];",
            r"a message with an inlined field has exactly one, and no extra-fields map",
        ),
        (
            "optional string s = 1 [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_INLINED];",
            r"U\.s: only a singular object or union message is inlined",
        ),
        (
            "repeated B b = 1 [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_INLINED];",
            r"U\.b: only a singular object or union message is inlined",
        ),
        (
            "optional string type = 1;"
            " A a = 2 [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_INLINED];",
            r"U\.a: the keys \['type'\] would belong to both test\.v1\.U and test\.v1\.A",
        ),
    ],
    ids=[
        "no-extra-fields",
        "extra-fields-of-strings",
        "always-written-scalar",
        "stray-arm",
        "inlined-beside-extra-fields",
        "inlined-scalar",
        "inlined-list",
        "inlined-clash",
    ],
)
def test_a_wrong_object_is_refused_naming_the_field(
    fields: str, error: str, tmp_path: Path
) -> None:
    """An object message without its extra-fields map, or with a misplaced option, is refused."""
    message = compile_messages(f"message U {{ {fields} }}", tmp_path).FindMessageTypeByName(
        "test.v1.U"
    )
    with pytest.raises(ContractError, match=error):
        read_union(message)
        read_object(message)


def test_a_field_outside_the_oneof_must_be_the_bridges(tmp_path: Path) -> None:
    """Beside a union's oneof, only fields marked JSON_BEHAVIOR_BRIDGE_ONLY may stand."""
    source = """
    message U {
      oneof u { A a = 1 [(rbridge.responses.v1.json_arm).types = "a"]; }
      optional string note = 2%s;
    }
    """
    with pytest.raises(ContractError, match=r"fields \['note'\] are outside the union's oneof"):
        read_union(union_of(source % "", tmp_path))
    marked = " [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_BRIDGE_ONLY]"
    union = read_union(union_of(source % marked, tmp_path))
    assert union is not None and union.types == {"a": "a"}


def test_deprecated_fields_are_marked() -> None:
    """Fields the API deprecates carry [deprecated = true], so Go and Java mark them too."""
    deprecated = {
        f"{message.full_name}.{fd.name}"
        for message in mapping.contract_messages()
        for fd in message.fields
        if fd.GetOptions().deprecated
    }
    assert deprecated == {
        f"{PACKAGE}.{name}"
        for name in (
            "CreateResponseRequest.prompt_cache_retention",
            "CreateResponseRequest.truncation",
            "CreateResponseRequest.user",
            "CountInputTokensRequest.truncation",
            "CompactResponseRequest.prompt_cache_retention",
            "Response.prompt_cache_retention",
            "Response.user",
            "ReasoningConfig.generate_summary",
            "WebSearchSearchAction.query",
        )
    }
    # A deprecated field still round-trips: deprecation changes nothing on the wire or in JSON.
    action = codec.from_json({"type": "search", "query": "q"}, tool_calls_pb2.WebSearchAction)
    assert action.search.query == "q"
    assert codec.to_json(action) == {"type": "search", "query": "q"}
