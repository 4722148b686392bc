"""The custodians' root: a ceremony makes it once, enough shares and only they rebuild it."""

from __future__ import annotations

import pytest

from crypto import DecryptionError
from crypto.custody import join_shares, split_seed
from tests.support.trust import CUSTODIANS
from wbs_app.db import app_database as get_database
from wbs_app.models import Custodian, TrustRoot
from wbs_app.services.trust import root


def test_split_seed_any_two_of_three_join_and_one_does_not() -> None:
    seed = bytes(range(32))
    shares = split_seed(seed, 3, 2)
    assert len(shares) == 3 and all(len(s.split()) == 33 for s in shares)
    for pair in ((0, 1), (0, 2), (1, 2)):
        assert join_shares([shares[i] for i in pair]) == seed
    for one in shares:
        with pytest.raises(DecryptionError):
            join_shares([one])
    typo = shares[0].split()
    typo[5] = "academic" if typo[5] != "academic" else "acid"
    with pytest.raises(DecryptionError):
        join_shares([" ".join(typo), shares[1]])


def test_ceremony_stores_the_public_root_and_names_never_the_seed(app) -> None:
    with get_database(app).session() as session:
        issued = root.hold_ceremony(session, CUSTODIANS)
        session.commit()
    assert [s.custodian.name for s in issued] == [c.name for c in CUSTODIANS]
    with get_database(app).session() as session:
        stored = session.get(TrustRoot, 1)
        assert stored is not None and (stored.share_count, stored.threshold) == (3, 2)
        assert [c.name for c in session.query(Custodian).order_by(Custodian.share_number)] == [
            c.name for c in CUSTODIANS
        ]
        opened = root.open_root(session, [issued[2].words, issued[0].words.upper()])
        assert opened.identity.public().to_bytes() == stored.public
        with pytest.raises(root.SharesRefused):
            root.open_root(session, [issued[1].words])
        with pytest.raises(root.RootExists):
            root.hold_ceremony(session, CUSTODIANS)
        other = split_seed(bytes(32), 3, 2)
        with pytest.raises(root.SharesRefused):
            root.open_root(session, other[:2])


def test_a_ceremony_needs_named_custodians_and_a_threshold_of_two(app) -> None:
    with get_database(app).session() as session:
        with pytest.raises(root.CustodianProblem):
            root.hold_ceremony(session, CUSTODIANS, threshold=1)
        with pytest.raises(root.CustodianProblem):
            root.hold_ceremony(session, [*CUSTODIANS[:2], root.CustodianName(" ", "")])
        with pytest.raises(root.NoRoot):
            root.open_root(session, ["x"])
