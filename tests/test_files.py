"""Files re-read on rotation: the last good value kept, or nothing, and the failure logged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bridge.files import ReloadingFile
from tests.support import break_file, log_lines, rotate

pytestmark = pytest.mark.usefixtures("no_reload_delay")


def test_half_written_rotation_keeps_the_old_value(tmp_path: Path) -> None:
    """A file that fails to parse mid-rotation leaves the previous value in force."""
    key = tmp_path / "key"
    key.write_text("sk-one")
    source = ReloadingFile(
        [str(key)], lambda files: files[0].decode().strip() or _fail(), what="test key"
    )
    rotate(key, "")
    assert source.get() == ("sk-one", False)


def _fail() -> str:
    raise ValueError("empty")


def test_a_rotation_is_seen(tmp_path: Path) -> None:
    """A new version of the file is parsed and reported as changed, once."""
    path = tmp_path / "value"
    path.write_text("one")
    source = ReloadingFile([str(path)], lambda files: files[0].decode(), what="test value")
    assert source.get() == ("one", False)
    rotate(path, "two")
    assert source.get() == ("two", True)
    assert source.get() == ("two", False)


@pytest.mark.parametrize("how", ["emptied", "deleted", "unreadable"])
def test_without_keeping_the_last_value_a_broken_file_holds_nothing(
    tmp_path: Path, how: str, log_output: io.StringIO
) -> None:
    """Failing closed: a broken rotation leaves no value, logged once, until a good one."""
    path = tmp_path / "value"
    path.write_text("one")
    source = ReloadingFile(
        [str(path)],
        lambda files: files[0].decode() or _fail(),
        what="test value",
        keep_last_good=False,
    )
    break_file(path, how)
    assert source.get() == (None, True)
    assert source.get() == (None, False)
    failures = [line for line in log_lines(log_output) if line["event"] == "reload_failed"]
    assert len(failures) == 1 and failures[0]["what"] == "test value"


def test_a_file_unreadable_at_start_is_an_error(tmp_path: Path) -> None:
    """A file that cannot be read when first loaded raises, naming it."""
    with pytest.raises(ValueError, match="test value: cannot read"):
        ReloadingFile([str(tmp_path / "missing")], lambda f: f, what="test value")
