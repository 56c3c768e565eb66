"""The routes file: what a valid one becomes, every problem of an invalid one at once,
secrets from the environment and from files, and the example file shipped in examples/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bridge.redact import SECRETS
from bridge.routing.routes_file import (
    CallerLimit,
    RoutesFileError,
    parse_routes,
)
from bridge.upstream import OPENAI, UpstreamOptions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "routes.yaml"
DEFAULTS = UpstreamOptions(
    base_url="https://default.invalid/v1",
    api_key="sk-never-inherited-0000",
    connect_timeout=7.0,
    max_retries=3,
    forward_headers=("openai-project",),
)
ENV = {"OPENAI_KEY": "sk-openai-from-env-1234", "TENANT": "tenant-secret-5678"}


def parse(text: str, env: dict[str, str] | None = None) -> Any:
    return parse_routes(text, defaults=DEFAULTS, env=ENV if env is None else env)


def problems(text: str) -> list[str]:
    with pytest.raises(RoutesFileError) as caught:
        parse(text)
    return caught.value.problems


MINIMAL = """
upstreams:
  openai: {base_url: "https://api.openai.com/v1", api_key: {env: OPENAI_KEY}}
routes:
  - {model: "*", upstreams: [openai]}
"""


def test_a_minimal_file_makes_one_upstream_with_the_settings_defaults() -> None:
    """An upstream takes the settings' timeouts, retries and forwarded headers, but never
    their key, and a file of one upstream needs no default_upstream."""
    routes = parse(MINIMAL)
    openai = routes.upstreams["openai"]
    assert openai.options.base_url == "https://api.openai.com/v1"
    assert openai.options.name == "openai"
    assert openai.options.api_key == "sk-openai-from-env-1234"
    assert openai.options.connect_timeout == 7.0
    assert openai.options.max_retries == 3
    assert openai.options.forward_headers == ("openai-project",)
    assert openai.options.profile is OPENAI
    assert openai.options.caller_key_header is None
    assert openai.lookup and not openai.pickable and not openai.caller_keys
    assert routes.default_upstream == "openai"
    assert routes.attempts == 4


def test_every_key_of_an_upstream_is_read(tmp_path: Path) -> None:
    """Each documented key of an upstream lands in its options."""
    key_file = tmp_path / "key"
    key_file.write_text("sk-from-a-file-0000\n")
    ca = tmp_path / "ca.pem"
    ca.write_text("not read until the client is made")
    routes = parse(
        f"""
upstreams:
  modelverse:
    base_url: https://api.modelverse.cn/v1/
    profile: modelverse
    api_key: {{file: {key_file}}}
    caller_keys: true
    pickable: true
    lookup: false
    forward_headers: [openai-beta]
    headers: {{x-team: search, x-tenant: {{env: TENANT}}, x-rotated: {{file: {key_file}}}}}
    timeouts: {{connect: 1.5, first_event: 20, read: 30}}
    retries: 0
    retry_budget_percent: 10
    max_connections: 50
    http2: true
    ca_bundle: {ca}
    proxy: http://proxy.internal:3128
    wire: httpx
    genai_provider_name: modelverse
routes:
  - {{model: "*", upstreams: [modelverse]}}
"""
    )
    spec = routes.upstreams["modelverse"]
    options = spec.options
    assert options.base_url == "https://api.modelverse.cn/v1"
    assert options.profile.name == "modelverse"
    assert (options.api_key, options.api_key_file) == (None, str(key_file))
    assert options.caller_key_header == "x-upstream-api-key-modelverse"
    assert spec.pickable and not spec.lookup and spec.caller_keys
    assert options.forward_headers == ("openai-beta",)
    assert options.headers == (("x-team", "search"), ("x-tenant", "tenant-secret-5678"))
    assert options.header_files == (("x-rotated", str(key_file)),)
    assert (options.connect_timeout, options.first_event_timeout, options.read_timeout) == (
        1.5,
        20.0,
        30.0,
    )
    assert (options.max_retries, options.retry_budget_percent, options.max_connections) == (
        0,
        10.0,
        50,
    )
    assert options.http2 and options.ca_bundle == str(ca)
    assert options.proxy == "http://proxy.internal:3128"
    assert options.wire == options.chosen_wire == "httpx"
    assert spec.provider_name == "modelverse"


def test_routes_targets_weights_and_the_rest_are_read() -> None:
    """Routes keep their order, renames and weights; ejection, affinity and limits their values."""
    routes = parse(
        """
upstreams:
  a: {base_url: "http://a.invalid/v1"}
  b: {base_url: "http://b.invalid/v1"}
