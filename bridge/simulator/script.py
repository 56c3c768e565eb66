"""What the simulator answers, and the events that stream it (no I/O here).

The answer is a deterministic function of the request:

* The *user text* is the ``input`` itself when it is a string; otherwise the
  text of the last item with ``role: "user"`` (its ``content`` string, or its
  ``input_text`` parts joined with single spaces), stripped of surrounding
  whitespace. No user message gives the empty string.
* The *answer text* is ``"You said: " + user text``. When the user text contains
  a number followed by the word ``words`` (``"count 300 words"``; case does not
  matter, ``word`` works too), the first such number N, capped at 100000, adds
  N words: ``" w1 w2 ... wN"``. This makes streams as long as a test or a
  benchmark needs.
* The output is one **function call** instead of a message when ``tools`` holds
  a ``function`` tool, ``tool_choice`` is not ``"none"``, the user text does not
  contain ``no tools`` (any case) and the last input item is not a
  ``function_call_output`` (so a client that runs the tool and sends its result
  back gets a text answer, and a tool loop ends). The function is the one named
  by a ``{"type": "function", "name": ...}`` ``tool_choice`` when that names a
  function tool of the request, else the first function tool. Its
  ``arguments`` are the compact JSON ``{"input": <user text>}``.
* Otherwise the output is one assistant **message**. With ``text.format.type``
  ``"json_schema"`` or ``"json_object"`` its text is the compact JSON
  ``{"answer": <answer text>}``, else the answer text itself.
* Tokens are counted as whitespace-separated words: input tokens over the
  instructions and every text of the input, output tokens over the message
  text or the call's arguments.

Streams split the text (or the arguments) into deltas of ``chunk_words`` words
each; a word carries the whitespace before it (``"You"``, ``" said:"``, ...), so
the deltas concatenate to the exact text.

The event sequence, numbered by ``sequence_number`` from 0, is
``response.created``, ``response.in_progress``, ``response.output_item.added``,
then for a message ``response.content_part.added``,
``response.output_text.delta`` x n, ``response.output_text.done``,
``response.content_part.done``, or for a function call
``response.function_call_arguments.delta`` x n,
``response.function_call_arguments.done``; then ``response.output_item.done``
and ``response.completed``. Field names and their order follow streams recorded
from api.openai.com (which sorts event fields after ``type``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson

from bridge.simulator._ids import derive_id

__all__ = [
    "MAX_EXTRA_WORDS",
    "Event",
    "FunctionCallOutput",
    "MessageOutput",
    "RequestError",
    "Script",
    "Usage",
    "answer_text",
    "build_script",
    "count_tokens",
    "encode_event",
    "error_body",
    "split_chunks",
    "user_text",
    "validate_request",
]

MAX_EXTRA_WORDS: Final = 100_000
"""The most filler words a ``"N words"`` request can add to an answer."""

Event = dict[str, Any]
"""One stream event: the JSON object sent as an SSE ``data:`` line."""

_WORDS_REQUEST = re.compile(r"\b(\d+)\s+words?\b", re.IGNORECASE)
# A word with the whitespace before it, like OpenAI's own text deltas.
_WORD = re.compile(r"\s*\S+")
_JSON_FORMATS: Final = frozenset({"json_schema", "json_object"})


class RequestError(ValueError):
    """The request body is unusable; answered with HTTP 400.

    ``param`` names the offending request field (``None`` for the body as a
    whole), as in OpenAI's error object.
    """

    def __init__(self, message: str, param: str | None) -> None:
        """Record the message shown to the client and the offending field."""
        super().__init__(message)
        self.message = message
        self.param = param


def error_body(message: str, param: str | None) -> dict[str, Any]:
    """Return OpenAI's error object for an ``invalid_request_error``."""
    return {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": param,
            "code": None,
        }
    }


