"""The streaming file format (age-like), for evidence files of any size in constant memory.

Layout::

    header  = b"LENTERA" || 0x01 (version) || nonce (16 random bytes)     24 bytes
    chunk_i = AES-256-GCM(file_key, counter_i (11 bytes, big-endian) || last_flag,
                          plaintext_i (64 KiB, the last one 0..64 KiB))

``file_key = HKDF-SHA256(ikm=audience key, salt=nonce, info=label || context)``.
Only the last chunk has ``last_flag = 0x01``; it is empty only when the whole
file is empty. The header is bound through the key (its nonce is the HKDF
salt, its version is in the label), as in age, so chunks need no AAD. Because
the flag and the counter are in every nonce and every file has its own key,
cutting, reordering, repeating, appending, or swapping chunks with another
file all fail authentication.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError
from crypto.records import RecordContext

MAGIC = b"LENTERA"
VERSION = 1
NONCE_BYTES = 16
HEADER_BYTES = len(MAGIC) + 1 + NONCE_BYTES
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
STREAM_LABEL = "lentera/stream/v1"
MAX_CHUNKS = 1 << 88


def _file_key(key: bytes, nonce: bytes, context: RecordContext) -> AESGCM:
    if len(key) != 32:
        raise ValueError("stream keys are 32 bytes")
    info = encode_fields(STREAM_LABEL, context.case_id, context.kind, context.row_id)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=info)
    return AESGCM(hkdf.derive(key))


def _chunk_nonce(counter: int, last: bool) -> bytes:
    if counter >= MAX_CHUNKS:
        raise ValueError("stream too long")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypted_size(plaintext_size: int) -> int:
    chunks = max(1, -(-plaintext_size // CHUNK_BYTES))
    return HEADER_BYTES + plaintext_size + chunks * TAG_BYTES


class StreamEncryptor:
    """A write-only file object: plaintext in, the stream format out to ``sink``.

    Holds at most one chunk of plaintext. A chunk is sealed as "not last" only
    once more data has arrived, so the final chunk is known at ``close()``.
    """

    def __init__(self, key: bytes, sink: BinaryIO, context: RecordContext) -> None:
        nonce = secrets.token_bytes(NONCE_BYTES)
        self._header = MAGIC + bytes([VERSION]) + nonce
        self._aead = _file_key(key, nonce, context)
        self._sink = sink
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        sink.write(self._header)

    def _seal(self, chunk: bytes | bytearray | memoryview, last: bool) -> None:
        nonce = _chunk_nonce(self._counter, last)
        self._sink.write(self._aead.encrypt(nonce, chunk, None))
        self._counter += 1

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed stream")
        view = memoryview(data).cast("B")
        size = len(view)
        position = 0
        if self._buffer:
            take = min(CHUNK_BYTES - len(self._buffer), size)
            self._buffer += view[:take]
            position = take
            if len(self._buffer) == CHUNK_BYTES and position < size:
                self._seal(self._buffer, last=False)
                self._buffer.clear()
        while size - position > CHUNK_BYTES:
            self._seal(view[position : position + CHUNK_BYTES], last=False)
            position += CHUNK_BYTES
        if position < size:
            if len(self._buffer) == CHUNK_BYTES:
                self._seal(self._buffer, last=False)
                self._buffer.clear()
            self._buffer += view[position:]
        return size

    def close(self) -> None:
        """Seal the final chunk. Idempotent; does not close the sink."""
        if not self._closed:
            self._seal(self._buffer, last=True)
            self._buffer.clear()
            self._closed = True

    def __enter__(self) -> StreamEncryptor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.close()


class StreamDecryptor:
    """Iterate over a stream's plaintext chunks, verifying each before yielding it.

    A chunk is yielded only after it authenticated. Truncation is detected when
    the end of ``source`` is reached, so a caller must treat what it already
    received as untrusted until the iteration finishes without an error.
    """

    def __init__(self, key: bytes, source: BinaryIO, context: RecordContext) -> None:
        header = _read_exact(source, HEADER_BYTES)
        if len(header) != HEADER_BYTES or header[: len(MAGIC)] != MAGIC or header[7] != VERSION:
            raise DecryptionError()
        self._aead = _file_key(key, header[len(MAGIC) + 1 :], context)
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        counter = 0
        current = _read_exact(self._source, SEALED_CHUNK_BYTES)
        while True:
            following = _read_exact(self._source, SEALED_CHUNK_BYTES) if current else b""
            last = not following
            if len(current) < TAG_BYTES or (not last and len(current) != SEALED_CHUNK_BYTES):
                raise DecryptionError()
            try:
                plaintext = self._aead.decrypt(_chunk_nonce(counter, last), current, None)
            except InvalidTag:
                raise DecryptionError() from None
            if last and not plaintext and counter > 0:
                raise DecryptionError()  # an empty final chunk only for an empty file
            yield plaintext
            if last:
                return
            counter += 1
            current = following

    def read_all(self) -> bytes:
        return b"".join(self)


def _read_exact(source: BinaryIO, size: int) -> bytes:
    """Read up to ``size`` bytes, looping over short reads; fewer only at the end."""
    parts: list[bytes] = []
    remaining = size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
