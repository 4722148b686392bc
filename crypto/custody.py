"""The installation's root seed split among custodians (SLIP-39), and joined again.

The root seed makes the custodian root identity (``Identity(seed)``): its
Ed25519 key signs the first handlers' certificates, its HPKE key receives a
recovery wrap of every audience key. Nobody may hold it alone, so it is split
with SLIP-39 (``shamir-mnemonic``, Trezor's reference implementation) into
word-list shares for named custodians, any ``threshold`` of which give it back
and fewer of which tell nothing about it. SLIP-39 is chosen over a home-made
Shamir split for its word list, its checksum on every share (a mistyped word is
caught before anything is tried) and its published test vectors.

Every failure to join (too few shares, a mistyped word, shares of two different
splits) is the one ``DecryptionError``: the page says "these shares do not open
the root", never which share was wrong or how many more are needed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import shamir_mnemonic

from crypto.errors import DecryptionError
from crypto.identity import SEED_BYTES

MAX_SHARES = 16
# PBKDF2 rounds of SLIP-39's encryption of the seed: 2,500 << e per round, four
# rounds. The shares' 128+ bits of entropy, not this cost, protect the seed, so
# the library's default is kept.
ITERATION_EXPONENT = 1


def new_root_seed() -> bytes:
    """A fresh 32-byte root seed from the OS CSPRNG (it is never stored)."""
    return secrets.token_bytes(SEED_BYTES)


def split_seed(seed: bytes, share_count: int, threshold: int) -> list[str]:
    """``share_count`` SLIP-39 mnemonics (33 words each), any ``threshold`` of which join."""
    if len(seed) != SEED_BYTES:
        raise ValueError("a root seed is 32 bytes")
    if not 1 <= threshold <= share_count <= MAX_SHARES:
        raise ValueError("need 1 <= threshold <= share_count <= 16")
    if threshold == 1 and share_count > 1:
        raise ValueError("a threshold of one would give every custodian the whole seed")
    groups = shamir_mnemonic.generate_mnemonics(
        1, [(threshold, share_count)], seed, iteration_exponent=ITERATION_EXPONENT
    )
    return list(groups[0])


def normalise_share(text: str) -> str:
    """One share as SLIP-39 reads it: lower-case words separated by single spaces."""
    return " ".join(text.lower().split())


def join_shares(shares: Sequence[str]) -> bytes:
    """The seed from at least ``threshold`` shares, or ``DecryptionError``."""
    words = [normalise_share(share) for share in shares if share.strip()]
    if not words:
        raise DecryptionError()
    try:
        seed: bytes = bytes(shamir_mnemonic.combine_mnemonics(words))
    except (shamir_mnemonic.MnemonicError, ValueError, KeyError, IndexError):
        raise DecryptionError() from None
    if len(seed) != SEED_BYTES:
        raise DecryptionError()
    return seed


@dataclass(frozen=True)
class ShareSet:
    """Which shares were typed: their split and their numbers, never their words.

    ``split`` is the SLIP-39 identifier that every share of one split carries
    (a re-split of the same seed has another); ``numbers`` are the shares'
    positions as issued, from 1, so that each names the custodian it was
    printed for.
    """

    split: int
    numbers: tuple[int, ...]


def which_shares(shares: Sequence[str]) -> ShareSet:
    """The split and numbers of shares that joined (``join_shares`` succeeded on them)."""
    try:
        parsed = [
            shamir_mnemonic.Share.from_mnemonic(normalise_share(s)) for s in shares if s.strip()
        ]
    except (shamir_mnemonic.MnemonicError, ValueError, KeyError, IndexError):
        raise DecryptionError() from None
    splits = {share.identifier for share in parsed}
    if len(splits) != 1:
        raise DecryptionError()
    return ShareSet(splits.pop(), tuple(sorted(share.index + 1 for share in parsed)))
