"""A bridge with TLS, optional mutual TLS and bearer tokens, for the clients' tests.

`secured_bridge` starts one on a free loopback port with certificates made by
trustme; `CASES` are the ways a client can be given its credentials, each with
the outcome it must reach, shared by the Python, Go and Node clients' tests.
Every client takes the same double-dash flags (Go's flag package and the Node
client accept one or two dashes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import trustme

from bridge.config import Settings
from bridge.server import start

TOKEN = "alice-secret"


@dataclass(frozen=True)
class SecuredBridge:
    """Where a secured bridge listens and the files a client needs to reach it."""

    target: str
    ca: Path
    client_cert: Path
    client_key: Path
    token_file: Path


@dataclass(frozen=True)
class Case:
    """One way of giving a client its credentials, and what must come of it.

    `flags` use the placeholders {ca}, {cert}, {key} and {token_file};
    `env` may set BRIDGE_TOKEN. `outcome` is "ok" or the status name the
    client prints; `warns` says whether it warns on stderr (a token on argv).
    """

    name: str
    mutual: bool
    flags: tuple[str, ...]
    outcome: str
    env: tuple[tuple[str, str], ...] = ()
    warns: bool = False

    def arguments(self, bridge: SecuredBridge) -> list[str]:
        """The flags with the bridge's files filled in."""
        files = {
            "ca": bridge.ca,
            "cert": bridge.client_cert,
            "key": bridge.client_key,
            "token_file": bridge.token_file,
        }
        return [flag.format(**files) for flag in self.flags]


CASES = [
    Case("tls-token-file", False, ("--ca", "{ca}", "--token-file", "{token_file}"), "ok"),
    Case(
        "mutual-tls-token-variable",
        True,
        ("--ca", "{ca}", "--cert", "{cert}", "--key", "{key}"),
        "ok",
        env=(("BRIDGE_TOKEN", TOKEN),),
    ),
    Case("tls-token-flag", False, ("--ca", "{ca}", "--token", TOKEN), "ok", warns=True),
    Case("tls-no-token", False, ("--ca", "{ca}"), "UNAUTHENTICATED"),
    Case(
        "tls-wrong-token",
        False,
        ("--ca", "{ca}"),
        "UNAUTHENTICATED",
        env=(("BRIDGE_TOKEN", "not-the-token"),),
    ),
    Case(
        "mutual-tls-without-certificate",
        True,
        ("--ca", "{ca}", "--token-file", "{token_file}"),
        "UNAVAILABLE",
    ),
    Case("plaintext-to-tls", False, ("--token-file", "{token_file}"), "UNAVAILABLE"),
]


def _pem_pair(cert: trustme.LeafCert, folder: Path, name: str) -> tuple[Path, Path]:
    chain, key = folder / f"{name}.pem", folder / f"{name}.key"
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    key.write_bytes(cert.private_key_pem.bytes())
    return chain, key


def write_files(folder: Path) -> None:
    """Write a secured bridge's files into `folder`, named as docs/security.md names them.

    ca.pem signs server.pem (for 127.0.0.1 and localhost, key server.key);
    client-ca.pem signs client.pem (key client.key); tokens is the bridge's
    tokens file and token the client's copy of the one token in it.
    """
    server_ca, client_ca = trustme.CA(), trustme.CA()
    _pem_pair(server_ca.issue_cert("127.0.0.1", "localhost"), folder, "server")
    _pem_pair(client_ca.issue_cert("client.example"), folder, "client")
    (folder / "ca.pem").write_bytes(server_ca.cert_pem.bytes())
    (folder / "client-ca.pem").write_bytes(client_ca.cert_pem.bytes())
    (folder / "tokens").write_text(f"alice:{TOKEN}\n")
    (folder / "token").write_text(f"{TOKEN}\n")


def settings_for(folder: Path, *, mutual: bool) -> dict[str, str]:
    """The BRIDGE_* settings of a bridge serving with the files of `write_files`."""
    settings = {
        "BRIDGE_TLS_CERT_FILE": str(folder / "server.pem"),
        "BRIDGE_TLS_KEY_FILE": str(folder / "server.key"),
        "BRIDGE_AUTH_TOKENS_FILE": str(folder / "tokens"),
    }
    if mutual:
        settings["BRIDGE_TLS_CLIENT_CA_FILE"] = str(folder / "client-ca.pem")
    return settings


@asynccontextmanager
async def secured_bridge(
    folder: Path, upstream_url: str, *, mutual: bool
) -> AsyncIterator[SecuredBridge]:
    """A bridge with TLS and bearer tokens (and mutual TLS when `mutual`), until the block ends."""
    write_files(folder)
    # No access log: clients run in the test's process print to the same stdout.
    settings = Settings.load(
        flags={"listen": "127.0.0.1:0", "upstream_url": upstream_url},
        env={**settings_for(folder, mutual=mutual), "BRIDGE_ACCESS_LOG_LEVEL": "off"},
    )
    bridge = await start(settings)
    try:
        yield SecuredBridge(
            # The name on the certificate: Node warns when TLS dials an IP address.
            target=f"localhost:{bridge.port}",
            ca=folder / "ca.pem",
            client_cert=folder / "client.pem",
            client_key=folder / "client.key",
            token_file=folder / "token",
        )
    finally:
        await bridge.stop(0)
