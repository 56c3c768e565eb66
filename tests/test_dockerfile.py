"""The Dockerfile and .dockerignore, checked statically: no Docker engine runs in CI."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

# Packages and commands that compile code; none may reach the final image.
BUILD_TOOLS = re.compile(
    r"\b(build-essential|gcc|g\+\+|clang|make|cmake|cargo|rustc|"
    r"[\w.+-]+-dev|python3?-dev|libc6-dev)\b"
)
PACKAGE_INSTALL = re.compile(r"\b(apt-get|apt|apk|yum|dnf|microdnf)\b.*\binstall\b")


@dataclass
class Instruction:
    """One Dockerfile instruction: its keyword and its arguments as written."""

    keyword: str
    arguments: str


@dataclass
class Stage:
    """One build stage: its base image, its name, its instructions."""

    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        """The arguments of every instruction with `keyword`, in order."""
        return [i.arguments for i in self.instructions if i.keyword == keyword]


def instructions(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions, joining continued lines and dropping comments."""
    result: list[Instruction] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return result


def stages(text: str) -> list[Stage]:
    """The build stages, with ARG defaults declared before the first FROM substituted."""
    args: dict[str, str] = {}
    result: list[Stage] = []
    for instruction in instructions(text):
        if instruction.keyword == "FROM":
            words = instruction.arguments.split()
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            result.append(Stage(image=image, name=name))
        elif not result and instruction.keyword == "ARG":
            key, _, default = instruction.arguments.partition("=")
            args[key] = default
        elif result:
            result[-1].instructions.append(instruction)
    return result


def dockerignore_patterns() -> list[str]:
    """The .dockerignore patterns, in order, without comments and blank lines."""
    lines = DOCKERIGNORE.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match plus `**`) as a regular expression."""
    pattern = pattern.strip("/")
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out += pattern[i : end + 1]
            i = end + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out)


def ignored(path: str) -> bool:
    """Whether Docker leaves `path` (relative to the context) out of the build context."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for pattern in dockerignore_patterns():
        negated = pattern.startswith("!")
        regex = _pattern_regex(pattern.removeprefix("!"))
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            verdict = not negated
    return verdict


@pytest.fixture(scope="module")
def build() -> list[Stage]:
    """The Dockerfile's stages."""
    return stages(DOCKERFILE.read_text())


def test_build_is_multi_stage(build: list[Stage]) -> None:
    """A named builder stage installs, and the final stage copies its result."""
    assert len(build) >= 2
    builder, final = build[0], build[-1]
    assert builder.name == "builder"
    assert any("--from=builder" in copy for copy in final.all("COPY"))


@pytest.mark.parametrize("position", ["builder", "final"])
def test_stages_use_python_311_slim(build: list[Stage], position: str) -> None:
    """Builder and final stage start from python:3.11-slim, so the venv's interpreter matches."""
    stage = build[0] if position == "builder" else build[-1]
    assert re.fullmatch(r"python:3\.11-slim(@sha256:[0-9a-f]{64})?", stage.image), stage.image


def test_final_stage_has_no_build_tools(build: list[Stage]) -> None:
    """The final stage installs no packages and no compilers; it only copies the venv."""
    final = build[-1]
    for command in final.all("RUN"):
        assert not PACKAGE_INSTALL.search(command), command
        assert not BUILD_TOOLS.search(command), command
        assert "pip install" not in command, command
    for source in final.all("COPY") + final.all("ADD"):
        assert "--from=builder" in source, f"final stage copies from the build context: {source}"


def test_builder_installs_wheels_only(build: list[Stage]) -> None:
    """The builder refuses source distributions, so a slim image without gcc suffices."""
    installs = [run for run in build[0].all("RUN") if "pip install" in run]
    assert installs
    assert all("--only-binary=:all:" in run for run in installs)


def test_builder_compiles_the_per_event_modules_before_installing(build: list[Stage]) -> None:
    """tools/compile.py runs (required to succeed) before the install that carries its build."""
    runs = build[0].all("RUN")
    compiles = [i for i, run in enumerate(runs) if "tools/compile.py --require" in run]
    installs = [i for i, run in enumerate(runs) if "/opt/venv/bin/pip install" in run]
    assert compiles and installs
    assert max(compiles) < min(installs)
    assert any("gcc" in run and PACKAGE_INSTALL.search(run) for run in runs[: min(compiles)])


def test_the_image_refuses_to_serve_without_its_compiled_modules(build: list[Stage]) -> None:
    """The final stage sets BRIDGE_COMPILED=on, and the builder checks the installed build."""
    env = " ".join(build[-1].all("ENV"))
    settings = dict(word.split("=", 1) for word in shlex.split(env) if "=" in word)
    assert settings.get("BRIDGE_COMPILED") == "on"
    assert any("compiled.status()" in run for run in build[0].all("RUN"))


def test_runs_as_numeric_non_root_user(build: list[Stage]) -> None:
    """The final USER is a numeric uid (and gid) other than 0, so runAsNonRoot can verify it."""
    users = build[-1].all("USER")
    assert users, "the final stage sets no USER and runs as root"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) > 0, users[-1]
    assert not gid or (gid.isdigit() and int(gid) > 0), users[-1]


def test_entrypoint_is_bridge_serve(build: list[Stage]) -> None:
    """The image runs `bridge serve` in exec form, so SIGTERM reaches the bridge itself."""
    entrypoints = build[-1].all("ENTRYPOINT")
    assert entrypoints
    assert json.loads(entrypoints[-1]) == ["bridge", "serve"]


def test_exposes_the_grpc_ports(build: list[Stage]) -> None:
    """The API port and the health-only port are both exposed."""
    exposed = {port.split("/")[0] for args in build[-1].all("EXPOSE") for port in args.split()}
    assert {"50051", "50052"} <= exposed


def test_runs_on_a_read_only_root(build: list[Stage]) -> None:
    """Python writes no bytecode at run time, and the venv is on PATH."""
    env = " ".join(build[-1].all("ENV"))
    settings = dict(word.split("=", 1) for word in shlex.split(env) if "=" in word)
    assert settings.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert settings.get("PATH", "").startswith("/opt/venv/bin:")


@pytest.mark.parametrize(
    "path",
    [
        ".venv",
        ".venv/bin/python",
        ".git",
        "node_modules",
        "tests",
        "bridge/__pycache__",
        "bridge/codec/__pycache__/x.cpython-311.pyc",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        "responses_bridge.egg-info",
        "clients/node_modules/x/index.js",
        "bridge/mypyc-build/manifest.json",
        "tools/bench/__main__.py",
        "bridge/node_modules/x/index.js",
        ".env",
    ],
)
def test_dockerignore_excludes_local_state(path: str) -> None:
    """Virtualenvs, VCS data, node modules, tests and caches stay out of the build context."""
    assert ignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "pyproject.toml",
        "README.md",
        "bridge/server.py",
        "bridge/py.typed",
        "bridge/_proto/rbridge/responses/v1/responses_service_pb2.py",
        "tools/compile.py",
    ],
)
def test_dockerignore_keeps_what_the_build_copies(path: str) -> None:
    """The files the builder stage copies are still in the build context."""
    assert not ignored(path)


def test_builder_copies_only_existing_sources(build: list[Stage]) -> None:
    """Every COPY source of the builder exists in the repository."""
    for copy in build[0].all("COPY"):
        words = [w for w in copy.split() if not w.startswith("--")]
        for source in words[:-1]:
            assert (ROOT / source).exists(), source
