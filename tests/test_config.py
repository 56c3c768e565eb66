"""Settings from flags and environment: precedence, defaults, all errors at once."""

from __future__ import annotations

import pytest

from bridge.config import (
    DEFAULT_UPSTREAM_URL,
    WORKERS_AUTO,
    ConfigError,
    Settings,
    parse_hostport,
)
from bridge.server import upstream_options


def test_defaults_point_at_openai() -> None:
    """With nothing set, the bridge listens on loopback and calls OpenAI."""
    settings = Settings.load(flags={}, env={})
    assert settings.upstream_url == DEFAULT_UPSTREAM_URL
    assert settings.listen == "127.0.0.1:50051"
    assert settings.api_key is None


@pytest.mark.parametrize(
    ("flags", "env", "expected"),
    [
        ({}, {"OPENAI_BASE_URL": "http://a/v1"}, "http://a/v1"),
        (
            {},
            {"OPENAI_BASE_URL": "http://a/v1", "BRIDGE_UPSTREAM_URL": "http://b/v1/"},
            "http://b/v1",
        ),
        ({"upstream_url": "http://c/v1"}, {"BRIDGE_UPSTREAM_URL": "http://b/v1"}, "http://c/v1"),
    ],
)
def test_upstream_url_precedence(flags: dict[str, str], env: dict[str, str], expected: str) -> None:
    """Flag beats BRIDGE_UPSTREAM_URL beats OPENAI_BASE_URL; a trailing slash is dropped."""
    assert Settings.load(flags=flags, env=env).upstream_url == expected


def test_api_key_falls_back_to_openai_api_key() -> None:
    """BRIDGE_UPSTREAM_API_KEY wins over OPENAI_API_KEY, and the key never shows in repr."""
    settings = Settings.load(env={"OPENAI_API_KEY": "sk-a", "BRIDGE_UPSTREAM_API_KEY": "sk-b"})
    assert settings.api_key == "sk-b"
    assert "sk-b" not in repr(settings)
    assert Settings.load(env={"OPENAI_API_KEY": "sk-a"}).api_key == "sk-a"


def test_every_error_is_reported_at_once() -> None:
    """Several bad values produce one ConfigError listing each of them."""
    with pytest.raises(ConfigError) as failure:
        Settings.load(
            env={
                "BRIDGE_LISTEN": "nowhere",
                "BRIDGE_UPSTREAM_URL": "ftp://x",
                "BRIDGE_READ_TIMEOUT": "soon",
                "BRIDGE_LOG_LEVEL": "loud",
            }
        )
    problems = failure.value.problems
    assert len(problems) == 4
    for name in ("BRIDGE_LISTEN", "BRIDGE_UPSTREAM_URL", "BRIDGE_READ_TIMEOUT", "BRIDGE_LOG_LEVEL"):
        assert any(name in problem for problem in problems)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:50051", ("127.0.0.1", 50051)),
        ("[::1]:0", ("::1", 0)),
        ("0.0.0.0:8", ("0.0.0.0", 8)),
    ],
)
def test_parse_hostport(value: str, expected: tuple[str, int]) -> None:
    """host:port splits into host and port, IPv6 brackets removed."""
    assert parse_hostport(value) == expected


@pytest.mark.parametrize("value", ["50051", ":50051", "host:port", "host:99999"])
def test_parse_hostport_rejects(value: str) -> None:
    """Malformed addresses are rejected with a message."""
    with pytest.raises(ValueError):
        parse_hostport(value)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:hunter2-secret@api.example.com/v1",
        "https://:hunter2-secret@api.example.com/v1",
        "http://user@api.example.com/v1",
    ],
)
def test_credentials_in_the_upstream_url_are_refused_without_showing_them(url: str) -> None:
    """An upstream URL with user info is a configuration error naming the variable; the
    password never appears in the message."""
    with pytest.raises(ConfigError) as failure:
        Settings.load(env={"BRIDGE_UPSTREAM_URL": url})
    (problem,) = failure.value.problems
    assert problem.startswith("BRIDGE_UPSTREAM_URL: credentials in the URL are not allowed")
    assert "hunter2" not in str(failure.value)


def test_a_proxy_password_is_a_registered_secret() -> None:
    """A proxy URL may carry credentials; its password is one of the settings' secrets and
    never shows in their repr."""
    settings = Settings.load(
        env={"BRIDGE_UPSTREAM_PROXY": "http://proxy-user:proxy-pass-1234@proxy.local:3128"}
    )
    assert "proxy-pass-1234" in settings.secrets()
    assert "proxy-pass-1234" not in repr(settings)


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("host", "configured"),
        ("authorization", "credential"),
        ("transfer-encoding", "hop-by-hop"),
        ("content-length", "framing"),
        ("connection", "hop-by-hop"),
        ("cookie", "credential"),
        ("grpc-timeout", "gRPC"),
        ("bad header", "not a valid header name"),
    ],
)
def test_forwarding_framing_host_or_credential_headers_is_refused(header: str, why: str) -> None:
    """BRIDGE_FORWARD_HEADERS refuses hop-by-hop, framing, host and credential headers,
    saying why, alongside every other problem."""
    with pytest.raises(ConfigError) as failure:
        Settings.load(env={"BRIDGE_FORWARD_HEADERS": f"openai-beta,{header}"})
    (problem,) = failure.value.problems
    assert problem.startswith("BRIDGE_FORWARD_HEADERS:") and why in problem


