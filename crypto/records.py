"""Sealing one stored item (a report answer, a message, a note) under an audience key.

Format v1: ``0x01 || nonce (12) || AES-256-GCM(key, nonce, padded, aad)``.
The AAD names the format version, case, kind and row, so a ciphertext moved to
another row or case fails. The plaintext is padded to a size bucket first, so
a ciphertext's length tells only roughly how much someone wrote.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError

VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
MIN_BUCKET = 256
LINEAR_ABOVE = 1024 * 1024
RECORD_LABEL = "lentera/record/v1"
MAX_RECORD_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class RecordContext:
    case_id: str
    kind: str
    row_id: str

    def aad(self) -> bytes:
        return encode_fields(RECORD_LABEL, self.case_id, self.kind, self.row_id)


def bucket_size(length: int) -> int:
    """The padded size for ``length`` bytes (length prefix included).

    Powers of two from 256 bytes up to 1 MiB, then whole MiB: at most double
    the size for small records, at most 1 MiB more for large ones.
    """
    needed = length + 4
    if needed <= MIN_BUCKET:
        return MIN_BUCKET
    if needed <= LINEAR_ABOVE:
        return 1 << (needed - 1).bit_length()
    return -(-needed // LINEAR_ABOVE) * LINEAR_ABOVE


def pad(plaintext: bytes) -> bytes:
    size = bucket_size(len(plaintext))
    return struct.pack(">I", len(plaintext)) + plaintext + bytes(size - 4 - len(plaintext))


def unpad(padded: bytes) -> bytes:
    if len(padded) < 4:
        raise DecryptionError()
    (length,) = struct.unpack(">I", padded[:4])
    if length > len(padded) - 4 or bucket_size(length) != len(padded):
        raise DecryptionError()
    # Canonical padding only: zero bytes, so one plaintext has one padded form.
    if any(padded[4 + length :]):
        raise DecryptionError()
    return padded[4 : 4 + length]


def seal_record(key: bytes, plaintext: bytes, context: RecordContext) -> bytes:
    if len(plaintext) > MAX_RECORD_BYTES:
        raise ValueError("record too large; store it as a file")
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, pad(plaintext), context.aad())
    return bytes([VERSION]) + nonce + sealed


def open_record(key: bytes, ciphertext: bytes, context: RecordContext) -> bytes:
    if len(ciphertext) < 1 + NONCE_BYTES + TAG_BYTES + MIN_BUCKET or ciphertext[0] != VERSION:
        raise DecryptionError()
    try:
        padded = AESGCM(key).decrypt(
            ciphertext[1 : 1 + NONCE_BYTES], ciphertext[1 + NONCE_BYTES :], context.aad()
        )
    except (InvalidTag, ValueError):
        raise DecryptionError() from None
    return unpad(padded)


def seal_text(key: bytes, text: str, context: RecordContext) -> bytes:
    return seal_record(key, text.encode("utf-8"), context)


def open_text(key: bytes, ciphertext: bytes, context: RecordContext) -> str:
    try:
        return open_record(key, ciphertext, context).decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError() from None
