"""Receipt codes and invitation codes: 20 digits, a Damm check digit, one Argon2id run.

19 random digits (about 63 bits) and a Damm check digit, which catches every
single-digit error and every adjacent transposition before any expensive
work. ``derive_code_secrets`` runs Argon2id once over the digits with an
installation-wide salt and splits the result with HKDF into the lookup id
(stored only as ``lookup_hash``) and the holder's identity seed.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from crypto.errors import CodeFormatError
from crypto.kdf import Argon2Params, argon2id, derive_key

CODE_DIGITS = 20
MAX_INPUT_LENGTH = 64
SEPARATORS = frozenset(" -\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\t\r\n")
ASCII_DIGITS = frozenset("0123456789")

# Damm's totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


class CodeKind(enum.Enum):
    RECEIPT = "receipt"
    INVITATION = "invitation"


def damm_digit(digits: str) -> str:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][ord(char) - 48]
    return str(interim)


def generate_code() -> str:
    body = "".join(str(secrets.randbelow(10)) for _ in range(CODE_DIGITS - 1))
    return body + damm_digit(body)


def format_code(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def parse_code(text: str) -> str:
    """The 20 digits of a typed code, or ``CodeFormatError``.

    Spaces, line breaks (a copy-pasted code ends in one) and dashes anywhere
    are ignored; anything else (letters, other
    scripts' digits) is refused. Over-long input is refused before it is read.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
        raise CodeFormatError()
    digits = "".join(char for char in text if char not in SEPARATORS)
    if len(digits) != CODE_DIGITS or not set(digits) <= ASCII_DIGITS:
        raise CodeFormatError()
    if damm_digit(digits) != "0":
        raise CodeFormatError()
    return digits


@dataclass(frozen=True)
class CodeSecrets:
    lookup_id: bytes
    identity_seed: bytes


def _salt(kind: CodeKind, installation_salt: bytes) -> bytes:
    return hashlib.sha256(
        b"lentera/code-salt/v1/" + kind.value.encode() + b"/" + installation_salt
    ).digest()[:16]


def derive_code_secrets(
    digits: str, kind: CodeKind, installation_salt: bytes, params: Argon2Params
) -> CodeSecrets:
    """One Argon2id run over a parsed code; the same cost for known and unknown codes."""
    if len(digits) != CODE_DIGITS or not set(digits) <= ASCII_DIGITS:
        raise CodeFormatError()
    master = argon2id(digits.encode("ascii"), _salt(kind, installation_salt), params)
    return CodeSecrets(
        lookup_id=derive_key(master, f"lentera/code/v1/{kind.value}/lookup"),
        identity_seed=derive_key(master, f"lentera/code/v1/{kind.value}/identity"),
    )


def lookup_hash(lookup_id: bytes) -> bytes:
    """What the database stores to find a case or invitation by its code."""
    return hashlib.sha256(b"lentera/lookup/v1/" + lookup_id).digest()


SALT_FINGERPRINT_LABEL = b"lentera/installation-salt-fingerprint/v1"


def salt_fingerprint(installation_salt: bytes) -> bytes:
    """HMAC-SHA256 of a constant under the installation salt, for the database to keep.

    A restored database beside a newly generated salt would make every code
    open nothing; comparing fingerprints catches that at start-up. A keyed
    hash of a constant says whether two salts are equal and nothing else: it
    gives no way to test a salt guess that the 256-bit salt does not already
    rule out, and no way to test a code.
    """
    if len(installation_salt) < 16:
        raise ValueError("the installation salt is too short")
    return hmac.new(installation_salt, SALT_FINGERPRINT_LABEL, hashlib.sha256).digest()
