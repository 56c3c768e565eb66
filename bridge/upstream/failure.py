"""The exception of an upstream call that produced no usable reply.

A module of its own, interpreted even where the reply's module is compiled, so that
interpreted subclasses (`WebSocketRefused`) extend it.
"""

from __future__ import annotations

from bridge import errors

__all__ = ["UpstreamFailure"]


class UpstreamFailure(Exception):
    """A call that produced no usable HTTP reply (connection failure or timeout)."""

    def __init__(self, error: errors.UpstreamError) -> None:
        super().__init__(error.message)
        self.error = error
