"""Sealing a staff member's identity seed under their password and the pepper.

Blob v2 (written by ``seal_seed``)::

    prefix = 0x02 || t (4, BE) || m KiB (4, BE) || p (1) || salt (16) || nonce (12)
    key    = HKDF-SHA256(ikm = argon2id(password, salt, t, m, p),
                         salt = pepper, info = E(LABEL) || prefix)
    blob   = prefix || AES-256-GCM(key, nonce, seed, aad = prefix)

Blob v1 (still opened, never written): the same prefix with 0x01 and
``key = argon2id(...)`` directly.

Opening the seed is also the password check: one Argon2id run, nothing else
stored that could test a guess. In v2 the pepper, 32 random bytes kept in
``instance/`` and never in the database, is the HKDF salt: someone holding a
copy of the database but not the pepper cannot tell a right password from a
wrong one, however many Argon2id runs they spend. A wrong pepper and a wrong
password fail alike, with the one ``DecryptionError``. The parameters travel
with the blob so they can be raised later; ``needs_rehash`` tells when to
re-seal at the next login (a lower cost, or a v1 blob).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError
from crypto.kdf import Argon2Params, argon2id

V1 = 1
V2 = 2
VERSION = V2
VERSIONS = (V1, V2)
SALT_BYTES = 16
NONCE_BYTES = 12
PEPPER_BYTES = 32
HEADER = struct.Struct(">BIIB")
PREFIX_BYTES = HEADER.size + SALT_BYTES + NONCE_BYTES
MAX_PASSWORD_LENGTH = 1024
SEAL_LABEL = "lentera/staff-seed-seal/v2"
PEPPER_FINGERPRINT_LABEL = b"lentera/password-pepper-fingerprint/v1"


def _password_bytes(password: str) -> bytes:
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("password too long")
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _check_pepper(pepper: bytes) -> None:
    if len(pepper) != PEPPER_BYTES:
        raise ValueError("the password pepper must be 32 bytes")


def seal_key_v2(stretched: bytes, pepper: bytes, prefix: bytes) -> bytes:
    """The AES key of a v2 blob from the Argon2id output, the pepper and the blob's prefix.

    Public for the test vectors of docs/crypto.md; callers use ``seal_seed``.
    """
    _check_pepper(pepper)
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=pepper,
        info=encode_fields(SEAL_LABEL) + prefix,
    )
    return hkdf.derive(stretched)


def seal_seed(seed: bytes, password: str, params: Argon2Params, pepper: bytes) -> bytes:
    """A v2 blob of ``seed`` under ``password`` and ``pepper``."""
    _check_pepper(pepper)
    secret = _password_bytes(password)
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    prefix = HEADER.pack(V2, params.time_cost, params.memory_kib, params.parallelism) + salt + nonce
    key = seal_key_v2(argon2id(secret, salt, params), pepper, prefix)
    return prefix + AESGCM(key).encrypt(nonce, seed, prefix)


def seal_version(blob: bytes) -> int:
    """The format of a blob (1 or 2); ``DecryptionError`` if it is none of them."""
    if len(blob) < PREFIX_BYTES + 16 or blob[0] not in VERSIONS:
        raise DecryptionError()
    return blob[0]


def stored_params(blob: bytes) -> Argon2Params:
    """The Argon2 parameters a blob was sealed with; ``DecryptionError`` if unreadable."""
    seal_version(blob)
    _, time_cost, memory_kib, parallelism = HEADER.unpack_from(blob)
    try:
        return Argon2Params(time_cost, memory_kib, parallelism)
    except ValueError:
        raise DecryptionError() from None


def open_seed(blob: bytes, password: str, pepper: bytes) -> bytes:
    """The seed, or ``DecryptionError`` for a wrong password, a wrong pepper or any tampering.

    A v1 blob does not depend on the pepper (it is checked all the same, so a
    caller that passes a malformed one learns it at once, not at the first v2).
    """
    _check_pepper(pepper)
    params = stored_params(blob)
    secret = _password_bytes(password)
    prefix = blob[:PREFIX_BYTES]
    salt = blob[HEADER.size : HEADER.size + SALT_BYTES]
    nonce = blob[HEADER.size + SALT_BYTES : PREFIX_BYTES]
    key = argon2id(secret, salt, params)
    if blob[0] == V2:
        key = seal_key_v2(key, pepper, prefix)
    try:
        return AESGCM(key).decrypt(nonce, blob[PREFIX_BYTES:], prefix)
    except InvalidTag:
        raise DecryptionError() from None


def needs_rehash(blob: bytes, params: Argon2Params) -> bool:
    """Whether to seal again at the next sign-in: an older format, or a cost below ``params``."""
    try:
        return seal_version(blob) != VERSION or not stored_params(blob).at_least(params)
    except DecryptionError:
        return True


def pepper_fingerprint(pepper: bytes) -> bytes:
    """HMAC-SHA256 of a constant under the pepper, for the database to keep.

    A database beside another ``instance/`` (another pepper) would refuse
    every staff password, silently; comparing fingerprints at start-up says
    so instead. Equal peppers give equal fingerprints; a 256-bit pepper
    cannot be guessed from it, and it tests no password.
    """
    _check_pepper(pepper)
    return hmac.new(pepper, PEPPER_FINGERPRINT_LABEL, hashlib.sha256).digest()
