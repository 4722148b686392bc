"""Every audience key is wrapped to the custodians' root; a new recovery key moves them all.

Through the services (the rotation has no page: its new shares are printed on
a console, never shown by a page), with cases made through the reporter's
HTTP intake and a respondent invitation made on the handler's page.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select

from crypto import new_key
from tests.support.reporter import Report, submit_report
from tests.support.respondent import investigating_case, invite
from tests.support.trust import CUSTODIANS, ceremony_shares, open_test_root
from wbs_app.db import app_database
from wbs_app.models import (
    Audience,
    AudienceKey,
    Case,
    CaseStatus,
    Category,
    KeyWrap,
    RecipientKind,
    RootRotation,
    TrustRoot,
)
from wbs_app.services.cases import case_keys
from wbs_app.services.office import organisation
from wbs_app.services.trust import rewrap_pool, root, rotation

NEW_CUSTODIANS = (
    root.CustodianName("Ratna Dewi", "Kepala Kantor Wilayah"),
    root.CustodianName("Hasan Basri", "Kepala Divisi Administrasi"),
    root.CustodianName("Wahyuni", "Inspektorat"),
)


def _recovery_wraps(session, generation: int | None = None) -> list[KeyWrap]:
    query = select(KeyWrap).where(KeyWrap.recipient_kind == RecipientKind.RECOVERY)
    if generation is not None:
        query = query.where(KeyWrap.identity_generation == generation)
    return list(session.scalars(query))


def _opens(session, generation: int, opened: root.OpenRoot) -> tuple[int, int]:
    """(keys that open from the generation's wrap with ``opened``, keys that do not)."""
    good = bad = 0
    for key_row in session.scalars(select(AudienceKey).order_by(AudienceKey.id)):
        case = session.get_one(Case, key_row.case_id)
        try:
            key = case_keys.unwrap_for_recovery(session, case, key_row, generation, opened.identity)
        except case_keys.NoAccess:
            bad += 1
        else:
            assert len(key) == 32
            good += 1
    return good, bad


def test_before_the_ceremony_a_new_key_gets_no_recovery_wrap(app) -> None:
    """No root yet: ``new_audience_key`` makes the key alone (intake then still needs a
    certified handler, which needs the root: the ceremony comes first in practice)."""
    with app_database(app).session() as session:
        unit = organisation.create_unit(session, None, "Kanwil", None)
        case = Case(
            uid="c" * 32,
            lookup_hash=bytes(32),
            unit_id=unit.id,
            category_id=session.scalars(select(Category.id)).first(),
            status=CaseStatus.RECEIVED,
            status_changed_on=date(2026, 1, 1),
            received_on=date(2026, 1, 1),
            acknowledge_due=date(2026, 1, 8),
            verification_due=date(2026, 1, 15),
            feedback_due=date(2026, 4, 8),
        )
        session.add(case)
        session.flush()
        case_keys.new_audience_key(session, case, Audience.INTERNAL, "", new_key())
        assert _recovery_wraps(session) == []
        session.commit()
    ceremony_shares(app)
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        case_keys.new_audience_key(session, case, Audience.REPORTER, "", new_key())
        assert [w.identity_generation for w in _recovery_wraps(session)] == [1]


def test_every_audience_key_gets_a_recovery_wrap_that_opens_with_k_shares(
    app, org, reporter
) -> None:
    ceremony_shares(app)
    budi, case_id = investigating_case(app, org, reporter)
    invite(budi, case_id)  # a third audience key: the respondent's
    with app_database(app).session() as session:
        keys = session.scalar(select(func.count()).select_from(AudienceKey))
        assert keys == 3
        wraps = _recovery_wraps(session)
        assert len(wraps) == 3
        assert {(w.staff_id, w.identity_generation) for w in wraps} == {(None, 1)}
        assert _opens(session, 1, open_test_root(app)) == (3, 0)
        # The wrap is bound to its key: moved to another key's row it does not open.
        other = session.scalars(select(AudienceKey).order_by(AudienceKey.id)).all()
        first, second = wraps[0], wraps[1]
        first.wrapped, second.wrapped = second.wrapped, first.wrapped
        session.flush()
        case = session.get_one(Case, other[0].case_id)
        with pytest.raises(case_keys.NoAccess):
            case_keys.unwrap_for_recovery(session, case, other[0], 1, open_test_root(app).identity)
        session.rollback()


def _three_cases(app, org, reporter) -> None:
    ceremony_shares(app)
    for _ in range(3):
        submit_report(reporter, Report(unit=org.units["a"]))


def test_resplit_gives_new_shares_of_the_same_root(app, org, reporter) -> None:
    _three_cases(app, org, reporter)
    old_shares = ceremony_shares(app)
    with app_database(app).session() as session:
        issued = root.resplit(session, open_test_root(app), NEW_CUSTODIANS, threshold=3)
        session.commit()
        stored = session.get_one(TrustRoot, 1)
        assert (stored.share_count, stored.threshold) == (3, 3)
        assert [c.name for c in stored.custodians] == [c.name for c in NEW_CUSTODIANS]
        new_shares = [share.words for share in issued]
        assert set(new_shares).isdisjoint(old_shares)
        with pytest.raises(root.SharesRefused):
            root.open_root(session, new_shares[:2])
        opened = root.open_root(session, new_shares)
        # The same seed: the old shares still open it (why a new recovery key exists).
        assert opened.identity.public() == root.open_root(session, old_shares[:2]).identity.public()
        assert _opens(session, 1, opened) == (6, 0)
        # Who acted: the new split's shares name the new custodians; the old
        # split's still open the root, but the names under their numbers are
        # other people's now, so only the numbers are said.
        names = "; ".join(c.name for c in NEW_CUSTODIANS)
        assert root.acting_detail(session, opened) == f"1, 2, 3: {names}"
        old = root.open_root(session, [old_shares[2], old_shares[0]])
        assert root.acting_detail(session, old) == "1, 3"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_new_recovery_key_moves_every_wrap_and_resumes_after_a_crash(
    app, org, reporter, monkeypatch, workers
) -> None:
    """In this process (1) and over a pool of processes (2): the crash comes while the
    second batch is being moved, after the first was committed."""
    _three_cases(app, org, reporter)
    old_shares = ceremony_shares(app)
    with app_database(app).session() as session:
        with pytest.raises(root.CustodianProblem):
            rotation.start(session, open_test_root(app), NEW_CUSTODIANS, threshold=1)
        issued = rotation.start(session, open_test_root(app), NEW_CUSTODIANS)
        session.commit()
        new_shares = [share.words for share in issued]
        assert root.current_root(session).generation == 2
        assert session.get_one(TrustRoot, 1).retired_at is not None
        with pytest.raises(rotation.RotationRunning):
            rotation.start(session, root.open_root(session, new_shares[:2]), CUSTODIANS)
    # A report arriving during the rotation is wrapped to the new root at once.
    submit_report(reporter, Report(unit=org.units["a"]))

    real = rewrap_pool.Moving.result
    calls = {"n": 0}

    def crash_on_the_second(moving):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the machine going down
        return real(moving)

    # In the parent, where the batches' results arrive (a worker's copy would not count).
    monkeypatch.setattr(rewrap_pool.Moving, "result", crash_on_the_second)
    with app_database(app).session() as session:
        old = root.open_root(session, old_shares[1:], generation=1)
        with pytest.raises(KeyboardInterrupt):
            rotation.run(session, old, batch=2, workers=workers)
    with app_database(app).session() as session:
        progress = session.scalar(select(RootRotation))
        assert (progress.rewrapped, progress.finished_at) == (2, None)  # one batch committed
        # The committed batch's old wraps went with it; the rest wait for the next run.
        assert len(_recovery_wraps(session, 1)) == 6 - 2
        assert len(_recovery_wraps(session, 2)) == 2 + 2  # the batch, and the new report's
    monkeypatch.setattr(rewrap_pool.Moving, "result", real)
    with app_database(app).session() as session:
        with pytest.raises(root.SharesRefused):
            rotation.run(session, root.open_root(session, new_shares[:2]))
        seen: list[int] = []
        done = rotation.run(
            session,
            root.open_root(session, old_shares[:2], generation=1),
            2,
            seen.append,
            workers=workers,
        )
        assert done.finished_at is not None and done.rewrapped == 6
        assert seen == [4, 6]
    with app_database(app).session() as session:
        assert _recovery_wraps(session, 1) == []
        assert len(_recovery_wraps(session, 2)) == 8
        new = root.open_root(session, new_shares[1:])
        assert _opens(session, 2, new) == (8, 0)
        old = root.open_root(session, old_shares[:2], generation=1)
        assert _opens(session, 1, old) == (0, 8)
        assert _opens(session, 2, old) == (0, 8)  # the old key opens none of the new wraps
        with pytest.raises(root.SharesRefused):
            root.open_root(session, old_shares[:2])  # the current root is the new one
        with pytest.raises(rotation.NoRotation):
            rotation.run(session, old)


def test_a_crash_between_batches_with_the_pool_resumes_with_the_pool(app, org, reporter) -> None:
    """The operator's Ctrl-C after a committed batch, with two batches in flight in the
    workers: what was committed stays, nothing in flight is written, and a second run
    over the pool moves the rest once each."""
    _three_cases(app, org, reporter)
    old_shares = ceremony_shares(app)
    with app_database(app).session() as session:
        new_shares = [s.words for s in rotation.start(session, open_test_root(app), CUSTODIANS)]
        session.commit()

    def stop(moved: int) -> None:
        raise KeyboardInterrupt

    with app_database(app).session() as session:
        old = root.open_root(session, old_shares[:2], generation=1)
        with pytest.raises(KeyboardInterrupt):
            rotation.run(session, old, batch=2, progress=stop, workers=2)
    with app_database(app).session() as session:
        progress = session.scalar(select(RootRotation))
        assert (progress.rewrapped, progress.finished_at) == (2, None)
        assert len(_recovery_wraps(session, 1)) == 4 and len(_recovery_wraps(session, 2)) == 2
        done = rotation.run(session, old, batch=2, workers=2)
        assert done.finished_at is not None and done.rewrapped == 6
    with app_database(app).session() as session:
        assert _recovery_wraps(session, 1) == []
        assert _opens(session, 2, root.open_root(session, new_shares[:2])) == (6, 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_wrap_that_does_not_open_is_recorded_and_the_run_finishes(
    app, org, reporter, workers
) -> None:
    """A damaged old wrap (in a worker or in this process): recorded by its key id, every
    other wrap moved, the rotation finished and the damaged row deleted with the old ones
    (no root opens it); it used to stop every run on the same row, for good."""
    _three_cases(app, org, reporter)
    old_shares = ceremony_shares(app)
    with app_database(app).session() as session:
        new_shares = [s.words for s in rotation.start(session, open_test_root(app), CUSTODIANS)]
        session.commit()
        wraps = sorted(_recovery_wraps(session, 1), key=lambda w: w.audience_key_id)
        wraps[3].wrapped = bytes(len(wraps[3].wrapped))
        damaged = wraps[3].audience_key_id
        session.commit()
    with app_database(app).session() as session:
        old = root.open_root(session, old_shares[:2], generation=1)
        done = rotation.run(session, old, batch=2, workers=workers)
        assert done.finished_at is not None and done.rewrapped == 5
        assert rotation.failed_keys(session, done.id) == [damaged]
    with app_database(app).session() as session:
        assert _recovery_wraps(session, 1) == []
        assert _opens(session, 2, root.open_root(session, new_shares[:2])) == (5, 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_key_given_a_second_old_wrap_is_moved_whole_across_a_batch_boundary(
    app, org, reporter, workers
) -> None:
    """A database writer gives the second key a damaged old wrap ordered before its genuine
    one. Batches of two keys' rows would end on the damaged wrap, record the key as not
    opening, pass it with the cursor and delete the genuine wrap at the end; a batch holds
    whole keys, so the genuine one is moved and the key is not reported."""
    _three_cases(app, org, reporter)
    old_shares = ceremony_shares(app)
    with app_database(app).session() as session:
        new_shares = [s.words for s in rotation.start(session, open_test_root(app), CUSTODIANS)]
        session.commit()
        second = sorted(_recovery_wraps(session, 1), key=lambda w: w.audience_key_id)[1]
        genuine = second.wrapped
        second.wrapped = bytes(len(genuine))  # the lower row id now holds the damaged copy
        session.add(
            KeyWrap(
                audience_key_id=second.audience_key_id,
                case_id=second.case_id,
                recipient_kind=RecipientKind.RECOVERY,
                identity_generation=1,
                wrapped=genuine,
            )
        )
        session.commit()
    with app_database(app).session() as session:
        old = root.open_root(session, old_shares[:2], generation=1)
        done = rotation.run(session, old, batch=2, workers=workers)
        assert done.finished_at is not None and done.rewrapped == 6
        assert rotation.failed_keys(session, done.id) == []
    with app_database(app).session() as session:
        assert _recovery_wraps(session, 1) == []
        assert _opens(session, 2, root.open_root(session, new_shares[:2])) == (6, 0)


def test_a_wrap_committed_behind_the_cursor_is_moved_before_the_old_ones_go(
    app, org, reporter
) -> None:
    """An intake that read the old root before the start and committed after the cursor
    passed its key: the rotation does not finish until that wrap has its successor."""
    _three_cases(app, org, reporter)
    old_shares = ceremony_shares(app)
    with app_database(app).session() as session:
        new_shares = [s.words for s in rotation.start(session, open_test_root(app), CUSTODIANS)]
        session.commit()
        old = root.open_root(session, old_shares[:2], generation=1)
        progress = session.scalar(select(RootRotation))
        # The late one, as its intake wrote it to the old root (committed below, late).
        first = min(_recovery_wraps(session, 1), key=lambda w: w.audience_key_id)
        late = (first.audience_key_id, first.case_id, first.wrapped)
        while rotation.rewrap_batch(session, progress, old.identity, 10):
            session.commit()
        session.commit()
        assert _recovery_wraps(session, 1) == [], "each batch took its old wraps with it"
        # Committed after the cursor passed its key: the old wrap only, below the cursor.
        session.execute(
            delete(KeyWrap).where(
                KeyWrap.audience_key_id == late[0], KeyWrap.recipient_kind == RecipientKind.RECOVERY
            )
        )
        session.add(
            KeyWrap(
                audience_key_id=late[0],
                case_id=late[1],
                recipient_kind=RecipientKind.RECOVERY,
                identity_generation=1,
                wrapped=late[2],
            )
        )
        session.commit()
        done = rotation.run(session, old, batch=10)
        assert done.finished_at is not None and done.rewrapped == 7  # six, and the late one again
    with app_database(app).session() as session:
        assert _recovery_wraps(session, 1) == []
        assert _opens(session, 2, root.open_root(session, new_shares[:2])) == (6, 0)


def test_audience_keys_are_made_in_one_place_only() -> None:
    """Every path that makes an audience key goes through ``case_keys.new_audience_key``,
    so none can forget the recovery wrap."""
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "wbs_app"
    makers = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "AudienceKey(" in path.read_text(encoding="utf-8")
    }
    assert makers == {"services/cases/case_keys.py", "models/case.py"}  # the class itself
