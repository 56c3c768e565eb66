"""Tokens, API keys and certificates: checked in constant time, reloaded on rotation."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bridge import security
from bridge.config import ConfigError, Settings
from bridge.security import ApiKeySource, ReloadingFile, TokenAuthenticator


@pytest.fixture(autouse=True)
def _no_check_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rotation is normally seen within a second; tests need not wait for it.
    monkeypatch.setattr(security, "_CHECK_INTERVAL", 0.0)


def _rotate(path: Path, text: str) -> None:
    """Replace a file the way a Secret volume does: write aside, then rename."""
    aside = path.with_suffix(".new")
    aside.write_text(text)
    os.replace(aside, path)
    # Filesystems with coarse timestamps: make the change visible by mtime too.
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


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
    _rotate(tokens, "a:new\n")
    assert authenticator.authenticate("Bearer new") == "a"
    assert authenticator.authenticate("Bearer old") is None


def test_half_written_rotation_keeps_the_old_value(tmp_path: Path) -> None:
    """A file that fails to parse mid-rotation leaves the previous value in force."""
    key = tmp_path / "key"
    key.write_text("sk-one")
    source = ReloadingFile([str(key)], lambda files: files[0].decode().strip() or _fail())
    _rotate(key, "")
    assert source.get() == ("sk-one", False)


def _fail() -> str:
    raise ValueError("empty")


def test_api_key_from_file_rotates(tmp_path: Path) -> None:
    """The upstream key file is re-read after rotation."""
    key = tmp_path / "key"
    key.write_text("sk-one\n")
    source = ApiKeySource(Settings(api_key_file=str(key)))
    assert source.key() == "sk-one"
    _rotate(key, "sk-two\n")
    assert source.key() == "sk-two"


@pytest.mark.parametrize(
    ("enabled", "metadata", "expected"),
    [
        (False, {"x-upstream-api-key": "sk-caller"}, "sk-fixed"),
        (True, {"x-upstream-api-key": "sk-caller"}, "sk-caller"),
        (True, {}, "sk-fixed"),
    ],
)
def test_caller_key_only_when_enabled(
    enabled: bool, metadata: dict[str, str], expected: str
) -> None:
    """The caller's key is used only when explicitly enabled, else the bridge's own."""
    source = ApiKeySource(Settings(api_key="sk-fixed", caller_api_key=enabled))
    assert source.key(metadata) == expected


def test_tls_settings_are_checked_together(tmp_path: Path) -> None:
    """A certificate without its key, or a client CA without TLS, is a config error."""
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    with pytest.raises(ConfigError) as failure:
        Settings.load(env={"BRIDGE_TLS_CERT_FILE": str(cert), "BRIDGE_TLS_KEY_FILE": "/missing"})
    assert any("no such file" in p for p in failure.value.problems)
    with pytest.raises(ConfigError):
        Settings.load(env={"BRIDGE_TLS_CLIENT_CA_FILE": str(cert)})
