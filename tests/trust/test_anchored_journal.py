"""The anchored journal (issue 17): case heads, the head log, checkpoints, author keys.

Every attack here is done the way a thief holding the database would do it:
plain SQL on the tables, with keys they made themselves, and where said so
with the installation key too (someone who also took ``instance/``). The
verifier is run as an operator runs it, through ``wbs verify-journals``.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from config import ConfigError
from crypto import (
    JOURNAL_VERSION,
    HeadLink,
    Identity,
    JournalRecord,
    content_context,
    entry_hash,
    link_hash,
    seal_record,
    sign_entry,
    sign_link,
)
from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import identity_of, signed_in
from tests.support.trust import open_test_root
from wbs_app.db import app_database
from wbs_app.models import (
    Audience,
    AuditEvent,
    Case,
    CaseHead,
    HandlerCertificate,
    HeadLogLink,
    JournalEntry,
    StaffIdentity,
    StaffMember,
)
from wbs_app.services.cases import case_keys, head_log, journal, journal_authors
from wbs_app.services.infra.clock import as_of, utcnow
from wbs_app.services.trust import certificates
from wbs_app.settings import settings


def _case_with_entries(app, org, reporter, count: int = 3) -> int:
    submit_report(reporter, Report(unit=org.units["a"]))
    identity = identity_of(app, org.budi)
    with app_database(app).session() as session:
        case = session.scalar(select(Case).order_by(Case.id.desc()))
        staff = session.get(StaffMember, org.budi.id)
        for index in range(count):
            journal.append(session, case, staff, identity, "note", {"text": f"langkah {index}"})
        return case.id


def _internal_key(app, org, case_id: int) -> bytes:
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        staff = session.get(StaffMember, org.budi.id)
        row = case_keys.audience_key(session, case, Audience.INTERNAL)
        return case_keys.unwrap_for_staff(session, case, row, staff, identity_of(app, org.budi))


def _verify(app, *args: str):
    return app.test_cli_runner().invoke(args=["wbs", "verify-journals", *args])


def _checkpoint(app, tmp_path: Path, name: str = "saksi.txt") -> Path:
    path = tmp_path / name
    made = app.test_cli_runner().invoke(args=["wbs", "journal-checkpoint", "--output", str(path)])
    assert made.exit_code == 0, made.output
    return path


def test_each_append_moves_the_head_and_extends_one_log(app, org, reporter) -> None:
    case_id = _case_with_entries(app, org, reporter, count=3)
    with app_database(app).session() as session:
        last = session.scalar(
            select(JournalEntry)
            .where(JournalEntry.case_id == case_id)
            .order_by(JournalEntry.seq.desc())
        )
        head = session.get(CaseHead, case_id)
        links = list(session.scalars(select(HeadLogLink).order_by(HeadLogLink.position)))
        entries = session.scalar(select(func.count()).select_from(JournalEntry))
    assert (head.seq, head.entry_hash, head.signature) == (
        last.seq,
        last.entry_hash,
        last.signature,
    )
    assert last.format == JOURNAL_VERSION == 2
    assert [link.position for link in links] == list(range(1, len(links) + 1))  # one chain
    heads = [link for link in links if link.kind == "head"]
    assert len(heads) == entries  # one link per append; the rest anchor the root and certificates
    assert links[-1].entry_hash == last.entry_hash and links[-1].seq == last.seq
    clean = _verify(app)
    assert clean.exit_code == 0, clean.output
    assert f"head log: {len(links)} links verified" in clean.output


def test_a_cut_tail_is_caught_and_names_the_case(app, org, reporter, tmp_path) -> None:
    case_id = _case_with_entries(app, org, reporter, count=3)
    saksi = _checkpoint(app, tmp_path)
    with app_database(app).session() as session:
        kept = (
            session.scalar(
                select(func.max(JournalEntry.seq)).where(JournalEntry.case_id == case_id)
            )
            - 2
        )
        session.execute(
            delete(JournalEntry).where(JournalEntry.case_id == case_id, JournalEntry.seq > kept)
        )
        tail = session.scalar(
            select(JournalEntry).where(JournalEntry.case_id == case_id, JournalEntry.seq == kept)
        )
        # A careful thief moves the head back too: it is signed by the author already.
        session.execute(
            update(CaseHead)
            .where(CaseHead.case_id == case_id)
            .values(seq=kept, entry_hash=tail.entry_hash, signature=tail.signature)
        )
    result = _verify(app, "--checkpoint", str(saksi))
    assert result.exit_code == 1
    cut = f"case {case_id}: journal cut: it has {kept} entries, the head log recorded entry"
    assert f"{cut} {kept + 2}" in result.output
    assert "0 broken" in result.output  # the chain alone still holds: only the log sees it


def test_a_log_tail_cut_with_the_journal_is_seen_only_with_a_checkpoint(
    app, org, reporter, tmp_path
) -> None:
    case_id = _case_with_entries(app, org, reporter, count=3)
    saksi = _checkpoint(app, tmp_path)
    with app_database(app).session() as session:
        last = session.scalar(select(func.max(HeadLogLink.position)))
        session.execute(delete(HeadLogLink).where(HeadLogLink.position > last - 2))
        session.execute(
            delete(JournalEntry).where(
                JournalEntry.case_id == case_id,
                JournalEntry.seq > select(func.max(JournalEntry.seq)).scalar_subquery() - 2,
            )
        )
        tail = session.scalar(
            select(JournalEntry)
            .where(JournalEntry.case_id == case_id)
            .order_by(JournalEntry.seq.desc())
            .limit(1)
        )
        session.execute(
            update(CaseHead)
            .where(CaseHead.case_id == case_id)
            .values(seq=tail.seq, entry_hash=tail.entry_hash, signature=tail.signature)
        )
    blind = _verify(app)
    assert blind.exit_code == 0, blind.output  # a consistent cut of both: the limit of no witness
    assert "a cut of the head log's own tail cannot be seen" in blind.output
    seen = _verify(app, "--checkpoint", str(saksi))
    assert seen.exit_code == 1
    assert f"head log cut or broken before the checkpoint: it verifies to link {last - 2}" in (
        seen.output
    )


def test_a_removed_journal_is_caught_unless_the_case_was_deleted_lawfully(
    app, org, reporter, tmp_path
) -> None:
    removed = _case_with_entries(app, org, reporter, count=2)
    lawful = _case_with_entries(app, org, reporter, count=2)
    with app_database(app).session() as session:
        uids = {case.id: case.uid for case in session.scalars(select(Case))}
        head_log.record_deletion(session, session.get(Case, lawful))
    saksi = _checkpoint(app, tmp_path)
    with app_database(app).session() as session:
        for case_id in (removed, lawful):
            session.execute(delete(JournalEntry).where(JournalEntry.case_id == case_id))
            session.execute(delete(CaseHead).where(CaseHead.case_id == case_id))
            session.delete(session.get(Case, case_id))
    result = _verify(app, "--checkpoint", str(saksi))
    assert result.exit_code == 1
    assert f"case {uids[removed]}: journal removed" in result.output
    assert uids[lawful] not in result.output
    assert result.output.count("journal removed") == 1


def test_re_signing_with_a_key_inserted_into_the_database_is_caught(
    app, org, reporter, tmp_path
) -> None:
    case_id = _case_with_entries(app, org, reporter, count=3)
    saksi = _checkpoint(app, tmp_path)
    forger = Identity.generate()
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        first = session.scalar(select(func.min(JournalEntry.created_at)))
        # A new generation for Budi, back-dated before every entry, with the thief's key.
        session.add(
            StaffIdentity(
                staff_id=org.budi.id,
                generation=9,
                public=forger.public().to_bytes(),
                created_at=utcnow() - timedelta(days=30),
            )
        )
        session.execute(
            update(StaffIdentity)
            .where(StaffIdentity.staff_id != org.budi.id)
            .values(created_at=utcnow() - timedelta(days=40))
        )
        rows = list(
            session.scalars(
                select(JournalEntry)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
        )
        previous = rows[0].prev_hash
        for row in rows:  # every entry rewritten, re-chained and re-signed: a flawless chain
            row.author = f"staff:{org.budi.id}:9"
            row.kind = "closed" if row is rows[-1] else row.kind
            row.prev_hash = previous
            record = JournalRecord(
                case.uid, row.seq, row.kind, row.author, row.created_at, row.content, previous, 2
            )
            row.entry_hash, row.signature = entry_hash(record), sign_entry(record, forger)
            previous = row.entry_hash
        session.flush()
        head = session.get(CaseHead, case_id)
        head.entry_hash, head.signature = rows[-1].entry_hash, rows[-1].signature
        assert first  # entries existed before the forgery
    result = _verify(app, "--checkpoint", str(saksi))
    assert result.exit_code == 1
    # Budi's first generation ends where the inserted one "began", so the real
    # author's other entries fail; the forged chain itself is refused by the log:
    assert f"case {case_id}: entry " in result.output
    assert "differs from the head log's hash (rewritten or re-signed)" in result.output


def test_only_the_signatures_replaced_under_a_swapped_key_are_caught(app, org, reporter) -> None:
    """Review finding 9a: every entry's content and hash kept, only who signed changed.

    The thief replaces Budi's public key in the database with their own and
    re-signs his entries: the head log's hashes still match, so the check that
    catches it is that an author key counts only as its anchored certificate
    names it.
    """
    case_id = _case_with_entries(app, org, reporter, count=3)
    forger = Identity.generate()
    with app_database(app).session() as session:
        case = session.get_one(Case, case_id)
        session.execute(
            update(StaffIdentity)
            .where(StaffIdentity.staff_id == org.budi.id)
            .values(public=forger.public().to_bytes())
        )
        rows = session.scalars(select(JournalEntry).where(JournalEntry.case_id == case_id))
        for row in rows:
            record = JournalRecord(
                case.uid,
                row.seq,
                row.kind,
                row.author,
                row.created_at,
                row.content,
                row.prev_hash,
                2,
            )
            assert entry_hash(record) == row.entry_hash  # the content is untouched
            row.signature = sign_entry(record, forger)
        head = session.get_one(CaseHead, case_id)
        last = session.scalar(
            select(JournalEntry.signature)
            .where(JournalEntry.case_id == case_id)
            .order_by(JournalEntry.seq.desc())
            .limit(1)
        )
        head.signature = last
        session.commit()
    result = _verify(app)
    assert result.exit_code == 1, result.output
    assert f"case {case_id}: entry " in result.output


def test_a_log_rewritten_with_the_installation_key_is_caught_by_the_checkpoint(
    app, org, reporter, tmp_path
) -> None:
    """A thief with the database and instance/: only the witness's checkpoint still tells."""
    case_id = _case_with_entries(app, org, reporter, count=3)
    saksi = _checkpoint(app, tmp_path)
    key = settings(app).head_log_key
    with app_database(app).session() as session:
        last = session.scalar(
            select(func.max(JournalEntry.seq)).where(JournalEntry.case_id == case_id)
        )
        session.execute(
            delete(JournalEntry).where(JournalEntry.case_id == case_id, JournalEntry.seq == last)
        )
        tail = session.scalar(
            select(JournalEntry).where(
                JournalEntry.case_id == case_id, JournalEntry.seq == last - 1
            )
        )
        session.execute(
            update(CaseHead)
            .where(CaseHead.case_id == case_id)
            .values(seq=tail.seq, entry_hash=tail.entry_hash, signature=tail.signature)
        )
        final = session.scalar(select(HeadLogLink).order_by(HeadLogLink.position.desc()).limit(1))
        # The last link, re-made and re-signed with the real key, now names the earlier head.
        forged = HeadLink(
            final.position, "head", final.case_uid, tail.seq, tail.entry_hash, final.prev_hash
        )
        final.seq, final.entry_hash = tail.seq, tail.entry_hash
        final.link_hash, final.signature = link_hash(forged), sign_link(forged, key)
    blind = _verify(app)
    assert blind.exit_code == 0, blind.output
    seen = _verify(app, "--checkpoint", str(saksi))
    assert seen.exit_code == 1
    assert f"head log rewritten: link {final.position} is not the one the checkpoint" in (
        seen.output
    )


