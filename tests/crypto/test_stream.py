"""The streaming file format: round trips at chunk edges, every attack on the layout, padding."""

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
from crypto.stream import (
    CHUNK_BYTES,
    HEADER_BYTES,
    MAGIC,
    SEALED_CHUNK_BYTES,
    _chunk_nonce,
    _file_key,
    padded_length,
)

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


def _raw_stream(key: bytes, version: int, chunks: list[bytes]) -> bytes:
    """A stream sealed chunk by chunk as given: the writer of v1 files, or a forger of v2 ones."""
    nonce = os.urandom(16)
    aead = _file_key(key, nonce, CONTEXT, version)
    sealed = [
        aead.encrypt(_chunk_nonce(counter, counter == len(chunks) - 1), chunk, None)
        for counter, chunk in enumerate(chunks)
    ]
    return MAGIC + bytes([version]) + nonce + b"".join(sealed)


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, CHUNK_BYTES - 1), (CHUNK_BYTES, 2 * CHUNK_BYTES - 1), (1024 * 1024, 1024 * 1024 + 9000)],
)
def test_every_size_of_a_bucket_gives_one_ciphertext_length(low: int, high: int) -> None:
    """A v2 file's length is its bucket's, the one the database shows: not the exact size."""
    key = new_key()
    lengths = {len(_encrypt(key, os.urandom(size))) for size in (low, (low + high) // 2, high)}
    assert lengths == {encrypted_size(low)} == {HEADER_BYTES + padded_length(low) * 65552 // 65536}
    assert padded_length(low) == padded_length(high)


def test_buckets_cost_at_most_a_sixteenth_above_a_mebibyte() -> None:
    for size in (1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 5, 10**9, 1 << 30, 1 << 32):
        assert size < padded_length(size) <= size * 1.0625 + 1
        assert padded_length(size) % CHUNK_BYTES == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([b"\x80", b"\x00" * 70_000, b"\x01", b"\x80\x00"]), max_size=6))
def test_data_that_looks_like_padding_round_trips(pieces: list[bytes]) -> None:
    """Data ending in 0x80 and zeros, across chunk edges, is data: only the writer's pad goes."""
    data = b"".join(pieces)
    key = new_key()
    assert _decrypt(key, _encrypt(key, data, piece=30_000)) == data


def test_files_of_format_v1_are_still_read() -> None:
    """Files stored before issue 18 (exact length, short last chunk) open as before."""
    key, data = new_key(), os.urandom(CHUNK_BYTES + 10)
    old = _raw_stream(key, 1, [data[:CHUNK_BYTES], data[CHUNK_BYTES:]])
    assert len(old) == HEADER_BYTES + len(data) + 2 * 16
    decryptor = StreamDecryptor(key, io.BytesIO(old), CONTEXT)
    assert decryptor.version == 1 and decryptor.read_all() == data
    assert _decrypt(key, _raw_stream(key, 1, [b""])) == b""


@pytest.mark.parametrize(
    "chunks",
    [
        [b"\x01" * CHUNK_BYTES],  # no end marker
        [b"\x00" * CHUNK_BYTES],  # zeros only
        [b"data\x80"],  # a short chunk
        [b"data\x80".ljust(CHUNK_BYTES, b"\0"), bytes(CHUNK_BYTES)],  # one chunk too many
        [b"data\x80\x01".ljust(CHUNK_BYTES, b"\0")],  # a byte after the marker
    ],
)
def test_v2_padding_has_one_valid_form(chunks: list[bytes]) -> None:
    key = new_key()
    with pytest.raises(DecryptionError):
        _decrypt(key, _raw_stream(key, 2, chunks))


def test_the_padding_bench_prints_its_worst_ratio(capsys) -> None:
    from bench import padding

    assert padding.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("padding=") and float(last.split("=")[1]) <= 1.065
