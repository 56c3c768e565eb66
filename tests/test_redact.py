"""Credentials are removed from text, metadata and rich error details."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from bridge.errors import UpstreamError, to_rpc_status
from bridge.redact import REDACTED, Redactor, Secrets

KEY = "opaque-gateway-key-123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key {KEY} rejected", f"key {REDACTED} rejected"),
        ("Authorization: Bearer abc.def-ghi", f"Authorization: Bearer {REDACTED}"),
        ("authorization: bearer Zm9vYmFy", f"authorization: Bearer {REDACTED}"),
        (
            "Incorrect API key provided: sk-proj-AbCdEf0123456789",
            f"Incorrect API key provided: {REDACTED}",
        ),
        ('{"msg": "sk-live-0123456789abcdef"}', f'{{"msg": "{REDACTED}"}}'),
        ("nothing to hide: sk-short, bearer", "nothing to hide: sk-short, bearer"),
    ],
    ids=["configured", "bearer", "lowercase-bearer", "sk-key", "inside-json", "harmless"],
)
def test_text(text: str, expected: str) -> None:
    """Configured secrets, bearer tokens and sk- keys are replaced; other text is kept."""
    assert Redactor([KEY]).text(text) == expected


def test_status_details_stay_consistent() -> None:
    """Every string of a google.rpc.Status (message, ErrorInfo, BadRequest) is redacted."""
    error = UpstreamError(
        code=grpc.StatusCode.INVALID_ARGUMENT,
        message=f"bad: Bearer {KEY}",
        error_code="invalid_api_key",
        param=f"Bearer {KEY}",
    )
    blob = to_rpc_status(error).SerializeToString()
    cleaned = Redactor([KEY]).status_details(blob)
    assert KEY.encode() not in cleaned
    status = status_pb2.Status.FromString(cleaned)
    assert status.message == f"bad: Bearer {REDACTED}"
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert info.metadata["param"] == f"Bearer {REDACTED}"
    bad_request = error_details_pb2.BadRequest()
    assert status.details[1].Unpack(bad_request)
    assert KEY not in bad_request.field_violations[0].description


def test_status_details_without_secrets_are_untouched() -> None:
    """Details with nothing to hide are returned byte for byte."""
    blob = to_rpc_status(UpstreamError(grpc.StatusCode.INTERNAL, "boom")).SerializeToString()
    assert Redactor([KEY]).status_details(blob) is blob


def test_metadata() -> None:
    """String values and binary details in metadata are redacted; keys are kept."""
    blob = to_rpc_status(UpstreamError(grpc.StatusCode.INTERNAL, f"x {KEY}")).SerializeToString()
    cleaned = Redactor([KEY]).metadata(
        (("x-request-id", "req_1"), ("x-echo", f"Bearer {KEY}"), ("grpc-status-details-bin", blob))
    )
    assert cleaned[0] == ("x-request-id", "req_1")
    assert cleaned[1] == ("x-echo", f"Bearer {REDACTED}")
    assert KEY.encode() not in cleaned[2][1]  # type: ignore[operator]


def test_empty_or_short_secrets_are_ignored() -> None:
    """Missing, empty or tiny configured secrets do not redact ordinary text."""
    assert Redactor([None, "", "ab"]).text("abc ab") == "abc ab"


def test_overlapping_and_nested_secrets_are_replaced_whole() -> None:
    """Secrets that overlap or contain one another leave no piece of either behind."""
    redactor = Redactor(["abcd-1234", "1234-wxyz", "abcd-1234-wxyz-long"])
    assert redactor.text("x abcd-1234-wxyz y") == f"x {REDACTED} y"
    assert redactor.text("abcd-1234-wxyz-long!") == f"{REDACTED}!"
    assert redactor.text("1234-wxyz abcd-1234") == f"{REDACTED} {REDACTED}"


def test_bytes_hold_secrets_as_their_utf8() -> None:
    """A binary metadata value is searched for each secret's UTF-8 bytes, non-ASCII too."""
    secret = "clé-secrète-ü"
    redactor = Redactor([secret], patterns=False)
    data = b"\x00\xff" + secret.encode() + b"\x01"
    (cleaned,) = redactor.metadata((("x-echo-bin", data),))
    assert cleaned[1] == b"\x00\xff" + REDACTED.encode() + b"\x01"
    assert redactor.found(data) and not redactor.found(b"\x00cl\xc3\xa9")


def test_every_recent_caller_key_is_redacted_as_keys_come_and_go() -> None:
    """With more callers' keys than are kept, each of the most recent ones is replaced
    wherever it occurs, through the rebuilds a stream of new keys causes; operator
    secrets stay."""
    secrets = Secrets(caller_capacity=100)
    secrets.add("operator-key-0001")
    keys = [f"caller-{n:04d}-{n * 7919 % 10007:05d}" for n in range(250)]
    for number, key in enumerate(keys):
        secrets.add_caller(key)
        redactor = secrets.redactor()
        assert redactor.text(f"echo:{key}:end") == f"echo:{REDACTED}:end"
        assert secrets.exact().found(f"x{keys[max(0, number - 99)]}x")
    redactor = secrets.redactor()
    text = " ".join(keys[-100:]) + " operator-key-0001"
    assert redactor.text(text) == " ".join([REDACTED] * 101)
    assert not secrets.exact().found("Bearer abcdefghijk sk-abcdefghijklmnop")
