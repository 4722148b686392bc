"""K-1 shares open nothing and tell nothing about the seed; K open it.

SLIP-39 splits the (encrypted) seed byte by byte with a polynomial of degree
K-1 over GF(256): the seed is its value at x = 255, a digest at x = 254, and
share i its value at x = i. The test takes K-1 real shares of a seed A and
shows, for many other seeds B, that one polynomial passes through those K-1
shares and B: a K-th share value exists that, with exactly the given K-1,
rebuilds B. So the K-1 shares are equally consistent with every seed; what
they hold is noise without one more share. (The 4-byte digest lets K-1
shares check a guess of the whole 32-byte seed, which is no help against a
random seed: docs/crypto.md, "Custodians and the recovery key".)
"""

from __future__ import annotations

import itertools
import secrets

import pytest
from shamir_mnemonic.shamir import SECRET_INDEX, RawShare, _interpolate
from shamir_mnemonic.share import Share

from crypto import DecryptionError
from crypto.custody import join_shares, new_root_seed, split_seed


def _raw(mnemonic: str) -> RawShare:
    share = Share.from_mnemonic(mnemonic)
    return RawShare(share.index, share.value)


@pytest.mark.parametrize(("count", "threshold"), [(3, 2), (5, 3)])
def test_fewer_than_k_shares_fail_and_are_consistent_with_any_seed(count, threshold) -> None:
    seed_a = new_root_seed()
    shares = split_seed(seed_a, count, threshold)
    for subset in itertools.combinations(shares, threshold - 1):
        with pytest.raises(DecryptionError):
            join_shares(list(subset))
    for subset in itertools.combinations(shares, threshold):
        assert join_shares(list(subset)) == seed_a

    given = [_raw(share) for share in shares[: threshold - 1]]
    missing_x = threshold - 1  # the index of the first share not given
    length = len(given[0].data)
    for _ in range(50):
        other = secrets.token_bytes(length)  # any encrypted seed B, as long as A's
        # The one polynomial through the K-1 shares and B gives the K-th share's value...
        kth = RawShare(missing_x, _interpolate([*given, RawShare(SECRET_INDEX, other)], missing_x))
        # ...and the K-1 real shares with it rebuild B, not A.
        assert _interpolate([*given, kth], SECRET_INDEX) == other
    # Whereas the real K-th share rebuilds A's encrypted seed.
    real = _raw(shares[threshold - 1])
    assert _interpolate([*given, real], SECRET_INDEX) != other


def test_shares_of_one_seed_do_not_mix_with_another_split() -> None:
    seed = new_root_seed()
    first, second = split_seed(seed, 3, 2), split_seed(seed, 3, 2)
    assert set(first).isdisjoint(second)  # a new split is new paper, word for word
    with pytest.raises(DecryptionError):
        join_shares([first[0], second[1]])  # a different identifier: refused, not a wrong seed