routes:
  - model: gpt-4.1
    upstreams: [a, {upstream: b, model: openai/gpt-4.1}]
  - model: deepseek-*
    upstreams: [{upstream: b, weight: 3}, {upstream: a, weight: 0}]
default_upstream: b
attempts: 2
ejection: {consecutive_failures: 3, base_seconds: 1, max_seconds: 4, max_percent: 100}
affinity: {ttl_seconds: 60, max_entries: 10, lookup_timeout_seconds: 0.5,
           redis: {url: "redis://:pw-in-url-9999@127.0.0.1:6379/2", key_prefix: "t:"}}
limits:
  default: {concurrent: 8}
  callers: {batch: {per_second: 2, burst: 4}}
"""
    )
    first, second = routes.routes
    assert first.model == "gpt-4.1" and not first.pattern and not first.weighted
    assert [(t.upstream, t.model) for t in first.targets] == [
        ("a", None),
        ("b", "openai/gpt-4.1"),
    ]
    assert second.pattern and second.weighted
    assert [t.weight for t in second.targets] == [3, 0]
    assert routes.default_upstream == "b" and routes.attempts == 2
    assert (routes.ejection.consecutive_failures, routes.ejection.max_percent) == (3, 100.0)
    assert routes.affinity.redis is not None and routes.affinity.redis.key_prefix == "t:"
    assert "pw-in-url-9999" not in SECRETS.redactor().text("pw-in-url-9999")
    assert routes.limits.of("anyone") == CallerLimit(concurrent=8)
    assert routes.limits.of("batch") == CallerLimit(per_second=2.0, burst=4)


def test_secrets_from_the_environment_are_registered_for_redaction() -> None:
    """A key or header read from the environment is redacted wherever it would show."""
    parse(MINIMAL)
    assert SECRETS.exact().text("key sk-openai-from-env-1234") == "key [REDACTED]"


@pytest.mark.parametrize(
    ("routes", "expected"),
    [
        ("upstreams: {}\nroutes: []", ["upstreams: required", "routes: required"]),
        ("- a list", ["routes file: expected a mapping"]),
        ("upstreams: {a: {base_url: x}", ["not valid YAML"]),
        (
            'upstreams: {Bad.Name: {base_url: "http://a.invalid"}}\nroutes: [{model: "*", '
            "upstreams: [Bad.Name]}]",
            ["upstreams.Bad.Name: an upstream's name is lower-case"],
        ),
    ],
    ids=["empty", "not-a-mapping", "bad-yaml", "bad-name"],
)
def test_a_file_that_cannot_be_used_says_why(routes: str, expected: list[str]) -> None:
    """A file without upstreams or routes, not a mapping, not YAML, or with a bad name is
    refused, saying so."""
    found = problems(routes)
    for part in expected:
        assert any(part in problem for problem in found), found


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    """One pass over a broken file lists each problem with where it is."""
    found = problems(
        f"""
upstreams:
  a:
    base_url: "ftp://a.invalid"
    api_key: sk-literal-key-in-the-file
    timeouts: {{connect: -1, idle: 3}}
    retries: two
    wire: curl
    headers: {{authorization: "Bearer x", api-key: literal, x-ok: fine}}
    colour: blue
  b:
    api_key: {{env: NOT_SET}}
    ca_bundle: {tmp_path / "missing.pem"}
  c:
    base_url: "http://user:pw@c.invalid/v1"
    api_key: {{file: {tmp_path / "missing-key"}}}
    proxy: http://proxy.internal:3128
    wire: http1
  d:
    base_url: "http://d.invalid/v1"
    http2: true
    wire: aiohttp
routes:
  - model: "*"
    upstreams: [a]
  - model: gpt-4.1
    upstreams: [a, a, nowhere]
  - model: deepseek-*
    upstreams: [{{upstream: a, weight: 1}}, c]
  - model: gpt-4.1
    upstreams: [c]
