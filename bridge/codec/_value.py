"""Free-form JSON <-> google.protobuf.Value and Struct.

Protobuf numbers in a Value are doubles. Integral numbers are written back to
JSON as integers, so `5` survives the round trip as `5`; integers beyond 2**53
lose precision, which the API's free-form values (JSON Schemas, metadata,
unknown objects) do not use in practice.
"""

from __future__ import annotations

from math import copysign
from typing import Any

from google.protobuf.struct_pb2 import NULL_VALUE, ListValue, Struct, Value

__all__ = ["json_to_struct", "json_to_value", "struct_to_json", "value_to_json"]

_MAX_EXACT = 2**53


def json_to_value(data: Any) -> Value:
    """Build a Value from any JSON value (as parsed by json or orjson)."""
    kind = type(data)
    if kind is str:
        return Value(string_value=data)
    if kind is bool:
        return Value(bool_value=data)
    if kind is int or kind is float:
        return Value(number_value=data)
    if data is None:
        return Value(null_value=NULL_VALUE)
    if kind is dict:
        return Value(struct_value=json_to_struct(data))
    if kind is list:
        return Value(list_value=ListValue(values=[json_to_value(x) for x in data]))
    raise TypeError(f"not a JSON value: {kind.__name__}")


def json_to_struct(data: dict[str, Any]) -> Struct:
    """Build a Struct from a JSON object."""
    return Struct(fields={key: json_to_value(value) for key, value in data.items()})


def value_to_json(value: Value) -> Any:
    """Turn a Value back into plain JSON data."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        number = value.number_value
        # -0.0 stays a float: as an int it would lose its sign.
        if (
            number.is_integer()
            and -_MAX_EXACT <= number <= _MAX_EXACT
            and (number or copysign(1.0, number) > 0)
        ):
            return int(number)
        return number
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_to_json(value.struct_value)
    if kind == "list_value":
        return [value_to_json(x) for x in value.list_value.values]
    return None


def struct_to_json(struct: Struct) -> dict[str, Any]:
    """Turn a Struct back into a JSON object."""
    return {key: value_to_json(value) for key, value in struct.fields.items()}
