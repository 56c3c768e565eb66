"""What the simulator answers, and the events that stream it (no I/O here).

The answer is a deterministic function of the request:

* The *user text* is the ``input`` itself when it is a string; otherwise the
  text of the last item with ``role: "user"`` (its ``content`` string, or its
  ``input_text`` parts joined with single spaces), stripped of surrounding
  whitespace. No user message gives the empty string.
* The *answer text* is ``"You said: " + user text``. In a conversation whose
  items hold a user message already (a request with ``conversation``), the
  text of the last such message follows: ``" (earlier you said: <text>)"``,
  so a later turn shows that it sees the earlier ones. When the user text contains
  a number followed by the word ``words`` (``"count 300 words"``; case does not
  matter, ``word`` works too), the first such number N, capped at 100000, adds
  N words: ``" w1 w2 ... wN"``. This makes streams as long as a test or a
  benchmark needs.
* The output ends with one **function call** instead of a message when
  ``tools`` holds a ``function`` tool, ``tool_choice`` is not ``"none"``, the
  user text does not contain ``no tools`` (any case) and the last input item is
  not a ``function_call_output`` (so a client that runs the tool and sends its
  result back gets a text answer, and a tool loop ends). The function is the
  one named by a ``{"type": "function", "name": ...}`` ``tool_choice`` when
  that names a function tool of the request, else the first function tool.
  Its ``arguments`` are the compact JSON ``{"input": <user text>}``.
* Otherwise the output ends with one assistant **message**. With
  ``text.format.type`` ``"json_schema"`` or ``"json_object"`` its text is the
  compact JSON ``{"answer": <answer text>}``, else the answer text itself.
* Tokens are counted as whitespace-separated words: input tokens over the
  instructions and every text of the conversation's items and of the input,
  output tokens over everything the "model" wrote (message text, arguments,
  tool inputs, code, reasoning), of which ``reasoning_tokens`` over the
  reasoning summary and text.

**Keywords.** Whole words of the user text (any case) add output items or
change how the response ends, so that every kind of item and event a client
can receive can be produced on demand. Several keywords combine; items come
in this order: reasoning, hosted tool calls, then either the client-side tool
calls or the message.

* ``think``: a ``reasoning`` item with two ``summary_text`` parts
  (``response.reasoning_summary_part.added``,
  ``response.reasoning_summary_text.delta`` x n, ``.done``,
  ``response.reasoning_summary_part.done`` per part) and
  ``usage.output_tokens_details.reasoning_tokens``.
* ``reasoning text``: the reasoning item gets a ``reasoning_text`` content
  part (``response.content_part.added``, ``response.reasoning_text.delta`` x
  n, ``.done``, ``response.content_part.done``).
* ``search``: a ``web_search_call`` (``response.web_search_call.in_progress``,
  ``.searching``, ``.completed``).
* ``files``: a ``file_search_call`` (``response.file_search_call.in_progress``,
  ``.searching``, ``.completed``).
* ``code``: a ``code_interpreter_call`` whose code is ``print(<answer text>)``
  (``response.code_interpreter_call.in_progress``,
  ``response.code_interpreter_call_code.delta`` x n, ``.done``,
  ``response.code_interpreter_call.interpreting``, ``.completed``).
* ``draw``: an ``image_generation_call`` of a 1x1 PNG
  (``response.image_generation_call.in_progress``, ``.generating``,
  ``.partial_image`` x the ``image_generation`` tool's ``partial_images``
  (default 1), ``.completed``).
* ``mcp``: an ``mcp_list_tools`` item (``response.mcp_list_tools.in_progress``,
  ``.completed``), then an ``mcp_call`` of its ``echo`` tool
  (``response.mcp_call.in_progress``, ``response.mcp_call_arguments.delta`` x
  n, ``.done``, ``response.mcp_call.completed``); the server label is the
  request's first ``mcp`` tool's, else ``"simulator"``.
* ``custom tool`` (with a ``custom`` tool in ``tools``): a ``custom_tool_call``
  of that tool whose input is the user text
  (``response.custom_tool_call_input.delta`` x n, ``.done``).
* ``shell``: a ``shell_call`` running ``echo '<answer text>'``
  (``response.shell_call_command.added``, ``.delta`` x n, ``.done``).
* ``patch``: an ``apply_patch_call`` creating ``simulated.txt``.
* ``computer``: a ``computer_call`` typing the user text (in ``actions`` with
  the GA ``computer`` tool, else in ``action``).
* ``cite``: the message's ``output_text`` gets a ``url_citation`` annotation
  over the whole text, announced by ``response.output_text.annotation.added``
  after the deltas.
* ``refuse``: the message holds a ``refusal`` part instead
  (``response.refusal.delta`` x n, ``response.refusal.done``).
* ``incomplete``: the message stops after half its words (at least one): its
  status and the response's are ``incomplete``,
  ``incomplete_details.reason`` is ``max_output_tokens`` and the last event
  ``response.incomplete``.
* ``fail``: no output; the stream ends with ``response.failed`` whose error
  is ``server_error`` (a unary request gets HTTP 500 instead).
* ``quota``: no output; an ``error`` event (``insufficient_quota``, with the
  nested ``error`` object api.openai.com sends), then ``response.failed``
  (a unary request gets HTTP 429 ``insufficient_quota`` instead).

Hosted tool calls (search, files, code, draw, mcp) are followed by the message
(or function call). The client-side calls (custom tool, shell, patch,
computer) end the turn: the output holds them, plus the function call when
the function rule applies, and no message. ``tool_choice: "none"`` turns off
every tool keyword. A ``max_output_tokens`` smaller than the output's tokens
cuts the message short the same way ``incomplete`` does (only the message:
reasoning and tool calls are never cut). Without a keyword the answer is
exactly the message or function call described above.

Requests ``include``-ing ``reasoning.encrypted_content``,
``web_search_call.action.sources``, ``file_search_call.results`` or
``code_interpreter_call.outputs`` get those fields filled.

Streams split every streamed text into deltas of ``chunk_words`` words each; a
word carries the whitespace before it (``"You"``, ``" said:"``, ...), so the
deltas concatenate to the exact text.

The event sequence, numbered by ``sequence_number`` from 0, is
``response.created``, (``response.queued`` for ``background`` requests, whose
first snapshots say ``queued``), ``response.in_progress``, then per output
item ``response.output_item.added``, its own events (for a message
``response.content_part.added``, ``response.output_text.delta`` x n,
``response.output_text.done``, ``response.content_part.done``; for a function
call ``response.function_call_arguments.delta`` x n,
``response.function_call_arguments.done``), ``response.output_item.done``; and
last ``response.completed`` (or ``response.incomplete``, or
``response.failed``). Field names and their order follow streams recorded from
api.openai.com (which sorts event fields after ``type``).
"""

