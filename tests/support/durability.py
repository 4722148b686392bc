"""Reporting against a real gunicorn, and what the crash and concurrency tests check afterwards.

A submission over HTTP is two posts (the form with its evidence, then the
review page's "send"); ``file_report`` and ``send`` drive them with
``live.Browser``. ``Leftovers`` is what must be empty after the start-up
sweep: files no case claims, cases whose files are missing, pending rows and
drafts nobody can use.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.live import Browser
from tests.support.reporter import DRAFT_RE, RECEIPT_RE, csrf_from
from tests.support.settings import FAST_ARGON2
from wbs_app.db import app_database
from wbs_app.models import Attachment, Case, CaseRecord, KeyWrap, PendingFile, SubmissionDraft
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.store import AttachmentStore

FILE_LINK_RE = re.compile(r"/lapor/kasus/berkas/(\d+)")


def live_settings(app: Flask, **extra: str) -> dict[str, str]:
    """The settings a LiveServer needs to serve this test app's database and secrets."""
    keys = ("SECRET_KEY", "INSTALLATION_SALT", "PASSWORD_PEPPER", "DATABASE_URL", *FAST_ARGON2)
    settings = {key: str(app.config[key]) for key in keys}
    settings.update(extra)
    return settings


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_report(
    browser: Browser, unit_id: int, what: str, files: list[tuple[str, bytes]]
) -> tuple[int, str]:
    """The form with its evidence; returns the status and the review page."""
    fields = _form_fields(browser, unit_id, what, files)
    status, body = browser.send("/lapor/formulir", fields, multipart=True)
    return status, body.decode()


def file_report_slowly(
    browser: Browser, unit_id: int, what: str, evidence: bytes, seconds: float
) -> tuple[int, str]:
    """The same form, its body trickled out over ``seconds`` (a reporter on a slow link)."""
    fields = _form_fields(browser, unit_id, what, [("bukti.bin", evidence)])
    boundary, body = encode_multipart(MultiDict(fields))
    pieces = 40
    size = -(-len(body) // pieces)

    def trickle() -> Iterator[bytes]:
        for start in range(0, len(body), size):
            yield body[start : start + size]
            time.sleep(seconds / pieces)

    content_type = f"multipart/form-data; boundary={boundary}"
    status, page = browser.send_stream("/lapor/formulir", trickle(), len(body), content_type)
    return status, page.decode()


def _form_fields(
    browser: Browser, unit_id: int, what: str, files: list[tuple[str, bytes]]
) -> list[tuple[str, Any]]:
    page = browser.get("/lapor/formulir")
    fields: list[tuple[str, Any]] = [
        ("draft", ""),
        ("csrf_token", csrf_from(page)),
        ("unit", str(unit_id)),
        ("category", "1"),
        ("what", what),
        ("who", "Petugas loket"),
        ("where", "Loket 3"),
        ("when", "Senin"),
        ("how", "Diminta uang"),
    ]
    fields += [("evidence", FileStorage(io.BytesIO(data), name)) for name, data in files]
    return fields


def send(browser: Browser, review_page: str) -> tuple[int, str]:
    """The review page's "send"; returns the status and the receipt page (or an error page)."""
    draft = DRAFT_RE.search(review_page)
    assert draft, "no draft on the review page"
    fields = {"csrf_token": csrf_from(review_page), "draft": draft.group(1)}
    status, body = browser.send("/lapor/kirim", fields)
    return status, body.decode()


def receipt_in(page: str) -> str:
    found = RECEIPT_RE.search(page)
    assert found, "no receipt on the page"
    return found.group(1)


def open_with_receipt(base_url: str, receipt: str) -> tuple[str, list[bytes]]:
    """A returning reporter: the case page and every evidence file, downloaded."""
    browser = Browser(base_url)
    login = browser.get("/lapor/masuk")
    page = browser.post("/lapor/masuk", {"csrf_token": csrf_from(login), "receipt": receipt})
    files = [browser.get_bytes(f"/lapor/kasus/berkas/{n}") for n in FILE_LINK_RE.findall(page)]
    return page, files


def integrity_check(app: Flask) -> str:
    """``PRAGMA integrity_check`` on SQLite ("ok" when sound); PostgreSQL has no such check."""
    engine = app_database(app).engine
    if engine.dialect.name != "sqlite":
        return "ok"
    with engine.connect() as connection:
        rows = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
    return "; ".join(rows)


@dataclass
class Leftovers:
    """What no case and no live draft claims, and cases that are not whole."""

    files_without_case: list[str] = field(default_factory=list)
    pending_without_draft: list[str] = field(default_factory=list)
    attachments_without_file: list[str] = field(default_factory=list)
    pending_rows_without_draft: int = 0
    expired_drafts: int = 0
    cases_without_report: int = 0
    cases_without_wraps: int = 0

    def empty(self) -> bool:
        return self == Leftovers()


@dataclass
class Census:
    cases: int
    drafts: int
    pending_files: int
    attachments: int
    leftovers: Leftovers


def census(app: Flask, store_root: Path) -> Census:
    """Count what the database and the attachment store hold, and what does not add up."""
    store = AttachmentStore(store_root)
    with app_database(app).session() as session:
        attached = set(session.scalars(select(Attachment.storage_name)))
        live_drafts = set(
            session.scalars(
                select(SubmissionDraft.id_hash).where(SubmissionDraft.expires_at > utcnow())
            )
        )
        pending_rows = list(
            session.execute(select(PendingFile.storage_name, PendingFile.draft_id_hash))
        )
        claimed = {name for name, draft in pending_rows if draft in live_drafts}
        cases = list(session.scalars(select(Case.id)))
        with_report = set(
            session.scalars(select(CaseRecord.case_id).where(CaseRecord.kind == "report"))
        )
        with_wraps = set(session.scalars(select(KeyWrap.case_id)))
        drafts = session.scalar(select(func.count()).select_from(SubmissionDraft)) or 0
    on_disk_files = {path.name for path in store.files.iterdir()}
    on_disk_pending = {path.name for path in store.pending.iterdir()}
    leftovers = Leftovers(
        files_without_case=sorted(on_disk_files - attached),
        pending_without_draft=sorted(on_disk_pending - claimed),
        attachments_without_file=sorted(attached - on_disk_files),
        pending_rows_without_draft=sum(1 for _, draft in pending_rows if draft not in live_drafts),
        expired_drafts=drafts - len(live_drafts),
        cases_without_report=len(set(cases) - with_report),
        cases_without_wraps=len(set(cases) - with_wraps),
    )
    return Census(len(cases), drafts, len(pending_rows), len(attached), leftovers)


SERVER_FAILURE_RE = re.compile(
    r"^(?:(?:[A-Z]+ \S+|-) 5\d\d \d+ms.*"
    r"|.*(?:database is locked|unhandled|Traceback|WORKER TIMEOUT).*)$",
    re.MULTILINE,
)


def server_failures(log: str) -> list[str]:
    """Lines of a gunicorn log that tell of a failure: a 5xx, a lock, an unhandled error."""
    return SERVER_FAILURE_RE.findall(log)
