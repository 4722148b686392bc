"""The board and its reports through HTTP: each role its scope, the same figures in every format.

The forty hand-counted cases (tests/support/stats.py), seen on 20 November
2026 through a moved clock.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import update

from tests.support import stats as fixture
from tests.support.clock import moved_clock  # noqa: F401 - fixture
from tests.support.staff import make_staff, signed_in
from wbs_app.db import app_database
from wbs_app.models import (
    Audience,
    AudienceKey,
    KeyWrap,
    RecipientKind,
    StaffMember,
    StaffRole,
    Unit,
)

UNITS = ("Kanwil Sulawesi Selatan", "UPT Makassar", "Seksi Pelayanan", "UPT Parepare")


@pytest.fixture
def world(app, org, moved_clock):  # noqa: F811
    built = fixture.build(app, org)
    seen = datetime(fixture.ON.year, fixture.ON.month, fixture.ON.day, 4, tzinfo=UTC)
    moved_clock.offset = seen - datetime.now(UTC)
    return built


def _rows(page: str, key: str) -> list[list[str]]:
    """The rows of one figures table, as its cells' text."""
    section = page.split(f'id="t-{key}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _hold(app, login, case_ids) -> None:
    """Wraps to ``login``'s identity for these cases (their bytes are never opened here)."""
    with app_database(app).session() as session:
        generation = session.get(StaffMember, login.id).identity_generation
        for case_id in case_ids:
            key = AudienceKey(case_id=case_id, audience=Audience.REPORTER, label="")
            session.add(key)
            session.flush()
            session.add(KeyWrap(audience_key_id=key.id, case_id=case_id,
                                recipient_kind=RecipientKind.STAFF, staff_id=login.id,
                                identity_generation=generation, wrapped=b"x"))  # fmt: skip


def test_a_supervisor_sees_his_tree_rolled_up(app, org, world):
    _hold(app, org.rahman, world.cases["g3"])  # he holds g3, not g2 (overdue too)
    page = signed_in(app, org.rahman).get("/staf/statistik?periode=2026-Q4")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    units = _rows(text, "units")
    assert [row[0].lstrip("· ") for row in units] == list(UNITS)
    assert units[0][1:5] == ["29", "23", "17", "10"]
    assert units[1][1:5] == ["12", "15", "8", "4"]
    assert [f"#{world.cases['g3'][0]}"] == [row[0] for row in _rows(text, "escalations")]
    # The numbers he is shown are those of the cases he holds; the counts are the unit's.
    assert sorted(row[0] for row in _rows(text, "overdue")) == sorted(
        f"#{case_id}" for case_id in world.cases["g3"]
    )
    assert "<svg" in text and "<script" not in text


def test_an_investigator_sees_only_his_units(app, org, world):
    budi = signed_in(app, org.budi)
    text = budi.get("/staf/statistik?periode=2026-Q4").get_data(as_text=True)
    assert [row[0] for row in _rows(text, "units")] == ["UPT Makassar"]
    assert "UPT Parepare" not in text and "Seksi Pelayanan" not in text
    refused = budi.get(f"/staf/statistik?periode=2026-Q4&unit={world.units['b']}")
    assert refused.status_code == 400
    assert (
        "UPT Parepare"
        not in refused.get_data(as_text=True).split("<form", 2)[-1].split("</form>")[-1]
    )


def test_an_administrator_sees_the_whole_tree(app, org, world):
    admin = make_staff(app, "admin_stats", StaffRole.ADMIN)
    text = signed_in(app, admin).get("/staf/statistik?periode=2026-Q4").get_data(as_text=True)
    assert [row[0].lstrip("· ") for row in _rows(text, "units")] == list(UNITS)
    assert len(_rows(text, "overdue")) == 10  # workflow facts: every number


@pytest.mark.parametrize("period", ["2026-13", "1999", "2027-Q1", "Q4", "2026-Q5", "x" * 500])
def test_a_period_that_names_nothing_is_a_translated_400(app, org, world, period):
    answer = signed_in(app, org.rahman).get("/staf/statistik", query_string={"periode": period})
    assert answer.status_code == 400
    assert "2026-Q4" in answer.get_data(as_text=True)  # the message shows how to write one


@pytest.mark.parametrize("unit", ["²", "1" * 40, "-1", "x"])
def test_a_unit_that_is_no_number_is_a_400(app, org, world, unit):
    answer = signed_in(app, org.rahman).get("/staf/statistik", query_string={"unit": unit})
    assert answer.status_code == 400


def test_the_reports_carry_the_same_figures(app, org, world):
    with app_database(app).session() as session:
        session.execute(
            update(Unit).where(Unit.id == world.units["kanwil"]).values(name='=HYPERLINK("x")')
        )
    rahman = signed_in(app, org.rahman)
    csv = rahman.get("/staf/statistik/laporan.csv?periode=2026-Q4")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    text = csv.get_data().decode("utf-8-sig")
    assert '"\'=HYPERLINK(""x"")",29,23,17,10' in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text and "· UPT Makassar,12" in text

    book = load_workbook(
        io.BytesIO(rahman.get("/staf/statistik/laporan.xlsx?periode=2026-Q4").data)
    )
    units = book.worksheets[1]
    assert [cell.value for cell in units[4]][:5] == ['\'=HYPERLINK("x")', 29, 23, 17, 10]
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)

    pdf = rahman.get("/staf/statistik/laporan.pdf?periode=2026-Q4")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf.data))
    words = "\n".join(page.extract_text() for page in reader.pages)
    assert "UPT Parepare" in words and "29" in words
    assert re.search(rf"\b1 (of|dari) {len(reader.pages)}\b", words)


def test_a_report_format_not_offered_is_not_found(app, org, world):
    assert signed_in(app, org.rahman).get("/staf/statistik/laporan.doc").status_code == 404
