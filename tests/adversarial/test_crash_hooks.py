"""A worker killed (``os._exit``) at each step of a submission: the whole case or no trace.

The crash hook (``CRASH_POINT``, ``wbs_app.checkpoints``) kills the gunicorn
worker when the submission reaches the named step, as an OOM kill or a power
cut would: no rollback, no ``finally``. The test then kills what is left of
the server (``kill -9`` of its process group), starts it again the normal way
(gunicorn's start-up sweep included) and checks, over HTTP and in the
database, that the reporter who got no receipt sees no case half made, that
a case committed before the crash is whole (records, wraps, every file in
place and decrypting to the same bytes) and that its receipt, never shown,
reaches the reporter who sends again, that the draft of a send that died
before its commit can still be sent, that SQLite's integrity check passes
and that nothing is left over: no file without a case, no pending file or
draft nobody can use (what the database never knew is in quarantine/).
"""

from __future__ import annotations

import os
import re
import time

import pytest

from config import CRASH_POINTS, ConfigError, load_settings, validate
from tests.support.durability import (
    census,
    file_report,
    integrity_check,
    live_settings,
    open_with_receipt,
    receipt_in,
    send,
    sha256,
)
from tests.support.http import https_client
from tests.support.live import CONNECTION_LOST, Browser, LiveServer
from tests.support.staff import sign_in
from wbs_app.checkpoints import CRASH_EXIT_CODE, checkpoint_for, no_checkpoint
from wbs_app.factory import create_app

FORM_POINTS = ("stream", "parsed")  # during the post of the form and its evidence
COMMITTED_POINTS = ("after_commit", "promoted")  # the case exists; no receipt was sent
STRONG = "7e" + os.urandom(31).hex()


def _crash(
    server: LiveServer, browser: Browser, point: str, unit_id: int, what: str, evidence: bytes
) -> str | None:
    """Report until the hook fires; returns the review page if the form got through."""
    review = None
    try:
        status, review = file_report(browser, unit_id, what, [("bukti.bin", evidence)])
        assert status == 200, f"form answered {status}"
        assert point not in FORM_POINTS, "the form went through a crash point of its own"
        status, _ = send(browser, review)
        pytest.fail(f"no crash at {point}: send answered {status}")
    except CONNECTION_LOST:
        pass  # the worker died under the request: the client got no answer at all
    deadline = time.monotonic() + 20
    pattern = re.compile(rf"Worker \(pid:\d+\) exited with code {CRASH_EXIT_CODE}")
    while not pattern.search(server.log()):
        assert time.monotonic() < deadline, "the worker did not exit through the crash hook"
        time.sleep(0.1)
    return review


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("point", CRASH_POINTS)
def test_crash_at_each_step_leaves_the_whole_case_or_no_trace(
    app, org, instance_path, point: str
) -> None:
    evidence = os.urandom(384 * 1024)  # several chunks: the stream point fires mid-file
    what = f"Pungli di loket, laporan yang terputus ({point})"
    store_root = instance_path / "attachments"
    crashing = LiveServer(instance_path, live_settings(app, CRASH_POINT=point)).start()
    browser = Browser(crashing.url)  # the reporter's browser, cookies kept across the restart
    try:
        review = _crash(crashing, browser, point, org.units["a"], what, evidence)
    finally:
        crashing.kill()

    server = LiveServer(instance_path, live_settings(app)).start()  # the normal start-up
    browser.base = server.url
    try:
        assert server.log().count("files moved into place") == 2  # each start swept
        assert integrity_check(app) == "ok"
        after = census(app, store_root)
        assert after.leftovers.empty(), (after.leftovers, server.log())
        assert not any(store_root.joinpath("quarantine", "files").iterdir())  # no stored file
        handler = https_client(app)
        assert sign_in(app, handler, org.budi).status_code == 302
        inbox = handler.get("/staf/pengelola/kasus").get_data(as_text=True)
        case_links = sorted(set(re.findall(r"/staf/pengelola/kasus/(\d+)\"", inbox)))

        if point in COMMITTED_POINTS:
            # Committed before the crash: whole for the handlers, files in place.
            assert (after.cases, after.drafts, after.pending_files) == (1, 0, 0)
            assert len(case_links) == 1
            case_page = handler.get(f"/staf/pengelola/kasus/{case_links[0]}").get_data(as_text=True)
            assert what in case_page
            files = re.findall(rf"/staf/pengelola/kasus/{case_links[0]}/berkas/(\d+)", case_page)
            assert len(set(files)) == 1
            download = handler.get(f"/staf/pengelola/kasus/{case_links[0]}/berkas/{files[0]}")
            assert sha256(download.get_data()) == sha256(evidence)
            # The reporter, who saw no receipt, sends again: no second case, and the
            # receipt committed with the case is handed over now (nothing issued is lost).
            assert review is not None
            status, page = send(browser, review)
            assert status == 200, page[:500]
            case_page, _ = open_with_receipt(server.url, receipt_in(page))
            assert what in case_page
            assert census(app, store_root).cases == 1
            return

        # Before the commit: no case anywhere, for handlers or in the database.
        assert after.cases == 0 and case_links == []
        if point in FORM_POINTS:
            assert (after.drafts, after.pending_files) == (0, 0)
            assert not any(store_root.joinpath("pending").iterdir())
            # The cut-off upload, which the database never knew, is quarantined, not deleted.
            assert len(list(store_root.joinpath("quarantine", "pending").iterdir())) == 1
            return
        # The form's draft survived (its key is still in the reporter's page): sending
        # it again after the restart gives a receipt that opens the whole case.
        assert (after.drafts, after.pending_files) == (1, 1)
        assert review is not None
        status, page = send(browser, review)
        assert status == 200, page[:500]
        case_page, files = open_with_receipt(server.url, receipt_in(page))
        assert what in case_page
        assert [sha256(data) for data in files] == [sha256(evidence)]
        final = census(app, store_root)
        assert (final.cases, final.drafts, final.pending_files) == (1, 0, 0)
        assert final.leftovers.empty(), final.leftovers
    finally:
        server.stop()