def _json_type_name(value: object) -> str:
    """Name a decoded JSON value's type the way OpenAI's messages do."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# (field, accepted types, their description, whether null is accepted too)
_TYPE_CHECKS: Final[tuple[tuple[str, tuple[type, ...], str, bool], ...]] = (
    ("model", (str,), "a string", False),
    ("input", (str, list), "a string or an array", False),
    ("stream", (bool,), "a boolean", True),
    ("tools", (list,), "an array", True),
    ("text", (dict,), "an object", True),
    ("instructions", (str,), "a string", True),
)


def validate_request(body: object) -> Mapping[str, Any]:
    """Check the fields the simulator relies on and return the body.

    Raises `RequestError` when the body is not a JSON object, when ``model`` or
    ``input`` is missing or of the wrong type, or when ``stream``, ``tools``,
    ``text`` or ``instructions`` has the wrong type. Everything else is
    accepted unchecked, as the simulator only echoes it.
    """
    if not isinstance(body, dict):
        raise RequestError(
            f"The request body must be a JSON object, but got {_json_type_name(body)} instead.",
            None,
        )
    for name in ("model", "input"):
        if name not in body:
            raise RequestError(f"Missing required parameter: '{name}'.", name)
    for name, types, expected, nullable in _TYPE_CHECKS:
        value = body.get(name)
        if name not in body or (nullable and value is None):
            continue
        # bool is an int subclass; no check here accepts numbers, so no special case.
        if not isinstance(value, types):
            raise RequestError(
                f"Invalid type for '{name}': expected {expected}, "
                f"but got {_json_type_name(value)} instead.",
                name,
            )
    if not body["model"]:
        raise RequestError("Invalid value for 'model': must not be empty.", "model")
    return body


def _message_text(content: object) -> str:
    """Return the text of a message's ``content`` (string or list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            part["text"]
            for part in content
            if isinstance(part, dict)
            and part.get("type") == "input_text"
            and isinstance(part.get("text"), str)
        )
    return ""


def user_text(input_: str | Sequence[object]) -> str:
    """Return the stripped text of the last user message (see the module doc)."""
    if isinstance(input_, str):
        return input_.strip()
    for item in reversed(input_):
        if (
            isinstance(item, dict)
            and item.get("role") == "user"
            and item.get("type", "message") == "message"
        ):
            return _message_text(item.get("content")).strip()
    return ""


def answer_text(text: str) -> str:
    """Return the deterministic answer to a user text (see the module doc)."""
    answer = f"You said: {text}"
    match = _WORDS_REQUEST.search(text)
    if match is None:
        return answer
    digits = match.group(1).lstrip("0")
    # Long digit strings would only be capped anyway, and int() of thousands of
    # digits raises ValueError (CPython's int max_str_digits limit).
    extra = MAX_EXTRA_WORDS if len(digits) > 6 else min(int(digits or "0"), MAX_EXTRA_WORDS)
    return answer + "".join(f" w{i}" for i in range(1, extra + 1))


def count_tokens(*texts: str) -> int:
    """Count whitespace-separated words over all ``texts``: the simulator's tokens."""
    return sum(len(text.split()) for text in texts)


def split_chunks(text: str, words_per_chunk: int) -> list[str]:
    """Split ``text`` into deltas of ``words_per_chunk`` words that join back to it.

    Each word carries the whitespace before it; trailing whitespace goes with
    the last delta. Empty text gives no deltas, whitespace-only text one.
    """
    if words_per_chunk < 1:
        raise ValueError(f"words_per_chunk must be at least 1, got {words_per_chunk}")
    words = _WORD.findall(text)
    if not words:
        return [text] if text else []
    tail = text[sum(map(len, words)) :]
    if tail:
        words[-1] += tail
    if words_per_chunk == 1:
        return words
    return ["".join(words[i : i + words_per_chunk]) for i in range(0, len(words), words_per_chunk)]


def _input_texts(input_: str | Sequence[object]) -> Iterator[str]:
    """Yield every text of the input, for counting input tokens."""
    if isinstance(input_, str):
        yield input_
        return
    for item in input_:
        if not isinstance(item, dict):
            continue
        yield _message_text(item.get("content"))
        for key in ("arguments", "output"):
            value = item.get(key)
            if isinstance(value, str):
                yield value


