"""The per-event modules, compiled with mypyc where a build of them matches their sources.

Every event of a stream passes through the same few modules: the HTTP/1.1 wire's reader,
the reply, the SSE decoder, the event translation, the codec's plans and wire encoder, the
bounds and the stream's state. Compiled to C by mypyc they cost less CPU per event (the
measurements are in docs/benchmarks.md); everything else stays interpreted, because it runs
once a call or once a process.

One more is written in C (`NATIVE`): `bridge.codec.flat_json` reads a flat event's JSON
text straight into its message's bytes, and has no Python source; without a build the
codec does without it.

`tools/compile.py` builds them into `bridge/mypyc-build/` with a manifest: the interpreter's
cache tag, the SHA-256 of each module's source, and the extension files. At import of the
`bridge` package, `install()` puts the compiled modules in front of the sources only when the
manifest's tag and every hash match, so an edited source, another interpreter or a half-built
folder means pure Python, never a stale build. BRIDGE_COMPILED chooses: `auto` (the default)
uses a matching build when there is one, `off` never does, `on` is `auto` whose `bridge serve`
refuses to start without one (for images that must not fall back silently).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.abc import MetaPathFinder
from importlib.machinery import ExtensionFileLoader, ModuleSpec
from pathlib import Path
from types import ModuleType

__all__ = [
    "BUILT",
    "ENVIRONMENT",
    "FOLDER",
    "MANIFEST",
    "MODULES",
    "NATIVE",
    "Status",
    "examine",
    "install",
    "manifest",
    "parse_mode",
    "source",
    "status",
]

# The modules every streamed event runs through, in the order an event meets them.
# Adding one: it must pass the suite compiled (`make test` runs it so); mypyc differs from
# CPython where a narrowed attribute is read again after an `await`, and an interpreted class
# cannot subclass a compiled one (why UpstreamFailure has a module of its own).
MODULES: tuple[str, ...] = (
    "bridge.upstream.http1",
    "bridge.upstream.reply",
    "bridge.sse",
    "bridge.events",
    "bridge.decoding",
    "bridge.codec._plan",
    "bridge.codec.wire",
    "bridge.limits",
    "bridge.stream_state",
)
#: The modules written in C, each from `<module path>.c` beside a `.pyi` of its interface.
NATIVE: tuple[str, ...] = ("bridge.codec.flat_json",)
#: Everything a build holds: what `examine` requires of one.
BUILT: tuple[str, ...] = MODULES + NATIVE
ENVIRONMENT = "BRIDGE_COMPILED"
PACKAGE = Path(__file__).resolve().parent
FOLDER = PACKAGE / "mypyc-build"
MANIFEST = "manifest.json"
_MODES = {
    "auto": "auto",
    "on": "on",
    "1": "on",
    "true": "on",
    "yes": "on",
    "off": "off",
    "0": "off",
    "false": "off",
    "no": "off",
}


def parse_mode(raw: str) -> str:
    """BRIDGE_COMPILED's value as `auto`, `on` or `off`.

    Raises:
        ValueError: the value is none of them (or their boolean spellings).
    """
    mode = _MODES.get(raw.strip().lower())
    if mode is None:
        raise ValueError(f"one of auto, on, off; got {raw!r}")
    return mode


def source(module: str, root: Path = PACKAGE.parent) -> Path:
    """The source file of one of `BUILT`, under the folder holding the `bridge` package."""
    return root.joinpath(*module.split(".")).with_suffix(".c" if module in NATIVE else ".py")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(extensions: Sequence[str], root: Path = PACKAGE.parent) -> dict[str, object]:
    """The manifest of a build of `BUILT` from the sources under `root` today.

    `extensions` are the build's extension files, relative to its folder.
    """
    return {
        "tag": sys.implementation.cache_tag,
        "sources": {module: _digest(source(module, root)) for module in BUILT},
        "extensions": sorted(extensions),
    }


@dataclass(frozen=True)
class Status:
    """What `examine` found: the extension file of each module to load, or why none."""

    extensions: Mapping[str, Path] = field(default_factory=dict)
    reason: str = ""

    @property
    def compiled(self) -> bool:
        """Whether the compiled modules are (or would be) used."""
        return bool(self.extensions)


def examine(
    folder: Path = FOLDER,
    environ: Mapping[str, str] = os.environ,
    root: Path = PACKAGE.parent,
) -> Status:
    """Whether the build in `folder` may stand in for the sources under `root`, and how."""
    try:
        mode = parse_mode(environ.get(ENVIRONMENT) or "auto")
    except ValueError:
        mode = "auto"  # Settings reports the bad value; an import cannot.
    if mode == "off":
        return Status(reason=f"{ENVIRONMENT}=off")
    try:
        found = json.loads((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        return Status(reason="not built (make test and make bench build it: tools/compile.py)")
    except (OSError, ValueError) as exc:
        return Status(reason=f"unreadable manifest: {exc}")
    if not isinstance(found, dict) or found.get("tag") != sys.implementation.cache_tag:
        tag = found.get("tag") if isinstance(found, dict) else None
        return Status(reason=f"built for {tag}, running {sys.implementation.cache_tag}")
    sources = found.get("sources")
    if not isinstance(sources, dict) or set(sources) != set(BUILT):
        return Status(reason="built from another list of modules")
    for module in BUILT:
        try:
            if _digest(source(module, root)) != sources[module]:
                return Status(reason=f"{module} changed since the build")
        except OSError as exc:
            return Status(reason=f"{module}: {exc.strerror or exc}")
    extensions: dict[str, Path] = {}
    for relative in found.get("extensions") or ():
        path = folder / str(relative)
        if not path.is_file():
            return Status(reason=f"missing {relative}")
        # `bridge/sse.cpython-311-x86_64-linux-gnu.so` -> `bridge.sse`; mypyc's shared
        # library sits at the top: `<hash>__mypyc.cpython-...so` -> `<hash>__mypyc`.
        extensions[str(relative).split(".", 1)[0].replace("/", ".")] = path
    if not set(BUILT) <= set(extensions):
        return Status(reason="the build lacks some modules")
    return Status(extensions=extensions)


class _Finder(MetaPathFinder):
    """Finds exactly the compiled modules, in front of every other finder."""

    def __init__(self, extensions: Mapping[str, Path]) -> None:
        self._extensions = dict(extensions)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        file = self._extensions.get(fullname)
        if file is None:
            return None
        spec = ModuleSpec(fullname, ExtensionFileLoader(fullname, str(file)), origin=str(file))
        spec.has_location = True  # sets __file__, which a C module does not set itself
        return spec


_status = Status(reason="not installed")


def install() -> Status:
    """Use the compiled modules from now on when `examine` allows it; once per process.

    Called by the package's `__init__`, before any of `BUILT` is imported.
    """
    global _status
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return _status
    _status = examine()
    if _status.compiled:
        sys.meta_path.insert(0, _Finder(_status.extensions))
    return _status


def status() -> Status:
    """What `install` decided for this process."""
    return _status