def test_an_entry_moved_to_another_author_does_not_decrypt(app, org, reporter) -> None:
    case_id = _case_with_entries(app, org, reporter, count=2)
    key = _internal_key(app, org, case_id)
    rahman = identity_of(app, org.rahman)
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        row = session.scalar(
            select(JournalEntry)
            .where(JournalEntry.case_id == case_id)
            .order_by(JournalEntry.seq.desc())
        )
        # An insider with a real key of their own signs Budi's last entry as theirs.
        row.author = f"staff:{org.rahman.id}:1"
        record = JournalRecord(
            case.uid, row.seq, row.kind, row.author, row.created_at, row.content, row.prev_hash, 2
        )
        row.entry_hash, row.signature = entry_hash(record), sign_entry(record, rahman)
        session.flush()
        assert journal.verify_case(session, case) is None  # the chain and signature hold
        items = journal.read(session, case, key)
        assert items[-1].body == {"unreadable": True}
        assert items[-2].body == {"text": "langkah 0"}
        assert journal.signed_body(case, row, rahman.public(), key) is None


def test_format_1_entries_still_read_and_verify(app, org, reporter) -> None:
    case_id = _case_with_entries(app, org, reporter, count=1)
    key = _internal_key(app, org, case_id)
    budi = identity_of(app, org.budi)
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        last = session.scalar(
            select(JournalEntry)
            .where(JournalEntry.case_id == case_id)
            .order_by(JournalEntry.seq.desc())
        )
        author, stamp = last.author, utcnow().replace(microsecond=0).isoformat()
        content = seal_record(
            key, b'{"text": "lama"}', content_context(case.uid, last.seq + 1, author, 1)
        )
        record = JournalRecord(
            case.uid, last.seq + 1, "note", author, stamp, content, last.entry_hash, 1
        )
        session.add(
            JournalEntry(
                case_id=case_id,
                seq=record.seq,
                kind="note",
                author=author,
                created_at=stamp,
                content=content,
                prev_hash=record.prev_hash,
                entry_hash=entry_hash(record),
                signature=sign_entry(record, budi),
                format=1,
            )
        )
        session.flush()
        assert journal.verify_case(session, case) is None
        assert journal.read(session, case, key)[-1].body == {"text": "lama"}