from __future__ import annotations

import base64
import itertools
import re
import shlex
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson

from bridge.simulator._ids import derive_id
from bridge.simulator.outputs import (
    ApplyPatchOutput,
    CodeInterpreterOutput,
    ComputerCallOutput,
    CustomToolCallOutput,
    Event,
    FileSearchOutput,
    FunctionCallOutput,
    ImageGenerationOutput,
    McpCallOutput,
    McpListToolsOutput,
    MessageOutput,
    Output,
    ReasoningOutput,
    ShellCallOutput,
    WebSearchOutput,
    event,
)

__all__ = [
    "INCLUDE_VALUES",
    "KEYWORDS",
    "MAX_EXTRA_WORDS",
    "Event",
    "FunctionCallOutput",
    "MessageOutput",
    "RequestError",
    "Script",
    "Usage",
    "answer_text",
    "build_script",
    "count_input_tokens",
    "count_tokens",
    "encode_event",
    "error_body",
    "input_texts",
    "json_type_name",
    "keywords",
    "split_chunks",
    "user_text",
    "validate_include",
    "validate_request",
]

MAX_EXTRA_WORDS: Final = 100_000
"""The most filler words a ``"N words"`` request can add to an answer."""

KEYWORDS: Final = (
    "think",
    "reasoning text",
    "search",
    "files",
    "code",
    "draw",
    "mcp",
    "custom tool",
    "shell",
    "patch",
    "computer",
    "cite",
    "refuse",
    "incomplete",
    "fail",
    "quota",
)
"""The keywords of the module doc, in the order their items appear."""

