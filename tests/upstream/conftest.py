"""The event loops tests of the upstream side run on: asyncio's, and uvloop's (the bridge's
own) for a module that lists both in `LOOP_FACTORIES`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import pytest


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """A module's `LOOP_FACTORIES`, else asyncio's loop alone."""
    module = getattr(item, "module", None)
    factories: Mapping[str, Callable[[], asyncio.AbstractEventLoop]] | None = getattr(
        module, "LOOP_FACTORIES", None
    )
    return factories or {"asyncio": asyncio.new_event_loop}
