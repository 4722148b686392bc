"""``/transparansi``: the last four ended quarters, for anyone, with small counts hidden."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.support import stats as fixture
from tests.support.clock import moved_clock  # noqa: F401 - fixture
from tests.support.http import https_client
from wbs_app.db import app_database
from wbs_app.models import Case, Channel, PublishedQuarter
from wbs_app.services.stats import transparency
from wbs_app.services.stats.periods import parse


@pytest.fixture
def seen_in_january(app, org, moved_clock):  # noqa: F811
    """The forty cases seen on 5 February 2027: 2026's four quarters ended a month ago or more."""
    built = fixture.build(app, org)
    moved_clock.offset = datetime(2027, 2, 5, 4, tzinfo=UTC) - datetime.now(UTC)
    return built


def _cells(page: str, section: str) -> list[list[str]]:
    body = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    cell = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>")
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in cell.findall(row)] for row in rows]


def test_the_public_page_hides_small_counts(app, seen_in_january):
    home = https_client(app).get("/").get_data(as_text=True)
    assert 'href="/transparansi"' in home
    answer = https_client(app).get("/transparansi")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "<script" not in page
    received = _cells(page, "received")
    # Quarters 1 to 4 of 2026; Q3: g5 (7) and g7 (4); Q4: 17, 4 and 8 by category.
    totals = received[-1][1:]
    assert totals[:2] == ["0", "0"]
    shown = [cell for row in received for cell in row[1:]]
    for cell in shown:
        assert cell == "*" or cell == "0" or int(cell) >= 5, received
    assert "4" not in shown and "3" not in shown
    ended = _cells(page, "ended")
    assert ended[-1][-1] in ("23", "*")  # g1, g4, g5 and g8 ended in Q4 2026
    assert len(ended[0]) == 5  # the four quarters, no total across them
    assert "3" not in [c for row in ended for c in row[1:]]  # g8's three archived cases
    for cell in (c for row in ended for c in row[1:]):
        assert cell == "*" or cell == "0" or int(cell) >= 5, ended


@pytest.mark.parametrize(("seen", "last"), [(date(2026, 11, 20), "Q3"), (date(2027, 1, 20), "Q3")])
def test_a_quarter_is_shown_a_month_after_it_ends(app, org, moved_clock, seen, last):  # noqa: F811
    fixture.build(app, org)
    moved_clock.offset = datetime(seen.year, seen.month, seen.day, 4, tzinfo=UTC) - datetime.now(
        UTC
    )
    page = https_client(app).get("/transparansi").get_data(as_text=True)
    assert f"{last} 2026" in page.replace("Triwulan 3", "Q3") and "Triwulan 4 2026" not in page
    received = _cells(page, "received")
    assert received[-1][-1] == "11"  # Q3 2026 is the last one shown: 7 + 4


def test_a_published_quarter_never_changes(app, seen_in_january):
    first = https_client(app).get("/transparansi").get_data(as_text=True)
    with app_database(app).session() as session:
        assert len(session.scalars(select(PublishedQuarter)).all()) == 4
        # Later changes to Q4's cases: a reclassification and a late recording.
        case = session.get(Case, seen_in_january.cases["g1"][0])
        case.category_id = seen_in_january.categories[2]
        case.channel = Channel.LETTER
    again = https_client(app).get("/transparansi").get_data(as_text=True)
    assert _cells(again, "received") == _cells(first, "received")
    assert _cells(again, "ended") == _cells(first, "ended")


def test_the_share_answered_on_time_counts_the_missing_answers(app, seen_in_january):
    page = https_client(app).get("/transparansi").get_data(as_text=True)
    shares = [row[1] for row in _cells(page, "on-time")]
    # Q4: 19 answered on time; g2's 4 and g3's 6 answers never given: 19 of 29.
    assert shares[-1] == "66%"
    with app_database(app).session() as session:
        quarter = parse("2026-Q3", date(2027, 2, 5))
        figures = transparency.quarter_figures(session, quarter)
        assert figures.answered_on_time is None  # 7 answers due: under ten
