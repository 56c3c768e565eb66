"""The simulator imitating an OpenAI-compatible provider (``behave_like``), as data.

Five providers document their Responses API with examples; those examples
are the fixtures in ``tests/fixtures/seeds/`` and ``tests/fixtures/README.md``
lists every deviation from OpenAI that their docs show. A `Provider` holds
the deviations that change what a client of the API sees on the wire, and
the simulator, started with ``SimulatorOptions(behave_like=NAME)`` or
``bridge simulate --behave-like NAME``, applies them to what it answers.
``PROVIDERS`` holds every name: ``openai`` (no deviation) and the five.

Where each deviation comes from (the provider's doc page):

* ``dongzhou`` (portal.dongzhou.cloud): none. Its example reply is OpenAI's
  own spec example, and its request keys are OpenAI's.
* ``modelverse`` (api.modelverse.cn): the Response's timestamp is
  ``created``, not ``created_at`` (its example reply and its field table);
  the output limit is the request key ``max_tokens`` (its request table), so
  ``max_output_tokens`` is ignored; streams end with ``response.done`` ("以
  response.done结束") where OpenAI sends ``response.completed``. Its example
  reply, which its doc calls simplified, also shows a bare ``{"type":
  "text"}`` output and a usage of only ``total_tokens``; those are not
  imitated, as the doc itself says they are abridged.
* ``uniapi`` (api.uniapi.io): replies carry a top-level ``output_text``
  string, which OpenAI's SDKs compute but the API does not send.
* ``mandao`` (ai-api.mandao.com): Responses without ``error``,
  ``incomplete_details``, ``instructions``, ``tools``,
  ``parallel_tool_calls``, ``metadata``, ``tool_choice``, ``temperature`` and
  ``top_p``; ``usage`` without its ``*_details`` objects; error objects
  without ``param``.
* ``dieyuyun`` (open.dieyuyun.com): Server-Sent Events with ``data:`` lines
  only (no ``event:`` lines); events carrying only ``type`` and ``delta``,
  ``text`` or ``response`` (no ``sequence_number``, ``item_id``,
  ``output_index``, ``content_index``), and no ``response.in_progress``,
  ``response.output_item.*`` or ``response.content_part.*`` events (its
  stream example); Responses without ``error``, ``incomplete_details``,
  ``instructions``, ``metadata``, ``tool_choice``, ``temperature`` and
  ``top_p``, and ``usage`` without its ``*_details`` (its example reply).

Deviations apply at the edge only: the simulator plans, stores and follows
every response the OpenAI way and transforms each reply body, stream event
and error body as it leaves. None of the transforms mutates its argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

import orjson

from bridge.simulator.outputs import Event
from bridge.simulator.script import encode_event

__all__ = ["PROVIDERS", "Provider", "provider"]

_SPARSE_EVENT_KEYS: Final = frozenset({"type", "delta", "text", "response"})


@dataclass(frozen=True)
class Provider:
    """What one provider's API does differently from OpenAI's (see the module doc).

    Attributes:
        name: the name ``behave_like`` takes.
        site: the provider's API host, from its docs.
        created_key: the Response timestamp key used instead of ``created_at``.
        max_tokens_key: the request key that limits the output instead of
            ``max_output_tokens`` (which is then ignored).
        final_event: the event type sent instead of ``response.completed``.
        data_only: SSE frames without ``event:`` lines.
        dropped_events: event types never sent.
        sparse_events: events keep only ``type``, ``delta``, ``text`` and
            ``response``.
        dropped_response_keys: Response keys never sent.
        bare_usage: ``usage`` without ``input_tokens_details`` and
            ``output_tokens_details``.
        output_text_key: replies carry a top-level ``output_text``.
        error_param: error objects carry ``param``.
    """

    name: str
    site: str
    created_key: str | None = None
    max_tokens_key: str | None = None
    final_event: str | None = None
    data_only: bool = False
    dropped_events: frozenset[str] = frozenset()
    sparse_events: bool = False
    dropped_response_keys: frozenset[str] = frozenset()
    bare_usage: bool = False
    output_text_key: bool = False
    error_param: bool = True
    plain: bool = field(init=False)

    def __post_init__(self) -> None:
        """Note whether this provider deviates at all, so OpenAI's path stays free."""
        plain = all(
            getattr(self, f.name) == f.default
            for f in fields(self)
            if f.init and f.name != "name" and f.name != "site"
        )
        object.__setattr__(self, "plain", plain)

    def request(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        """The request as the simulator plans it: this provider's output limit key honoured."""
        if self.max_tokens_key is None:
            return body
        planned = {k: v for k, v in body.items() if k != "max_output_tokens"}
        if self.max_tokens_key in planned:
            planned["max_output_tokens"] = planned.pop(self.max_tokens_key)
        return planned

    def response(self, response: Mapping[str, Any]) -> dict[str, Any]:
        """A Response object as this provider sends it, in events and replies."""
        shaped: dict[str, Any] = {}
        for key, value in response.items():
            if key in self.dropped_response_keys:
                continue
            if key == "created_at" and self.created_key is not None:
                key = self.created_key
            elif key == "usage" and self.bare_usage and isinstance(value, Mapping):
                value = {k: v for k, v in value.items() if not k.endswith("_details")}
            shaped[key] = value
        return shaped

    def reply(self, response: Mapping[str, Any]) -> dict[str, Any]:
        """A Response as a JSON reply body (create, retrieve, cancel)."""
        shaped = self.response(response)
        if self.output_text_key:
            shaped["output_text"] = _output_text(response)
        return shaped

    def event(self, event: Event) -> Event | None:
        """A stream event as this provider sends it, or None when it sends none."""
        kind = event["type"]
        if kind in self.dropped_events:
            return None
        if self.sparse_events:
            shaped = {k: v for k, v in event.items() if k in _SPARSE_EVENT_KEYS}
        else:
            shaped = dict(event)
        if kind == "response.completed" and self.final_event is not None:
            shaped["type"] = self.final_event
        response = shaped.get("response")
        if isinstance(response, Mapping):
            shaped["response"] = self.response(response)
        return shaped

    def frame(self, event: Event) -> bytes:
        """One SSE frame of ``event`` as this provider frames it (b"" when not sent)."""
        if self.plain:
            return encode_event(event)
        shaped = self.event(event)
        if shaped is None:
            return b""
        if self.data_only:
            return b"data: %s\n\n" % orjson.dumps(shaped)
        return encode_event(shaped)

    def error(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """An error reply body (``{"error": {...}}``) as this provider sends it."""
        error = body.get("error")
        if self.error_param or not isinstance(error, Mapping):
            return dict(body)
        return {**body, "error": {k: v for k, v in error.items() if k != "param"}}


def _output_text(response: Mapping[str, Any]) -> str:
    """The output_text parts of a Response's messages, joined, as the SDKs compute it."""
    texts = []
    for item in response.get("output") or ():
        if isinstance(item, Mapping) and item.get("type") == "message":
            for part in item.get("content") or ():
                if isinstance(part, Mapping) and part.get("type") == "output_text":
                    texts.append(str(part.get("text", "")))
    return "".join(texts)


# Response keys OpenAI always sends that a provider's example replies leave out.
_MANDAO_OMITS: Final = frozenset(
    {
        "error",
        "incomplete_details",
        "instructions",
        "tools",
        "parallel_tool_calls",
        "metadata",
        "tool_choice",
        "temperature",
        "top_p",
    }
)
_DIEYUYUN_OMITS: Final = frozenset(
    {
        "error",
        "incomplete_details",
        "instructions",
        "metadata",
        "tool_choice",
        "temperature",
        "top_p",
    }
)

PROVIDERS: Final[Mapping[str, Provider]] = {
    provider.name: provider
    for provider in (
        Provider("openai", "api.openai.com"),
        Provider("dongzhou", "portal.dongzhou.cloud"),
        Provider(
            "modelverse",
            "api.modelverse.cn",
            created_key="created",
            max_tokens_key="max_tokens",
            final_event="response.done",
        ),
        Provider("uniapi", "api.uniapi.io", output_text_key=True),
        Provider(
            "mandao",
            "ai-api.mandao.com",
            dropped_response_keys=_MANDAO_OMITS,
            bare_usage=True,
            error_param=False,
        ),
        Provider(
            "dieyuyun",
            "open.dieyuyun.com",
            data_only=True,
            dropped_events=frozenset(
                {
                    "response.in_progress",
                    "response.output_item.added",
                    "response.output_item.done",
                    "response.content_part.added",
                    "response.content_part.done",
                }
            ),
            sparse_events=True,
            dropped_response_keys=_DIEYUYUN_OMITS,
            bare_usage=True,
        ),
    )
}
"""Every provider the simulator can imitate, by name; ``openai`` deviates in nothing."""


def provider(name: str | None) -> Provider:
    """The provider called ``name`` (None: ``openai``).

    Raises:
        ValueError: no provider has that name; the message lists the names.
    """
    found = PROVIDERS.get(name or "openai")
    if found is None:
        raise ValueError(f"behave_like must be one of {', '.join(PROVIDERS)}; got {name!r}")
    return found
