"""The streaming file format: round trips at chunk edges, and every attack on the layout."""

from __future__ import annotations

import io
import os
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import (
    DecryptionError,
    RecordContext,
    StreamDecryptor,
    StreamEncryptor,
    encrypted_size,
    new_key,
)
from crypto.stream import CHUNK_BYTES, HEADER_BYTES, SEALED_CHUNK_BYTES

CONTEXT = RecordContext("case-1", "attachment", "file-1")


def _encrypt(
    key: bytes, data: bytes, piece: int = 10_000, context: RecordContext = CONTEXT
) -> bytes:
    sink = io.BytesIO()
    with StreamEncryptor(key, sink, context) as encryptor:
        for start in range(0, len(data), piece):
            encryptor.write(data[start : start + piece])
    return sink.getvalue()


def _decrypt(key: bytes, blob: bytes, context: RecordContext = CONTEXT) -> bytes:
    return StreamDecryptor(key, io.BytesIO(blob), context).read_all()


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES, 3 * CHUNK_BYTES + 7],
)
@pytest.mark.parametrize("piece", [1000, CHUNK_BYTES, 3 * CHUNK_BYTES])
def test_round_trip_at_chunk_edges(size: int, piece: int) -> None:
    key, data = new_key(), os.urandom(size)
    blob = _encrypt(key, data, piece)
    assert len(blob) == encrypted_size(size)
    assert _decrypt(key, blob) == data


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=40_000), max_size=8))
def test_round_trip_any_write_pattern(pieces: list[bytes]) -> None:
    key, sink = new_key(), io.BytesIO()
    with StreamEncryptor(key, sink, CONTEXT) as encryptor:
        for piece in pieces:
            encryptor.write(piece)
    assert _decrypt(key, sink.getvalue()) == b"".join(pieces)


def _three_chunk_file(key: bytes) -> bytes:
    return _encrypt(key, os.urandom(2 * CHUNK_BYTES + 100))


def _chunks(blob: bytes) -> list[bytes]:
    body = blob[HEADER_BYTES:]
    return [body[i : i + SEALED_CHUNK_BYTES] for i in range(0, len(body), SEALED_CHUNK_BYTES)]


def test_truncation_at_a_chunk_boundary_fails() -> None:
    key = new_key()
    blob = _three_chunk_file(key)
    chunks = _chunks(blob)
    for keep in (0, 1, 2):
        with pytest.raises(DecryptionError):
            _decrypt(key, blob[:HEADER_BYTES] + b"".join(chunks[:keep]))


def test_reordered_chunks_fail() -> None:
    key = new_key()
    blob = _three_chunk_file(key)
    first, second, last = _chunks(blob)
    with pytest.raises(DecryptionError):
        _decrypt(key, blob[:HEADER_BYTES] + second + first + last)


def test_chunk_swapped_from_another_file_fails() -> None:
    key = new_key()
    one, other = _three_chunk_file(key), _three_chunk_file(key)
    chunks = _chunks(one)
    chunks[1] = _chunks(other)[1]
    with pytest.raises(DecryptionError):
        _decrypt(key, one[:HEADER_BYTES] + b"".join(chunks))


def test_trailing_data_and_repeated_last_chunk_fail() -> None:
    key = new_key()
    blob = _three_chunk_file(key)
    for extended in (blob + b"\x00", blob + _chunks(blob)[-1], blob + blob[HEADER_BYTES:]):
        with pytest.raises(DecryptionError):
            _decrypt(key, extended)


def test_flipped_bits_anywhere_fail() -> None:
    key = new_key()
    blob = _encrypt(key, os.urandom(CHUNK_BYTES + 10))
    for position in (0, 6, 7, 8, 23, 24, 100, HEADER_BYTES + SEALED_CHUNK_BYTES - 1, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[position] ^= 0x04
        with pytest.raises(DecryptionError):
            _decrypt(key, bytes(tampered))


def test_wrong_key_or_context_fails() -> None:
    key = new_key()
    blob = _encrypt(key, b"evidence")
    with pytest.raises(DecryptionError):
        _decrypt(new_key(), blob)
    with pytest.raises(DecryptionError):
        _decrypt(key, blob, RecordContext("case-2", "attachment", "file-1"))


def test_memory_is_constant_in_file_size() -> None:
    """Encrypting and decrypting 32 MiB peaks at a few chunks of memory, not the file."""
    key, piece = new_key(), os.urandom(256 * 1024)

    class Discard(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:  # type: ignore[override]
            return len(data)

    tracemalloc.start()
    with StreamEncryptor(key, Discard(), CONTEXT) as encryptor:  # type: ignore[arg-type]
        for _ in range(128):
            encryptor.write(piece)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2 * 1024 * 1024
