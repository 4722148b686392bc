"""The attachment sweep beside live servers: nothing committed, uploaded or being written is lost.

Another server's sweep (``wbs sweep``, or its start-up sweep ``--at-start``)
runs while this server commits a report, posts a reply or streams an upload
in. The interleaving is forced, not hoped for: ``after_first_select`` lets the
server commit right after the sweep first reads the attachments table (on
PostgreSQL, READ COMMITTED lets that commit through; on SQLite the sweep
holds the write lock, so the server is told to come back and nothing is
lost), and ``HookedBody`` runs the sweep while the second of two files is
still arriving. Afterwards every file of every case is in place and opens
to the same bytes. Two sweeps never act at once: a second one started while
the first holds the sweep's lock says so and touches nothing.
"""

from __future__ import annotations

import io
import os

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.durability import FILE_LINK_RE, census
from tests.support.reporter import (
    RECEIPT_RE,
    Report,
    csrf_from,
    open_case,
    post_form,
    send_review,
    submit_report,
)
from tests.support.sweeping import (
    HookedBody,
    after_first_select,
    contents,
    run_sweep,
    store_digests,
)
from wbs_app.db import app_database


@pytest.fixture
def app(make_app):
    """This server: on SQLite, a request that meets a sweep's write lock is told to come back."""
    return make_app(SQLITE_BUSY_TIMEOUT_MS=100)


@pytest.fixture
def other_server(make_app, app):
    """A second server on the same database and attachment folder: its sweep is the one tested."""
    return make_app(
        SECRET_KEY=app.config["SECRET_KEY"], INSTALLATION_SALT=app.config["INSTALLATION_SALT"]
    )


def _on_sqlite(app) -> bool:
    return app_database(app).engine.dialect.name == "sqlite"


def _downloads(client) -> list[bytes]:
    """Every evidence file of the signed-in reporter's case, downloaded."""
    page = client.get("/lapor/kasus").get_data(as_text=True)
    return [client.get(f"/lapor/kasus/berkas/{n}").get_data() for n in FILE_LINK_RE.findall(page)]


def _assert_every_file_in_place(app) -> None:
    leftovers = census(app, app.extensions["lentera.store"].root).leftovers
    assert leftovers.attachments_without_file == [], "the sweep removed a committed file"


def test_a_report_sent_while_a_sweep_runs_keeps_its_evidence(
    app, other_server, org, reporter
) -> None:
    evidence = os.urandom(100_000)
    review = post_form(reporter, Report(unit=org.units["a"], files=[("bukti.bin", evidence)]))
    assert review.status_code == 200
    page = review.get_data(as_text=True)

    def send():
        return send_review(reporter, page)

    with after_first_select(other_server, "attachments", send) as sent:
        swept = run_sweep(other_server)
    assert swept.exit_code == 0, swept.output
    answer = sent[0]
    if _on_sqlite(app):  # the sweep held the write lock: the send was told to come back
        assert answer.status_code == 503
        answer = send_review(reporter, page)
    assert answer.status_code == 200
    _assert_every_file_in_place(app)
    receipt = RECEIPT_RE.search(answer.get_data(as_text=True)).group(1)
    assert open_case(reporter, receipt).status_code == 302
    assert _downloads(reporter) == [evidence]


def test_a_reply_posted_while_a_sweep_runs_keeps_its_evidence(
    app, other_server, org, reporter
) -> None:
    report_file = os.urandom(50_000)  # on disk before the sweep: it has work to do
    files = [("laporan.bin", report_file)]
    receipt = submit_report(reporter, Report(unit=org.units["a"], files=files))
    assert open_case(reporter, receipt).status_code == 302
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    evidence = os.urandom(100_000)
    boundary, body = encode_multipart(
        MultiDict(
            [
                ("csrf_token", csrf_from(page)),
                ("message", "Ini foto kuitansinya."),
                ("evidence", FileStorage(io.BytesIO(evidence), "kuitansi.jpg")),
            ]
        )
    )

    def post_reply():
        content_type = f"multipart/form-data; boundary={boundary}"
        return reporter.post("/lapor/kasus/pesan", data=body, content_type=content_type)

    with after_first_select(other_server, "attachments", post_reply) as posted:
        swept = run_sweep(other_server)
    assert swept.exit_code == 0, swept.output
    answer = posted[0]
    if _on_sqlite(app):
        assert answer.status_code == 503
        answer = post_reply()
    assert answer.status_code == 302
    _assert_every_file_in_place(app)
    assert sorted(_downloads(reporter)) == sorted([report_file, evidence])


