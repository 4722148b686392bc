"""The optional puzzle a reporter's browser may solve so that its report goes first.

The reporter side works without JavaScript, and must keep accepting reports
during a flood of automated sends (``send_lanes``). A browser that runs the
small self-hosted script (``static/js/puzzle.js``) spends about a second of
its own processor on a hash puzzle while the reporter reads the review page;
a send that carries a solution takes the lane that goes first. Nothing is
required: a send without a solution, or with a wrong one, is simply a send
without priority, never an error.

The challenge is stateless and names nothing: ``bits.expires.nonce.mac``,
where the MAC (keyed by the app's secret) binds it to the draft it was drawn
for. A draft is sent once, so one solution buys one report, and a flood must
pay for every report it wants to go first. The solution is a decimal
counter such that SHA-256(challenge "." counter) starts with ``bits`` zero
bits: about 2**bits hashes to find, one to check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

VERSION = b"lentera-puzzle-v1"
MAX_BITS = 32
MAX_FIELD = 200  # longer than any challenge or counter we issue


def _mac(key: bytes, draft_uid: str, bits: int, expires: int, nonce: str) -> str:
    message = b"|".join(
        (VERSION, draft_uid.encode(), str(bits).encode(), str(expires).encode(), nonce.encode())
    )
    digest = hmac.new(hashlib.sha256(VERSION + key).digest(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def challenge(key: bytes, draft_uid: str, bits: int, lifetime_seconds: int) -> str:
    """A puzzle for this draft, valid for ``lifetime_seconds`` (the draft's own lifetime)."""
    if not 1 <= bits <= MAX_BITS:
        raise ValueError("puzzle bits must be within 1..32")
    expires = int(time.time()) + lifetime_seconds
    nonce = secrets.token_urlsafe(9)
    return f"{bits}.{expires}.{nonce}.{_mac(key, draft_uid, bits, expires, nonce)}"


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def solve(puzzle: str) -> str:
    """The counter a browser's script finds; here for tests and benchmarks."""
    bits = int(puzzle.split(".", 1)[0])
    counter = 0
    while True:
        digest = hashlib.sha256(f"{puzzle}.{counter}".encode()).digest()
        if leading_zero_bits(digest) >= bits:
            return str(counter)
        counter += 1


def solved(key: bytes, draft_uid: str, min_bits: int, puzzle: str, solution: str) -> bool:
    """Whether ``solution`` solves a puzzle this server drew for this draft, still valid.

    ``min_bits``: the puzzle's strength must be at least today's setting (a
    cheaper puzzle drawn before the setting was raised does not count).
    Any malformed input is simply "not solved".
    """
    if not puzzle or not solution or len(puzzle) > MAX_FIELD or len(solution) > 20:
        return False
    if not (solution.isascii() and solution.isdigit()):
        return False
    parts = puzzle.split(".")
    if len(parts) != 4 or not all(part.isascii() for part in parts):
        return False
    bits_text, expires_text, nonce, mac = parts
    if not (bits_text.isdigit() and expires_text.isdigit() and len(expires_text) < 12):
        return False
    bits, expires = int(bits_text), int(expires_text)
    if bits < min_bits or bits > MAX_BITS or expires < time.time():
        return False
    if not hmac.compare_digest(mac, _mac(key, draft_uid, bits, expires, nonce)):
        return False
    digest = hashlib.sha256(f"{puzzle}.{solution}".encode()).digest()
    return leading_zero_bits(digest) >= bits