def _function_tools(tools: object) -> list[Mapping[str, Any]]:
    """Return the request's function tools that have a string name."""
    if not isinstance(tools, list):
        return []
    return [
        tool
        for tool in tools
        if isinstance(tool, dict)
        and tool.get("type") == "function"
        and isinstance(tool.get("name"), str)
    ]


def _chosen_function(body: Mapping[str, Any], text: str) -> str | None:
    """Return the name of the function to call, or None for a text answer."""
    functions = _function_tools(body.get("tools"))
    choice = body.get("tool_choice")
    if not functions or choice == "none" or "no tools" in text.lower():
        return None
    input_ = body["input"]
    if isinstance(input_, list) and input_:
        last = input_[-1]
        if isinstance(last, dict) and last.get("type") == "function_call_output":
            return None
    if isinstance(choice, dict) and choice.get("type") == "function":
        for tool in functions:
            if tool["name"] == choice.get("name"):
                return str(tool["name"])
    return str(functions[0]["name"])


def _echo_tool(tool: object) -> object:
    """Return a tool as the API echoes it: function tools get their defaults."""
    if not isinstance(tool, dict) or tool.get("type") != "function":
        return tool
    echoed: dict[str, Any] = {
        "type": "function",
        "description": tool.get("description"),
        "name": tool.get("name"),
        "parameters": tool.get("parameters"),
        "strict": tool.get("strict", True),
    }
    echoed.update((key, value) for key, value in tool.items() if key not in echoed)
    return echoed


def _echo_text(text: object) -> dict[str, Any]:
    """Return the request's ``text`` config with the API's defaults filled in."""
    config = text if isinstance(text, dict) else {}
    echoed: dict[str, Any] = {
        "format": config.get("format") or {"type": "text"},
        "verbosity": config.get("verbosity") or "medium",
    }
    echoed.update((key, value) for key, value in config.items() if key not in echoed)
    return echoed


def _echo_reasoning(reasoning: object) -> dict[str, Any]:
    """Return the request's ``reasoning`` config as the API echoes it."""
    config = reasoning if isinstance(reasoning, dict) else {}
    return {"effort": config.get("effort"), "summary": config.get("summary")}