def test_a_generation_used_after_its_successor_began_is_refused(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    budi = identity_of(app, org.budi)
    with app_database(app).session() as session:
        session.execute(
            update(StaffIdentity)
            .where(StaffIdentity.staff_id == org.budi.id)
            .values(created_at=utcnow() - timedelta(hours=3))
        )
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        staff = session.get(StaffMember, org.budi.id)
        with as_of(timedelta(hours=2)):
            journal.append(session, case, staff, budi, "note", {"text": "sebelum"})
        # Budi's reset an hour ago made generation 2; generation 1 signs on regardless.
        session.add(
            StaffIdentity(
                staff_id=org.budi.id,
                generation=2,
                public=Identity.generate().public().to_bytes(),
                created_at=utcnow() - timedelta(hours=1),
            )
        )
        session.flush()
        journal.append(session, case, staff, budi, "note", {"text": "sesudah"})
        verdict = journal.verify_case(session, case)
        seqs = list(
            session.scalars(select(JournalEntry.seq).where(JournalEntry.case_id == case.id))
        )
    assert verdict is not None and verdict.reason == "author"
    assert verdict.index + 1 == max(seqs)  # the earlier entry of generation 1 still holds
    result = _verify(app)
    assert result.exit_code == 1
    assert f"case {case.id}: entry {max(seqs)} is broken (author)" in result.output


def test_an_entry_dated_before_its_generation_began_is_refused(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    budi = identity_of(app, org.budi)
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        with as_of(timedelta(days=2)):
            journal.append(
                session, case, session.get(StaffMember, org.budi.id), budi, "note", {"text": "x"}
            )
        verdict = journal.verify_case(session, case)
    assert verdict is not None and verdict.reason == "author"


def test_custodians_sign_with_the_root_of_their_generation(app, org, reporter) -> None:
    case_id = _case_with_entries(app, org, reporter, count=1)
    key = _internal_key(app, org, case_id)
    root = open_test_root(app)
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        entry = journal.append_by_custodians(
            session, case, root.generation, root.identity, key, "note", {"text": "pemulihan"}
        )
        assert entry.author == f"custodians:{root.generation}"
        assert journal.verify_case(session, case) is None
        assert journal.read(session, case, key)[-1].body == {"text": "pemulihan"}
        journal.append_by_custodians(
            session, case, root.generation + 1, root.identity, key, "note", {"text": "palsu"}
        )
        verdict = journal.verify_case(session, case)
    assert verdict is not None and verdict.reason == "author"  # no such root generation


def test_checkpoint_file_round_trips_through_the_cli(app, org, reporter, tmp_path) -> None:
    _case_with_entries(app, org, reporter, count=1)
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["wbs", "journal-checkpoint"])
    assert printed.exit_code == 0 and printed.output.startswith("LENTERA JOURNAL CHECKPOINT v1")
    fingerprint = settings(app).head_log_key.public().fingerprint()
    assert f"installation key: {fingerprint}" in printed.output
    (tmp_path / "dicetak.txt").write_text(printed.output)
    good = _verify(app, "--checkpoint", str(tmp_path / "dicetak.txt"))
    assert good.exit_code == 0, good.output
    assert "the head log still holds the checkpoint of" in good.output
    with app_database(app).session() as session:
        made = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "journal_checkpoint")
        ).all()
    assert made and all(detail.endswith("command line") for detail in made)
    saksi = _checkpoint(app, tmp_path)
    again = runner.invoke(args=["wbs", "journal-checkpoint", "--output", str(saksi)])
    assert again.exit_code == 1 and "exists" in again.output
    # Edited on the way back, from another installation, or not a checkpoint at all:
    moved = tmp_path / "diubah.txt"
    text = saksi.read_text()
    position = next(line for line in text.splitlines() if line.startswith("log position"))
    moved.write_text(text.replace(position, "log position: 0"))
    edited = _verify(app, "--checkpoint", str(moved))
    assert edited.exit_code == 1 and "its signature does not verify" in edited.output
    junk = tmp_path / "bukan.txt"
    junk.write_text("catatan rapat\n")
    unreadable = _verify(app, "--checkpoint", str(junk))
    assert unreadable.exit_code == 2 and "not a readable checkpoint" in unreadable.output


