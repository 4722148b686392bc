"""The custodians' page as a new office meets it (issue 17 new-user walk, findings 7 and 8).

Certifying the first supervisors is the first and most frequent use of
/staf/pemulihan, so it is the action chosen by default; and what the page
did is said at the top, where every other confirmation appears, not below
two long paragraphs.
"""

from __future__ import annotations

import re

from tests.support.http import https_client
from tests.support.reporter import csrf_from
from tests.support.staff import make_staff
from tests.support.trust import ceremony_shares
from wbs_app.db import app_database
from wbs_app.models import StaffMember
from wbs_app.services.trust import certificates

PAGE = "/staf/pemulihan"
INTRO = "Halaman ini tidak memerlukan akun"  # the first long paragraph


def test_certify_is_the_action_chosen_by_default(app) -> None:
    ceremony_shares(app)
    page = https_client(app).get(PAGE).get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="action"[^>]*>', page)
    assert len(radios) == 2
    assert 'value="certify"' in radios[0] and "checked" in radios[0]  # first, and chosen
    assert "checked" not in radios[1]


def test_the_certification_is_confirmed_at_the_top_of_the_page(app, org) -> None:
    shares = ceremony_shares(app)
    late = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    with app_database(app).session() as session:
        heard = certificates.fingerprint_of(session.get_one(StaffMember, late.id))
    client = https_client(app)
    data = {"csrf_token": csrf_from(client.get(PAGE).get_data(as_text=True))}
    data |= {"share_1": shares[0], "share_2": shares[1], "staff_email": "dewi@kanwil.example"}
    data |= {"fingerprint": heard, "action": "certify", "unit_id": "0"}
    done = client.post(PAGE, data=data)
    page = done.get_data(as_text=True)
    assert done.status_code == 200, page[:500]
    confirmed = page.index("disertifikasi oleh para kustodian")
    assert confirmed < page.index(INTRO) and confirmed < page.index("<h1>")
