"""The inventory of the Responses API's WebSocket mode, extracted from OpenAI's OpenAPI spec.

Usage: `.venv/bin/python tools/session_inventory.py [--spec PATH] [--check]`.

Reads the spec (by default the shared reference copy, `../shared/reference/openapi.yaml`
beside the repository) and writes `tests/fixtures/inventory/websocket-api-inventory.json`,
which `tools/api_coverage.py` measures the Session RPC's messages against; with `--check` it
writes nothing and exits 1 when that file differs from what the spec gives.

The inventory holds the members of the two unions the WebSocket mode is made of:

- `client_events`: each member of `ResponsesClientEvent` (what a client sends), with its
  schema, "type" string and fields (its own and those of the create body it extends);
- `server_events`: each member of `ResponsesServerEvent` (what the server sends), with its
  title, the schema of the HTTP stream event it extends (none for `ResponseWsError`), its
  "type" string, its fields, and `websocket_fields`: those the HTTP stream event of the same
  type does not have (`stream_id` everywhere, and the WebSocket error's `status`).

`$ref` and `allOf` are resolved as in `tools/conversations_inventory.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tools import conversations_inventory
from tools.conversations_inventory import Spec, doc, object_fields, type_string

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "reference" / "openapi.yaml"
OUT = ROOT / "tests" / "fixtures" / "inventory" / "websocket-api-inventory.json"
CLIENT_UNION = "ResponsesClientEvent"
SERVER_UNION = "ResponsesServerEvent"
# The HTTP stream's events, by "type": what a WebSocket server event adds to its own.
HTTP_EVENTS = "ResponseStreamEvent"

Json = dict[str, Any]


def _ref_name(node: Any) -> str | None:
    if isinstance(node, dict) and "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    return None


def _names(spec: Spec, schema: Any) -> list[str]:
    return [field["name"] for field in object_fields(spec, schema)]


def _http_events(spec: Spec) -> dict[str, list[str]]:
    """Each HTTP stream event's "type" -> its field names."""
    union = spec.resolve(spec.schemas[HTTP_EVENTS])
    found: dict[str, list[str]] = {}
    for variant in union.get("anyOf") or union.get("oneOf") or []:
        name = type_string(spec, variant)
        if name is not None:
            found[name] = _names(spec, variant)
    return found


def extract(data: Json, sha256: str) -> Json:
    """The inventory of the WebSocket mode's client and server events of a parsed spec."""
    spec = Spec(data)
    client: list[Json] = []
    for variant in spec.resolve(spec.schemas[CLIENT_UNION])["anyOf"]:
        client.append(
            {
                "schema": _ref_name(variant),
                "type": type_string(spec, variant),
                "fields": _names(spec, variant),
                "doc": doc(spec.resolve(variant).get("description")),
            }
        )
    http = _http_events(spec)
    server: list[Json] = []
    for variant in spec.resolve(spec.schemas[SERVER_UNION])["anyOf"]:
        resolved = spec.resolve(variant)
        base = next(
            (_ref_name(part) for part in resolved.get("allOf", []) if _ref_name(part)), None
        )
        name = type_string(spec, variant)
        fields = _names(spec, variant)
        own = http.get(name or "", [])
        server.append(
            {
                "title": resolved.get("title") or _ref_name(variant),
                "extends": base,
                "type": name,
                "fields": fields,
                "websocket_fields": [field for field in fields if field not in own],
            }
        )
    return {
        "source": {
            "spec": "openapi.yaml of openai/openai-openapi (the shared reference copy)",
            "info_version": data["info"]["version"],
            "openapi_yaml_sha256": sha256,
            "extracted_by": "tools/session_inventory.py",
        },
        "client_events": client,
        "server_events": server,
    }


def render(spec_path: Path) -> str:
    """The inventory file's text for the spec at `spec_path`."""
    return conversations_inventory.render(spec_path, extract)


def main(argv: list[str] | None = None) -> int:
    return conversations_inventory.cli(argv, __doc__.splitlines()[0], SPEC, OUT, extract)


if __name__ == "__main__":
    sys.exit(main())