def test_a_checkpoint_of_another_installation_is_refused(
    app, make_app, reporter, tmp_path, request
) -> None:
    other = make_app(HEAD_LOG_SEED="ab" * 32)  # the log is empty yet, so it may start
    theirs = _checkpoint(other, tmp_path, "lain.txt")
    org = request.getfixturevalue("org")  # its ceremony and certificates add links
    _case_with_entries(app, org, reporter, count=1)
    result = _verify(app, "--checkpoint", str(theirs))
    assert result.exit_code == 1
    ours = settings(app).head_log_key.public().fingerprint()
    assert f"not this installation's ({ours})" in result.output


def test_the_app_refuses_to_start_beside_another_head_log_key(make_app, org, reporter) -> None:
    app = make_app()
    _case_with_entries(app, org, reporter, count=1)
    with pytest.raises(ConfigError, match="HEAD_LOG_SEED is not the key that signed"):
        make_app(HEAD_LOG_SEED="cd" * 32)


def test_db_upgrade_anchors_journals_written_before_the_log(app, org, reporter) -> None:
    case_id = _case_with_entries(app, org, reporter, count=2)
    with app_database(app).session() as session:  # as a database from before migration 0028
        session.execute(delete(HeadLogLink))
        session.execute(delete(CaseHead))
    before = _verify(app)
    assert before.exit_code == 1
    assert f"case {case_id}: its journal is not in the head log (run wbs db-upgrade)" in (
        before.output
    )
    upgraded = app.test_cli_runner().invoke(args=["wbs", "db-upgrade"])
    assert upgraded.exit_code == 0 and "case journals anchored in the head log" in upgraded.output
    after = _verify(app)
    assert after.exit_code == 0, after.output


