"""Upstream profiles: how a compatible provider differs from OpenAI, as data.

Pure. A profile says which stream events end a stream well or badly, what the
request's keys are called upstream, and which reply keys mean a typed field
under another name. The servicer applies the profile chosen in configuration
(`BRIDGE_UPSTREAM_PROFILE`: a built-in name or a JSON file of the fields
below); there are no provider special cases in the code.

Normalizing a reply never removes anything: an aliased key stays where the
provider put it (in `extra_fields`), and its value is also copied into the
typed field when that field is absent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bridge.stream_state import FAILURE_EVENTS, SUCCESS_EVENTS

__all__ = [
    "BUILTIN",
    "FAILURE_EVENTS",
    "OPENAI",
    "SUCCESS_EVENTS",
    "Profile",
    "ending_with",
    "load_profile",
]


@dataclass(frozen=True)
class Profile:
    """The differences of one upstream from OpenAI's Responses API.

    Attributes:
        name: the profile's name.
        success_events: event types after which a stream ends OK.
        failure_events: event types that end a stream with a non-OK status.
        request_renames: request keys sent upstream under another name
            (e.g. {"max_output_tokens": "max_tokens"}).
        response_aliases: reply keys whose value also belongs in a typed field
            (e.g. {"created": "created_at"}), in Responses and the responses
            that stream events carry.
        websocket: whether the upstream speaks the Responses API's WebSocket
            mode: sessions then use one WebSocket each; otherwise each of their
            creates is a streamed HTTP call.
    """

    name: str
    success_events: frozenset[str] = SUCCESS_EVENTS
    failure_events: frozenset[str] = FAILURE_EVENTS
    request_renames: Mapping[str, str] = field(default_factory=dict)
    response_aliases: Mapping[str, str] = field(default_factory=dict)
    websocket: bool = False

    def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """The request body as this upstream names its keys (a new dict if renamed)."""
        if not self.request_renames or not self.request_renames.keys() & body.keys():
            return body
        return {self.request_renames.get(key, key): value for key, value in body.items()}

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """Copy aliased values into their typed keys, in place; returns `response`."""
        for alias, typed in self.response_aliases.items():
            if alias in response and typed not in response:
                response[typed] = response[alias]
        return response

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """Normalize the response an event carries, if any; returns `event`."""
        if self.response_aliases:
            response = event.get("response")
            if isinstance(response, dict):
                self.response(response)
        return event

    def to_json(self) -> dict[str, Any]:
        """The profile as the JSON object `load_profile` reads back."""
        return {
            "name": self.name,
            "success_events": sorted(self.success_events),
            "failure_events": sorted(self.failure_events),
            "request_renames": dict(self.request_renames),
            "response_aliases": dict(self.response_aliases),
            "websocket": self.websocket,
        }


OPENAI = Profile(name="openai", websocket=True)

BUILTIN: dict[str, Profile] = {
    "openai": OPENAI,
    # Documented: a "created" timestamp, "max_tokens" for the output limit, and
    # streams that end with "response.done".
    "modelverse": Profile(
        name="modelverse",
        success_events=SUCCESS_EVENTS | {"response.done"},
        request_renames={"max_output_tokens": "max_tokens"},
        response_aliases={"created": "created_at"},
    ),
    # A profile for gateways that mix OpenAI's and Chat Completions' names.
    "lenient": Profile(
        name="lenient",
        success_events=SUCCESS_EVENTS | {"response.done"},
        response_aliases={"created": "created_at"},
    ),
}


def ending_with(event_type: str) -> list[str]:
    """The names of the built-in profiles under which `event_type` ends a stream OK."""
    return [name for name, profile in BUILTIN.items() if event_type in profile.success_events]


def load_profile(spec: str) -> Profile:
    """A built-in profile by name, or one read from a JSON file of Profile's fields.

    Raises:
        ValueError: unknown name, unreadable file, or unknown or mistyped fields.
    """
    if spec in BUILTIN:
        return BUILTIN[spec]
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"not a built-in profile ({', '.join(BUILTIN)}) nor a JSON file: {spec}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read profile {spec}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"profile {spec}: expected a JSON object")
    known = {f.name for f in fields(Profile)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"profile {spec}: unknown fields {sorted(unknown)}")
    values: dict[str, Any] = {"name": str(data.get("name", path.stem))}
    for key in ("success_events", "failure_events"):
        if key in data:
            values[key] = frozenset(_strings(data[key], f"{spec}: {key}"))
    if "websocket" in data:
        if not isinstance(data["websocket"], bool):
            raise ValueError(f"profile {spec}: websocket must be true or false")
        values["websocket"] = data["websocket"]
    for key in ("request_renames", "response_aliases"):
        if key in data:
            mapping = data[key]
            if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
            ):
                raise ValueError(f"profile {spec}: {key} must map strings to strings")
            values[key] = dict(mapping)
    return Profile(**values)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"profile {where} must be a list of strings")
    return value
