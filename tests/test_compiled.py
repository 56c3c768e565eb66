"""The compiled per-event modules: used only where a build matches its sources, else pure Python."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge import compiled
from tests.commands import clean_environment

ROOT = Path(__file__).resolve().parents[1]
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")
SHARED = "0123456789abcdef__mypyc"


def extension_of(module: str) -> str:
    return module.replace(".", "/") + SUFFIX


def fake_build(tmp_path: Path) -> tuple[Path, Path]:
    """A tree of sources and a build folder whose manifest matches them (extensions empty)."""
    root = tmp_path / "src"
    for module in compiled.BUILT:
        path = compiled.source(module, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {module}\n")
    folder = tmp_path / "build"
    made = [extension_of(module) for module in compiled.BUILT] + [SHARED + SUFFIX]
    for relative in made:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(b"")
    (folder / compiled.MANIFEST).write_text(json.dumps(compiled.manifest(made, root)))
    return folder, root


@pytest.mark.parametrize(
    ("raw", "mode"),
    [
        ("auto", "auto"),
        (" AUTO ", "auto"),
        ("on", "on"),
        ("1", "on"),
        ("true", "on"),
        ("off", "off"),
        ("0", "off"),
        ("No", "off"),
    ],
)
def test_parse_mode_reads_the_three_modes_and_boolean_spellings(raw: str, mode: str) -> None:
    """BRIDGE_COMPILED accepts auto, on and off, and the booleans' usual spellings."""
    assert compiled.parse_mode(raw) == mode


def test_parse_mode_names_the_bad_value() -> None:
    """Any other value is refused, quoting it."""
    with pytest.raises(ValueError, match="'maybe'"):
        compiled.parse_mode("maybe")


def test_a_matching_build_maps_every_module_and_the_shared_library(tmp_path: Path) -> None:
    """With tag and hashes matching, each module (and mypyc's library) gets its extension file."""
    folder, root = fake_build(tmp_path)
    status = compiled.examine(folder, environ={}, root=root)
    assert status.compiled and status.reason == ""
    assert status.extensions == {
        **{module: folder / extension_of(module) for module in compiled.BUILT},
        SHARED: folder / (SHARED + SUFFIX),
    }


def edit_source(folder: Path, root: Path) -> None:
    with compiled.source("bridge.limits", root).open("a") as out:
        out.write("# edited\n")


def other_tag(folder: Path, root: Path) -> None:
    found = json.loads((folder / compiled.MANIFEST).read_text())
    (folder / compiled.MANIFEST).write_text(json.dumps({**found, "tag": "cpython-39"}))


def fewer_modules(folder: Path, root: Path) -> None:
    found = json.loads((folder / compiled.MANIFEST).read_text())
    del found["sources"]["bridge.sse"]
    (folder / compiled.MANIFEST).write_text(json.dumps(found))


def missing_extension(folder: Path, root: Path) -> None:
    (folder / extension_of("bridge.sse")).unlink()


def unlisted_extension(folder: Path, root: Path) -> None:
    found = json.loads((folder / compiled.MANIFEST).read_text())
    found["extensions"].remove(extension_of("bridge.events"))
    (folder / compiled.MANIFEST).write_text(json.dumps(found))


def garbled_manifest(folder: Path, root: Path) -> None:
    (folder / compiled.MANIFEST).write_text("{not json")


def no_manifest(folder: Path, root: Path) -> None:
    (folder / compiled.MANIFEST).unlink()


def deleted_source(folder: Path, root: Path) -> None:
    compiled.source("bridge.events", root).unlink()


