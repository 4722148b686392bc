"""Driving the reporter journey through HTTP, as a browser without JavaScript would."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.support.http import CSRF_RE, HELD_RE

DRAFT_RE = re.compile(r'name="draft" value="([^"]*)"')
NEW_DRAFT_RE = re.compile(r'name="new_draft" value="([^"]+)"')
# A receipt or an invitation code as the pages print it (receipt, letter, new-code page).
RECEIPT_RE = re.compile(r'<p class="receipt-code"[^>]*>([\d ]{24})</p>')
BIND_RE = re.compile(r'name="bind" value="([0-9a-f]{32})"')


@dataclass
class Report:
    what: str = "Petugas loket meminta uang Rp 200.000 untuk mempercepat layanan."
    who: str = "Petugas loket 3"
    where: str = "Loket pelayanan lantai 1"
    when: str = "Senin pagi, minggu lalu"
    how: str = "Saya sendiri diminta membayar."
    unit: int = 0
    category: int = 1
    identity: tuple[str, str] | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)


def csrf_from(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def code_sign_in(client: FlaskClient, page: str, path: str, field: str, code: str):
    """Post a code from its code page, with the kept post's key when the page carries one."""
    data = {"csrf_token": csrf_from(page), field: code}
    held = HELD_RE.search(page)
    if held:
        data["held"] = held.group(1)
    return client.post(path, data=data)


def bind_from(page: str) -> str:
    """The reply or statement form's tie to its case (services.codes.held.binding_for)."""
    match = BIND_RE.search(page)
    assert match, "no binding on the page"
    return match.group(1)


def post_form(client: FlaskClient, report: Report, draft: str = "", page: str | None = None):
    """Post the report form (multipart, draft and token first, files last)."""
    page = page if page is not None else client.get("/lapor/formulir").get_data(as_text=True)
    data: list[tuple[str, object]] = [("draft", draft)]
    new_draft = NEW_DRAFT_RE.search(page)
    if new_draft:  # as a browser sends the empty form's hidden fields
        data.append(("new_draft", new_draft.group(1)))
    data += [
        ("csrf_token", csrf_from(page)),
        ("unit", str(report.unit)),
        ("category", str(report.category)),
        ("what", report.what),
        ("who", report.who),
        ("where", report.where),
        ("when", report.when),
        ("how", report.how),
    ]
    if report.identity:
        data += [
            ("give_identity", "y"),
            ("identity_name", report.identity[0]),
            ("identity_contact", report.identity[1]),
        ]
    for name, content in report.files:
        data.append(("evidence", (io.BytesIO(content), name)))
    from werkzeug.datastructures import MultiDict

    return client.post("/lapor/formulir", data=MultiDict(data), content_type="multipart/form-data")


def follow(client: FlaskClient, response):
    """The page a redirect leads to, for the test client and ``LiveClient`` alike."""
    location = urlsplit(response.headers["Location"])
    return client.get(location.path + (f"?{location.query}" if location.query else ""))


def send_review(
    client: FlaskClient, review_page: str, exclude: list[int] = (), follow_redirect: bool = True
):
    """The review page's "send"; by default the receipt page its redirect leads to."""
    data = {
        "csrf_token": csrf_from(review_page),
        "draft": DRAFT_RE.search(review_page).group(1),
        "exclude": [str(staff_id) for staff_id in exclude],
    }
    sent = client.post("/lapor/kirim", data=data)
    if follow_redirect and sent.status_code == 303:
        return follow(client, sent)
    return sent


def submit_report(client: FlaskClient, report: Report, exclude: list[int] = ()) -> str:
    """The whole intake; returns the receipt as shown."""
    review = post_form(client, report)
    assert review.status_code == 200, review.get_data(as_text=True)[:2000]
    sent = send_review(client, review.get_data(as_text=True), exclude)
    assert sent.status_code == 200, sent.get_data(as_text=True)[:2000]
    return RECEIPT_RE.search(sent.get_data(as_text=True)).group(1)


def reply(reporter: FlaskClient, text: str) -> None:
    """The signed-in reporter answers on their case page, with no file."""
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    sent = reporter.post(
        "/lapor/kasus/pesan",
        data={"csrf_token": csrf_from(page), "message": text},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]


def open_case(client: FlaskClient, receipt: str):
    page = client.get("/lapor/masuk").get_data(as_text=True)
    return client.post("/lapor/masuk", data={"csrf_token": csrf_from(page), "receipt": receipt})
