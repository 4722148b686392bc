"""Files the database does not know: a few are quarantined, many stop the sweep, none is deleted.

A wrong ``WBS_DATABASE_URL`` (an empty database, or another installation's)
or an older restore makes every evidence file look orphaned. The sweep then
moves nothing, says why (the likely cause and the fix, counts only, no file
names) and exits non-zero, so gunicorn's start-up refuses to serve. A few
unknown files (at most ``SWEEP_MAX_UNKNOWN``) are moved into
``quarantine/`` inside the attachment folder, byte for byte; an operator who
checked the database may quarantine more with ``--quarantine-unknown``.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

import pytest

from tests.support.durability import FILE_LINK_RE, live_settings
from tests.support.http import https_client
from tests.support.live import LiveServer
from tests.support.reporter import Report, open_case, post_form, submit_report
from tests.support.staff import make_staff, make_units
from tests.support.sweeping import contents, store_digests
from wbs_app.database import Database
from wbs_app.migrate import upgrade
from wbs_app.models import StaffRole
from wbs_app.services.office.catalogue import ensure_default_categories

STORAGE_NAME_RE = re.compile(r"[0-9a-f]{48}")
REPORTS = 3  # two files each: six stored files in files/, and one draft's file in pending/


@pytest.fixture
def evidence(app, org, reporter) -> dict[str, bytes]:
    """Three cases with two files each, and a draft with one: what a running office holds."""
    receipts = {}
    for number in range(REPORTS):
        files = [(f"bukti-{number}-{i}.bin", os.urandom(50_000)) for i in range(2)]
        receipt = submit_report(reporter, Report(unit=org.units["a"], files=files))
        receipts[receipt] = files[0][1]
    draft = post_form(reporter, Report(unit=org.units["a"], files=[("draf.bin", b"draf")]))
    assert draft.status_code == 200
    return receipts


def _store_root(app) -> Path:
    return app.extensions["lentera.store"].root


def _other_database(tmp_path: Path, name: str) -> str:
    """An empty, migrated SQLite database somewhere else: what a wrong URL points at."""
    folder = tmp_path / name
    folder.mkdir()
    url = f"sqlite:///{folder / 'wbs.sqlite3'}"
    database = Database(url)
    upgrade(database.engine)
    with database.session() as session:
        ensure_default_categories(session)
    database.dispose()
    return url


def _server_on(make_app, app, url: str, **extra):
    """The same installation (secrets, attachment folder) started on the database at ``url``."""
    return make_app(
        SECRET_KEY=app.config["SECRET_KEY"],
        INSTALLATION_SALT=app.config["INSTALLATION_SALT"],
        DATABASE_URL=url,
        **extra,
    )


def _assert_opens(app, receipts: dict[str, bytes]) -> None:
    for receipt, first_file in receipts.items():
        visitor = https_client(app)
        assert open_case(visitor, receipt).status_code == 302
        page = visitor.get("/lapor/kasus").get_data(as_text=True)
        links = FILE_LINK_RE.findall(page)
        assert len(links) == 2
        assert first_file in [visitor.get(f"/lapor/kasus/berkas/{n}").get_data() for n in links]


@pytest.mark.parametrize("database", ["empty", "another installation's"])
@pytest.mark.parametrize("args", [["wbs", "sweep"], ["wbs", "sweep", "--at-start"]])
def test_a_sweep_on_the_wrong_database_moves_no_evidence(
    app, make_app, evidence, tmp_path, caplog, database: str, args: list[str]
) -> None:
    root = _store_root(app)
    wrong = _server_on(make_app, app, _other_database(tmp_path, "wrong"))
    if database != "empty":  # a database in use elsewhere: it knows one file of its own
        units = make_units(wrong)
        make_staff(wrong, "andi", unit_ids=(units["a"],))
        make_staff(wrong, "rahmat", StaffRole.SUPERVISOR, unit_ids=(units["kanwil"],))
        submit_report(https_client(wrong), Report(unit=units["a"], files=[("x.bin", b"lain")]))
    before = store_digests(root)

    with caplog.at_level(logging.INFO):
        result = wrong.test_cli_runner().invoke(args=args)

    assert store_digests(root) == before, "the sweep moved or deleted evidence"
    assert result.exit_code == 1, result.output
    output = result.output
    assert "6 stored files are unknown to this database" in output
    assert "nothing was moved or deleted" in output
    assert "WBS_DATABASE_URL" in output and "older" in output and "restore" in output
    assert "--quarantine-unknown" in output
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("WBS_DATABASE_URL" in message for message in warnings)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert STORAGE_NAME_RE.search(output + logged) is None  # counts only, never a file name
    # On the right database the same folder is in order: every case opens whole
    # (the other installation's file, unknown here, goes to quarantine, kept).
    right = app.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert right.exit_code == 0, right.output
    strangers = 0 if database == "empty" else 1
    assert f"{strangers} unknown files quarantined" in right.output
    assert contents(store_digests(root)) == contents(before)
    _assert_opens(app, evidence)


def test_gunicorn_refuses_to_start_on_an_empty_database(
    app, evidence, instance_path, tmp_path
) -> None:
    root = _store_root(app)
    before = store_digests(root)
    wrong = _other_database(tmp_path, "wrong")
    server = LiveServer(instance_path, live_settings(app, DATABASE_URL=wrong))
    try:
        server.start()
    except RuntimeError as refused:
        log = str(refused)
    else:
        server.stop()
        pytest.fail("gunicorn started and served on a database that knows none of the evidence")
    assert log.startswith("gunicorn exited")
    assert "6 stored files are unknown to this database" in log
    assert "WBS_DATABASE_URL" in log and "The server does not start" in log
    assert log.count("6 stored files are unknown") == 1
    assert "Booting worker" not in log  # no worker ever served
    assert store_digests(root) == before
    _assert_opens(app, evidence)


def test_a_few_unknown_files_are_quarantined_never_deleted(app, evidence) -> None:
    store = app.extensions["lentera.store"]
    known = sorted(path.name for path in store.files.iterdir())
    strays = [store.files / store.new_name(), store.files / store.new_name()]
    for stray in strays:
        stray.write_bytes(os.urandom(1000))  # a copy from elsewhere, restored by hand
    cut_off = store.pending / store.new_name()
    cut_off.write_bytes(b"ciphertext of an upload whose server died")
    before = store_digests(store.root)

    result = app.test_cli_runner().invoke(args=["wbs", "sweep"])

    assert result.exit_code == 0, result.output
    assert "3 unknown files quarantined" in result.output
    after = store_digests(store.root)
    assert contents(after) == contents(before)  # every byte kept
    quarantine = store.root / "quarantine"
    assert sorted(after) == sorted(
        [f"files/{name}" for name in known]
        + [f"quarantine/files/{stray.name}" for stray in strays]
        + [f"quarantine/pending/{cut_off.name}"]
        + [key for key in before if key.startswith("pending/") and key != f"pending/{cut_off.name}"]
    )
    for folder in (quarantine, quarantine / "files", quarantine / "pending"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    _assert_opens(app, evidence)
    # Quarantined files are the operator's: a later sweep leaves them where they are.
    again = app.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert "0 unknown files quarantined" in again.output
    assert store_digests(store.root) == after


def test_the_handful_is_a_setting(make_app, app, evidence) -> None:
    store = app.extensions["lentera.store"]
    (store.files / store.new_name()).write_bytes(b"one stray")
    before = store_digests(store.root)
    strict = _server_on(make_app, app, app.config["DATABASE_URL"], SWEEP_MAX_UNKNOWN=0)
    result = strict.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert result.exit_code == 1
    assert "1 stored files are unknown to this database" in result.output
    assert store_digests(store.root) == before


def test_an_operator_who_checked_may_quarantine_them_all(app, make_app, evidence, tmp_path) -> None:
    root = _store_root(app)
    before = store_digests(root)
    wrong = _server_on(make_app, app, _other_database(tmp_path, "wrong"))
    result = wrong.test_cli_runner().invoke(args=["wbs", "sweep", "--quarantine-unknown"])
    assert result.exit_code == 0, result.output
    assert "7 unknown files quarantined" in result.output
    after = store_digests(root)
    assert contents(after) == contents(before)
    assert all(key.startswith("quarantine/") for key in after)


def test_a_small_office_on_the_wrong_database_loses_nothing_either(
    app, make_app, org, reporter, tmp_path
) -> None:
    """Three evidence files, fewer than SWEEP_MAX_UNKNOWN: a database that knows none is refused."""
    for number in range(3):
        submit_report(reporter, Report(unit=org.units["a"], files=[(f"b{number}.bin", b"x")]))
    root = _store_root(app)
    before = store_digests(root)
    wrong = _server_on(make_app, app, _other_database(tmp_path, "wrong"))
    result = wrong.test_cli_runner().invoke(args=["wbs", "sweep", "--at-start"])
    assert result.exit_code == 1, result.output
    assert "3 stored files are unknown to this database, which knows 0" in result.output
    assert store_digests(root) == before


def test_a_sweep_that_fails_midway_keeps_every_file_of_what_it_did_not_forget(
    app, org, reporter
) -> None:
    """The files of expired drafts go only after the commit that forgets the drafts.

    The sweep is made to fail at its commit (a database failure, from the
    engine): the drafts stay, so their files must stay too, and the draft is
    still sent whole (an expired draft that exists still opens).
    """
    from sqlalchemy import event, update

    from tests.support.reporter import RECEIPT_RE, send_review
    from wbs_app.db import app_database
    from wbs_app.models import SubmissionDraft
    from wbs_app.services.infra.clock import utcnow

    review = post_form(reporter, Report(unit=org.units["a"], files=[("draf.bin", b"isi draf")]))
    assert review.status_code == 200
    database = app_database(app)
    with database.session() as session:
        session.execute(update(SubmissionDraft).values(expires_at=utcnow()))
    store = app.extensions["lentera.store"]
    pending_before = store.names(store_folder("pending"))
    assert len(pending_before) == 1

    def fail_commit(connection) -> None:
        raise RuntimeError("the disk is full")

    event.listen(database.engine, "commit", fail_commit)
    try:
        result = app.test_cli_runner().invoke(args=["wbs", "sweep"])
    finally:
        event.remove(database.engine, "commit", fail_commit)
    assert result.exit_code != 0
    assert store.names(store_folder("pending")) == pending_before
    sent = send_review(reporter, review.get_data(as_text=True))
    assert sent.status_code == 200
    assert RECEIPT_RE.search(sent.get_data(as_text=True))
    # the case's file moved into place with the send:
    assert len(store.names(store_folder("files"))) == 1


def store_folder(name: str):
    from wbs_app.services.infra.store import Folder

    return Folder(name)