def test_appends_from_two_writers_at_once_keep_one_chain(app, org, reporter) -> None:
    first = _case_with_entries(app, org, reporter, count=1)
    second = _case_with_entries(app, org, reporter, count=1)
    budi = identity_of(app, org.budi)
    database = app_database(app)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(case_id: int) -> None:
        try:
            start.wait()
            for index in range(10):
                with database.session(immediate=True) as session:
                    case = session.get(Case, case_id)
                    staff = session.get(StaffMember, org.budi.id)
                    journal.append(session, case, staff, budi, "note", {"text": str(index)})
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(case_id,)) for case_id in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.session() as session:
        positions = list(
            session.scalars(select(HeadLogLink.position).order_by(HeadLogLink.position))
        )
        heads = session.scalar(
            select(func.count()).select_from(HeadLogLink).where(HeadLogLink.kind == "head")
        )
        entries = session.scalar(select(func.count()).select_from(JournalEntry))
    assert positions == list(range(1, len(positions) + 1)) and heads == entries
    result = _verify(app)
    assert result.exit_code == 0, result.output


def test_a_supervisor_downloads_the_checkpoint_for_the_witness(
    app, org, reporter, tmp_path
) -> None:
    _case_with_entries(app, org, reporter, count=2)
    path = "/staf/pengelola/jurnal/titik-periksa"
    supervisor = signed_in(app, org.rahman)
    page = supervisor.get(path, headers={"Accept-Language": "id"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Titik periksa jurnal" in text
    assert settings(app).head_log_key.public().fingerprint() in text
    download = supervisor.post(path, data={"csrf_token": csrf_from(text)})
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "text/plain"
    saved = tmp_path / "dari-halaman.txt"
    saved.write_bytes(download.get_data())
    checked = _verify(app, "--checkpoint", str(saved))
    assert checked.exit_code == 0, checked.output
    with app_database(app).session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "journal_checkpoint"))
        assert event is not None and event.actor_id == org.rahman.id
    investigator = signed_in(app, org.budi)
    assert investigator.get(path).status_code == 403
    own = investigator.get("/staf/pengelola/").get_data(as_text=True)
    assert path not in own  # no link either
    assert investigator.post(path, data={"csrf_token": csrf_from(own)}).status_code == 403


