"""Odd digits on the certify and recovery pages: a translated 400, never a 500 (finding 7).

``str.isdigit`` accepts "²", and an id of thirty digits or a case number of
10**40 overflows the database's integer; both pages parse ids as ASCII
digits, at most nine, and keep the form on a refusal.
"""

from __future__ import annotations

import pytest

from tests.support.http import https_client
from tests.support.reporter import csrf_from
from tests.support.staff import make_staff, make_units, signed_in
from tests.support.trust import ceremony_shares, certify_on_page
from wbs_app.models import StaffRole

ODD = ["²", "9" * 30, str(10**40), "-1"]


@pytest.fixture
def office(app):
    units = make_units(app)
    return {
        "rahman": make_staff(app, "rahman", StaffRole.SUPERVISOR, (units["kanwil"],)),
        "dewi": make_staff(app, "dewi", unit_ids=(units["a"],), certified=False),
    }


@pytest.mark.parametrize("staff_id", ODD)
def test_the_certify_page_refuses_an_odd_colleague_id(app, office, staff_id) -> None:
    answer = certify_on_page(signed_in(app, office["rahman"]), staff_id, "1" * 24)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Pilih rekan dari daftar" in page
    assert f'id="certify-{office["dewi"].id}"' in page  # the list is still there


def test_the_certify_page_reads_an_id_with_spaces_and_keeps_the_form(app, office) -> None:
    spaced = f" {office['dewi'].id} "
    answer = certify_on_page(signed_in(app, office["rahman"]), spaced, "1" * 24)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Minta rekan membacakannya lagi" in page  # the fingerprint did not match Dewi's
    assert 'value="111111111111111111111111"' in page  # what was typed is kept


def _regrant(client, shares: list[str], cases: str):
    page = client.get("/staf/pemulihan").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "staff_email": "rahman@kanwil.example"}
    data |= {f"share_{n}": share for n, share in enumerate(shares, start=1)}
    data |= {"case_numbers": cases, "unit_id": "0", "action": "regrant"}
    return client.post("/staf/pemulihan", data=data)


@pytest.mark.parametrize(
    ("cases", "said"),
    [
        ("²", "Tulis hanya nomor kasus"),
        ("-1", "Tulis hanya nomor kasus"),
        ("9" * 30, "Nomor kasus paling banyak 9 angka"),
        (str(10**40), "Nomor kasus paling banyak 9 angka"),
        ("12, 9999999999", "Nomor kasus paling banyak 9 angka"),
    ],
)
def test_the_recovery_page_refuses_odd_case_numbers_and_keeps_the_form(
    app, office, cases, said
) -> None:
    shares = ceremony_shares(app)
    answer = _regrant(https_client(app), shares[:2], cases)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert said in page
    assert 'value="rahman@kanwil.example"' in page
    assert shares[0] not in page


def test_the_recovery_page_reads_a_case_number_with_spaces(app, office) -> None:
    shares = ceremony_shares(app)
    answer = _regrant(https_client(app), shares[:2], " 12 ")
    assert answer.status_code == 200, answer.get_data(as_text=True)
