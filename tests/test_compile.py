"""tools/compile.py: what it builds, when it skips, and which tests it names for pure Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bridge import compiled
from tools import compile as compile_tool

ROOT = Path(__file__).resolve().parents[1]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "tools/compile.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_pure_tests_name_the_tests_of_each_compiled_module() -> None:
    """Each compiled module's own test module (or its package's folder) is listed, once."""
    listed = compile_tool.pure_tests()
    assert {"tests/test_sse.py", "tests/test_codec_wire.py", "tests/upstream"} <= set(listed)
    assert all((ROOT / path).exists() for path in listed)
    assert not [path for path in listed if path.startswith("tests/upstream/")]
    assert len(listed) == len(set(listed))


@pytest.mark.parametrize("require", [False, True])
def test_check_agrees_with_what_the_bridge_would_load(require: bool) -> None:
    """`--check` says whether the loader would use the build; with `--require`, 1 if not."""
    status = compiled.examine(environ={})
    result = run_tool("--check", *(["--require"] if require else []))
    assert result.returncode == (1 if require and not status.compiled else 0)
    expected = "up to date" if status.compiled else status.reason
    assert expected in result.stdout


def test_tests_lists_nothing_to_rerun_where_the_suite_runs_pure() -> None:
    """`--tests` names the pure-Python rerun only when a build is in use."""
    result = run_tool("--tests")
    assert result.returncode == 0
    if compiled.examine(environ={}).compiled:
        assert result.stdout.split() == compile_tool.pure_tests()
    else:
        assert result.stdout.strip() == ""


def test_an_up_to_date_build_is_not_rebuilt() -> None:
    """Run again over a matching build, the tool leaves it as it is."""
    if not compiled.examine(environ={}).compiled:
        pytest.skip("no build here to keep")
    manifest = compiled.FOLDER / compiled.MANIFEST
    before = manifest.stat().st_mtime_ns
    result = run_tool()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert manifest.stat().st_mtime_ns == before


def test_ci_machines_can_build() -> None:
    """Where CI runs, mypy, a C compiler and Python's headers are all there."""
    problem = compile_tool.missing_tools()
    if problem is not None and not os.environ.get("CI"):
        pytest.skip(problem)
    assert problem is None
