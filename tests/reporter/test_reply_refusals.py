"""A reply the domain refuses is answered by what refused it, never by a guess.

The reply view caught every ``DomainError`` as "write a message or attach a
file", the access error among them: a key that no longer opens (a case's
reporter key gone, say) told the reporter to write something, although what
they wrote was there. An access error is answered as one everywhere on the
reporter's side (``NoAccess``: the page does not exist, 404), and the files
that streamed in are discarded.
"""

from __future__ import annotations

import io
import sys

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.support.http import https_client
from tests.support.reporter import Report, bind_from, csrf_from, open_case, submit_report
from wbs_app.db import app_database
from wbs_app.models import CaseRecord
from wbs_app.services.cases import casefile
from wbs_app.services.cases.case_keys import NoAccess

EMPTY_WORDS = "Tulis pesan atau lampirkan berkas"


def _reply(visitor, page: str, text: str, files=()):
    data = [("csrf_token", csrf_from(page)), ("bind", bind_from(page)), ("message", text)]
    data += [("evidence", (io.BytesIO(content), name)) for name, content in files]
    return visitor.post(
        "/lapor/kasus/pesan", data=MultiDict(data), content_type="multipart/form-data"
    )


def _records(app) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(CaseRecord))


def test_an_access_error_on_a_reply_is_a_404_not_a_request_to_write(
    app, org, reporter, monkeypatch
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    before = _records(app)

    real = casefile.case_keys.audience_key

    def no_key_for_the_reply(*args, **kwargs):
        # Only the reply's own look-up fails: the session still resumes.
        if sys._getframe(1).f_code is casefile.add_reporter_message.__code__:
            raise NoAccess()
        return real(*args, **kwargs)

    monkeypatch.setattr(casefile.case_keys, "audience_key", no_key_for_the_reply)
    answer = _reply(visitor, page, "Ada bukti baru.", [("bukti.txt", b"bukti")])
    monkeypatch.undo()
    assert answer.status_code == 404
    assert EMPTY_WORDS not in visitor.get("/lapor/kasus").get_data(as_text=True)
    assert _records(app) == before


def test_an_empty_reply_is_still_asked_for_words(app, org, reporter) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    answer = _reply(visitor, page, "   ")
    assert answer.status_code == 302
    assert EMPTY_WORDS in visitor.get("/lapor/kasus").get_data(as_text=True)
