"""The example Go and Node clients (clients/) against a real bridge and simulator.

`make stubs` (tools/stubs.sh) builds the Go client into gen/go/bin and installs the Node
modules into gen/node/node_modules; a language whose client is missing is skipped.
Both reach plaintext bridges and bridges with TLS, mutual TLS and bearer tokens.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bridge.config import Settings
from bridge.limits import MAX_JSON_DEPTH
from bridge.server import start
from bridge.simulator import SimulatorOptions
from bridge.simulator import start as start_simulator
from tests.conftest import Script
from tests.nesting import nested
from tests.secured import CASES, Case, secured_bridge

ROOT = Path(__file__).resolve().parent.parent
GO_CLIENT = ROOT / "gen" / "go" / "bin" / "responses-client"
NODE_MODULES = ROOT / "gen" / "node" / "node_modules"
NODE_CLIENT = ROOT / "clients" / "node" / "client.js"
LANGUAGES = ["go", "node"]
TEXT = "count 30 words"
# The simulator's deterministic answer (bridge/simulator/script.py, answer_text).
ANSWER = "You said: count 30 words" + "".join(f" w{i}" for i in range(1, 31))
CLIENT_TIMEOUT = 60.0


def client_command(language: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment that run a language's client, or skip the test."""
    env = dict(os.environ)
    if language == "go":
        if not GO_CLIENT.is_file():
            pytest.skip(
                f"Go client not built: {GO_CLIENT.relative_to(ROOT)} is missing (make stubs)"
            )
        return [str(GO_CLIENT)], env
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node client: no `node` on PATH")
    for module in ("@grpc/grpc-js", "@grpc/proto-loader"):
        if not (NODE_MODULES / module / "package.json").is_file():
            where = (NODE_MODULES / module).relative_to(ROOT)
            pytest.skip(f"Node client: {module} not installed in {where} (make stubs)")
    env["NODE_PATH"] = str(NODE_MODULES)
    return [node, str(NODE_CLIENT)], env


