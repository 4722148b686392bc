"""The streaming file format (age-like), for evidence files of any size in constant memory.

Layout::

    header  = b"LENTERA" || version (0x01 or 0x02) || nonce (16 random bytes)     24 bytes
    chunk_i = AES-256-GCM(file_key, counter_i (11 bytes, big-endian) || last_flag,
                          plaintext_i (64 KiB, the last one 0..64 KiB))

``file_key = HKDF-SHA256(ikm=audience key, salt=nonce, info=label || context)``.
Only the last chunk has ``last_flag = 0x01``. The header is bound through the
key (its nonce is the HKDF salt, its version is in the label), as in age, so
chunks need no AAD. Because the flag and the counter are in every nonce and
every file has its own key, cutting, reordering, repeating, appending, or
swapping chunks with another file all fail authentication.

Version 2 (written since issue 18) pads the plaintext before it is chunked:
``data || 0x80 || 0x00 ...`` up to ``padded_length(len(data))`` (ISO/IEC
7816-4 padding), a whole number of chunks, so the ciphertext's length tells
only the size bucket the database already shows (``size_rounded``), never the
exact size. Version 1 files (exact length, last chunk 0..64 KiB, empty only
for an empty file) are still read.
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
VERSION = 2
VERSIONS = (1, 2)
NONCE_BYTES = 16
HEADER_BYTES = len(MAGIC) + 1 + NONCE_BYTES
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
STREAM_LABEL = "lentera/stream/v1"
STREAM_LABELS = {1: STREAM_LABEL, 2: "lentera/stream/v2"}
MAX_CHUNKS = 1 << 88
PAD_MARKER = 0x80
SMALL_LIMIT = 1024 * 1024


def padded_length(size: int) -> int:
    """The padded plaintext length of a ``size``-byte file in format v2: its size bucket.

    ``size + 1`` (the end marker) rounded up: to whole 64 KiB chunks up to
    1 MiB, above that to the Padme scale of PURBs (Nikitin et al., 2019):
    only the top ``floor(log2 e) + 1`` bits of the length ``2**e ...`` are
    kept, so a length leaks O(log log n) bits; never finer than a whole
    chunk, so every chunk is full. From 1 MiB up it costs at most 6.25% more
    bytes (just above 1 MiB, where the step is one chunk), 1.6% at 4 GiB
    (``python -m bench padding``).
    """
    if size < 0:
        raise ValueError("a size is not negative")
    length = size + 1
    if length <= SMALL_LIMIT:
        return -(-length // CHUNK_BYTES) * CHUNK_BYTES
    exponent = length.bit_length() - 1
    kept_bits = exponent.bit_length()
    step = max(CHUNK_BYTES, 1 << (exponent - kept_bits))
    return -(-length // step) * step


def _file_key(key: bytes, nonce: bytes, context: RecordContext, version: int = VERSION) -> AESGCM:
    if len(key) != 32:
        raise ValueError("stream keys are 32 bytes")
    info = encode_fields(STREAM_LABELS[version], context.case_id, context.kind, context.row_id)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=info)
    return AESGCM(hkdf.derive(key))


def _chunk_nonce(counter: int, last: bool) -> bytes:
    if counter >= MAX_CHUNKS:
        raise ValueError("stream too long")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypted_size(plaintext_size: int, version: int = VERSION) -> int:
    """The stored size of a file of ``plaintext_size`` bytes in the given format version."""
    if version == 2:
        plaintext_size = padded_length(plaintext_size)
    chunks = max(1, -(-plaintext_size // CHUNK_BYTES))
    return HEADER_BYTES + plaintext_size + chunks * TAG_BYTES


class StreamEncryptor:
    """A write-only file object: plaintext in, the stream format out to ``sink``.

    Holds at most one chunk of plaintext. A chunk is sealed as "not last" only
    once more data has arrived, so the final chunk is known at ``close()``,
    which first appends the padding (format v2) one chunk at a time.
    """

    def __init__(self, key: bytes, sink: BinaryIO, context: RecordContext) -> None:
        nonce = secrets.token_bytes(NONCE_BYTES)
        self._header = MAGIC + bytes([VERSION]) + nonce
        self._aead = _file_key(key, nonce, context)
        self._sink = sink
        self._buffer = bytearray()
        self._counter = 0
        self._size = 0
        self._closed = False
        sink.write(self._header)

    def _seal(self, chunk: bytes | bytearray | memoryview, last: bool) -> None:
        nonce = _chunk_nonce(self._counter, last)
        self._sink.write(self._aead.encrypt(nonce, chunk, None))
        self._counter += 1

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed stream")
        size = self._absorb(data)
        self._size += size
        return size

    def _absorb(self, data: bytes | bytearray | memoryview) -> int:
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
            padding = padded_length(self._size) - self._size
            self._absorb(bytes([PAD_MARKER]))
            padding -= 1
            zeros = bytes(CHUNK_BYTES)
            while padding:
                take = min(padding, CHUNK_BYTES)
                self._absorb(zeros[:take])
                padding -= take
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
        well_formed = len(header) == HEADER_BYTES and header[: len(MAGIC)] == MAGIC
        if not well_formed or header[7] not in VERSIONS:
            raise DecryptionError()
        self.version = header[7]
        self._aead = _file_key(key, header[len(MAGIC) + 1 :], context, self.version)
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        chunks = self._chunks()
        return chunks if self.version == 1 else _unpadded(chunks)

    def _chunks(self) -> Iterator[bytes]:
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
            if self.version == 1 and last and not plaintext and counter > 0:
                raise DecryptionError()  # an empty final chunk only for an empty file
            if self.version == 2 and len(plaintext) != CHUNK_BYTES:
                raise DecryptionError()  # padded to whole chunks
            yield plaintext
            if last:
                return
            counter += 1
            current = following

    def read_all(self) -> bytes:
        return b"".join(self)


def _unpadded(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The data of a v2 stream: everything before the final ``0x80 0x00*``, in constant memory.

    A chunk may end in bytes that look like the padding's start but are data
    (followed later by a non-zero byte); those are held back as a count of
    zeros, never as a buffer, and given out once a later byte proves them
    data. At the end the padding must be exactly the one the writer adds for
    this data length, so a stream has a single valid form.
    """
    held_zeros = -1  # -1: nothing held; n >= 0: a held 0x80 and n zeros after it
    size = total = 0
    for chunk in chunks:
        total += len(chunk)
        end = len(chunk.rstrip(b"\0"))
        if end == 0:
            if held_zeros >= 0:
                held_zeros += len(chunk)
                continue
            size += len(chunk)
            yield chunk
            continue
        if held_zeros >= 0:  # a non-zero byte follows: what was held is data
            size += 1 + held_zeros
            yield bytes([PAD_MARKER])
            yield from _zeros(held_zeros)
        if chunk[end - 1] == PAD_MARKER:
            held_zeros = len(chunk) - end
            data = chunk[: end - 1]
        else:
            held_zeros = -1
            data = chunk
        if data:
            size += len(data)
            yield data
    if held_zeros < 0 or padded_length(size) != total:
        raise DecryptionError()


def _zeros(count: int) -> Iterator[bytes]:
    block = bytes(CHUNK_BYTES)
    while count > 0:
        yield block[: min(count, CHUNK_BYTES)]
        count -= CHUNK_BYTES


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