def _two_file_body(fields: list[tuple[str, str]], first: bytes, second: bytes) -> tuple[bytes, str]:
    parts = [
        *fields,
        ("evidence", FileStorage(io.BytesIO(first), "satu.bin")),
        ("evidence", FileStorage(io.BytesIO(second), "dua.bin")),
    ]
    boundary, body = encode_multipart(MultiDict(parts))
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("where", ["report form", "reply"])
def test_the_start_up_sweep_of_another_server_leaves_uploads_in_progress_alone(
    app, other_server, org, reporter, where: str
) -> None:
    """The first file is written but not yet committed, the second still streaming in."""
    first, second = os.urandom(200_000), os.urandom(300_000)
    if where == "reply":
        receipt = submit_report(reporter, Report(unit=org.units["a"]))
        assert open_case(reporter, receipt).status_code == 302
        page = reporter.get("/lapor/kasus").get_data(as_text=True)
        fields = [("csrf_token", csrf_from(page)), ("message", "Dua berkas lagi.")]
        path = "/lapor/kasus/pesan"
    else:
        page = reporter.get("/lapor/formulir").get_data(as_text=True)
        fields = [
            ("draft", ""),
            ("csrf_token", csrf_from(page)),
            ("unit", str(org.units["a"])),
            ("category", "1"),
            ("what", "Pungli di loket"),
        ]
        path = "/lapor/formulir"
    body, content_type = _two_file_body(fields, first, second)
    midway = body.index(second) + len(second) // 2
    stream = HookedBody(
        body,
        midway,
        lambda: run_sweep(other_server, "--at-start"),
    )
    answer = reporter.post(
        path, input_stream=stream, content_type=content_type, content_length=len(body)
    )
    swept = stream.result
    assert swept is not None and swept.exit_code == 0, swept and swept.output
    if where == "reply":
        assert answer.status_code == 302
    else:
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        sent = send_review(reporter, answer.get_data(as_text=True))
        assert sent.status_code == 200
        receipt = RECEIPT_RE.search(sent.get_data(as_text=True)).group(1)
        assert open_case(reporter, receipt).status_code == 302
    _assert_every_file_in_place(app)
    assert sorted(_downloads(reporter)) == sorted([first, second])
    assert "2 uploads in progress left alone" in swept.output


def test_two_sweeps_never_act_at_once(app, org, reporter, other_server, make_app) -> None:
    store = app.extensions["lentera.store"]
    # The database knows a file (one unknown among none known would be refused).
    submit_report(reporter, Report(unit=org.units["a"], files=[("bukti.txt", b"bukti")]))
    stray = store.files / store.new_name()
    stray.write_bytes(b"ciphertext the database does not know")
    before = contents(store_digests(store.root))
    # A third server whose sweep gives up on the lock at once (SQLite: its busy timeout).
    impatient = make_app(
        SECRET_KEY=app.config["SECRET_KEY"],
        INSTALLATION_SALT=app.config["INSTALLATION_SALT"],
        SQLITE_BUSY_TIMEOUT_MS=50,
        SWEEP_LOCK_WAIT_MS=50,
    )

    def second_sweep():
        return run_sweep(impatient)

    with after_first_select(other_server, "attachments", second_sweep) as seconds:
        first = run_sweep(other_server)
    second = seconds[0]
    assert second.exit_code != 0
    assert "another sweep is running" in second.output and "nothing was done" in second.output
    assert first.exit_code == 0, first.output
    assert "1 unknown files quarantined" in first.output
    assert contents(store_digests(store.root)) == before  # moved, never deleted
    assert not stray.exists()
