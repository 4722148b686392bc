"""Unicode tricks in names: no direction override or invisible character survives into a name.

Names are shown inline among the page's own words ("To: <name>, <position>",
"Exclude: <handler> (Investigator)", "<unit>" in the inbox, "<official> ·
accused · answer by ..."). An unclosed right-to-left override there reverses
the words that follow it, and a zero-width character makes a second
"UPT Makassar" that looks like the first. Escaping cannot help; the names of
units, categories, staff and invited officials are stored without control and
format characters (``wbs_app/services/infra/text.py``). Free text keeps them (it is
shown in blocks of its own, where an override ends with the paragraph), and is
covered by the XSS corpus.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.support.http import CSRF_RE, https_client
from tests.support.respondent import investigating_case, invitation_letter
from tests.support.staff import make_staff, sign_in
from wbs_app.db import app_database
from wbs_app.models import Category, StaffMember, StaffRole, Unit
from wbs_app.services.infra.text import one_line_name

RLO, LRE, PDF, ZWSP, RLI = "\u202e", "\u202a", "\u202c", "\u200b", "\u2067"
TRICKS = f"UPT{ZWSP} Makas{RLO}sar {LRE}x{RLI}"
SHOWN = "UPT Makassar x"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (TRICKS, SHOWN),
        ("  Budi\tSantoso\n", "Budi Santoso"),
        (f"{RLO}exe.pdf", "exe.pdf"),
        ("Ibu Sitti Rahmawati, S.H.", "Ibu Sitti Rahmawati, S.H."),
    ],
)
def test_one_line_name(raw: str, clean: str) -> None:
    assert one_line_name(raw) == clean


def _admin(app, org):
    login = make_staff(app, "admin", StaffRole.ADMIN)
    client = https_client(app)
    assert sign_in(app, client, login).status_code == 302
    return client


def test_names_made_through_the_pages_lose_the_tricks(app, org, reporter) -> None:
    admin = _admin(app, org)
    page = admin.get("/staf/admin/unit").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    admin.post(
        "/staf/admin/unit",
        data={"csrf_token": token, "name": TRICKS, "parent_id": str(org.units["kanwil"])},
    )
    admin.post(
        "/staf/admin/kategori", data={"csrf_token": token, "name_id": TRICKS, "name_en": TRICKS}
    )
    admin.post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": token,
            "display_name": TRICKS,
            "email": "baru@kanwil.example",
            "role": "investigator",
            "units": [str(org.units["a"])],
        },
    )
    with app_database(app).session() as session:
        assert session.scalar(select(Unit.name).where(Unit.name == SHOWN)) == SHOWN
        assert session.scalar(select(Category.name_en).where(Category.name_id == SHOWN)) == SHOWN
        assert (
            session.scalar(
                select(StaffMember.display_name).where(StaffMember.email == "baru@kanwil.example")
            )
            == SHOWN
        )
    for path in ("/staf/admin/unit", "/staf/admin/kategori", "/staf/admin/staf"):
        shown = admin.get(path).get_data(as_text=True)
        assert SHOWN in shown and not re.search(f"[{RLO}{LRE}{ZWSP}{RLI}]", shown), path

    budi, case_id = investigating_case(app, org, reporter)
    letter = invitation_letter(budi, case_id, name=TRICKS).get_data(as_text=True)
    assert f"Yth. {SHOWN}" in letter or f"To: {SHOWN}" in letter
    case_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert f"<strong>{SHOWN}</strong>" in case_page
