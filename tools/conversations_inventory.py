"""The Conversations API's inventory, extracted from OpenAI's OpenAPI spec.

Usage: `.venv/bin/python tools/conversations_inventory.py [--spec PATH] [--check]`.

Reads the spec (by default the project's shared reference copy,
`../shared/reference/openapi.yaml` beside the repository) and writes
`tests/fixtures/inventory/conversations-api-inventory.json`, which
`tools/api_coverage.py` measures the contract against; with `--check` it
writes nothing and exits 1 when that file differs from what the spec gives.

The inventory holds, for every operation of the `/conversations*` paths, its
method, path, operationId, summary, path and query parameters, the schema of
its JSON body (a component schema's name, or `<operationId>Body` for an
inline one) and of its 200 reply; and, for every schema those name, an
object's fields (name, required, nullable, the first sentence of its
description) or a union's variants with their "type" strings. `$ref` and
`allOf` are resolved; `anyOf [X, null]` is X, nullable.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "reference" / "openapi.yaml"
OUT = ROOT / "tests" / "fixtures" / "inventory" / "conversations-api-inventory.json"
PREFIX = "/conversations"
METHODS = ("get", "post", "put", "patch", "delete")

Json = dict[str, Any]


class Spec:
    """The parsed spec, with `$ref` resolution."""

    def __init__(self, data: Json) -> None:
        self.data = data
        self.schemas: Json = data["components"]["schemas"]

    def resolve(self, node: Any) -> Any:
        """`node`, or what its `$ref` points at (followed until it is no reference)."""
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.data
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def merged(self, node: Any) -> Json:
        """An object schema with its `allOf` parts merged (properties and required)."""
        node = self.resolve(node)
        merged: Json = {"properties": {}, "required": []}
        for part in node.get("allOf", []):
            inner = self.merged(part)
            merged["properties"].update(inner["properties"])
            merged["required"] += inner["required"]
        merged["properties"].update(node.get("properties") or {})
        merged["required"] += node.get("required") or []
        merged["description"] = node.get("description")
        for key in ("oneOf", "anyOf"):
            if key in node:
                merged[key] = node[key]
        return merged


def doc(text: Any) -> str:
    """The first sentence of a description, markdown links reduced to their text."""
    if not isinstance(text, str):
        return ""
    flat = " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).split())
    match = re.match(r"(.+?\.)(\s|$)", flat)
    return match.group(1) if match else flat


def _nullable(schema: Json) -> bool:
    variants = schema.get("anyOf") or schema.get("oneOf") or []
    return any(isinstance(v, dict) and v.get("type") == "null" for v in variants)


def object_fields(spec: Spec, schema: Json) -> list[Json]:
    merged = spec.merged(schema)
    required = set(merged["required"])
    fields = []
    for name, node in merged["properties"].items():
        prop = spec.resolve(node)
        # A description beside a $ref wins over the referenced schema's own.
        description = node.get("description") or prop.get("description")
        for variant in prop.get("anyOf") or []:
            description = (
                description
                or variant.get("description")
                or spec.resolve(variant).get("description")
            )
        fields.append(
            {
                "name": name,
                "required": name in required,
                "nullable": _nullable(prop),
                "doc": doc(description),
            }
        )
    return fields


def type_string(spec: Spec, schema: Any) -> str | None:
    prop = spec.merged(schema)["properties"].get("type")
    prop = spec.resolve(prop) if prop is not None else {}
    for key in ("const", "default"):
        if isinstance(prop.get(key), str):
            return str(prop[key])
    values = prop.get("enum") or []
    return str(values[0]) if values else None


def _describe(spec: Spec, schema: Json) -> Json:
    resolved = spec.resolve(schema)
    if "oneOf" in resolved and "properties" not in resolved:
        return {
            "kind": "union",
            "variants": [
                {"schema": variant["$ref"].rsplit("/", 1)[-1], "type": type_string(spec, variant)}
                for variant in resolved["oneOf"]
            ],
        }
    return {"kind": "object", "fields": object_fields(spec, resolved)}


def _name(node: Any, fallback: str) -> str:
    if isinstance(node, dict) and "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    return fallback


def _params(spec: Spec, operation: Json, where: str) -> list[Json]:
    found = []
    for param in operation.get("parameters") or []:
        param = spec.resolve(param)
        if param.get("in") == where:
            found.append(
                {
                    "name": param["name"],
                    "required": bool(param.get("required")),
                    "doc": doc(param.get("description")),
                }
            )
    return found


def extract(data: Json, sha256: str) -> Json:
    """The inventory of the `/conversations*` operations of a parsed spec."""
    spec = Spec(data)
    endpoints: list[Json] = []
    schemas: Json = {}
    for path, item in data["paths"].items():
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            continue
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation_id = operation["operationId"]
            body = None
            content = (operation.get("requestBody") or {}).get("content") or {}
            if "application/json" in content:
                node = content["application/json"]["schema"]
                body = _name(node, f"{operation_id}Body")
                schemas[body] = _describe(spec, node)
            reply_node = operation["responses"]["200"]["content"]["application/json"]["schema"]
            reply = _name(reply_node, f"{operation_id}Reply")
            schemas[reply] = _describe(spec, reply_node)
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": f"/v1{path}",
                    "operation_id": operation_id,
                    "summary": doc(operation.get("summary")),
                    "path_params": _params(spec, operation, "path"),
                    "query_params": _params(spec, operation, "query"),
                    "body": body,
                    "reply": reply,
                }
            )
    return {
        "source": {
            "spec": "openapi.yaml of openai/openai-openapi (the shared reference copy)",
            "info_version": data["info"]["version"],
            "openapi_yaml_sha256": sha256,
            "extracted_by": "tools/conversations_inventory.py",
        },
        "endpoints": endpoints,
        "schemas": dict(sorted(schemas.items())),
    }


Extract = Callable[[Json, str], Json]


def render(spec_path: Path, extractor: Extract | None = None) -> str:
    """The inventory file's text for the spec at `spec_path` (`extractor`: this module's
    `extract`, unless another inventory's is given)."""
    import yaml

    raw = spec_path.read_bytes()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(raw, Loader=loader)
    inventory = (extractor or extract)(data, hashlib.sha256(raw).hexdigest())
    return json.dumps(inventory, indent=2, ensure_ascii=False) + "\n"


def cli(argv: list[str] | None, description: str, spec: Path, out: Path, extractor: Extract) -> int:
    """An inventory tool's command line: write the inventory, or `--check` that it is
    what the spec gives."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--spec", type=Path, default=spec)
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = render(args.spec, extractor)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} differs from what {args.spec} gives", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    return cli(argv, __doc__.splitlines()[0], SPEC, OUT, extract)


if __name__ == "__main__":
    sys.exit(main())
