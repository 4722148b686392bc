"""Handler certificates: a canonical statement that binds an identity to an account.

A handler identity may receive case keys only while a certificate says, under
the signature of the custodians' root or of an already certified handler,
whose key it is: the public identity bytes, the account, its role and units,
the identity generation, when, and who signed. The statement is encoded with
``encode_fields`` under its own label, so it cannot be confused with a journal
entry or any other signed bytes, and a change of any field (a wider role, one
more unit, a new key after a reset) breaks the signature.

The fingerprint two people compare before a certificate is signed is made for
reading aloud, in Bahasa Indonesia, across a desk or a telephone line: decimal
digits only, in six groups of four (about 80 bits of SHA-256). Digits are
spoken the same way by everyone and have no look-alike pairs such as "b"/"d"
or "e"/"3" over a bad line; the groups match how receipts are printed.
``PublicIdentity.fingerprint`` (hex) stays for the places that already show it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from crypto.encoding import encode_fields
from crypto.errors import DecryptionError
from crypto.identity import Identity, PublicIdentity

CERTIFICATE_LABEL = "lentera/certificate/v1"
FINGERPRINT_LABEL = b"lentera/certificate-fingerprint/v1"
FINGERPRINT_DIGITS = 24
_FINGERPRINT_BYTES = 10  # 80 bits; 10**24 > 2**80, so every value has 24 digits at most


@dataclass(frozen=True)
class CertificateStatement:
    """What a certificate says; ``unit_ids`` are kept sorted so equal statements encode alike."""

    subject_public: bytes
    account_id: int
    role: str
    unit_ids: tuple[int, ...]
    generation: int
    issued_at: str  # ISO 8601 UTC
    issuer: str  # "root:<generation>" or "staff:<id>:<generation>"

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_ids", tuple(sorted(set(self.unit_ids))))


def root_issuer(generation: int) -> str:
    return f"root:{generation}"


def staff_issuer(staff_id: int, generation: int) -> str:
    return f"staff:{staff_id}:{generation}"


def canonical_bytes(statement: CertificateStatement) -> bytes:
    """The signed bytes: label, every field, the unit count and then each unit id."""
    return encode_fields(
        CERTIFICATE_LABEL,
        statement.subject_public,
        statement.account_id,
        statement.role,
        len(statement.unit_ids),
        *statement.unit_ids,
        statement.generation,
        statement.issued_at,
        statement.issuer,
    )


def sign_statement(statement: CertificateStatement, issuer: Identity) -> bytes:
    return issuer.sign(canonical_bytes(statement))


def verify_statement(
    statement: CertificateStatement, signature: bytes, issuer: PublicIdentity
) -> None:
    """Raise ``DecryptionError`` unless ``issuer`` signed exactly this statement."""
    issuer.verify(signature, canonical_bytes(statement))


def certificate_fingerprint(public: PublicIdentity | bytes) -> str:
    """Twenty-four decimal digits in groups of four, to read out and type in."""
    raw = public.to_bytes() if isinstance(public, PublicIdentity) else public
    digest = hashlib.sha256(FINGERPRINT_LABEL + raw).digest()[:_FINGERPRINT_BYTES]
    digits = str(int.from_bytes(digest, "big")).zfill(FINGERPRINT_DIGITS)
    return " ".join(digits[i : i + 4] for i in range(0, FINGERPRINT_DIGITS, 4))


def fingerprint_matches(public: PublicIdentity | bytes, typed: str) -> bool:
    """Whether what a person typed is this key's fingerprint; spaces and dashes do not count."""
    wanted = certificate_fingerprint(public).replace(" ", "")
    heard = "".join(ch for ch in typed if not ch.isspace() and ch not in "-.")
    if len(heard) != FINGERPRINT_DIGITS or not heard.isascii() or not heard.isdigit():
        return False
    return hmac.compare_digest(wanted.encode(), heard.encode())


__all__ = [
    "CERTIFICATE_LABEL",
    "CertificateStatement",
    "DecryptionError",
    "canonical_bytes",
    "certificate_fingerprint",
    "fingerprint_matches",
    "root_issuer",
    "sign_statement",
    "staff_issuer",
    "verify_statement",
]