@dataclass(frozen=True, slots=True)
class MessageOutput:
    """The answer is an assistant message with one ``output_text`` part."""

    item_id: str
    text: str

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the output item, complete or as first announced (empty)."""
        return {
            "id": self.item_id,
            "type": "message",
            "status": "completed" if done else "in_progress",
            "content": [self.part(done=True)] if done else [],
            "role": "assistant",
        }

    def part(self, *, done: bool) -> dict[str, Any]:
        """Return the ``output_text`` content part, complete or empty."""
        return {
            "type": "output_text",
            "annotations": [],
            "logprobs": [],
            "text": self.text if done else "",
        }


@dataclass(frozen=True, slots=True)
class FunctionCallOutput:
    """The answer is one ``function_call`` output item."""

    item_id: str
    call_id: str
    name: str
    arguments: str

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the output item, complete or as first announced (no arguments)."""
        return {
            "id": self.item_id,
            "type": "function_call",
            "status": "completed" if done else "in_progress",
            "arguments": self.arguments if done else "",
            "call_id": self.call_id,
            "name": self.name,
        }


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one response (words, see `count_tokens`)."""

    input_tokens: int
    output_tokens: int

    def as_json(self) -> dict[str, Any]:
        """Return the ``usage`` object of a completed response."""
        return {
            "input_tokens": self.input_tokens,
            # The SDK's InputTokensDetails requires cache_write_tokens too,
            # and recorded responses carry it.
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": self.output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": self.input_tokens + self.output_tokens,
        }


@dataclass(frozen=True, slots=True)
class Script:
    """Everything needed to answer one request, unary or streamed.

    ``echo`` holds the response fields copied from the request, in the API's
    order; ``chunks`` are the deltas of the output's text or arguments.
    """

    response_id: str
    created_at: int
    echo: Mapping[str, Any]
    requested_service_tier: str | None
    output: MessageOutput | FunctionCallOutput
    chunks: Sequence[str]
    usage: Usage

    def response(self, *, completed_at: int | None) -> dict[str, Any]:
        """Return the Response object: completed when ``completed_at`` is given.

        Without ``completed_at`` it is the in-progress snapshot that opens a
        stream: no output, no usage, and the service tier as requested.
        """
        done = completed_at is not None
        tier = self.requested_service_tier
        echo = self.echo
        return {
            "id": self.response_id,
            "object": "response",
            "created_at": self.created_at,
            "status": "completed" if done else "in_progress",
            "background": False,
            "completed_at": completed_at,
            "error": None,
            "incomplete_details": None,
            "instructions": echo["instructions"],
            "max_output_tokens": echo["max_output_tokens"],
            "max_tool_calls": echo["max_tool_calls"],
            "model": echo["model"],
            "output": [self.output.item(done=True)] if done else [],
            "parallel_tool_calls": echo["parallel_tool_calls"],
            "previous_response_id": echo["previous_response_id"],
            "prompt_cache_key": echo["prompt_cache_key"],
            "reasoning": echo["reasoning"],
            "safety_identifier": echo["safety_identifier"],
            # Like the real API: the snapshot echoes the requested tier ("auto"
            # by default) and the final response says which tier served it.
            "service_tier": (tier if tier not in (None, "auto") else "default")
            if done
            else (tier or "auto"),
            "store": echo["store"],
            "temperature": echo["temperature"],
            "text": echo["text"],
            "tool_choice": echo["tool_choice"],
            "tools": echo["tools"],
            "top_logprobs": echo["top_logprobs"],
            "top_p": echo["top_p"],
            "truncation": echo["truncation"],
            "usage": self.usage.as_json() if done else None,
            "user": echo["user"],
            "metadata": echo["metadata"],
        }

    def events(self, clock: Callable[[], int] | None = None) -> Generator[Event, None, None]:
        """Yield the stream's events in order, built lazily one by one.

        ``clock`` gives ``completed_at`` (seconds) when the last event is built;
        by default it is ``created_at``.
        """
        seq = itertools.count()
        for kind in ("response.created", "response.in_progress"):
            yield {
                "type": kind,
                "response": self.response(completed_at=None),
                "sequence_number": next(seq),
            }
        output = self.output
        yield {
            "type": "response.output_item.added",
            "item": output.item(done=False),
            "output_index": 0,
            "sequence_number": next(seq),
        }
        if isinstance(output, MessageOutput):
            yield from self._text_events(output, seq)
        else:
            yield from self._argument_events(output, seq)
        yield {
            "type": "response.output_item.done",
            "item": output.item(done=True),
            "output_index": 0,
            "sequence_number": next(seq),
        }
        completed_at = clock() if clock is not None else self.created_at
        yield {
            "type": "response.completed",
            "response": self.response(completed_at=max(completed_at, self.created_at)),
            "sequence_number": next(seq),
        }

    def _text_events(self, output: MessageOutput, seq: Iterator[int]) -> Iterator[Event]:
        """Yield a message's content-part and text events."""
        item_id = output.item_id
        yield {
            "type": "response.content_part.added",
            "content_index": 0,
            "item_id": item_id,
            "output_index": 0,
            "part": output.part(done=False),
            "sequence_number": next(seq),
        }
        for delta in self.chunks:
            yield {
                "type": "response.output_text.delta",
                "content_index": 0,
                "delta": delta,
                "item_id": item_id,
                "logprobs": [],
                "output_index": 0,
                "sequence_number": next(seq),
            }
        yield {
            "type": "response.output_text.done",
            "content_index": 0,
            "item_id": item_id,
            "logprobs": [],
            "output_index": 0,
            "sequence_number": next(seq),
            "text": output.text,
        }
        yield {
            "type": "response.content_part.done",
            "content_index": 0,
            "item_id": item_id,
            "output_index": 0,
            "part": output.part(done=True),
            "sequence_number": next(seq),
        }

    def _argument_events(self, output: FunctionCallOutput, seq: Iterator[int]) -> Iterator[Event]:
        """Yield a function call's argument events."""
        item_id = output.item_id
        for delta in self.chunks:
            yield {
                "type": "response.function_call_arguments.delta",
                "delta": delta,
                "item_id": item_id,
                "output_index": 0,
                "sequence_number": next(seq),
            }
        # "name" is in OpenAI's spec of this event though not (yet) in every SDK's model.
        yield {
            "type": "response.function_call_arguments.done",
            "arguments": output.arguments,
            "item_id": item_id,
            "name": output.name,
            "output_index": 0,
            "sequence_number": next(seq),
        }