default_upstream: nowhere
attempts: 0
ejection: {{max_percent: 101, base_seconds: 10, max_seconds: 1}}
limits: {{default: {{burst: 3}}, callers: [x]}}
"""
    )
    expected = [
        "upstreams.a.base_url: not an http(s) URL",
        "upstreams.a.api_key: a secret never sits in the routes file",
        "upstreams.a.timeouts: unknown key 'idle'",
        "upstreams.a.timeouts.connect: must be > 0",
        "upstreams.a.retries: expected a whole number",
        "upstreams.a.wire: one of auto, http1, aiohttp, httpx; got 'curl'",
        "upstreams.a.headers.authorization: cannot be set: the upstream's key is api_key",
        "upstreams.a.headers.api-key: a secret never sits in the routes file",
        "upstreams.a: unknown key 'colour'",
        "upstreams.b.base_url: required",
        "upstreams.b.api_key.env: the environment variable NOT_SET is not set",
        "upstreams.b.ca_bundle: no such file",
        "upstreams.c.base_url: credentials in the URL are not allowed",
        "upstreams.c.api_key.file: no such file",
        "upstreams.c.wire: the http1 wire sends through no proxy",
        "upstreams.d.wire: the aiohttp wire speaks HTTP/1.1 only",
        "routes[0].model: the catch-all '*' must be the last route",
        "routes[1].upstreams[2].upstream: no upstream named 'nowhere'",
        "routes[2].upstreams: give every upstream a weight, or none",
        "routes[3].model: 'gpt-4.1' has a route already",
        "default_upstream: no upstream named 'nowhere'",
        "routes file.attempts: must be >= 1",
        "ejection.max_percent: must be between 0 and 100",
        "ejection.max_seconds: must be at least base_seconds",
        "limits.default.burst: needs per_second",
        "limits.callers: expected a mapping",
    ]
    for part in expected:
        assert any(problem.startswith(part) for problem in found), (part, found)


def test_a_route_listing_an_upstream_twice_is_refused() -> None:
    """An upstream appears at most once in a route."""
    found = problems(
        """
upstreams: {a: {base_url: "http://a.invalid"}}
routes: [{model: x, upstreams: [a, a]}]
"""
    )
    assert found == ["routes[0].upstreams: 'a' is listed twice"]


def test_several_upstreams_need_a_default() -> None:
    """Where model-less calls go is never guessed among several upstreams."""
    found = problems(
        """
upstreams: {a: {base_url: "http://a.invalid"}, b: {base_url: "http://b.invalid"}}
routes: [{model: "*", upstreams: [a, b]}]
"""
    )
    assert found == [
        "default_upstream: required with several upstreams: where calls without a model go"
    ]


def test_weights_all_zero_are_refused() -> None:
    """A weighted route has at least one upstream that can come first."""
    found = problems(
        """
upstreams: {a: {base_url: "http://a.invalid"}}
routes: [{model: x, upstreams: [{upstream: a, weight: 0}]}]
"""
    )
    assert found == ["routes[0].upstreams: at least one weight must be above 0"]


def example_env() -> dict[str, str]:
    """A key variable for every upstream of the example file."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return {
        spec["api_key"]["env"]: f"sk-example-{name}-0000"
        for name, spec in data["upstreams"].items()
    }


def test_the_example_file_is_valid_and_covers_openai_and_the_five_providers() -> None:
    """examples/routes.yaml parses, names OpenAI and the five seed providers at their
    documented base URLs with the profile docs/providers.md gives each, and every one
    of them is first on some route."""
    routes = parse(EXAMPLE.read_text(encoding="utf-8"), env=example_env())
    documented = {
        "openai": ("https://api.openai.com/v1", "openai"),
        "dongzhou": ("https://portal.dongzhou.cloud/v1", "openai"),
        "modelverse": ("https://api.modelverse.cn/v1", "modelverse"),
        "uniapi": ("https://api.uniapi.io/v1", "openai"),
        "mandao": ("https://ai-api.mandao.com/v1", "openai"),
        "dieyuyun": ("https://open.dieyuyun.com/v1", "openai"),
    }
    assert {
        name: (spec.options.base_url, spec.options.profile.name)
        for name, spec in routes.upstreams.items()
    } == documented
    firsts = {route.targets[0].upstream for route in routes.routes}
    assert firsts == set(documented)
    assert routes.routes[-1].model == "*"


def test_the_several_providers_guide_shows_the_example_file_as_it_is() -> None:
    """docs/several-providers.md quotes examples/routes.yaml whole, so the two never differ."""
    guide = (ROOT / "docs" / "several-providers.md").read_text(encoding="utf-8")
    quoted = guide.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    assert quoted == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("with_keys", [True, False], ids=["valid", "missing-keys"])
def test_bridge_routes_checks_a_file_as_serve_would(
    with_keys: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`bridge routes FILE` prints what a valid file says, keys never shown, and exits 0; with
    keys missing from the environment it exits 2 listing each."""
    from bridge.cli import main

    for variable in example_env():
        monkeypatch.delenv(variable, raising=False)
    if with_keys:
        for variable, value in example_env().items():
            monkeypatch.setenv(variable, value)
    code = main(["routes", str(EXAMPLE)])
    out, err = capsys.readouterr()
    if with_keys:
        assert code == 0
        assert "gpt-4.1-mini  first by weight: openai 9, dongzhou 1" in out
        assert "sk-example" not in out
    else:
        assert code == 2
        assert err.count("is not set or empty") == 6
