"""The simulator's conversations: metadata, items, and the checks of their bodies (no I/O).

A `Conversation` is what ``/v1/conversations`` serves: an id, when it was
created, its metadata and its items, oldest first. `ConversationStore` keeps
the conversations used most recently, up to ``max_conversations`` of them and
about ``max_bytes`` of items (counted as their JSON size); adding past either
limit evicts the conversation used least recently (never the one being added
to).

`check_metadata` and `check_items` refuse what the API refuses, with its
messages (`RequestError`, answered with HTTP 400). `stored_items` turns the
items of a request into the form the conversation keeps and lists: every item
gets an id, string contents become parts (see
`bridge.simulator.inputs.input_items`), and messages get ``status:
"completed"``, which the API's conversation items always carry.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import orjson

from bridge.simulator.inputs import IdMaker, input_items
from bridge.simulator.script import RequestError, json_type_name

__all__ = [
    "MAX_ITEMS_PER_CALL",
    "Conversation",
    "ConversationStore",
    "check_items",
    "check_metadata",
    "conversation_item",
    "stored_items",
]

MAX_ITEMS_PER_CALL: Final = 20
"""The most items one create call may carry (the conversation or its items)."""

_T = TypeVar("_T")
_MAX_METADATA_KEYS: Final = 16
_MAX_KEY_CHARS: Final = 64
_MAX_VALUE_CHARS: Final = 512


def _given(
    value: object, name: str, kind: type[_T], described: str, *, required: bool
) -> _T | None:
    """The parameter ``name``'s value, None when null; raise `RequestError` when it is
    required and null, or of another JSON type than ``kind`` (``described``)."""
    if value is None:
        if required:
            raise RequestError(f"Missing required parameter: '{name}'.", name)
        return None
    if not isinstance(value, kind):
        raise RequestError(
            f"Invalid type for '{name}': expected {described}, but got {json_type_name(value)} "
            "instead.",
            name,
        )
    return value


def check_metadata(value: object, *, required: bool = False) -> dict[str, str]:
    """Return ``metadata`` as a dict, or raise `RequestError` as the API would.

    Null (or absent, unless ``required``) is no metadata. An object holds at
    most 16 keys of at most 64 characters, each with a string of at most 512.
    """
    metadata = _given(value, "metadata", dict, "an object", required=required)
    if metadata is None:
        return {}
    if len(metadata) > _MAX_METADATA_KEYS:
        raise RequestError(
            f"Invalid 'metadata': too many properties. Expected an object with at most "
            f"{_MAX_METADATA_KEYS} properties, but got an object with {len(metadata)} properties "
            "instead.",
            "metadata",
        )
    for key, text in metadata.items():
        if len(key) > _MAX_KEY_CHARS:
            raise RequestError(
                f"Invalid 'metadata': key too long. Expected keys of at most {_MAX_KEY_CHARS} "
                f"characters, but got a key of {len(key)} characters instead.",
                "metadata",
            )
        if not isinstance(text, str):
            raise RequestError(
                f"Invalid type for 'metadata.{key}': expected a string, but got "
                f"{json_type_name(text)} instead.",
                f"metadata.{key}",
            )
        if len(text) > _MAX_VALUE_CHARS:
            raise RequestError(
                f"Invalid 'metadata.{key}': string too long. Expected a string with maximum "
                f"length {_MAX_VALUE_CHARS}, but got a string with length {len(text)} instead.",
                f"metadata.{key}",
            )
    return dict(metadata)


def check_items(value: object, *, required: bool = False) -> list[dict[str, Any]]:
    """Return ``items`` as a list of objects, or raise `RequestError` as the API would.

    Null (or absent, unless ``required``) is no items; at most 20 at a time.
    """
    items = _given(value, "items", list, "an array", required=required)
    if items is None:
        return []
    if len(items) > MAX_ITEMS_PER_CALL:
        raise RequestError(
            f"Invalid 'items': array too long. Expected an array with maximum length "
            f"{MAX_ITEMS_PER_CALL}, but got an array with length {len(items)} instead.",
            "items",
        )
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise RequestError(
                f"Invalid type for 'items[{index}]': expected an object, but got "
                f"{json_type_name(item)} instead.",
                f"items[{index}]",
            )
    return items


def conversation_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """Return a stored item as a conversation keeps it: a message has a status."""
    if item.get("type") == "message" and "status" not in item:
        return {**item, "status": "completed"}
    return dict(item)


def stored_items(items: list[dict[str, Any]], make_id: IdMaker) -> list[dict[str, Any]]:
    """Return request items in the form a conversation keeps (see the module doc)."""
    return [conversation_item(item) for item in input_items(items, make_id)]


@dataclass(eq=False)
class Conversation:
    """One conversation: its id, creation time, metadata and items, oldest first."""

    conversation_id: str
    created_at: int
    metadata: dict[str, str]
    items: list[dict[str, Any]] = field(default_factory=list)
    size: int = 0

    def resource(self) -> dict[str, Any]:
        """Return the conversation object, as create, retrieve and update answer."""
        return {
            "id": self.conversation_id,
            "object": "conversation",
            "created_at": self.created_at,
            "metadata": dict(self.metadata),
        }

    def item(self, item_id: str) -> dict[str, Any] | None:
        """Return the item with id ``item_id``, or None."""
        return next((item for item in self.items if item.get("id") == item_id), None)


class ConversationStore:
    """Conversations by id, least recently used first, bounded (see the module doc)."""

    def __init__(
        self, *, max_conversations: int = 10_000, max_bytes: int = 256 * 1024 * 1024
    ) -> None:
        """Keep at most ``max_conversations`` conversations and about ``max_bytes`` of items."""
        if max_conversations < 1 or max_bytes < 1:
            raise ValueError("max_conversations and max_bytes must be at least 1")
        self._conversations: OrderedDict[str, Conversation] = OrderedDict()
        self._max_conversations = max_conversations
        self._max_bytes = max_bytes
        self._bytes = 0

    def __len__(self) -> int:
        """The number of conversations kept."""
        return len(self._conversations)

    @property
    def size(self) -> int:
        """The bytes counted against ``max_bytes``."""
        return self._bytes

    def add(self, conversation: Conversation, items: Iterable[dict[str, Any]] = ()) -> None:
        """Keep ``conversation``, with ``items`` added, as the most recently used."""
        self._conversations[conversation.conversation_id] = conversation
        self._bytes += conversation.size
        self.extend(conversation, items)

    def get(self, conversation_id: str) -> Conversation | None:
        """Return the conversation, or None."""
        return self._conversations.get(conversation_id)

    def pop(self, conversation_id: str) -> Conversation | None:
        """Remove and return the conversation (None if unknown)."""
        conversation = self._conversations.pop(conversation_id, None)
        if conversation is not None:
            self._bytes -= conversation.size
        return conversation

    def extend(self, conversation: Conversation, items: Iterable[dict[str, Any]]) -> None:
        """Add ``items`` to a kept conversation (nothing if it is gone) and count them."""
        if self._conversations.get(conversation.conversation_id) is not conversation:
            return
        added = list(items)
        grown = sum(len(orjson.dumps(item)) for item in added)
        conversation.items.extend(added)
        conversation.size += grown
        self._bytes += grown
        self._conversations.move_to_end(conversation.conversation_id)
        self._evict(keep=conversation)

    def remove_item(self, conversation: Conversation, item_id: str) -> dict[str, Any] | None:
        """Remove and return the item ``item_id`` of a conversation (None if it has none)."""
        item = conversation.item(item_id)
        if item is None:
            return None
        conversation.items.remove(item)
        shrunk = len(orjson.dumps(item))
        conversation.size -= shrunk
        if self._conversations.get(conversation.conversation_id) is conversation:
            self._bytes -= shrunk
        return item

    def _evict(self, keep: Conversation) -> None:
        """Drop the least recently used conversations (but ``keep``) while over a limit."""
        while len(self._conversations) > 1 and (
            len(self._conversations) > self._max_conversations or self._bytes > self._max_bytes
        ):
            oldest = next(iter(self._conversations.values()))
            if oldest is keep:
                self._conversations.move_to_end(oldest.conversation_id)
                continue
            self.pop(oldest.conversation_id)
