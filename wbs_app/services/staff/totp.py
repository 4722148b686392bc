"""Time-based one-time passwords (RFC 6238: 6 digits, 30 s, SHA-1) for staff logins.

cryptography's ``twofactor.totp`` computes the codes; this module adds what a
login needs around it: one step of clock drift either way, and refusing any
step not later than the last one accepted, so a code works only once. At
rest the secret is sealed under a key derived from the account's identity
seed, so it can be read only by someone who has just opened the seed with the
password.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time

import segno
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from crypto import RecordContext, derive_key, open_record, seal_record

DIGITS = 6
STEP_SECONDS = 30
SECRET_BYTES = 20  # RFC 4226's recommended 160 bits
ISSUER = "Lentera"


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def _totp(secret: bytes) -> TOTP:
    # SHA-1 is what RFC 6238 and every authenticator app default to; as an
    # HMAC over a secret key it is not affected by SHA-1's collision attacks.
    return TOTP(secret, DIGITS, SHA1(), STEP_SECONDS, enforce_key_length=True)  # noqa: S303


def seal_secret(seed: bytes, secret: bytes, staff_id: int) -> bytes:
    """The secret as stored on the account, bound to that account's row."""
    return seal_record(_key_at_rest(seed), secret, _context(staff_id))


def open_secret(seed: bytes, sealed: bytes, staff_id: int) -> bytes:
    """The stored secret; raises ``DecryptionError`` for another seed or row."""
    return open_record(_key_at_rest(seed), sealed, _context(staff_id))


def _key_at_rest(seed: bytes) -> bytes:
    return derive_key(seed, "lentera/staff/totp-at-rest")


def _context(staff_id: int) -> RecordContext:
    return RecordContext(case_id="", kind="staff/totp", row_id=str(staff_id))


def code_at(secret: bytes, when: float) -> str:
    return _totp(secret).generate(int(when)).decode("ascii")


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def accepted_step(secret: bytes, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to, if valid now and not used before; else None.

    All three candidate steps are always computed so that a wrong code and a
    right one take the same time.
    """
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    step_now = current_step(now)
    accepted: int | None = None
    for step in (step_now - 1, step_now, step_now + 1):
        expected = code_at(secret, step * STEP_SECONDS)
        if hmac.compare_digest(expected, code) and step > last_step and accepted is None:
            accepted = step
    return accepted


def secret_text(secret: bytes) -> str:
    """The secret as base32 in groups of four, for typing into an authenticator."""
    text = base64.b32encode(secret).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_secret_text(text: str) -> bytes | None:
    compact = "".join(text.split()).upper()
    if not compact or len(compact) > 64:
        return None
    try:
        secret = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except ValueError:
        return None
    return secret if len(secret) == SECRET_BYTES else None


def provisioning_uri(secret: bytes, account: str) -> str:
    uri: str = _totp(secret).get_provisioning_uri(account, ISSUER)
    return uri


def qr_svg(uri: str) -> str:
    """An inline SVG QR code, drawn on the server so that enrolment needs no JavaScript."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, title="QR", dark="#000", light="#fff")
    return svg
