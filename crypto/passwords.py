"""Sealing a staff member's identity seed under their password.

Blob v1::

    0x01 || t (4, BE) || m KiB (4, BE) || p (1) || salt (16) || nonce (12)
         || AES-256-GCM(argon2id(password, salt, t, m, p), nonce, seed, aad=everything before)

Opening the seed is also the password check: one Argon2id run, nothing else
stored that could test a guess. The parameters travel with the blob so they
can be raised later; ``needs_rehash`` tells when to re-seal at the next login.
"""

from __future__ import annotations

import secrets
import struct
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto.errors import DecryptionError
from crypto.kdf import Argon2Params, argon2id

VERSION = 1
SALT_BYTES = 16
NONCE_BYTES = 12
HEADER = struct.Struct(">BIIB")
PREFIX_BYTES = HEADER.size + SALT_BYTES + NONCE_BYTES
MAX_PASSWORD_LENGTH = 1024


def _password_bytes(password: str) -> bytes:
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("password too long")
    return unicodedata.normalize("NFC", password).encode("utf-8")


def seal_seed(seed: bytes, password: str, params: Argon2Params) -> bytes:
    secret = _password_bytes(password)
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    prefix = (
        HEADER.pack(VERSION, params.time_cost, params.memory_kib, params.parallelism) + salt + nonce
    )
    key = argon2id(secret, salt, params)
    return prefix + AESGCM(key).encrypt(nonce, seed, prefix)


def stored_params(blob: bytes) -> Argon2Params:
    """The Argon2 parameters a blob was sealed with; ``DecryptionError`` if unreadable."""
    if len(blob) < PREFIX_BYTES + 16 or blob[0] != VERSION:
        raise DecryptionError()
    _, time_cost, memory_kib, parallelism = HEADER.unpack_from(blob)
    try:
        return Argon2Params(time_cost, memory_kib, parallelism)
    except ValueError:
        raise DecryptionError() from None


def open_seed(blob: bytes, password: str) -> bytes:
    """The seed, or ``DecryptionError`` for a wrong password or any tampering."""
    params = stored_params(blob)
    secret = _password_bytes(password)
    salt = blob[HEADER.size : HEADER.size + SALT_BYTES]
    nonce = blob[HEADER.size + SALT_BYTES : PREFIX_BYTES]
    key = argon2id(secret, salt, params)
    try:
        return AESGCM(key).decrypt(nonce, blob[PREFIX_BYTES:], blob[:PREFIX_BYTES])
    except InvalidTag:
        raise DecryptionError() from None


def needs_rehash(blob: bytes, params: Argon2Params) -> bool:
    """Whether the blob's cost is below ``params`` in any component."""
    try:
        return not stored_params(blob).at_least(params)
    except DecryptionError:
        return True
