"""A local HTTP server that behaves like OpenAI's Responses API (``POST /v1/responses``).

It answers deterministically, without an API key, unary or streamed, so the
bridge can be tried, tested and benchmarked offline. `start` runs it inside an
existing event loop (tests, benchmarks); `serve` blocks (``bridge simulate``);
`build_app` returns the bare aiohttp app. The answer rule is documented in
`bridge.simulator.script`, the HTTP behaviour in `bridge.simulator.app`.
"""

from __future__ import annotations

from bridge.simulator.app import SimulatorOptions, build_app, serve, start
from bridge.simulator.script import answer_text

__all__ = ["SimulatorOptions", "answer_text", "build_app", "serve", "start"]
