"""Content-Encoding decoding in bounded pieces: what upstreams send, and what hostile ones do."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Iterable

import pytest

from bridge.decoding import ACCEPTED_ENCODINGS, BodyDecoder, DecodingError
from tests.conftest import FIXTURES

# A real recorded stream: what a gzip-speaking upstream would compress.
BODY = (FIXTURES / "sse" / "text_answer_gpt41.sse").read_bytes()
GZIP = gzip.compress(BODY, mtime=0)
MiB = 1 << 20
BOMB_SIZE = 100 * MiB


def decode(decoder: BodyDecoder, chunks: Iterable[bytes]) -> bytes:
    """Everything `decoder` yields for `chunks`, flush included."""
    out = [piece for chunk in chunks for piece in decoder.feed(chunk)]
    return b"".join(out + decoder.flush())


def gzip_of_zeros(size: int) -> bytes:
    """A gzip body of `size` zero bytes, compressed in pieces (a few hundred KiB at most)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(bytes(min(MiB, size - at))) for at in range(0, size, MiB)]
    return b"".join([*parts, compressor.flush()])


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """100 MiB of zeros, gzipped to about 100 KiB."""
    return gzip_of_zeros(BOMB_SIZE)


@pytest.mark.parametrize("encoding", ["", "identity", "IDENTITY", " identity "])
def test_identity_bodies_pass_through(encoding: str) -> None:
    """Without an encoding the bytes come out as they went in, chunk for chunk."""
    decoder = BodyDecoder(encoding)
    assert decoder.identity
    assert list(decoder.feed(b"abc")) == [b"abc"]
    assert list(decoder.feed(b"")) == []
    assert decoder.flush() == []


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", GZIP),
        ("x-gzip", GZIP),
        ("GZip", GZIP),
        ("deflate", zlib.compress(BODY)),
        ("deflate", GZIP),
    ],
    ids=["gzip", "x-gzip", "case-insensitive", "deflate-zlib", "deflate-gzip-framing"],
)
def test_compressed_bodies_decode(encoding: str, body: bytes) -> None:
    """gzip, x-gzip and deflate (zlib framing) bodies decode to the original bytes."""
    decoder = BodyDecoder(encoding)
    assert not decoder.identity
    assert decode(decoder, [body]) == BODY


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, br", "gzip, gzip"])
def test_encodings_not_asked_for_are_refused_by_name(encoding: str) -> None:
    """An encoding the bridge did not ask for is a DecodingError that names it and what
    the bridge asks for."""
    with pytest.raises(DecodingError) as refused:
        BodyDecoder(encoding)
    assert repr(encoding) in str(refused.value)
    assert ACCEPTED_ENCODINGS in str(refused.value)


def test_a_gzip_body_split_at_every_byte_decodes_the_same() -> None:
    """Split in two at every byte, the gzip body decodes to the same bytes."""
    for cut in range(len(GZIP) + 1):
        decoded = decode(BodyDecoder("gzip"), [GZIP[:cut], GZIP[cut:]])
        assert decoded == BODY, f"split at {cut}"


def test_a_gzip_body_fed_one_byte_at_a_time_decodes_the_same() -> None:
    """Fed byte by byte, the gzip body decodes to the same bytes."""
    assert decode(BodyDecoder("gzip"), (GZIP[i : i + 1] for i in range(len(GZIP)))) == BODY


def test_a_gzip_bomb_comes_out_in_bounded_pieces(bomb: bytes) -> None:
    """100 MiB inflated from about 100 KiB comes out whole, never more than `piece`
    bytes at a time."""
    decoder = BodyDecoder("gzip")
    sizes = [len(out) for out in decoder.feed(bomb)]
    assert sum(sizes) == BOMB_SIZE
    assert max(sizes) <= decoder.piece
    assert decoder.flush() == []


@pytest.mark.parametrize("piece", [1, 1000, 4096])
def test_the_piece_size_is_the_callers(piece: int) -> None:
    """Pieces are never larger than the size the caller chose."""
    decoder = BodyDecoder("gzip", piece=piece)
    sizes = [len(out) for out in decoder.feed(gzip_of_zeros(64 * 1024))]
    assert max(sizes) <= piece
    assert sum(sizes) == 64 * 1024


def test_a_consumer_of_a_gzip_bomb_can_stop_early_with_little_memory(bomb: bytes) -> None:
    """A consumer that stops after a few pieces has made the decoder inflate, and hold,
    only those pieces, not the 100 MiB the body expands to."""
    decoder = BodyDecoder("gzip")
    tracemalloc.start()
    try:
        pieces = decoder.feed(bomb)
        taken = sum(len(next(pieces)) for _ in range(3))
        pieces.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert taken == 3 * decoder.piece
    assert peak < 2 * MiB, f"peak {peak} bytes"


@pytest.mark.parametrize(
    "cut",
    [5, len(GZIP) // 2, len(GZIP) - 4, len(GZIP) - 1],
    ids=["in-header", "mid-stream", "no-length", "last-byte"],
)
def test_a_cut_gzip_body_fails_at_flush(cut: int) -> None:
    """A gzip body that ends early decodes what it can, then fails at flush."""
    decoder = BodyDecoder("gzip")
    partial = b"".join(decoder.feed(GZIP[:cut]))
    assert BODY.startswith(partial)
    with pytest.raises(DecodingError, match="cut short"):
        decoder.flush()


def _flipped(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0xFF
    return bytes(changed)


@pytest.mark.parametrize(
    "body",
    [
        b"plain text, not gzip at all",
        _flipped(GZIP, 10),
        _flipped(GZIP, len(GZIP) // 2),
        _flipped(GZIP, len(GZIP) - 8),
        _flipped(GZIP, len(GZIP) - 2),
    ],
    ids=["not-gzip", "first-block", "mid-stream", "checksum", "length"],
)
def test_a_corrupt_gzip_body_fails_at_feed(body: bytes) -> None:
    """A gzip body that is not valid gzip fails while it is fed, naming the encoding."""
    decoder = BodyDecoder("gzip")
    with pytest.raises(DecodingError, match="invalid gzip body"):
        b"".join(decoder.feed(body))


def test_every_member_of_a_multi_member_gzip_body_is_decoded() -> None:
    """A gzip body of two members (valid per RFC 1952) decodes to both, not just the first."""
    body = gzip.compress(BODY[:100], mtime=0) + gzip.compress(BODY[100:], mtime=0)
    assert decode(BodyDecoder("gzip"), [body]) == BODY