def _sampling(value: object) -> object:
    """Echo ``temperature`` or ``top_p``: numbers as floats (1.0, as the API does)."""
    if value is None:
        return 1.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _echo(body: Mapping[str, Any], model: str) -> dict[str, Any]:
    """Return the response fields that repeat the request (with API defaults)."""
    metadata = body.get("metadata")
    tools = body.get("tools")
    return {
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": model,
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": _echo_reasoning(body.get("reasoning")),
        "safety_identifier": body.get("safety_identifier"),
        "store": body.get("store", True),
        "temperature": _sampling(body.get("temperature")),
        "text": _echo_text(body.get("text")),
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": [_echo_tool(tool) for tool in tools] if isinstance(tools, list) else [],
        "top_logprobs": body.get("top_logprobs") or 0,
        "top_p": _sampling(body.get("top_p")),
        "truncation": body.get("truncation") or "disabled",
        "user": body.get("user"),
        "metadata": metadata if isinstance(metadata, dict) else {},
    }


def build_script(
    body: Mapping[str, Any],
    *,
    serial: int,
    created_at: int,
    chunk_words: int = 1,
    model: str | None = None,
) -> Script:
    """Plan the answer to a request that passed `validate_request`.

    ``serial`` (from ``_ids.next_serial``) and a hash of the body make the ids;
    ``model``, when given, replaces the request's model in the response;
    ``chunk_words`` is the number of words per delta.
    """
    digest = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    input_ = body["input"]
    text = user_text(input_)
    function = _chosen_function(body, text)
    output: MessageOutput | FunctionCallOutput
    if function is not None:
        output = FunctionCallOutput(
            item_id=derive_id("fc", serial, digest),
            call_id=derive_id("call", serial, digest, hex_chars=24),
            name=function,
            arguments=orjson.dumps({"input": text}).decode(),
        )
        produced = output.arguments
    else:
        answer = answer_text(text)
        fmt = _echo_text(body.get("text"))["format"]
        if isinstance(fmt, dict) and fmt.get("type") in _JSON_FORMATS:
            answer = orjson.dumps({"answer": answer}).decode()
        output = MessageOutput(item_id=derive_id("msg", serial, digest), text=answer)
        produced = answer
    instructions = body.get("instructions")
    usage = Usage(
        input_tokens=count_tokens(
            instructions if isinstance(instructions, str) else "", *_input_texts(input_)
        ),
        output_tokens=count_tokens(produced),
    )
    tier = body.get("service_tier")
    return Script(
        response_id=derive_id("resp", serial, digest),
        created_at=created_at,
        echo=_echo(body, model or body["model"]),
        requested_service_tier=tier if isinstance(tier, str) else None,
        output=output,
        chunks=split_chunks(produced, chunk_words),
        usage=usage,
    )


def encode_event(event: Event) -> bytes:
    """Return one SSE frame: ``event: <type>``, ``data: <compact JSON>``, blank line."""
    return b"event: %s\ndata: %s\n\n" % (event["type"].encode(), orjson.dumps(event))
