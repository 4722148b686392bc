"""Recording a report received elsewhere through the handlers' form, as a browser posts it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from tests.support.reporter import DRAFT_RE, RECEIPT_RE, csrf_from, open_case

RECORD_PATH = "/staf/pengelola/laporan-baru"


@dataclass
class Recorded:
    channel: str = "telepon"
    received_on: str = ""  # today when empty
    reference: str = ""
    contact: str = "surat"
    unit: int = 0
    category: int = 1
    what: str = "Penelpon menyebut pungutan Rp 150.000 di loket pembuatan paspor."
    who: str = "Petugas loket 2"
    where: str = "Kantor Imigrasi, loket 2"
    when: str = "Selasa lalu"
    how: str = "Ia sendiri diminta membayar."
    identity: tuple[str, str] | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)


def post_recording(
    client: FlaskClient, recorded: Recorded, page: str | None = None, draft: str | None = None
):
    """Post the recording form: draft and token first, files last (they stream in order)."""
    page = page if page is not None else client.get(RECORD_PATH).get_data(as_text=True)
    if draft is None:
        found = DRAFT_RE.search(page)
        draft = found.group(1) if found else ""
    data: list[tuple[str, object]] = [
        ("draft", draft),
        ("csrf_token", csrf_from(page)),
        ("channel", recorded.channel),
        ("received_on", recorded.received_on or date.today().isoformat()),
        ("reference", recorded.reference),
        ("contact", recorded.contact),
        ("unit", str(recorded.unit)),
        ("category", str(recorded.category)),
        ("what", recorded.what),
        ("who", recorded.who),
        ("where", recorded.where),
        ("when", recorded.when),
        ("how", recorded.how),
    ]
    if recorded.identity:
        data += [
            ("identity_name", recorded.identity[0]),
            ("identity_contact", recorded.identity[1]),
        ]
    for name, content in recorded.files:
        data.append(("evidence", (io.BytesIO(content), name)))
    return client.post(RECORD_PATH, data=MultiDict(data), content_type="multipart/form-data")


def record(client: FlaskClient, recorded: Recorded) -> tuple[int, str | None]:
    """Record it; returns (case id, the printed receipt or None), read off the letter page."""
    response = post_recording(client, recorded)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    letter_path = response.headers["Location"]
    case_id = int(letter_path.rstrip("/").split("/")[-2])
    letter = client.get(letter_path).get_data(as_text=True)
    found = RECEIPT_RE.search(letter)
    return case_id, found.group(1) if found else None


def sign_in_with_letter(client: FlaskClient, printed: str) -> str:
    """The reporter signs in with the printed receipt and types the new one back; returns it."""
    opened = open_case(client, printed)
    assert opened.status_code == 302, opened.get_data(as_text=True)[:2000]
    shown = client.get("/lapor/kode-baru").get_data(as_text=True)
    own = RECEIPT_RE.search(shown).group(1)
    confirmed = client.post(
        "/lapor/kode-baru", data={"csrf_token": csrf_from(shown), "receipt": own}
    )
    assert confirmed.status_code == 302
    return own
