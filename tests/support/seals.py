"""Staff seals as older releases wrote them, for the tests of their migration.

``seal_seed_v1`` follows docs/crypto.md section 7 (blob v1, the password
alone) independently of ``crypto.passwords``, which no longer writes it: a
database from before the pepper holds such blobs until each person's next
sign-in.
"""

from __future__ import annotations

import secrets
import struct
import unicodedata

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto import Argon2Params, argon2id


def seal_seed_v1(seed: bytes, password: str, params: Argon2Params) -> bytes:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    header = struct.pack(">BIIB", 1, params.time_cost, params.memory_kib, params.parallelism)
    prefix = header + salt + nonce
    key = argon2id(unicodedata.normalize("NFC", password).encode("utf-8"), salt, params)
    return prefix + AESGCM(key).encrypt(nonce, seed, prefix)