def test_after_the_ceremony_an_uncertified_generation_signs_nothing(app, org, reporter) -> None:
    """A generation inside its dates but never certified (a key inserted, or not yet certified)."""
    case_id = _case_with_entries(app, org, reporter, count=1)
    key = _internal_key(app, org, case_id)
    inserted = Identity.generate()
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        assert journal.verify_case(session, case) is None  # Budi's certified key signs
        last = session.scalar(select(func.max(JournalEntry.created_at)))
        session.add(  # begins as Budi's last entry was written: both sit inside their dates
            StaffIdentity(
                staff_id=org.budi.id,
                generation=2,
                public=inserted.public().to_bytes(),
                created_at=datetime.fromisoformat(last),
            )
        )
        session.flush()
        journal._append(session, case, f"staff:{org.budi.id}:2", inserted, key, "note", {})
        verdict = journal.verify_case(session, case)
        assert verdict is not None and verdict.reason == "author"
        keys = {1: identity_of(app, org.budi).public().to_bytes(), 2: inserted.public().to_bytes()}
        dates_only = journal_authors.AuthorKeys(  # as if every generation were certified
            session, certificate_check=lambda _s, _staff, generation, _when: keys[generation]
        )
        assert journal.verify_case(session, case, dates_only) is None  # the certificate refused it


def test_the_verifiers_certificate_spans_agree_with_certificate_valid_at(app, org) -> None:
    """``journal_authors.CertifiedSpans`` is ``certificate_valid_at`` once per generation."""
    with app_database(app).session() as session:
        staff = session.get(StaffMember, org.budi.id)
        issued = session.scalar(
            select(func.min(HandlerCertificate.issued_at)).where(
                HandlerCertificate.staff_id == staff.id
            )
        )
        certificates.revoke(session, staff, "deactivated")
        revoked = session.scalar(
            select(func.max(HandlerCertificate.revoked_at)).where(
                HandlerCertificate.staff_id == staff.id
            )
        )
        spans = journal_authors.CertifiedSpans()
        moments = [
            issued - timedelta(seconds=1),
            issued,
            revoked - timedelta(microseconds=1),
            revoked,
            revoked + timedelta(days=1),
        ]
        for generation in (1, 2):
            for when in moments:
                expected = certificates.certificate_valid_at(session, staff.id, generation, when)
                found = spans(session, staff.id, generation, when)
                assert (found is not None) is expected, (generation, when)
                assert found in (None, identity_of(app, org.budi).public().to_bytes())
        assert [spans(session, staff.id, 1, when) is not None for when in moments] == [
            False,
            True,
            True,
            False,
            False,
        ]