def edit_native_source(folder: Path, root: Path) -> None:
    with compiled.source("bridge.codec.flat_json", root).open("a") as out:
        out.write("/* edited */\n")


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (edit_source, "bridge.limits changed since the build"),
        (other_tag, "built for cpython-39"),
        (fewer_modules, "another list of modules"),
        (missing_extension, "missing bridge/sse"),
        (unlisted_extension, "lacks some modules"),
        (garbled_manifest, "unreadable manifest"),
        (no_manifest, "not built"),
        (deleted_source, "bridge.events: No such file"),
        (edit_native_source, "bridge.codec.flat_json changed since the build"),
    ],
)
def test_a_build_that_does_not_match_leaves_pure_python_saying_why(
    tmp_path: Path, spoil: Callable[[Path, Path], None], reason: str
) -> None:
    """An edited source, another interpreter or an incomplete build is never loaded."""
    folder, root = fake_build(tmp_path)
    spoil(folder, root)
    status = compiled.examine(folder, environ={}, root=root)
    assert not status.compiled
    assert not status.extensions
    assert reason in status.reason


@pytest.mark.parametrize("value", ["off", "0", "false"])
def test_off_leaves_pure_python_even_with_a_matching_build(tmp_path: Path, value: str) -> None:
    """BRIDGE_COMPILED=off wins over a build that would match."""
    folder, root = fake_build(tmp_path)
    status = compiled.examine(folder, environ={compiled.ENVIRONMENT: value}, root=root)
    assert not status.compiled
    assert status.reason == "BRIDGE_COMPILED=off"


@pytest.mark.parametrize("value", ["", "auto", "on", "nonsense"])
def test_other_values_use_a_matching_build(tmp_path: Path, value: str) -> None:
    """auto, on, unset, and a bad value (which Settings then refuses) all use a matching build."""
    folder, root = fake_build(tmp_path)
    assert compiled.examine(folder, environ={compiled.ENVIRONMENT: value}, root=root).compiled


def run_python(code: str, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(**environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


FILES = """
import importlib, json
from bridge import compiled
modules = [*compiled.BUILT, "bridge.servicer", "bridge.upstream.failure"]
files = {}
for name in modules:
    try:
        files[name] = importlib.import_module(name).__file__
    except ImportError:
        files[name] = None
print(json.dumps(files))
"""


@pytest.fixture(scope="module")
def built() -> None:
    """The repository's own build; `make test` makes it before the suite runs."""
    status = compiled.examine(environ={})
    if not status.compiled:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the suite compiled, but: {status.reason}")
        pytest.skip(f"no compiled build here ({status.reason}); `make compile` builds it")


@pytest.mark.usefixtures("built")
def test_the_build_stands_in_for_exactly_the_listed_modules() -> None:
    """In a fresh process, the listed modules load from the build and every other from source."""
    result = run_python(FILES)
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)
    for module in compiled.BUILT:
        assert files[module].endswith(SUFFIX), (module, files[module])
    assert files["bridge.servicer"].endswith(".py")
    assert files["bridge.upstream.failure"].endswith(".py")


@pytest.mark.usefixtures("built")
def test_off_in_the_environment_loads_every_module_from_source() -> None:
    """BRIDGE_COMPILED=off: the same modules come from their .py files, and those written
    in C are not there at all."""
    result = run_python(FILES, BRIDGE_COMPILED="off")
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)
    assert {name for name, file in files.items() if file is None} == set(compiled.NATIVE)
    assert all(file.endswith(".py") for file in files.values() if file is not None)


def test_serve_with_on_refuses_to_start_without_compiled_modules() -> None:
    """BRIDGE_COMPILED=on is a promise: `bridge serve` exits 2 saying why there is no build."""
    # Imported with off (no build in use), then served with on: the refusal, whatever is built.
    code = (
        "import os, sys\n"
        "from bridge.cli import main\n"
        "os.environ['BRIDGE_COMPILED'] = 'on'\n"
        "sys.exit(main(['serve', '--listen', '127.0.0.1:0']))\n"
    )
    result = run_python(code, BRIDGE_COMPILED="off")
    assert result.returncode == 2
    assert "BRIDGE_COMPILED=on: not compiled: BRIDGE_COMPILED=off" in result.stderr