async def run_client(
    language: str, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run a client to completion without blocking the event loop: exit code, stdout, stderr.

    `env` is added to the environment, from which BRIDGE_TOKEN, BRIDGE_TARGET and
    BRIDGE_MODEL are removed first so that the runner's own settings never leak in.
    """
    command, base = client_command(language)
    for name in ("BRIDGE_TOKEN", "BRIDGE_TARGET", "BRIDGE_MODEL"):
        base.pop(name, None)
    env = {**base, **(env or {})}
    process = await asyncio.create_subprocess_exec(
        *command,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), CLIENT_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def serve_bridge(upstream_url: str) -> AsyncIterator[str]:
    """Yield the host:port of a bridge on a free loopback port, pointed at `upstream_url`."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=upstream_url))
    try:
        yield f"127.0.0.1:{bridge.port}"
    finally:
        await bridge.stop(0)


@pytest.fixture
async def target(simulator: str) -> AsyncIterator[str]:
    """The host:port of a real bridge pointed at the simulator."""
    async for address in serve_bridge(simulator):
        yield address


@pytest.fixture
async def slow_target() -> AsyncIterator[str]:
    """The host:port of a bridge whose simulator sleeps 20 ms between text deltas."""
    runner, port = await start_simulator("127.0.0.1", 0, SimulatorOptions(token_delay=0.02))
    try:
        async for address in serve_bridge(f"http://127.0.0.1:{port}/v1"):
            yield address
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
@pytest.mark.parametrize("language", LANGUAGES)
async def test_client_prints_the_answer(language: str, stream: bool, target: str) -> None:
    """The client prints the simulator's answer and a newline, whole or delta by delta."""
    args = ["-target", target, "-model", "gpt-4.1", "-text", TEXT, *(["-stream"] if stream else [])]
    code, stdout, stderr = await run_client(language, *args)
    assert (code, stderr) == (0, "")
    assert stdout == ANSWER + "\n"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_stream_prints_deltas_as_they_arrive(language: str, slow_target: str) -> None:
    """A streaming client writes the first delta while the rest of the answer is still coming."""
    command, env = client_command(language)
    text = "count 50 words"
    process = await asyncio.create_subprocess_exec(
        *command,
        *["-target", slow_target, "-text", text, "-stream"],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    loop = asyncio.get_running_loop()
    try:
        first = await asyncio.wait_for(process.stdout.read(1), CLIENT_TIMEOUT)
        first_at = loop.time()
        rest, stderr = await asyncio.wait_for(process.communicate(), CLIENT_TIMEOUT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert (process.returncode, stderr) == (0, b"")
    # Fifty deltas 20 ms apart take a second; a client that buffered its output would
    # print everything just before exiting.
    assert loop.time() - first_at > 0.5
    assert (first + rest).decode() == f"You said: {text}" + "".join(
        f" w{i}" for i in range(1, 51)
    ) + "\n"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_client_reports_unavailable(language: str, refusing: Callable[[], int]) -> None:
    """A call to a port nobody listens on prints UNAVAILABLE and its message, and exits 1."""
    code, stdout, stderr = await run_client(
        language, "-target", f"127.0.0.1:{refusing()}", "-text", "hello"
    )
    assert code == 1
    assert stdout == ""
    assert stderr.startswith("UNAVAILABLE: ")
    assert len(stderr.strip()) > len("UNAVAILABLE:")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
@pytest.mark.parametrize("language", LANGUAGES)
async def test_client_reaches_a_secured_bridge(
    language: str, case: Case, simulator: str, tmp_path: Path
) -> None:
    """TLS, mutual TLS and bearer tokens from a file, a flag or the environment work as set."""
    client_command(language)  # skips before any bridge starts when the client is missing
    async with secured_bridge(tmp_path, simulator, mutual=case.mutual) as bridge:
        code, stdout, stderr = await run_client(
            language,
            "--target",
            bridge.target,
            "--text",
            "hello",
            *(["--stream"] if case.mutual else []),
            *case.arguments(bridge),
            env=dict(case.env),
        )
    if case.outcome == "ok":
        assert (code, stdout) == (0, "You said: hello\n"), stderr
        warnings = stderr.splitlines()
        assert len(warnings) == int(case.warns)
        assert all("visible to other users" in line for line in warnings)
    else:
        assert (code, stdout) == (1, "")
        assert stderr.startswith(f"{case.outcome}: "), stderr


@pytest.mark.parametrize("language", LANGUAGES)
async def test_client_rejects_half_a_client_certificate(language: str, tmp_path: Path) -> None:
    """A certificate without its key is a usage error (exit 2), before any call."""
    (tmp_path / "client.pem").write_text("unused")
    code, stdout, stderr = await run_client(
        language, "--text", "hi", "--cert", str(tmp_path / "client.pem")
    )
    assert (code, stdout) == (2, "")
    assert "-key" in stderr


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_reply_nested_to_the_depth_limit_decodes(
    language: str, stream: bool, scripted: tuple[str, Script]
) -> None:
    """A reply (or event) whose JSON nests exactly MAX_JSON_DEPTH levels, the deepest the
    bridge passes on, decodes in the client and its text is printed."""
    client_command(language)
    url, script = scripted
    message = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "deep", "annotations": []}],
    }
    # The response's own level, then a free-form key nested to the limit beside it.
    response = {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "output": [message],
        "x_deep": nested(MAX_JSON_DEPTH - 1),
    }
    if stream:
        # The event adds a level: its response nests one less.
        response["x_deep"] = nested(MAX_JSON_DEPTH - 2)
        events = [
            {
                "type": "response.output_text.delta",
                "sequence_number": 0,
                "item_id": "msg_1",
                "output_index": 0,
                "content_index": 0,
                "delta": "deep",
            },
            {"type": "response.completed", "sequence_number": 1, "response": response},
        ]
        script.chunks = [f"data: {json.dumps(event)}\n\n".encode() for event in events]
    else:
        script.headers = {"content-type": "application/json"}
        script.chunks = [json.dumps(response).encode()]
    async for address in serve_bridge(url):
        args = ["-target", address, "-text", "hi", *(["-stream"] if stream else [])]
        code, stdout, stderr = await run_client(language, *args)
    assert (code, stdout) == (0, "deep\n"), stderr


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_two_turn_tool_loop_over_a_session(language: str, target: str) -> None:
    """-session: over one Session the model calls get_weather, the client answers with the
    function's output through previous_response_id, and prints the call and the final text;
    the session then ends OK (exit 0)."""
    code, stdout, stderr = await run_client(
        language, "-target", target, "-text", "weather in Paris", "-session", "-tool-output", "rain"
    )
    assert (code, stderr) == (0, ""), stderr
    call, answer = stdout.splitlines()
    name, arguments = call.removeprefix("call ").split(" ", 1)
    assert name == "get_weather"
    assert json.loads(arguments) == {"input": "weather in Paris"}
    # The simulator answers a function's output with the earlier turn's text: the second
    # turn continued the first (bridge/simulator/script.py).
    assert answer == "You said:  (earlier you said: weather in Paris)"
