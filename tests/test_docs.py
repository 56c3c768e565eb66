"""The README and every docs/*.md page do what they say.

Every ```sh and ```python block runs, as a reader would type it, against
servers this module starts, unless it is fenced ```sh no-run (or ```python
no-run) and its first line says why: `# no-run: <reason>`. A block runs in
its own scratch folder that holds a link to every top-level entry of the
repository (.venv, proto, gen, clients, ...) and a fresh copy of certs/ (the
files of a secured bridge, as docs/security.md names them). The addresses the
docs use are replaced by those of the servers started here, and BRIDGE_TARGET,
the clients' default target, names the first bridge:

    127.0.0.1:8080    the simulator
    127.0.0.1:8081    the simulator behaving like modelverse
    127.0.0.1:50051   a bridge pointed at the simulator
    localhost:50443   a bridge with TLS, mutual TLS and bearer tokens

Blocks that need the Go or Node client skip, saying so, where `make stubs`
has not built it. Pages added to docs/ later are covered without a change here.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.secured import settings_for, write_files

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = ("sh", "python")
NO_RUN = re.compile(r"^# no-run: \S")
# Fence languages that look runnable but are not run: use sh (or text for output).
FORBIDDEN = frozenset({"bash", "shell", "console", "zsh", "py"})
BLOCK_SECONDS = 120


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its fence's info string, and its text."""

    page: Path
    line: int
    info: str
    text: str

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info else ""

    @property
    def runs(self) -> bool:
        return self.language in RUNNABLE and "no-run" not in self.info.split()[1:]

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> Iterator[Block]:
    """The fenced code blocks of a Markdown page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^(\s*)(```+)(.*)$", lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence, info = opening.groups()
        start = index
        body = []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(fence):
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line)
            index += 1
        yield Block(page, start + 1, info.strip(), "\n".join(body) + "\n")
        index += 1


ALL_BLOCKS = [block for page in PAGES for block in blocks(page)]


# -- the servers the blocks talk to ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _quiet_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "OPENAI_"))}
    env["BRIDGE_LOG_LEVEL"] = "warning"
    env["BRIDGE_ACCESS_LOG_LEVEL"] = "off"
    return env


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server on port {port} exited: {process.args}"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass(frozen=True)
class Servers:
    """The addresses the docs name, mapped to those of running servers, and certs/."""

    replacements: dict[str, str]
    certs: Path


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Simulators and bridges in their own processes, for every block of every page."""
    certs = tmp_path_factory.mktemp("certs")
    write_files(certs)
    ports = {name: _free_port() for name in ("simulator", "modelverse", "bridge", "secured")}
    bridge = [sys.executable, "-m", "bridge"]
    simulator_url = f"http://127.0.0.1:{ports['simulator']}/v1"
    commands = [
        (
            ports["simulator"],
            [*bridge, "simulate", "--listen", f"127.0.0.1:{ports['simulator']}"],
            {},
        ),
        (
            ports["modelverse"],
            [
                *bridge,
                "simulate",
                "--listen",
                f"127.0.0.1:{ports['modelverse']}",
                "--behave-like",
                "modelverse",
            ],
            {},
        ),
        (
            ports["bridge"],
            [*bridge, "serve", "--listen", f"127.0.0.1:{ports['bridge']}"],
            {"BRIDGE_UPSTREAM_URL": simulator_url},
        ),
        (
            ports["secured"],
            [*bridge, "serve", "--listen", f"127.0.0.1:{ports['secured']}"],
            {"BRIDGE_UPSTREAM_URL": simulator_url, **settings_for(certs, mutual=True)},
        ),
    ]
    processes = []
    try:
        for port, command, extra in commands:
            for flag in ("--token-delay", "0") if "simulate" in command else ():
                command.append(flag)
            process = subprocess.Popen(
                command,
                env={**_quiet_environment(), **extra},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            processes.append(process)
            _wait_listening(port, process)
        yield Servers(
            replacements={
                "127.0.0.1:8080": f"127.0.0.1:{ports['simulator']}",
                "127.0.0.1:8081": f"127.0.0.1:{ports['modelverse']}",
                "127.0.0.1:50051": f"127.0.0.1:{ports['bridge']}",
                "localhost:50443": f"localhost:{ports['secured']}",
            },
            certs=certs,
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _fill(folder: Path, certs: Path) -> None:
    """A folder that looks like the repository to a block, with its own certs/."""
    for entry in ROOT.iterdir():
        if entry.name not in (".git", "certs"):
            (folder / entry.name).symlink_to(entry)
    shutil.copytree(certs, folder / "certs")


def _skip_without_clients(block: Block) -> None:
    if (
        "gen/go/bin/responses-client" in block.text
        and not (ROOT / "gen" / "go" / "bin" / "responses-client").is_file()
    ):
        pytest.skip(f"{block}: the Go client is not built (make stubs)")
    if (
        "gen/node/node_modules" in block.text
        and not (ROOT / "gen" / "node" / "node_modules" / "@grpc" / "grpc-js").is_dir()
    ):
        pytest.skip(f"{block}: the Node client's modules are not installed (make stubs)")


# -- the tests -------------------------------------------------------------------------


@pytest.fixture
def scratch() -> Iterator[Path]:
    """An empty folder outside pytest's own temporary tree, removed after the test."""
    with tempfile.TemporaryDirectory(prefix="docs-block-") as folder:
        yield Path(folder)


@pytest.mark.parametrize("block", [b for b in ALL_BLOCKS if b.runs], ids=str)
def test_block_runs(block: Block, servers: Servers, scratch: Path) -> None:
    """The block runs to success, as written, against the servers started here."""
    _skip_without_clients(block)
    text = block.text
    for address, actual in servers.replacements.items():
        text = text.replace(address, actual)
    _fill(scratch, servers.certs)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "OPENAI_"))}
    # The clients' default target, for blocks that rely on it (`bridge ask "Hello"`).
    env["BRIDGE_TARGET"] = servers.replacements["127.0.0.1:50051"]
    if block.language == "sh":
        command = ["bash", "-euo", "pipefail", "-c", text]
    else:
        script = scratch / "block.py"
        script.write_text(text, encoding="utf-8")
        command = [sys.executable, str(script)]
    result = subprocess.run(
        command,
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=BLOCK_SECONDS,
        check=False,
    )
    assert result.returncode == 0, (
        f"{block} exited {result.returncode}\n--- block\n{text}\n--- stdout\n{result.stdout}"
        f"\n--- stderr\n{result.stderr}"
    )


@pytest.mark.parametrize("block", [b for b in ALL_BLOCKS if not b.runs], ids=str)
def test_block_is_text_or_says_why_it_does_not_run(block: Block) -> None:
    """A block that does not run is output or code of another language, or says why not."""
    assert block.language not in FORBIDDEN, f"{block}: fence it as sh (run) or text (output)"
    if block.language in RUNNABLE:
        assert NO_RUN.match(block.text), f"{block}: a no-run block starts with '# no-run: why'"


def test_readme_is_short_and_shows_the_two_commands() -> None:
    """The README fits in 200 lines and tells a newcomer to run `make run` and `make test`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    assert "make run" in readme and "make test" in readme


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    """Every relative link of a page names a file or folder of the repository."""
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{page.relative_to(ROOT)}: broken link {target}"


def test_configuration_page_lists_every_setting() -> None:
    """docs/configuration.md holds exactly the table tools/config_table.py makes from the code."""
    import runpy

    render = runpy.run_path(str(ROOT / "tools" / "config_table.py"))["render"]
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert render(page) == page, "the configuration table is stale: run `make docs`"