INCLUDE_VALUES: Final = (
    "file_search_call.results",
    "web_search_call.results",
    "web_search_call.action.sources",
    "message.input_image.image_url",
    "computer_call_output.output.image_url",
    "code_interpreter_call.outputs",
    "reasoning.encrypted_content",
    "message.output_text.logprobs",
)
"""The values ``include`` accepts (the spec's ``IncludeEnum``)."""

_WORDS_REQUEST = re.compile(r"\b(\d+)\s+words?\b", re.IGNORECASE)
# A word with the whitespace before it, like OpenAI's own text deltas.
_WORD = re.compile(r"\s*\S+")
_JSON_FORMATS: Final = frozenset({"json_schema", "json_object"})
_KEYWORD_PATTERNS: Final = {
    word: re.compile(r"\b" + r"\s+".join(map(re.escape, word.split())) + r"\b", re.IGNORECASE)
    for word in KEYWORDS
}

REFUSAL_TEXT: Final = "I'm sorry, but I can't help with that."
CITATION_URL: Final = "https://example.com/simulator"
FAILURE_MESSAGE: Final = "The model failed to generate a response."
QUOTA_MESSAGE: Final = (
    "You exceeded your current quota, please check your plan and billing details. For more"
    " information on this error, read the docs:"
    " https://platform.openai.com/docs/guides/error-codes/api-errors."
)


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


