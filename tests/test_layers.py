"""The code's layers: the gRPC side -> the pure core <- the upstream side, the two sides
meeting only where the server is assembled, and no private name crossing a module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The pure core: translation and bounds, no I/O of the network.
CORE = (
    "bridge.codec",
    "bridge.sse",
    "bridge.stream_state",
    "bridge.errors",
    "bridge.limits",
    "bridge.decoding",
    "bridge.redact",
    "bridge.validation",
    "bridge.routes",
    "bridge.events",
    "bridge.budget",
)
# The gRPC side: what faces the bridge's own clients.
GRPC_SIDE = ("bridge.edge", "bridge.auth", "bridge.telemetry.rpc")
# Where the two sides are assembled, and may meet.
ASSEMBLY = ("bridge.server", "bridge.servicer", "bridge.cli", "bridge.devserver", "bridge.doctor")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(*folders: str) -> list[Path]:
    return sorted(
        path
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        if "_proto" not in path.parts
    )


def imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import of a file; name is None for `import module`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str | None]] = []
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found += [(module, alias.name) for alias in node.names]
    return found


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _forbidden(path: Path, banned: tuple[str, ...]) -> list[str]:
    return sorted(
        {
            module if name is None else f"{module}.{name}"
            for module, name in imports(path)
            if within(module, banned) or (name is not None and within(f"{module}.{name}", banned))
        }
    )


@pytest.mark.parametrize("path", sources("bridge/upstream"), ids=lambda path: module_name(path))
def test_the_upstream_side_imports_nothing_of_the_grpc_side(path: Path) -> None:
    """No module of bridge.upstream imports the server's configuration, the servicer, the
    server, the edge, authentication, telemetry or grpc.aio."""
    banned = (
        "bridge.config",
        "bridge.servicer",
        "bridge.server",
        "bridge.edge",
        "bridge.auth",
        "bridge.telemetry",
        "grpc.aio",
    )
    assert _forbidden(path, banned) == []


@pytest.mark.parametrize(
    "path",
    [path for path in sources("bridge") if within(module_name(path), CORE)],
    ids=lambda path: module_name(path),
)
def test_the_core_imports_neither_side(path: Path) -> None:
    """The pure core imports no HTTP client, no grpc.aio, neither side and no configuration."""
    banned = (
        "httpx",
        "aiohttp",
        "grpc.aio",
        "bridge.upstream",
        "bridge.config",
        *GRPC_SIDE,
        *ASSEMBLY,
    )
    assert _forbidden(path, banned) == []


@pytest.mark.parametrize(
    "path",
    [path for path in sources("bridge") if within(module_name(path), GRPC_SIDE)],
    ids=lambda path: module_name(path),
)
def test_the_grpc_side_imports_nothing_of_the_upstream_side(path: Path) -> None:
    """The edge, authentication and RPC telemetry do not import the upstream side."""
    assert _forbidden(path, ("bridge.upstream", "httpx", "aiohttp")) == []


# Routing's decisions: pure, with a clock given; I/O lives in the router and the stores.
ROUTING_DECISIONS = (
    "bridge.routing.routes_file",
    "bridge.routing.table",
    "bridge.routing.outlier",
    "bridge.routing.affinity",
    "bridge.routing.callers",
)


@pytest.mark.parametrize("path", sources("bridge/routing"), ids=lambda path: module_name(path))
def test_routing_imports_nothing_of_the_grpc_side_and_decides_without_io(path: Path) -> None:
    """bridge.routing never imports grpc.aio, the servicer, the server, the edge or the RPC
    telemetry; its deciding modules import no HTTP client nor the upstream client."""
    banned: tuple[str, ...] = (
        "grpc.aio",
        "bridge.servicer",
        "bridge.server",
        "bridge.edge",
        "bridge.auth",
        "bridge.telemetry.rpc",
    )
    if module_name(path) in ROUTING_DECISIONS:
        banned += ("httpx", "aiohttp", "redis", "bridge.upstream.client", "bridge.upstream.wire")
        banned += ("bridge.routing.router", "bridge.routing.redis_affinity")
    assert _forbidden(path, banned) == []


@pytest.mark.parametrize("path", sources("bridge", "tools"), ids=lambda path: module_name(path))
def test_no_private_name_crosses_a_module(path: Path) -> None:
    """No module imports another module's private (underscored) names."""
    own = module_name(path)
    crossing = [
        f"{module}.{name}"
        for module, name in imports(path)
        if name is not None
        and name.startswith("_")
        and not name.startswith("__")
        and module.startswith(("bridge", "tools"))
        and module != own
    ]
    assert crossing == []


def test_tools_never_import_tests() -> None:
    """Tools are shipped without the tests: they import nothing from them."""
    offenders = [
        f"{module_name(path)}: {module}"
        for path in sources("tools")
        for module, _ in imports(path)
        if within(module, ("tests",))
    ]
    assert offenders == []
