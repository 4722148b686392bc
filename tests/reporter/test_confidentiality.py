"""What a reporter leaves behind: nothing readable, anywhere, at any moment."""

from __future__ import annotations

import io
import re
import tempfile
import time
from pathlib import Path

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.http import https_client
from tests.support.leaks import database_dump, tree_bytes
from tests.support.live import Browser
from tests.support.reporter import RECEIPT_RE, Report, csrf_from, open_case, submit_report
from wbs_app.db import app_database

REPORT_MARKER = "MARKERREPORT7f3a9c"
FILE_MARKER = b"MARKERFILEc0ffee42"
NAME_MARKER = "MARKERNAMEBudiman"


def test_full_journey_leaves_no_plaintext_or_receipt_anywhere(
    app, org, live_server, instance_path
) -> None:
    started = time.time() - 1
    browser = Browser(live_server.url)
    form_page = browser.get("/lapor/formulir")
    evidence = (FILE_MARKER + b" ") * (3 * 2**20 // len(FILE_MARKER))  # ~3 MiB
    review = browser.post(
        "/lapor/formulir",
        [
            ("draft", ""),
            ("csrf_token", csrf_from(form_page)),
            ("unit", str(org.units["a"])),
            ("category", "1"),
            ("what", f"Pungli {REPORT_MARKER} di loket"),
            ("who", ""),
            ("where", ""),
            ("when", ""),
            ("how", ""),
            ("give_identity", "y"),
            ("identity_name", NAME_MARKER),
            ("identity_contact", ""),
            ("evidence", FileStorage(io.BytesIO(evidence), "bukti-rahasia.bin")),
        ],
        multipart=True,
    )
    draft = re.search(r'name="draft" value="([^"]+)"', review).group(1)
    sent = browser.post("/lapor/kirim", {"csrf_token": csrf_from(review), "draft": draft})
    receipt = RECEIPT_RE.search(sent).group(1)
    returning = Browser(live_server.url)
    login_page = returning.get("/lapor/masuk")
    case_page = returning.post(
        "/lapor/masuk", {"csrf_token": csrf_from(login_page), "receipt": receipt}
    )
    assert REPORT_MARKER in case_page
    file_id = re.search(r"/lapor/kasus/berkas/(\d+)", case_page).group(1)
    assert returning.get(f"/lapor/kasus/berkas/{file_id}").encode() == evidence
    live_server.stop()

    digits = receipt.replace(" ", "").encode()
    needles = [
        REPORT_MARKER.encode(),
        FILE_MARKER,
        NAME_MARKER.encode(),
        digits,
        receipt.encode(),
        b"bukti-rahasia",
    ]
    haystacks = {
        "database": database_dump(app),
        "instance folder (database files, attachments, config)": tree_bytes(instance_path),
        "temp directory": tree_bytes(Path(tempfile.gettempdir()), started),
        "server log": live_server.log().encode(),
    }
    for where, haystack in haystacks.items():
        for needle in needles:
            assert needle not in haystack, f"{needle[:20]!r} found in {where}"
    # The send redirected to the page that showed the receipt once (post/redirect/get); the
    # access log says only status and duration of reporter pages (issue 18).
    quiet = re.findall(rb"^- (\d{3}) \d+ms$", haystacks["server log"], re.MULTILINE)
    assert b"303" in quiet and b"200" in quiet[quiet.index(b"303") :]
    assert b"/lapor" not in haystacks["server log"]


class ProbingStream(io.BytesIO):
    """A request body that, halfway through, runs a probe (as if looking at the disk mid-upload)."""

    def __init__(self, data: bytes, probe) -> None:
        super().__init__(data)
        self.half = len(data) // 2
        self.probe = probe
        self.probed = False

    def _check(self) -> None:
        if not self.probed and self.tell() >= self.half:
            self.probed = True
            self.probe()

    def read(self, size: int | None = -1) -> bytes:
        self._check()
        return super().read(size)

    def readinto(self, buffer) -> int:  # type: ignore[override]
        self._check()
        return super().readinto(buffer)

    def read1(self, size: int = -1) -> bytes:
        self._check()
        return super().read1(size)


def test_upload_never_touches_disk_in_plaintext(app, org, reporter, instance_path) -> None:
    started = time.time() - 1
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    evidence = FILE_MARKER * (6 * 2**20 // len(FILE_MARKER))  # 6 MiB
    boundary, body = encode_multipart(
        MultiDict(
            [
                ("draft", ""),
                ("csrf_token", csrf_from(page)),
                ("unit", str(org.units["a"])),
                ("category", "1"),
                ("what", "bukti besar"),
                ("evidence", FileStorage(io.BytesIO(evidence), "besar.bin")),
            ]
        )
    )
    seen: dict[str, bool] = {}

    def probe() -> None:
        pending = list((instance_path / "attachments" / "pending").iterdir())
        seen["ciphertext being written"] = any(path.stat().st_size > 0 for path in pending)
        seen["plaintext on disk"] = FILE_MARKER in tree_bytes(
            instance_path
        ) or FILE_MARKER in tree_bytes(Path(tempfile.gettempdir()), started)

    response = reporter.post(
        "/lapor/formulir",
        input_stream=ProbingStream(body, probe),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    assert response.status_code == 200
    assert seen == {"ciphertext being written": True, "plaintext on disk": False}
    assert FILE_MARKER not in tree_bytes(instance_path)


def test_receipt_of_case_a_cannot_reach_case_b(app, org, reporter) -> None:
    receipt_a = submit_report(reporter, Report(unit=org.units["a"], what="Kasus A"))
    submit_report(
        https_client(app),
        Report(unit=org.units["a"], what="Kasus B", files=[("b.txt", b"berkas kasus B")]),
    )
    visitor = https_client(app)
    open_case(visitor, receipt_a)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Kasus A" in page and "Kasus B" not in page
    from sqlalchemy import select

    from wbs_app.models import Attachment

    with app_database(app).session() as session:
        b_file = session.scalar(select(Attachment.id))
    assert visitor.get(f"/lapor/kasus/berkas/{b_file}").status_code == 404
    assert visitor.get("/lapor/kasus/berkas/999999").status_code == 404