# Everything a production start needs, so that only the crash point can be refused.
PRODUCTION = {
    "SECRET_KEY": STRONG,
    "INSTALLATION_SALT": STRONG,
    "PASSWORD_PEPPER": STRONG,
    "HEAD_LOG_SEED": STRONG,
    "BASE_URL": "https://wbs.example",
}


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_production_refuses_a_crash_point(tmp_path, point: str) -> None:
    settings = load_settings(
        tmp_path,
        {**PRODUCTION, "CRASH_POINT": point},
        environ={},
    )
    assert settings.ENV == "production"
    with pytest.raises(ConfigError, match="CRASH_POINT"):
        validate(settings)


def test_production_refuses_a_crash_point_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WBS_CRASH_POINT", "after_commit")
    config = {"ENV": "production", **PRODUCTION}
    with pytest.raises(ConfigError, match="CRASH_POINT"):
        create_app({"INSTANCE_PATH": str(tmp_path), **config})


def test_an_unknown_crash_point_is_refused_everywhere(tmp_path) -> None:
    overrides = {
        "SECRET_KEY": STRONG,
        "INSTALLATION_SALT": STRONG,
        "PASSWORD_PEPPER": STRONG,
        "CRASH_POINT": "sometime",
    }
    settings = load_settings(tmp_path, {"ENV": "test", **overrides}, environ={})
    with pytest.raises(ConfigError, match="CRASH_POINT"):
        validate(settings)


def test_the_hook_is_inert_unless_a_test_environment_names_a_point() -> None:
    assert checkpoint_for("test", "") is no_checkpoint
    # Even settings changed after validation cannot arm it in production.
    assert checkpoint_for("production", "encrypted") is no_checkpoint
    armed = checkpoint_for("test", "promoted")
    armed("encrypted")  # another step: nothing happens
    with pytest.raises(ValueError, match="unknown"):
        armed("later")
