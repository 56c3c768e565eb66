"""Who may call: bearer tokens checked in constant time and failing closed, TLS and mutual
TLS, all reloaded on rotation."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import pytest
import trustme
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bridge.auth import TokenAuthenticator
from bridge.client import AsyncBridgeClient
from bridge.config import ConfigError, Settings
from bridge.server import start
from rbridge.responses.v1 import responses_service_pb2
from tests.support import break_file, log_lines, rotate

Request = responses_service_pb2.CreateResponseRequest
pytestmark = pytest.mark.usefixtures("no_reload_delay")


@pytest.mark.parametrize(
    ("header", "client"),
    [
        ("Bearer alpha-secret", "alpha"),
        ("bearer beta-secret", "beta"),
        ("Bearer standalone", "token-3"),
        ("Bearer alpha-secreT", None),
        ("Bearer ", None),
        ("Basic alpha-secret", None),
        (None, None),
    ],
)
def test_tokens_identify_clients(tmp_path: Path, header: str | None, client: str | None) -> None:
    """A valid bearer token names its client; anything else is refused."""
    tokens = tmp_path / "tokens"
    tokens.write_text("alpha:alpha-secret\nbeta: beta-secret\nstandalone\n# comment\n")
    assert TokenAuthenticator(str(tokens)).authenticate(header) == client


def test_tokens_file_rotation_is_picked_up(tmp_path: Path) -> None:
    """A rotated tokens file replaces the old tokens without a restart."""
    tokens = tmp_path / "tokens"
    tokens.write_text("a:old\n")
    authenticator = TokenAuthenticator(str(tokens))
    assert authenticator.authenticate("Bearer old") == "a"
    rotate(tokens, "a:new\n")
    assert authenticator.authenticate("Bearer new") == "a"
    assert authenticator.authenticate("Bearer old") is None


def test_tls_settings_are_checked_together(tmp_path: Path) -> None:
    """A certificate without its key, or a client CA without TLS, is a config error."""
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    with pytest.raises(ConfigError) as failure:
        Settings.load(env={"BRIDGE_TLS_CERT_FILE": str(cert), "BRIDGE_TLS_KEY_FILE": "/missing"})
    assert any("no such file" in p for p in failure.value.problems)
    with pytest.raises(ConfigError):
        Settings.load(env={"BRIDGE_TLS_CLIENT_CA_FILE": str(cert)})


# -- end to end: a real bridge with TLS, tokens and keys --------------------------------


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_files(tmp_path: Path, ca: trustme.CA, name: str = "server") -> tuple[Path, Path]:
    cert = ca.issue_cert("127.0.0.1", "localhost")
    chain, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    key.write_bytes(cert.private_key_pem.bytes())
    return chain, key


async def _ask(target: str, credentials: grpc.ChannelCredentials, **kwargs: Any) -> str:
    async with AsyncBridgeClient(target, credentials=credentials, timeout=10, **kwargs) as client:
        return await client.ask("secure hello", model="m")


async def test_tls_serves_clients_that_trust_the_ca(
    tmp_path: Path, ca: trustme.CA, simulator: str
) -> None:
    """With a certificate configured, the port speaks TLS and plaintext clients fail."""
    chain, key = _tls_files(tmp_path, ca)
    settings = Settings(
        listen="127.0.0.1:0",
        upstream_url=simulator,
        tls_cert_file=str(chain),
        tls_key_file=str(key),
    )
    bridge = await start(settings)
    target = f"localhost:{bridge.port}"
    try:
        trusted = grpc.ssl_channel_credentials(ca.cert_pem.bytes())
        assert await _ask(target, trusted) == "You said: secure hello"
        async with grpc.aio.insecure_channel(target) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as failure:
                await health.Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await bridge.stop(0)


async def test_rotated_certificate_is_served_to_new_connections(
    tmp_path: Path, ca: trustme.CA, simulator: str
) -> None:
    """Replacing the certificate files on disk changes what new connections see."""
    chain, key = _tls_files(tmp_path, ca)
    settings = Settings(
        listen="127.0.0.1:0",
        upstream_url=simulator,
        tls_cert_file=str(chain),
        tls_key_file=str(key),
    )
    bridge = await start(settings)
    target = f"localhost:{bridge.port}"
    try:
        old_ca_trust = grpc.ssl_channel_credentials(ca.cert_pem.bytes())
        assert await _ask(target, old_ca_trust) == "You said: secure hello"
        other = trustme.CA()
        new_chain, new_key = _tls_files(tmp_path, other, name="rotated")
        rotate(key, new_key.read_text())
        rotate(chain, new_chain.read_text())
        new_ca_trust = grpc.ssl_channel_credentials(other.cert_pem.bytes())
        assert await _ask(target, new_ca_trust) == "You said: secure hello"
    finally:
        await bridge.stop(0)


async def test_mutual_tls_requires_a_client_certificate(
    tmp_path: Path, ca: trustme.CA, simulator: str
) -> None:
    """With a client CA, only clients presenting a certificate it signed get through."""
    chain, key = _tls_files(tmp_path, ca)
    client_ca = trustme.CA()
    (tmp_path / "clients.pem").write_bytes(client_ca.cert_pem.bytes())
    settings = Settings(
        listen="127.0.0.1:0",
        upstream_url=simulator,
        tls_cert_file=str(chain),
        tls_key_file=str(key),
        tls_client_ca_file=str(tmp_path / "clients.pem"),
    )
    bridge = await start(settings)
    target = f"localhost:{bridge.port}"
    try:
        client_cert = client_ca.issue_cert("client.example")
        with_cert = grpc.ssl_channel_credentials(
            ca.cert_pem.bytes(),
            private_key=client_cert.private_key_pem.bytes(),
            certificate_chain=b"".join(b.bytes() for b in client_cert.cert_chain_pems),
        )
        assert await _ask(target, with_cert) == "You said: secure hello"
        without = grpc.ssl_channel_credentials(ca.cert_pem.bytes())
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await _ask(target, without)
        assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await bridge.stop(0)


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("alpha-secret", grpc.StatusCode.OK),
        ("wrong", grpc.StatusCode.UNAUTHENTICATED),
        (None, grpc.StatusCode.UNAUTHENTICATED),
    ],
)
@pytest.mark.parametrize("streaming", [False, True], ids=["unary", "stream"])
async def test_bearer_tokens_guard_every_rpc_but_health(
    tmp_path: Path, simulator: str, token: str | None, code: grpc.StatusCode, streaming: bool
) -> None:
    """Calls need a valid bearer token; health checks do not."""
    tokens = tmp_path / "tokens"
    tokens.write_text("alpha:alpha-secret\n")
    settings = Settings(listen="127.0.0.1:0", upstream_url=simulator, auth_tokens_file=str(tokens))
    bridge = await start(settings)
    target = f"127.0.0.1:{bridge.port}"
    try:
        async with AsyncBridgeClient(target, token=token, timeout=10) as client:
            try:
                if streaming:
                    text = "".join([t async for t in client.ask_stream("hi", model="m")])
                else:
                    text = await client.ask("hi", model="m")
                outcome = grpc.StatusCode.OK
                assert text == "You said: hi"
            except grpc.aio.AioRpcError as error:
                outcome = error.code()
        assert outcome == code
        async with grpc.aio.insecure_channel(target) as channel:
            reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await bridge.stop(0)


@pytest.mark.parametrize(
    "content",
    ["ci:\n", "ci:   \n", "alpha:alpha-secret\nci:\n", "\n# only a comment\n", ""],
    ids=["empty", "whitespace", "one-of-two", "no-token", "empty-file"],
)
def test_a_tokens_file_without_valid_secrets_is_refused_at_start(
    tmp_path: Path, content: str
) -> None:
    """A line with an empty secret, or no token at all, is a configuration error at start."""
    tokens = tmp_path / "tokens"
    tokens.write_text(content)
    with pytest.raises(ConfigError) as failure:
        TokenAuthenticator(str(tokens))
    assert "BRIDGE_AUTH_TOKENS_FILE" in str(failure.value)


def test_an_empty_bearer_never_matches(tmp_path: Path) -> None:
    """`Bearer ` with nothing after it names no client, whatever the file holds."""
    tokens = tmp_path / "tokens"
    tokens.write_text("alpha:alpha-secret\n")
    authenticator = TokenAuthenticator(str(tokens))
    assert authenticator.authenticate("Bearer ") is None
    assert authenticator.authenticate("Bearer    ") is None


@pytest.mark.parametrize("how", ["emptied", "empty-secret", "deleted", "unreadable"])
def test_a_reload_without_valid_tokens_refuses_everyone_and_says_so(
    tmp_path: Path, how: str, log_output: io.StringIO
) -> None:
    """When the tokens file stops holding valid tokens, every token is refused and an error
    is logged once; a good file brings the tokens back."""
    tokens = tmp_path / "tokens"
    tokens.write_text("alpha:alpha-secret\n")
    authenticator = TokenAuthenticator(str(tokens))
    assert authenticator.authenticate("Bearer alpha-secret") == "alpha"
    break_file(tokens, how)
    assert authenticator.authenticate("Bearer alpha-secret") is None
    assert authenticator.authenticate("Bearer alpha-secret") is None
    errors = [line for line in log_lines(log_output) if line["event"] == "reload_failed"]
    assert len(errors) == 1 and errors[0]["level"] == "error"
    assert errors[0]["what"] == "BRIDGE_AUTH_TOKENS_FILE"
    if tokens.is_dir():
        tokens.rmdir()
    tokens.write_text("alpha:alpha-secret\n")
    stamp = time.time() + 10
    os.utime(tokens, (stamp, stamp))
    assert authenticator.authenticate("Bearer alpha-secret") == "alpha"


async def test_a_bridge_whose_tokens_file_was_emptied_refuses_calls(
    tmp_path: Path, simulator: str
) -> None:
    """A running bridge answers UNAUTHENTICATED once its tokens file is emptied."""
    tokens = tmp_path / "tokens"
    tokens.write_text("alpha:alpha-secret\n")
    settings = Settings(listen="127.0.0.1:0", upstream_url=simulator, auth_tokens_file=str(tokens))
    bridge = await start(settings)
    try:
        async with AsyncBridgeClient(
            f"127.0.0.1:{bridge.port}", token="alpha-secret", timeout=10
        ) as client:
            assert await client.ask("hi", model="m") == "You said: hi"
            rotate(tokens, "")
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await client.ask("hi", model="m")
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await bridge.stop(0)
