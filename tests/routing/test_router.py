"""Where calls go through a bridge with a routes file: routes by model and their precedence,
renames, models no route serves, calls without a model, picking an upstream, weights,
callers' keys, each upstream's wire, and reloads with calls in flight; without a routes
file, nothing changes."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2

from bridge.routing.router import PICK_KEY
from rbridge.responses.v1 import conversations_pb2, responses_service_pb2
from tests.conftest import access_lines
from tests.faults.fault_server import FaultServer, request_metadata
from tests.routing.conftest import StartRouted, StartSimulator
from tests.routing.helpers import create, details, served, stream
from tests.support import rotate

CALLER_KEY = "sk-caller-own-key-for-a-0001"


async def test_exact_names_beat_patterns_and_the_catch_all_takes_the_rest(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """deepseek-chat has its own route, deepseek-* the other deepseek models, * the rest:
    each call is served by its route's upstream, and the initial metadata says which."""
    exact, pattern, rest = await simulators(), await simulators(), await simulators()
    bridge = await routed(
        f"""
upstreams:
  exact: {{base_url: "{exact.url}"}}
  pattern: {{base_url: "{pattern.url}"}}
  rest: {{base_url: "{rest.url}"}}
routes:
  - {{model: "deepseek-*", upstreams: [pattern]}}
  - {{model: deepseek-chat, upstreams: [exact]}}
  - {{model: "*", upstreams: [rest]}}
default_upstream: rest
"""
    )
    for model, upstream in [
        ("deepseek-chat", "exact"),
        ("deepseek-reasoner", "pattern"),
        ("gpt-4.1", "rest"),
    ]:
        unary = await served(bridge.stub.CreateResponse(create(model)))
        assert (unary.upstream, unary.code) == (upstream, grpc.StatusCode.OK)
        streamed = await stream(bridge.stub.StreamCreateResponse(create(model)))
        assert (streamed.upstream, streamed.code) == (upstream, grpc.StatusCode.OK)
        assert streamed.response.status == "completed"


