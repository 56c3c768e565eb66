"""The committed stubs are exactly what `make generate` produces from proto/."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _differences(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right)
    found = [
        f"{left.relative_to(ROOT) if left.is_relative_to(ROOT) else left}/{name}"
        for name in comparison.left_only + comparison.right_only + comparison.diff_files
    ]
    for name in comparison.common_dirs:
        found += _differences(left / name, right / name)
    return found


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    """Regenerating into a temporary folder gives byte-identical files; else run make generate."""
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate.py"), "--out", str(tmp_path / "out")],
        check=True,
    )
    stale = _differences(ROOT / "bridge" / "_proto", tmp_path / "out")
    stale = [name for name in stale if "__pycache__" not in name]
    assert not stale, f"stale generated code (run `make generate`): {stale}"
