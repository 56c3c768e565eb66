"""The native reader of flat stream events (flat_json.c), built by tools/compile.py."""

from bridge.codec.wire import TextTable

class Reader:
    """One flat event's JSON text as (its type, the wire bytes of its ResponseStreamEvent),
    or None where the general path must read it; `table` is `WireEvents.text_table()`."""

    def __init__(self, table: TextTable) -> None: ...
    def __call__(self, text: str, /) -> tuple[str, bytes] | None: ...
