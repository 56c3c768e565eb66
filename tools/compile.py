"""Build the per-event modules with mypyc into bridge/mypyc-build (see bridge/compiled.py).

    python tools/compile.py            # build unless the build there matches the sources
    python tools/compile.py --force    # build anyway
    python tools/compile.py --check    # say whether the bridge would load the build
    python tools/compile.py --tests    # the test modules to run in pure Python as well

`make test` and `make bench` run it; the image's builder stage runs it with `--require`.
Without a C compiler or mypy, it says so in one line and leaves the bridge in pure Python
(exit 0), unless `--require` makes that an error (and, with `--check`, no usable build).
The C sources and objects go to build/mypyc; only the extension files and the manifest go
to bridge/mypyc-build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bridge import compiled  # noqa: E402

WORK = ROOT / "build" / "mypyc"
FOLDER = ROOT / "bridge" / compiled.FOLDER.name


def missing_tools() -> str | None:
    """Why this machine cannot build, or None when it can."""
    try:
        import mypyc.build  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (the dev extra brings it)"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not include.is_file():
        return f"no Python headers ({include})"
    return None


def build(folder: Path) -> list[str]:
    """Compile `compiled.MODULES` with mypyc and `compiled.NATIVE` with the C compiler into
    `folder` (replaced); the extension files made."""
    from mypyc.build import mypycify
    from setuptools import Extension, setup

    sources = [str(compiled.source(module, ROOT).relative_to(ROOT)) for module in compiled.MODULES]
    os.chdir(ROOT)  # mypy reads pyproject.toml's [tool.mypy] from here
    extensions = mypycify(sources, opt_level="3", target_dir=str(WORK / "c"))
    extensions += [
        Extension(
            module,
            [str(compiled.source(module, ROOT).relative_to(ROOT))],
            extra_compile_args=["-Wall"],
        )
        for module in compiled.NATIVE
    ]
    # Built beside, then moved in whole: a reader never sees a half-written folder.
    staging = Path(tempfile.mkdtemp(prefix="mypyc-build.", dir=folder.parent))
    try:
        setup(
            name="bridge-compiled",
            ext_modules=extensions,
            script_args=[
                "--quiet",
                "build_ext",
                "--build-lib",
                str(staging),
                "--build-temp",
                str(WORK / "temp"),
            ],
        )
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        made = sorted(str(path.relative_to(staging)) for path in staging.rglob(f"*{suffix}"))
        (staging / compiled.MANIFEST).write_text(
            json.dumps(compiled.manifest(made, ROOT), indent=1) + "\n"
        )
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return made


def pure_tests() -> list[str]:
    """The test modules named for a compiled module or its package, which run twice.

    `tests/test_sse.py` for bridge/sse.py; for bridge/codec/wire.py `tests/test_codec*.py`;
    for bridge/upstream/http1.py the folder tests/upstream.
    """
    found: set[Path] = set()
    tests = ROOT / "tests"
    for module in compiled.BUILT:
        parts = module.split(".")[1:]
        name = parts[-1].lstrip("_")
        found.update(tests.rglob(f"test_{name}.py"))
        if len(parts) > 1:
            package = parts[0]
            if (tests / package).is_dir():
                found.add(tests / package)
            found.update(tests.glob(f"test_{package}.py"))
            found.update(tests.glob(f"test_{package}_*.py"))
    folders = {path for path in found if path.is_dir()}
    kept = {path for path in found if not any(folder in path.parents for folder in folders)}
    return sorted(str(path.relative_to(ROOT)) for path in kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--force", action="store_true", help="build even when up to date")
    action.add_argument("--check", action="store_true", help="say whether the build matches")
    action.add_argument("--tests", action="store_true", help="print the tests run pure too")
    parser.add_argument(
        "--require", action="store_true", help="exit 1 when it cannot build (or, checking, none)"
    )
    args = parser.parse_args(argv)
    current = compiled.examine(FOLDER, environ={}, root=ROOT)
    if args.tests:
        # Only where the suite runs compiled is there a pure-Python run to add.
        print(" ".join(pure_tests()) if current.compiled else "")
        return 0
    if args.check:
        print("compiled: up to date" if current.compiled else f"compiled: {current.reason}")
        return 1 if args.require and not current.compiled else 0
    if current.compiled and not args.force:
        return 0
    problem = missing_tools()
    if problem is not None:
        print(f"compile: {problem}; the bridge runs in pure Python", file=sys.stderr)
        return 1 if args.require else 0
    started = time.monotonic()
    made = build(FOLDER)
    print(
        f"compile: {len(compiled.MODULES)} modules with mypyc and {len(compiled.NATIVE)} in C in "
        f"{time.monotonic() - started:.0f} s ({len(made)} extension files)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
