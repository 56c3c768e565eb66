"""The upstream key of each call: fixed, from a rotating file, or the caller's own."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bridge.upstream import ApiKeySource, InvalidCallerKey
from rbridge.responses.v1 import responses_service_pb2
from tests.conftest import Script
from tests.support import break_file, log_lines, rotate

Request = responses_service_pb2.CreateResponseRequest
pytestmark = pytest.mark.usefixtures("no_reload_delay")


def test_api_key_from_file_rotates(tmp_path: Path) -> None:
    """The upstream key file is re-read after rotation."""
    key = tmp_path / "key"
    key.write_text("sk-one\n")
    source = ApiKeySource(key_file=str(key))
    assert source.key() == "sk-one"
    rotate(key, "sk-two\n")
    assert source.key() == "sk-two"


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("x-upstream-api-key", "sk-caller-0001")],
    ids=["callers-keys-off", "callers-keys-on"],
)
def test_a_callers_key_is_taken_only_where_accepted(header: str | None, expected: str) -> None:
    """A caller's key is used only when this upstream accepts callers' keys."""
    source = ApiKeySource(key="sk-fixed", caller_header=header)
    offered = source.caller_key({"x-upstream-api-key": "sk-caller-0001"})
    assert offered == expected
    assert source.key(offered) == (expected or "sk-fixed")


@pytest.mark.parametrize("value", ["short", "sk-é-0123456", "sk-a\x01bcdefgh"])
def test_a_callers_key_that_cannot_be_one_is_refused(value: str) -> None:
    """A caller's key that is too short or not printable ASCII is refused, naming the key."""
    source = ApiKeySource(caller_header="x-upstream-api-key")
    with pytest.raises(InvalidCallerKey) as refused:
        source.caller_key({"x-upstream-api-key": value})
    assert refused.value.field == "x-upstream-api-key"
    assert value not in str(refused.value)


async def test_upstream_key_file_rotation_reaches_the_upstream(
    tmp_path: Path, scripted: tuple[str, Script], bridge_for: Callable[..., Any]
) -> None:
    """After the key file is rotated, the next upstream request carries the new key."""
    url, script = scripted
    script.headers = {"content-type": "application/json"}
    script.chunks = [b'{"id": "resp_1", "object": "response", "output": []}']
    key = tmp_path / "key"
    key.write_text("sk-first\n")
    stub = await bridge_for(url, api_key=None, api_key_file=str(key))
    await stub.CreateResponse(Request(model="m", input={"text": "x"}))
    rotate(key, "sk-second\n")
    await stub.CreateResponse(Request(model="m", input={"text": "x"}))
    assert [h["authorization"] for h in script.headers_seen] == [
        "Bearer sk-first",
        "Bearer sk-second",
    ]


@pytest.mark.parametrize(
    ("enabled", "expected"), [(False, "Bearer sk-test"), (True, "Bearer sk-mine-0123")]
)
async def test_caller_key_reaches_the_upstream_only_when_enabled(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any], enabled: bool, expected: str
) -> None:
    """A caller's x-upstream-api-key is used upstream only when the bridge allows it."""
    url, script = scripted
    script.headers = {"content-type": "application/json"}
    script.chunks = [b'{"id": "resp_1", "object": "response", "output": []}']
    stub = await bridge_for(url, caller_api_key=enabled)
    await stub.CreateResponse(
        Request(model="m", input={"text": "x"}), metadata=(("x-upstream-api-key", "sk-mine-0123"),)
    )
    assert script.headers_seen[0]["authorization"] == expected


def test_an_unreadable_key_rotation_keeps_the_key_and_says_so(
    tmp_path: Path, log_output: io.StringIO
) -> None:
    """A key file rotated into something unreadable keeps the previous key, with an error
    logged; every key it loads is registered for redaction."""
    from bridge.redact import SECRETS

    key = tmp_path / "key"
    key.write_text("sk-rotation-one-0001\n")
    source = ApiKeySource(key_file=str(key))
    rotate(key, "sk-rotation-two-0002\n")
    assert source.key() == "sk-rotation-two-0002"
    break_file(key, "unreadable")
    assert source.key() == "sk-rotation-two-0002"
    assert [line["event"] for line in log_lines(log_output)] == ["reloaded", "reload_failed"]
    redactor = SECRETS.exact()
    assert redactor.text("a sk-rotation-one-0001 b sk-rotation-two-0002") == (
        "a [REDACTED] b [REDACTED]"
    )
