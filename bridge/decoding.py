"""Content-Encoding decoding in bounded pieces.

The bridge asks upstreams for gzip, and a hostile one can answer with a few
kilobytes that inflate to gigabytes. `BodyDecoder` never inflates more than
`piece` bytes at a time, so memory follows what the caller keeps (the SSE
decoder's pending event, a unary body up to its limit) rather than what the
compressed bytes would expand to. Pure: no I/O.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

__all__ = ["ACCEPTED_ENCODINGS", "BodyDecoder", "DecodingError"]

# What the bridge asks for in Accept-Encoding, in that header's syntax.
ACCEPTED_ENCODINGS = "gzip, deflate"
_PIECE = 64 * 1024


class DecodingError(ValueError):
    """The body is not valid in its declared encoding, or uses one not asked for."""


class BodyDecoder:
    """Decodes one body's Content-Encoding incrementally.

    Usage::

        decoder = BodyDecoder(response.headers.get("content-encoding", ""))
        for raw in chunks:
            for piece in decoder.feed(raw):
                ...
        for piece in decoder.flush():
            ...
    """

    __slots__ = ("_zlib", "encoding", "piece")

    def __init__(self, content_encoding: str, piece: int = _PIECE) -> None:
        encoding = content_encoding.strip().lower()
        self.encoding = encoding
        self.piece = piece
        self._zlib: zlib._Decompress | None
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            # RFC 9110 deflate is a zlib stream; 32 + MAX_WBITS also takes gzip framing.
            self._zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)
        else:
            raise DecodingError(
                f"upstream used content-encoding {content_encoding!r}; "
                f"the bridge asks for {ACCEPTED_ENCODINGS} only"
            )

    @property
    def identity(self) -> bool:
        """Whether the body is sent as is."""
        return self._zlib is None

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of `data`, in pieces of at most `piece` bytes."""
        inflater = self._zlib
        if inflater is None:
            if data:
                yield data
            return
        try:
            while data:
                out = inflater.decompress(data, self.piece)
                if out:
                    yield out
                data = inflater.unconsumed_tail
                if inflater.eof:
                    # RFC 1952 allows several gzip members one after another.
                    data = inflater.unused_data
                    if not data or self.encoding == "deflate":
                        return
                    inflater = self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        except zlib.error as exc:
            raise DecodingError(f"upstream sent an invalid {self.encoding} body: {exc}") from None

    def flush(self) -> list[bytes]:
        """What remains once the body has ended (nothing: pieces are never held back).

        Raises:
            DecodingError: the compressed body was cut short.
        """
        inflater = self._zlib
        if inflater is not None and not inflater.eof:
            raise DecodingError(f"upstream's {self.encoding} body was cut short")
        return []