def error_body(
    message: str, param: str | None, *, kind: str = "invalid_request_error", code: str | None = None
) -> dict[str, Any]:
    """Return OpenAI's error object (an ``invalid_request_error`` unless told)."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def json_type_name(value: object) -> str:
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
    ("background", (bool,), "a boolean", True),
    ("store", (bool,), "a boolean", True),
    ("tools", (list,), "an array", True),
    ("text", (dict,), "an object", True),
    ("instructions", (str,), "a string", True),
    ("include", (list,), "an array", True),
    ("conversation", (str, dict), "a string or an object", True),
)


def check_types(body: Mapping[str, Any], names: Sequence[str] | None = None) -> None:
    """Raise `RequestError` if a field of ``body`` (of ``names``, default all) has a wrong type."""
    for name, types, expected, nullable in _TYPE_CHECKS:
        if names is not None and name not in names:
            continue
        value = body.get(name)
        if name not in body or (nullable and value is None):
            continue
        # bool is an int subclass; no check here accepts numbers, so no special case.
        if not isinstance(value, types):
            raise RequestError(
                f"Invalid type for '{name}': expected {expected}, "
                f"but got {json_type_name(value)} instead.",
                name,
            )


def validate_include(values: Sequence[object]) -> list[str]:
    """Return ``values`` if the API knows each ``include`` value; else raise `RequestError`."""
    for value in values:
        if value not in INCLUDE_VALUES:
            supported = ", ".join(f"'{known}'" for known in INCLUDE_VALUES)
            raise RequestError(
                f"Invalid value: '{value}'. Supported values are: {supported}.", "include"
            )
    return [str(value) for value in values]


def validate_request(body: object) -> Mapping[str, Any]:
    """Check the fields the simulator relies on and return the body.

    Raises `RequestError` when the body is not a JSON object, when ``model`` or
    ``input`` is missing or of the wrong type, when ``stream``,
    ``background``, ``store``, ``tools``, ``text``, ``instructions``,
    ``include`` or ``conversation`` has the wrong type, ``include`` an unknown
    value, or ``conversation`` comes with ``previous_response_id``.
    Everything else is accepted unchecked, as the simulator only echoes it.
    """
    if not isinstance(body, dict):
        raise RequestError(
            f"The request body must be a JSON object, but got {json_type_name(body)} instead.",
            None,
        )
    for name in ("model", "input"):
        if name not in body:
            raise RequestError(f"Missing required parameter: '{name}'.", name)
    check_types(body)
    if not body["model"]:
        raise RequestError("Invalid value for 'model': must not be empty.", "model")
    validate_include(body.get("include") or [])
    if body.get("conversation") is not None and body.get("previous_response_id") is not None:
        raise RequestError(
            "Mutually exclusive parameters: Ensure you are only providing one of: "
            "'previous_response_id' or 'conversation'.",
            "conversation",
        )
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


def answer_text(text: str, earlier: str = "") -> str:
    """Return the deterministic answer to a user text (see the module doc).

    ``earlier`` is the text of the conversation's last user message before this
    request, if any.
    """
    answer = f"You said: {text}"
    if earlier:
        answer += f" (earlier you said: {earlier})"
    match = _WORDS_REQUEST.search(text)
    if match is None:
        return answer
    digits = match.group(1).lstrip("0")
    # Long digit strings would only be capped anyway, and int() of thousands of
    # digits raises ValueError (CPython's int max_str_digits limit).
    extra = MAX_EXTRA_WORDS if len(digits) > 6 else min(int(digits or "0"), MAX_EXTRA_WORDS)
    return answer + "".join(f" w{i}" for i in range(1, extra + 1))


def keywords(text: str) -> frozenset[str]:
    """Return the `KEYWORDS` that occur in ``text`` as whole words (any case)."""
    return frozenset(word for word, pattern in _KEYWORD_PATTERNS.items() if pattern.search(text))


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


def _first_words(text: str, count: int) -> str:
    """Return the first ``count`` words of ``text`` with the whitespace before each."""
    return "".join(_WORD.findall(text)[: max(count, 0)])


def input_texts(input_: object) -> Iterator[str]:
    """Yield every text of an ``input`` (string or items), for counting input tokens."""
    if isinstance(input_, str):
        yield input_
        return
    if not isinstance(input_, list):
        return
    for item in input_:
        if not isinstance(item, dict):
            continue
        yield _message_text(item.get("content"))
        for key in ("arguments", "output"):
            value = item.get(key)
            if isinstance(value, str):
                yield value


def count_input_tokens(body: Mapping[str, Any]) -> int:
    """Return the input tokens of a request: the words of its instructions and input."""
    instructions = body.get("instructions")
    return count_tokens(
        instructions if isinstance(instructions, str) else "", *input_texts(body.get("input"))
    )


def _tools_of(body: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    """Return the request's tools of type ``kind``."""
    tools = body.get("tools")
    if not isinstance(tools, list):
        return []
    return [tool for tool in tools if isinstance(tool, dict) and tool.get("type") == kind]