def test_safe_headers_can_be_forwarded() -> None:
    """Ordinary headers pass, lower-cased and sorted."""
    settings = Settings.load(env={"BRIDGE_FORWARD_HEADERS": "OpenAI-Beta, x-tenant"})
    assert settings.forward_headers == ("openai-beta", "x-tenant")


def test_elide_password_keeps_the_rest_of_the_url() -> None:
    """Only the password is elided; user, host, port and path stay readable."""
    from bridge.config import elide_password

    assert elide_password("https://u:p@h:8443/v1") == "https://u:***@h:8443/v1"
    assert elide_password("https://h/v1") == "https://h/v1"


@pytest.mark.parametrize(
    ("flags", "env", "workers"),
    [
        ({}, {}, 1),
        ({}, {"BRIDGE_WORKERS": "4"}, 4),
        ({}, {"BRIDGE_WORKERS": "Auto"}, WORKERS_AUTO),
        ({"workers": "2"}, {"BRIDGE_WORKERS": "auto"}, 2),
    ],
    ids=["default", "variable", "auto", "flag-first"],
)
def test_workers_is_a_count_or_auto(
    flags: dict[str, str], env: dict[str, str], workers: int
) -> None:
    """BRIDGE_WORKERS (or --workers) is a number of processes or `auto`; one by default."""
    assert Settings.load(flags=flags, env=env).workers == workers


@pytest.mark.parametrize("value", ["0", "-2", "many", "1.5"])
def test_workers_below_one_or_not_a_number_is_refused(value: str) -> None:
    """Zero, negative or non-numeric BRIDGE_WORKERS is a configuration error naming it."""
    with pytest.raises(ConfigError, match=f"BRIDGE_WORKERS: .*or auto; got {value!r}"):
        Settings.load(env={"BRIDGE_WORKERS": value})


@pytest.mark.parametrize(
    ("env", "chosen"),
    [
        ({}, "http1"),
        ({"BRIDGE_UPSTREAM_PROXY": "http://proxy.local:3128"}, "aiohttp"),
        ({"BRIDGE_UPSTREAM_HTTP2": "true"}, "httpx"),
        ({"BRIDGE_UPSTREAM_WIRE": "AIOHTTP"}, "aiohttp"),
        ({"BRIDGE_UPSTREAM_WIRE": "httpx", "BRIDGE_UPSTREAM_PROXY": "http://p.local:3"}, "httpx"),
        ({"BRIDGE_UPSTREAM_WIRE": "httpx"}, "httpx"),
    ],
    ids=["auto", "auto-proxy", "auto-http2", "aiohttp", "httpx-proxy", "httpx-http1"],
)
def test_the_wire_is_chosen_or_follows_http2_and_the_proxy(
    env: dict[str, str], chosen: str
) -> None:
    """BRIDGE_UPSTREAM_WIRE names the upstream's HTTP client; auto picks httpx for HTTP/2,
    aiohttp through a proxy, else the HTTP/1.1 wire."""
    settings = Settings.load(env=env)
    assert upstream_options(settings).chosen_wire == chosen


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"BRIDGE_UPSTREAM_WIRE": "curl"}, "one of auto, http1, aiohttp, httpx; got 'curl'"),
        (
            {"BRIDGE_UPSTREAM_WIRE": "http1", "BRIDGE_UPSTREAM_PROXY": "http://p.local:3"},
            "the http1 wire sends through no proxy",
        ),
        (
            {"BRIDGE_UPSTREAM_WIRE": "aiohttp", "BRIDGE_UPSTREAM_HTTP2": "1"},
            "the aiohttp wire speaks HTTP/1.1 only",
        ),
    ],
    ids=["unknown", "http1-proxy", "aiohttp-http2"],
)
def test_a_wire_that_cannot_carry_the_requests_is_refused(
    env: dict[str, str], expected: str
) -> None:
    """An unknown wire, the HTTP/1.1 wire with a proxy, or HTTP/2 off httpx is refused."""
    with pytest.raises(ConfigError) as failure:
        Settings.load(env=env)
    assert any(
        problem.startswith(f"BRIDGE_UPSTREAM_WIRE: {expected}")
        for problem in failure.value.problems
    ), failure.value.problems
