"""The example routes file (examples/routes.yaml) run as written, but for its base URLs: one
simulator per provider, each behaving like its provider (modelverse's `created`,
`max_tokens` and `response.done`, dieyuyun's data-only events, ...), every provider served
unary and streamed through one bridge."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
import yaml

from bridge import codec
from bridge.simulator import answer_text
from tests.routing.conftest import StartRouted, StartSimulator
from tests.routing.helpers import create, served, stream

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "routes.yaml"

# A model whose route the example file starts with each upstream.
FIRST_FOR = {
    "openai": "gpt-4.1",
    "modelverse": "gpt-4o",
    "mandao": "gpt-5.1",
    "dongzhou": "gpt-5.5",
    "dieyuyun": "deepseek-v4-flash",
    "uniapi": "glm-4.6",
}


@pytest.fixture
async def example_bridge(
    simulators: StartSimulator, routed: StartRouted, monkeypatch: pytest.MonkeyPatch
) -> object:
    """A bridge on the example file, each base URL replaced by its provider's simulator."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for name, upstream in data["upstreams"].items():
        simulator = await simulators(name)
        upstream["base_url"] = simulator.url
        monkeypatch.setenv(upstream["api_key"]["env"], f"sk-example-{name}-key-0000")
    return await routed(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize("upstream", list(FIRST_FOR))
async def test_each_provider_of_the_example_serves_unary_and_streamed_calls(
    upstream: str, example_bridge: object
) -> None:
    """The model the example routes to a provider first is served there, whole, both ways."""
    stub = example_bridge.stub  # type: ignore[attr-defined]
    model = FIRST_FOR[upstream]
    unary = await served(stub.CreateResponse(create(model, "Count 5 words", max_output_tokens=64)))
    assert (unary.code, unary.upstream) == (grpc.StatusCode.OK, upstream)
    assert unary.response.status == "completed"
    assert unary.response.model == model
    assert unary.response.created_at > 0
    streamed = await stream(stub.StreamCreateResponse(create(model, "Count 5 words")))
    assert (streamed.code, streamed.upstream) == (grpc.StatusCode.OK, upstream)
    deltas = "".join(
        event.output_text_delta.delta
        for event in streamed.events
        if event.WhichOneof("event") == "output_text_delta"
    )
    assert deltas == answer_text("Count 5 words")
    last = codec.to_json(streamed.events[-1])
    ending = "response.done" if upstream == "modelverse" else "response.completed"
    assert last["type"] == ending


async def test_a_provider_specific_request_key_reaches_only_its_provider(
    example_bridge: object,
) -> None:
    """The output limit is `max_tokens` at modelverse (its profile) and stays
    `max_output_tokens` elsewhere: both limits take effect."""
    stub = example_bridge.stub  # type: ignore[attr-defined]
    for model in ("gpt-4o", "gpt-4.1"):
        outcome = await served(
            stub.CreateResponse(create(model, "Count 40 words please", max_output_tokens=5))
        )
        assert outcome.code == grpc.StatusCode.OK
        assert outcome.response.status == "incomplete"