def _function_tools(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Return the request's function tools that have a string name."""
    return [tool for tool in _tools_of(body, "function") if isinstance(tool.get("name"), str)]


def _chosen_function(body: Mapping[str, Any], text: str) -> str | None:
    """Return the name of the function to call, or None for a text answer."""
    functions = _function_tools(body)
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
        "store": body.get("store", True) is not False,
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


def opaque(payload: object) -> str:
    """Return an "encrypted" blob for ``payload``: Fernet-like prefix plus URL-safe base64."""
    return "gAAAAA" + base64.urlsafe_b64encode(orjson.dumps(payload)).decode()


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one response (words, see `count_tokens`)."""

    input_tokens: int
    output_tokens: int
    reasoning_tokens: int = 0

    def as_json(self) -> dict[str, Any]:
        """Return the ``usage`` object of a finished response."""
        return {
            "input_tokens": self.input_tokens,
            # The SDK's InputTokensDetails requires cache_write_tokens too,
            # and recorded responses carry it.
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": self.output_tokens,
            "output_tokens_details": {"reasoning_tokens": self.reasoning_tokens},
            "total_tokens": self.input_tokens + self.output_tokens,
        }


@dataclass(frozen=True, slots=True)
class Script:
    """Everything needed to answer one request, unary or streamed.

    ``echo`` holds the response fields copied from the request, in the API's
    order; ``outputs`` the output items in order; ``outcome`` how the response
    ends: ``"completed"``, ``"incomplete"``, ``"failed"`` (``server_error``)
    or ``"quota"`` (failed with ``insufficient_quota``); ``conversation`` the
    id of the conversation the response belongs to, if any.
    """

    response_id: str
    created_at: int
    echo: Mapping[str, Any]
    requested_service_tier: str | None
    outputs: Sequence[Output]
    usage: Usage
    outcome: str = "completed"
    background: bool = False
    conversation: str | None = None

    @property
    def output(self) -> Output | None:
        """The last output item (the message or the call), if any."""
        return self.outputs[-1] if self.outputs else None

    @property
    def error(self) -> dict[str, str] | None:
        """The ``error`` of a failed response (None otherwise)."""
        if self.outcome == "failed":
            return {"code": "server_error", "message": FAILURE_MESSAGE}
        if self.outcome == "quota":
            return {"code": "insufficient_quota", "message": QUOTA_MESSAGE}
        return None

    def http_error(self) -> tuple[int, dict[str, Any]] | None:
        """Return the HTTP status and body a failing *unary* request gets, else None.

        A synchronous request that fails is answered with an HTTP error, not a
        Response: 500 ``server_error`` for ``fail``, 429 ``insufficient_quota``
        for ``quota``, as api.openai.com does.
        """
        if self.outcome == "failed":
            message = "The server had an error while processing your request. Sorry about that!"
            return 500, error_body(message, None, kind="server_error", code="server_error")
        if self.outcome == "quota":
            return 429, error_body(
                QUOTA_MESSAGE, None, kind="insufficient_quota", code="insufficient_quota"
            )
        return None

    def response(self, *, completed_at: int | None, status: str | None = None) -> dict[str, Any]:
        """Return the Response object: final when ``completed_at`` is given.

        Without ``completed_at`` it is the snapshot that opens a stream (no
        output, no usage, the service tier as requested), with ``status``
        (``"in_progress"`` by default, ``"queued"`` for background responses
        at first). With it, it is the final response of the script's outcome.
        """
        if completed_at is None:
            return self.snapshot(status or "in_progress")
        return self.final(completed_at)

    def snapshot(self, status: str, output: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
        """Return an unfinished Response: ``status``, the ``output`` so far, no usage."""
        return self._response(status=status, output=[dict(item) for item in output])

    def final(self, completed_at: int) -> dict[str, Any]:
        """Return the finished Response of the script's outcome."""
        if self.error is not None:
            return self._response(status="failed", output=[], error=self.error)
        output = [item.item(done=True) for item in self.outputs]
        if self.outcome == "incomplete":
            return self._response(
                status="incomplete",
                output=output,
                usage=self.usage.as_json(),
                incomplete_details={"reason": "max_output_tokens"},
            )
        return self._response(
            status="completed",
            output=output,
            usage=self.usage.as_json(),
            completed_at=max(completed_at, self.created_at),
        )

    def _response(
        self,
        *,
        status: str,
        output: list[dict[str, Any]],
        usage: dict[str, Any] | None = None,
        completed_at: int | None = None,
        error: Mapping[str, Any] | None = None,
        incomplete_details: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return a Response object with the API's field order."""
        tier = self.requested_service_tier
        echo = self.echo
        response: dict[str, Any] = {
            "id": self.response_id,
            "object": "response",
            "created_at": self.created_at,
            "status": status,
            "background": self.background,
            "completed_at": completed_at,
        }
        if self.conversation is not None:
            response["conversation"] = {"id": self.conversation}
        return response | {
            "error": dict(error) if error is not None else None,
            "incomplete_details": dict(incomplete_details)
            if incomplete_details is not None
            else None,
            "instructions": echo["instructions"],
            "max_output_tokens": echo["max_output_tokens"],
            "max_tool_calls": echo["max_tool_calls"],
            "model": echo["model"],
            "output": output,
            "parallel_tool_calls": echo["parallel_tool_calls"],
            "previous_response_id": echo["previous_response_id"],
            "prompt_cache_key": echo["prompt_cache_key"],
            "reasoning": echo["reasoning"],
            "safety_identifier": echo["safety_identifier"],
            # Like the real API: unfinished snapshots echo the requested tier
            # ("auto" by default) and a finished response with usage says
            # which tier served it.
            "service_tier": (tier if tier not in (None, "auto") else "default")
            if usage is not None
            else (tier or "auto"),
            "store": echo["store"],
            "temperature": echo["temperature"],
            "text": echo["text"],
            "tool_choice": echo["tool_choice"],
            "tools": echo["tools"],
            "top_logprobs": echo["top_logprobs"],
            "top_p": echo["top_p"],
            "truncation": echo["truncation"],
            "usage": usage,
            "user": echo["user"],
            "metadata": echo["metadata"],
        }

    def events(self, clock: Callable[[], int] | None = None) -> Generator[Event, None, None]:
        """Yield the stream's events in order, built lazily one by one.

        ``clock`` gives ``completed_at`` (seconds) when the last event is built;
        by default it is ``created_at``.
        """
        seq = itertools.count()
        opening = "queued" if self.background else "in_progress"
        yield event("response.created", seq, response=self.snapshot(opening))
        if self.background:
            yield event("response.queued", seq, response=self.snapshot("queued"))
        yield event("response.in_progress", seq, response=self.snapshot("in_progress"))
        if self.outcome == "quota":
            # Recorded from api.openai.com: the error nested under "error", and
            # sequence_number before it (the spec's schema has flat fields).
            error = {
                "type": "insufficient_quota",
                "code": "insufficient_quota",
                "message": QUOTA_MESSAGE,
                "param": None,
            }
            yield {"type": "error", "sequence_number": next(seq), "error": error}
        for index, output in enumerate(self.outputs):
            yield event(
                "response.output_item.added", seq, item=output.item(done=False), output_index=index
            )
            yield from output.events(index, seq)
            yield event(
                "response.output_item.done", seq, item=output.item(done=True), output_index=index
            )
        completed_at = clock() if clock is not None else self.created_at
        final = self.final(completed_at)
        kind = {"failed": "response.failed", "incomplete": "response.incomplete"}.get(
            final["status"], "response.completed"
        )
        yield event(kind, seq, response=final)


@dataclass(frozen=True, slots=True)
class _Planner:
    """Builds the output items of one request (ids, texts, chunks)."""

    body: Mapping[str, Any]
    serial: int
    digest: bytes
    chunk_words: int
    include: frozenset[str]

    def id(self, prefix: str, *, salt: bytes = b"", hex_chars: int = 48) -> str:
        """Return this request's id for ``prefix`` (``salt`` tells apart ids of one prefix)."""
        return derive_id(prefix, self.serial, self.digest + salt, hex_chars=hex_chars)

    def chunks(self, text: str) -> list[str]:
        """Split ``text`` into this request's deltas."""
        return split_chunks(text, self.chunk_words)

    def reasoning(self, text: str, answer: str, words: frozenset[str]) -> ReasoningOutput:
        """Plan the reasoning item."""
        summary = (
            [
                f"**Reading the request**\n\nThe user wrote: {text}",
                "**Planning the answer**\n\nI will repeat the text back, as the simulator does.",
            ]
            if "think" in words
            else []
        )
        raw = (
            f"The user wrote: {text}. The answer is: {answer}"
            if "reasoning text" in words
            else None
        )
        encrypted = (
            opaque({"summary": summary, "text": raw})
            if "reasoning.encrypted_content" in self.include
            else None
        )
        return ReasoningOutput(
            item_id=self.id("rs"),
            summary=summary,
            summary_chunks=[self.chunks(part) for part in summary],
            text=raw,
            text_chunks=self.chunks(raw) if raw is not None else [],
            encrypted_content=encrypted,
        )

    def hosted(self, text: str, answer: str, words: frozenset[str]) -> list[Output]:
        """Plan the hosted tool calls (they run on the server, before the message)."""
        items: list[Output] = []
        if "search" in words:
            sources = [CITATION_URL] if "web_search_call.action.sources" in self.include else None
            items.append(WebSearchOutput(item_id=self.id("ws"), query=text, sources=sources))
        if "files" in words:
            results = (
                [
                    {
                        "attributes": {},
                        "file_id": "file-simulated",
                        "filename": "simulated.txt",
                        "score": 1.0,
                        "text": answer,
                    }
                ]
                if "file_search_call.results" in self.include
                else None
            )
            items.append(FileSearchOutput(item_id=self.id("fs"), query=text, results=results))
        if "code" in words:
            code = f"print({answer!r})"
            items.append(
                CodeInterpreterOutput(
                    item_id=self.id("ci"),
                    container_id=self.id("cntr"),
                    code=code,
                    chunks=self.chunks(code),
                    logs=answer + "\n" if "code_interpreter_call.outputs" in self.include else None,
                )
            )
        if "draw" in words:
            image_tools = _tools_of(self.body, "image_generation")
            partial = image_tools[0].get("partial_images") if image_tools else None
            count = partial if isinstance(partial, int) and not isinstance(partial, bool) else 1
            items.append(
                ImageGenerationOutput(
                    item_id=self.id("ig"), revised_prompt=text, partial_images=max(0, min(count, 3))
                )
            )
        if "mcp" in words:
            servers = _tools_of(self.body, "mcp")
            label = servers[0].get("server_label") if servers else None
            label = label if isinstance(label, str) else "simulator"
            arguments = orjson.dumps({"input": text}).decode()
            items.append(McpListToolsOutput(item_id=self.id("mcpl"), server_label=label))
            items.append(
                McpCallOutput(
                    item_id=self.id("mcp"),
                    server_label=label,
                    arguments=arguments,
                    output=answer,
                    chunks=self.chunks(arguments),
                )
            )
        return items

    def client_calls(self, text: str, answer: str, words: frozenset[str]) -> list[Output]:
        """Plan the calls the client runs (they end the turn)."""
        items: list[Output] = []
        call_id = self.id("call", hex_chars=24)
        customs = [t for t in _tools_of(self.body, "custom") if isinstance(t.get("name"), str)]
        if "custom tool" in words and customs:
            items.append(
                CustomToolCallOutput(
                    item_id=self.id("ctc"),
                    call_id=self.id("call", salt=b"ctc", hex_chars=24),
                    name=str(customs[0]["name"]),
                    input=text,
                    chunks=self.chunks(text),
                )
            )
        if "shell" in words:
            command = f"echo {shlex.quote(answer)}"
            shells = _tools_of(self.body, "shell")
            environment = shells[0].get("environment") if shells else None
            items.append(
                ShellCallOutput(
                    item_id=self.id("sh"),
                    call_id=self.id("call", salt=b"sh", hex_chars=24),
                    command=command,
                    chunks=self.chunks(command),
                    environment=environment if isinstance(environment, dict) else None,
                )
            )
        if "patch" in words:
            items.append(
                ApplyPatchOutput(
                    item_id=self.id("apc"),
                    call_id=self.id("call", salt=b"apc", hex_chars=24),
                    path="simulated.txt",
                    diff=f"+{answer}\n",
                )
            )
        if "computer" in words:
            items.append(
                ComputerCallOutput(
                    item_id=self.id("cu"),
                    call_id=self.id("call", salt=b"cu", hex_chars=24),
                    text=text,
                    batched=bool(_tools_of(self.body, "computer")),
                )
            )
        function = _chosen_function(self.body, text)
        if function is not None:
            arguments = orjson.dumps({"input": text}).decode()
            items.append(
                FunctionCallOutput(
                    item_id=self.id("fc"),
                    call_id=call_id,
                    name=function,
                    arguments=arguments,
                    chunks=self.chunks(arguments),
                )
            )
        return items

    def message(self, answer: str, words: frozenset[str], budget: int | None) -> MessageOutput:
        """Plan the message: refusal, citation, cut short by ``budget`` words."""
        if "refuse" in words:
            return MessageOutput(
                item_id=self.id("msg"),
                text=REFUSAL_TEXT,
                chunks=self.chunks(REFUSAL_TEXT),
                refusal=True,
            )
        fmt = _echo_text(self.body.get("text"))["format"]
        if isinstance(fmt, dict) and fmt.get("type") in _JSON_FORMATS:
            answer = orjson.dumps({"answer": answer}).decode()
        incomplete = budget is not None and count_tokens(answer) > budget
        if incomplete and budget is not None:
            answer = _first_words(answer, budget)
        annotations = (
            [
                {
                    "type": "url_citation",
                    "start_index": 0,
                    "end_index": len(answer),
                    "url": CITATION_URL,
                    "title": "Simulated source",
                }
            ]
            if "cite" in words
            else []
        )
        return MessageOutput(
            item_id=self.id("msg"),
            text=answer,
            chunks=self.chunks(answer),
            annotations=annotations,
            incomplete=incomplete,
        )


def build_script(
    body: Mapping[str, Any],
    *,
    serial: int,
    created_at: int,
    chunk_words: int = 1,
    model: str | None = None,
    conversation: str | None = None,
    history: Sequence[Mapping[str, Any]] = (),
) -> Script:
    """Plan the answer to a request that passed `validate_request`.

    ``serial`` (from ``_ids.next_serial``) and a hash of the body make the ids;
    ``model``, when given, replaces the request's model in the response;
    ``chunk_words`` is the number of words per delta. ``conversation`` is the
    id of the request's conversation, and ``history`` the items it held
    before the request (they come before the input).
    """
    digest = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    text = user_text(body["input"])
    earlier = user_text(history)
    words = keywords(text)
    if body.get("tool_choice") == "none":
        words -= {
            "search",
            "files",
            "code",
            "draw",
            "mcp",
            "custom tool",
            "shell",
            "patch",
            "computer",
        }
    planner = _Planner(
        body=body,
        serial=serial,
        digest=digest,
        chunk_words=chunk_words,
        include=frozenset(str(value) for value in body.get("include") or ()),
    )
    answer = answer_text(text, earlier)
    outcome = "quota" if "quota" in words else "failed" if "fail" in words else "completed"
    outputs: list[Output] = []
    if outcome == "completed":
        if words & {"think", "reasoning text"}:
            outputs.append(planner.reasoning(text, answer, words))
        outputs.extend(planner.hosted(text, answer, words))
        calls = planner.client_calls(text, answer, words)
        if calls:
            outputs.extend(calls)
        else:
            outputs.append(planner.message(answer, words, _budget(body, outputs, answer, words)))
            if isinstance(outputs[-1], MessageOutput) and outputs[-1].incomplete:
                outcome = "incomplete"
    tier = body.get("service_tier")
    return Script(
        response_id=derive_id("resp", serial, digest),
        created_at=created_at,
        echo=_echo(body, model or body["model"]),
        requested_service_tier=tier if isinstance(tier, str) else None,
        outputs=outputs,
        usage=Usage(
            input_tokens=count_input_tokens(body) + count_tokens(*input_texts(list(history))),
            output_tokens=sum(item.output_tokens for item in outputs),
            reasoning_tokens=sum(item.reasoning_tokens for item in outputs),
        ),
        outcome=outcome,
        background=body.get("background") is True,
        conversation=conversation,
    )


def _budget(
    body: Mapping[str, Any], before: Sequence[Output], answer: str, words: frozenset[str]
) -> int | None:
    """Return how many words the message may have (None: no limit)."""
    budget: int | None = None
    limit = body.get("max_output_tokens")
    if isinstance(limit, int) and not isinstance(limit, bool):
        budget = max(limit - sum(item.output_tokens for item in before), 0)
    if "incomplete" in words:
        half = max(1, count_tokens(answer) // 2)
        budget = half if budget is None else min(budget, half)
    return budget


def encode_event(event: Event) -> bytes:
    """Return one SSE frame: ``event: <type>``, ``data: <compact JSON>``, blank line."""
    return b"event: %s\ndata: %s\n\n" % (event["type"].encode(), orjson.dumps(event))
