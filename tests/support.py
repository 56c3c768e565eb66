"""Helpers the tests share: rotating files as Kubernetes does, reading captured log lines."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path
from typing import Any

__all__ = ["break_file", "log_lines", "rotate"]


def rotate(path: Path, text: str) -> None:
    """Replace a file the way a Secret volume does: write aside, then rename."""
    aside = path.with_suffix(".new")
    aside.write_text(text)
    os.replace(aside, path)
    # Filesystems with coarse timestamps: make the change visible by mtime too.
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


def break_file(path: Path, how: str) -> None:
    """Make a rotated file unusable: "emptied", "empty-secret", "deleted" or "unreadable"."""
    if how == "emptied":
        rotate(path, "")
    elif how == "empty-secret":
        rotate(path, "alpha:\n")
    elif how == "deleted":
        path.unlink()
    else:  # unreadable: a directory where the file was
        path.unlink()
        path.mkdir()


def log_lines(output: io.StringIO) -> list[dict[str, Any]]:
    """The JSON log lines captured in `output`."""
    return [json.loads(line) for line in output.getvalue().splitlines() if line.startswith("{")]
