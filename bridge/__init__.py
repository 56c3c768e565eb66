"""The gRPC-to-Responses bridge."""

from __future__ import annotations

from bridge.compiled import install as _install_compiled

# Before any module of the package is imported, so that a matching mypyc build of the
# per-event modules stands in for their sources (bridge/compiled.py).
_install_compiled()
