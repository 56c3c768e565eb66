"""A local HTTP server that behaves like OpenAI's Responses API.

It answers deterministically, without an API key, unary, streamed or in the
background, so the bridge can be tried, tested and benchmarked offline: create
(``POST /v1/responses``), retrieve, delete and cancel stored responses, list
their input items, re-stream background responses from a sequence number,
count input tokens and compact conversations. Keywords in the user text
produce every kind of output item and event (reasoning, hosted and
client-side tool calls, refusals, citations, incomplete and failed
responses). `start` runs it inside an existing event loop (tests,
benchmarks); `serve` blocks (``bridge simulate``); `build_app` returns the
bare aiohttp app. The answer rules and keywords are documented in
`bridge.simulator.script`, the HTTP behaviour in `bridge.simulator.app`.

With ``SimulatorOptions(behave_like=NAME)`` it answers like one of the
OpenAI-compatible providers in `PROVIDERS` instead, with the deviations from
OpenAI that their docs show (`bridge.simulator.providers`)::

    runner, port = await start("127.0.0.1", 0, SimulatorOptions(behave_like="modelverse"))
    ...  # http://127.0.0.1:{port}/v1 streams end with response.done
    await runner.cleanup()
"""

from __future__ import annotations

from bridge.simulator.app import SimulatorOptions, build_app, serve, start
from bridge.simulator.providers import PROVIDERS, Provider
from bridge.simulator.script import answer_text

__all__ = [
    "PROVIDERS",
    "Provider",
    "SimulatorOptions",
    "answer_text",
    "build_app",
    "serve",
    "start",
]
