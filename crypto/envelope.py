"""Wrapping audience keys to identities with HPKE (RFC 9180), hybrid post-quantum.

Suite: KEM ML-KEM-768 + X25519, KDF HKDF-SHA256, AEAD AES-256-GCM. The
``info`` string binds each wrap to its purpose, case, audience and recipient,
so a wrap copied to another row, case or person does not open.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError
from crypto.identity import Identity, PublicIdentity

KEY_BYTES = 32
WRAP_LABEL = "lentera/wrap/v1"
SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
# 1,088 bytes of ML-KEM-768 ciphertext + 32 of X25519, then 32 key bytes + 16 tag.
WRAPPED_BYTES = 1_168


@dataclass(frozen=True)
class WrapContext:
    purpose: str
    case_id: str
    audience: str
    recipient: str

    def info(self) -> bytes:
        return encode_fields(WRAP_LABEL, self.purpose, self.case_id, self.audience, self.recipient)


def new_key() -> bytes:
    """A fresh random 256-bit symmetric key from the OS CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def wrap_key(key: bytes, recipient: PublicIdentity, context: WrapContext) -> bytes:
    if len(key) != KEY_BYTES:
        raise ValueError("only 32-byte keys are wrapped")
    return SUITE.encrypt(key, recipient.hpke_key, info=context.info())


def unwrap_key(wrapped: bytes, identity: Identity, context: WrapContext) -> bytes:
    if len(wrapped) != WRAPPED_BYTES:
        raise DecryptionError()
    try:
        key = SUITE.decrypt(wrapped, identity.hpke_key, info=context.info())
    except (InvalidTag, ValueError):
        raise DecryptionError() from None
    if len(key) != KEY_BYTES:
        raise DecryptionError()
    return key