async def test_each_upstream_sends_over_its_own_wire(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """Upstreams of one file on the HTTP/1.1 wire, aiohttp's client and httpx's each serve
    unary and streamed calls whole."""
    wires = ("http1", "aiohttp", "httpx")
    urls = {wire: (await simulators()).url for wire in wires}
    upstreams = "".join(
        f'  {wire}: {{base_url: "{url}", wire: {wire}}}\n' for wire, url in urls.items()
    )
    routes = "".join(f"  - {{model: m-{wire}, upstreams: [{wire}]}}\n" for wire in wires)
    bridge = await routed(f"upstreams:\n{upstreams}routes:\n{routes}default_upstream: http1\n")
    for wire in wires:
        unary = await served(bridge.stub.CreateResponse(create(f"m-{wire}")))
        assert (unary.upstream, unary.code) == (wire, grpc.StatusCode.OK)
        assert unary.response.status == "completed"
        streamed = await stream(bridge.stub.StreamCreateResponse(create(f"m-{wire}")))
        assert (streamed.upstream, streamed.code) == (wire, grpc.StatusCode.OK)
        assert streamed.response.status == "completed"


async def test_a_rename_sends_the_providers_model_id_and_the_reply_says_what_it_served(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """The caller's model becomes the route's model id at that upstream; the reply's model
    is the one the provider answered with, unchanged."""
    provider = await simulators("modelverse")
    bridge = await routed(
        f"""
upstreams:
  modelverse: {{base_url: "{provider.url}", profile: modelverse}}
routes:
  - model: deepseek
    upstreams: [{{upstream: modelverse, model: deepseek-ai/DeepSeek-V3}}]
"""
    )
    unary = await served(bridge.stub.CreateResponse(create("deepseek", max_output_tokens=16)))
    assert unary.upstream == "modelverse"
    assert unary.response.model == "deepseek-ai/DeepSeek-V3"
    assert unary.response.created_at > 0
    streamed = await stream(bridge.stub.StreamCreateResponse(create("deepseek")))
    assert streamed.code == grpc.StatusCode.OK
    assert streamed.response.model == "deepseek-ai/DeepSeek-V3"


async def test_a_model_no_route_serves_is_not_found_with_the_routable_names(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """Without a catch-all, an unmatched model is NOT_FOUND, ErrorInfo MODEL_NOT_FOUND, whose
    metadata lists the routable names and patterns; no upstream is called."""
    only = await simulators()
    bridge = await routed(
        f"""
upstreams: {{a: {{base_url: "{only.url}"}}}}
routes:
  - {{model: gpt-4.1, upstreams: [a]}}
  - {{model: "deepseek-*", upstreams: [a]}}
"""
    )
    for call in (
        bridge.stub.CreateResponse(create("claude-sonnet")),
        bridge.stub.StreamCreateResponse(create("claude-sonnet")),
    ):
        outcome = await (
            served(call) if isinstance(call, grpc.aio.UnaryUnaryCall) else stream(call)
        )
        assert outcome.code == grpc.StatusCode.NOT_FOUND
        assert outcome.upstream is None
        info = details(outcome.error)[error_details_pb2.ErrorInfo]
        assert isinstance(info, error_details_pb2.ErrorInfo)
        assert info.reason == "MODEL_NOT_FOUND"
        assert info.metadata["code"] == "model_not_found"
        assert info.metadata["model"] == "claude-sonnet"
        assert info.metadata["routes"] == "gpt-4.1, deepseek-*"
        assert "claude-sonnet" in outcome.error.details()  # type: ignore[union-attr]


async def test_calls_without_a_model_go_to_the_default_upstream(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """A conversation, created without a model, goes to the default upstream (and then
    lives there); so does a call on a response no upstream is known to hold."""
    first, default = await simulators(), await simulators()
    bridge = await routed(
        f"""
upstreams:
  first: {{base_url: "{first.url}", lookup: false}}
  default: {{base_url: "{default.url}", lookup: false}}
routes: [{{model: "*", upstreams: [first]}}]
default_upstream: default
"""
    )
    conversation = await served(
        bridge.stub.CreateConversation(conversations_pb2.CreateConversationRequest())
    )
    assert (conversation.upstream, conversation.code) == ("default", grpc.StatusCode.OK)
    unknown = await served(
        bridge.stub.GetResponse(responses_service_pb2.GetResponseRequest(response_id="resp_x"))
    )
    assert (unknown.upstream, unknown.code) == ("default", grpc.StatusCode.NOT_FOUND)


async def test_a_caller_picks_an_upstream_only_where_the_file_allows(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """x-bridge-upstream sends the call to a pickable upstream, whatever the route says,
    with that upstream's rename; a name that is not pickable is INVALID_ARGUMENT naming the
    metadata key and the pickable names."""
    usual, chosen = await simulators(), await simulators()
    bridge = await routed(
        f"""
upstreams:
  usual: {{base_url: "{usual.url}"}}
  chosen: {{base_url: "{chosen.url}", pickable: true}}
routes:
  - model: gpt-4.1
    upstreams: [usual, {{upstream: chosen, model: chosen/gpt-4.1}}]
default_upstream: usual
"""
    )
    picked = await served(
        bridge.stub.CreateResponse(create("gpt-4.1"), metadata=((PICK_KEY, "chosen"),))
    )
    assert picked.upstream == "chosen"
    assert picked.response.model == "chosen/gpt-4.1"
    for name in ("usual", "nowhere"):
        refused = await served(
            bridge.stub.CreateResponse(create("gpt-4.1"), metadata=((PICK_KEY, name),))
        )
        assert refused.code == grpc.StatusCode.INVALID_ARGUMENT
        bad = details(refused.error)[error_details_pb2.BadRequest]
        assert isinstance(bad, error_details_pb2.BadRequest)
        assert [v.field for v in bad.field_violations] == [PICK_KEY]
        assert "pickable: chosen" in bad.field_violations[0].description


async def test_weights_share_first_attempts_in_proportion(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """A canary of weight 1 beside 3 serves exactly a quarter of the calls."""
    stable, canary = await simulators(), await simulators()
    bridge = await routed(
        f"""
upstreams:
  stable: {{base_url: "{stable.url}"}}
  canary: {{base_url: "{canary.url}"}}
routes:
  - model: m
    upstreams: [{{upstream: stable, weight: 3}}, {{upstream: canary, weight: 1}}]
default_upstream: stable
"""
    )
    upstreams = [
        (await served(bridge.stub.CreateResponse(create("m")))).upstream for _ in range(12)
    ]
    assert Counter(upstreams) == {"stable": 9, "canary": 3}


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The upstreams' own keys of the caller-key test, in the environment."""
    monkeypatch.setenv("A_KEY", "sk-own-key-of-a-0000000")
    monkeypatch.setenv("B_KEY", "sk-own-key-of-b-0000000")


@pytest.mark.usefixtures("keys")
async def test_caller_keys_never_cross_upstreams(
    fault_server: FaultServer, routed: StartRouted
) -> None:
    """x-upstream-api-key-a reaches upstream a, never b when the call falls back to it, nor
    any upstream asked where a response lives; a key without an upstream's name is refused."""
    other = FaultServer()
    await other.start()
    try:
        bridge = await routed(
            f"""
upstreams:
  a: {{base_url: "{fault_server.url}", caller_keys: true, api_key: {{env: A_KEY}}}}
  b: {{base_url: "{other.url}", api_key: {{env: B_KEY}}}}
routes: [{{model: "*", upstreams: [a, b]}}]
default_upstream: a
"""
        )
        metadata = (("x-upstream-api-key-a", CALLER_KEY),)
        request = create("m", metadata=request_metadata("http_503_json"))
        outcome = await served(bridge.stub.CreateResponse(request, metadata=metadata))
        assert outcome.code == grpc.StatusCode.UNAVAILABLE
        (at_a,) = fault_server.requests("http_503_json")
        (at_b,) = other.requests("http_503_json")
        assert at_a.headers["authorization"] == f"Bearer {CALLER_KEY}"
        assert at_b.headers["authorization"] == "Bearer sk-own-key-of-b-0000000"
        lookup = await served(
            bridge.stub.GetResponse(
                responses_service_pb2.GetResponseRequest(response_id="resp_unknown"),
                metadata=metadata,
            )
        )
        assert lookup.upstream == "a"
        lookups_at_a = [c for c in fault_server.connections if c.request_line.startswith("GET ")]
        lookups_at_b = [c for c in other.connections if c.request_line.startswith("GET ")]
        # a and b are each asked once with their own key; then the call itself goes to a,
        # the upstream the caller's key names.
        assert [c.headers["authorization"] for c in lookups_at_a] == [
            "Bearer sk-own-key-of-a-0000000",
            f"Bearer {CALLER_KEY}",
        ]
        assert [c.headers["authorization"] for c in lookups_at_b] == [
            "Bearer sk-own-key-of-b-0000000"
        ]
        plain = await served(
            bridge.stub.CreateResponse(create("m"), metadata=(("x-upstream-api-key", CALLER_KEY),))
        )
        assert plain.code == grpc.StatusCode.INVALID_ARGUMENT
        assert "x-upstream-api-key-<upstream>" in plain.error.details()  # type: ignore[union-attr]
    finally:
        await other.close()


@pytest.mark.usefixtures("no_reload_delay")
async def test_a_reload_keeps_calls_in_flight_on_their_routes_and_closes_removed_upstreams(
    simulators: StartSimulator, routed: StartRouted, tmp_path: Path, log_output: io.StringIO
) -> None:
    """A stream started before the file changed ends whole at its upstream; calls after go
    where the new file says; the removed upstream's pool closes once its last call ends."""
    old, new = await simulators(token_delay=0.02), await simulators()
    bridge = await routed(
        f"""
upstreams: {{old: {{base_url: "{old.url}"}}}}
routes: [{{model: "*", upstreams: [old]}}]
"""
    )
    path = Path(bridge.settings.routes_file)
    in_flight = asyncio.ensure_future(
        stream(bridge.stub.StreamCreateResponse(create("m", "Count 40 words please")))
    )
    await asyncio.sleep(0.2)
    assert not in_flight.done()
    rotate(
        path,
        f"""
upstreams: {{new: {{base_url: "{new.url}"}}}}
routes: [{{model: "*", upstreams: [new]}}]
""",
    )
    after = await served(bridge.stub.CreateResponse(create("m")))
    assert after.upstream == "new"
    finished = await in_flight
    assert (finished.upstream, finished.code) == ("old", grpc.StatusCode.OK)
    assert finished.response.status == "completed"
    for _ in range(100):
        events = [line["event"] for line in _lines(log_output)]
        if "upstream_closing" in events:
            break
        await asyncio.sleep(0.02)
    closing = [line for line in _lines(log_output) if line["event"] == "upstream_closing"]
    assert [line["upstream"] for line in closing] == ["old"]
    reloaded = [line for line in _lines(log_output) if line["event"] == "routes_reloaded"]
    assert reloaded and reloaded[0]["upstreams"] == ["new"]


@pytest.mark.usefixtures("no_reload_delay")
async def test_a_broken_reload_keeps_the_routes_in_use(
    simulators: StartSimulator, routed: StartRouted, log_output: io.StringIO
) -> None:
    """A new version of the file that does not validate is logged with its problems, and
    calls keep going where the previous version said."""
    only = await simulators()
    bridge = await routed(
        f"""
upstreams: {{a: {{base_url: "{only.url}"}}}}
routes: [{{model: "*", upstreams: [a]}}]
"""
    )
    rotate(Path(bridge.settings.routes_file), "upstreams: {a: {}}\nroutes: []\n")
    outcome = await served(bridge.stub.CreateResponse(create("m")))
    assert (outcome.upstream, outcome.code) == ("a", grpc.StatusCode.OK)
    (failed,) = [line for line in _lines(log_output) if line["event"] == "reload_failed"]
    assert "upstreams.a.base_url: required" in failed["error"]


async def test_without_a_routes_file_the_one_upstream_serves_everything_as_before(
    simulators: StartSimulator, log_output: io.StringIO
) -> None:
    """The environment's one upstream serves every model, named "default" in the initial
    metadata; its access log lines gain no routing fields."""
    from tests.support import Bridges

    only = await simulators()
    bridges = Bridges(max_retries=0)
    try:
        running = await bridges.start(only.url)
        for model in ("gpt-4.1", "anything-at-all"):
            outcome = await served(running.stub.CreateResponse(create(model)))
            assert (outcome.upstream, outcome.code) == ("default", grpc.StatusCode.OK)
        assert running.bridge.router.routed is False
    finally:
        await bridges.close()
    lines = access_lines(log_output)
    assert lines and all(
        "upstream" not in line and "upstream_attempts" not in line for line in lines
    )


def _lines(output: io.StringIO) -> list[dict[str, object]]:
    from tests.support import log_lines

    return log_lines(output)


async def test_a_routes_file_that_cannot_be_used_stops_the_start_listing_every_problem(
    tmp_path: Path,
) -> None:
    """A bridge does not start on a broken routes file: the configuration error names the
    file and lists each problem, as for every other setting."""
    from bridge.config import ConfigError, Settings
    from bridge.server import start

    path = tmp_path / "routes.yaml"
    path.write_text(
        """
upstreams:
  a: {base_url: "ftp://a.invalid", api_key: {env: NOWHERE_SET_KEY}}
routes: [{model: "*", upstreams: [b]}]
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        await start(Settings(listen="127.0.0.1:0", routes_file=str(path)))
    problems = caught.value.problems
    assert all(problem.startswith(f"BRIDGE_ROUTES_FILE ({path}): ") for problem in problems)
    assert len(problems) == 3
    assert any("upstreams.a.base_url: not an http(s) URL" in p for p in problems)
    assert any("NOWHERE_SET_KEY is not set" in p for p in problems)
    assert any("no upstream named 'b'" in p for p in problems)


@pytest.mark.usefixtures("no_reload_delay")
async def test_a_reload_whose_upstream_cannot_be_made_keeps_the_routes_in_use(
    simulators: StartSimulator, routed: StartRouted, tmp_path: Path, log_output: io.StringIO
) -> None:
    """A new file whose upstream cannot be made (its key file is there, but empty) is
    logged and the previous routes serve on."""
    only = await simulators()
    key = tmp_path / "key"
    key.write_text("")
    bridge = await routed(
        f"""
upstreams: {{a: {{base_url: "{only.url}"}}}}
routes: [{{model: "*", upstreams: [a]}}]
"""
    )
    rotate(
        Path(bridge.settings.routes_file),
        f"""
upstreams: {{b: {{base_url: "{only.url}", api_key: {{file: {key}}}}}}}
routes: [{{model: "*", upstreams: [b]}}]
""",
    )
    outcome = await served(bridge.stub.CreateResponse(create("m")))
    assert (outcome.upstream, outcome.code) == ("a", grpc.StatusCode.OK)
    (failed,) = [line for line in _lines(log_output) if line["event"] == "routes_reload_failed"]
    assert "empty API key file" in failed["error"]
