"""The load test's users: the landing page, reports with evidence, and receipt logins.

Run by tests/adversarial/test_load_locust.py as ``locust --headless`` against
a gunicorn on loopback. ``WBS_LOAD_UNIT`` names the unit reports go to and
``WBS_LOAD_RECEIPTS`` holds receipts made before the run, so that logins
have codes to open from the first second; receipts made during the run are
added to them. Every answer that is not the expected page counts as a
failure, 4xx and 5xx alike.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.reporter import DRAFT_RE, RECEIPT_RE, csrf_from

UNIT = os.environ.get("WBS_LOAD_UNIT", "0")
RECEIPTS = [code for code in os.environ.get("WBS_LOAD_RECEIPTS", "").split(",") if code]


class Visitor(HttpUser):
    wait_time = between(0.5, 2.0)

    @task(5)
    def landing(self) -> None:
        self.client.get("/", name="GET /")

    @task(2)
    def report(self) -> None:
        form = self.client.get("/lapor/formulir", name="GET /lapor/formulir")
        if not form.ok:
            return
        evidence = random.randbytes(random.randint(8, 96) * 1024)
        fields = {
            "draft": "",
            "csrf_token": csrf_from(form.text),
            "unit": UNIT,
            "category": "1",
            "what": "Pungutan liar di loket pelayanan (uji beban)",
            "who": "Petugas loket",
            "where": "Loket 2",
            "when": "Kemarin",
            "how": "Diminta uang tambahan",
        }
        files = {"evidence": ("bukti.bin", evidence, "application/octet-stream")}
        with self.client.post(
            "/lapor/formulir",
            data=fields,
            files=files,
            name="POST /lapor/formulir",
            catch_response=True,
        ) as review:
            draft = DRAFT_RE.search(review.text) if review.ok else None
            if draft is None:
                review.failure(f"no review page ({review.status_code})")
                return
            review.success()
        with self.client.post(
            "/lapor/kirim",
            data={"csrf_token": csrf_from(review.text), "draft": draft.group(1)},
            name="POST /lapor/kirim",
            catch_response=True,
        ) as sent:
            receipt = RECEIPT_RE.search(sent.text) if sent.ok else None
            if receipt is None:
                sent.failure(f"no receipt ({sent.status_code})")
                return
            sent.success()
            RECEIPTS.append(receipt.group(1))

    @task(3)
    def receipt_login(self) -> None:
        if not RECEIPTS:
            return
        page = self.client.get("/lapor/masuk", name="GET /lapor/masuk")
        if not page.ok:
            return
        with self.client.post(
            "/lapor/masuk",
            data={"csrf_token": csrf_from(page.text), "receipt": random.choice(RECEIPTS)},
            name="POST /lapor/masuk (-> case page)",
            catch_response=True,
        ) as case:
            if not (case.ok and "/lapor/kasus" in case.url):
                case.failure(f"the receipt did not open its case ({case.status_code})")
                return
            case.success()
