"""The board's figures against forty cases worked out by hand (tests/support/stats.py).

Period 2026-Q4 seen on 20 November 2026 unless a test says otherwise. The
numbers below were counted from the groups' table, not computed by code.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tests.support import stats as fixture
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus
from wbs_app.services.stats import figures, tallies
from wbs_app.services.stats.counts import Rate, median
from wbs_app.services.stats.periods import parse


@pytest.fixture
def world(app, org):
    return fixture.build(app, org)


def _board(app, world, units=None, period="2026-Q4", on=fixture.ON):
    with app_database(app).session() as session:
        scope = set(world.units.values()) if units is None else units
        return figures.board(session, scope, parse(period, on), on)


def test_totals_by_status_category_channel_and_month(app, world):
    board = _board(app, world)
    assert board.received == 29
    assert board.matters == 28  # two November cases are one matter; July-October is two periods
    assert board.ended == 23
    assert board.open_now == 17
    assert board.by_status == {
        "selesai": 8, "investigasi": 4, "verifikasi": 6, "bukan_wewenang": 5, "sanksi": 3,
        "diarsipkan": 3,
    }  # fmt: skip
    first, second, third = world.categories[:3]
    assert board.by_category == {first: 17, second: 4, third: 8}
    assert board.by_channel == {"web": 14, "telepon": 4, "lapor": 6, "surat": 5}
    assert board.by_month == {202610: 20, 202611: 9, 202612: 0}
    assert board.ended_by == {"selesai": 8, "bukan_wewenang": 5, "diteruskan": 7, "diarsipkan": 3}


def test_deadlines_met_on_time_late_and_missed(app, world):
    board = _board(app, world)
    # Acknowledged: g1, g4 (at its end), g6, g8 on time; g2 late; g3 missed and still open.
    assert board.timeliness["acknowledge"] == Rate(19, 10)
    # Verified: g6 after its due date.
    assert board.timeliness["verification"] == Rate(20, 3)
    # Answered: g2's answer is overdue since 4 November.
    assert board.timeliness["feedback"] == Rate(19, 4)
    assert board.median_ack_days == 1
    assert board.median_close_days == 16  # 1 x3, 2 x5, 16 x8, 58 x7: the twelfth of 23


def test_open_cases_overdue_ageing_and_escalations(app, world):
    board = _board(app, world)
    assert dict(board.ageing) == {"0-7": 6, "8-30": 0, "31-60": 11, "61-90": 0, "91+": 0}
    overdue = Counter((row.case_id in world.cases["g2"], row.deadline) for row in board.overdue)
    assert overdue == {(True, "feedback"): 4, (False, "acknowledge"): 6}
    assert [row.due_on for row in board.overdue[:4]] == [date(2026, 11, 4)] * 4
    (open_one,) = board.escalations  # the ended one is not listed
    assert (open_one.case_id, open_one.deadline, open_one.tier) == (
        world.cases["g3"][0], "acknowledge", 1,
    )  # fmt: skip
    assert open_one.unit == "UPT Parepare"


def test_outcomes(app, world):
    board = _board(app, world)
    assert board.findings == {"discipline": 8, "ethics": 3}
    assert board.sanctions == {"light": 8, "heavy": 3}


def test_units_roll_up_to_their_parents(app, world):
    rows = {row.name: row for row in _board(app, world).units}
    assert [(row.name, row.depth) for row in _board(app, world).units] == [
        ("Kanwil Sulawesi Selatan", 0), ("UPT Makassar", 1), ("Seksi Pelayanan", 2),
        ("UPT Parepare", 1),
    ]  # fmt: skip
    own = {name: (r.own.received, r.own.ended, r.own.open_now, r.own.overdue_now)
           for name, r in rows.items()}  # fmt: skip
    assert own == {
        "Kanwil Sulawesi Selatan": (8, 8, 0, 0), "UPT Makassar": (8, 15, 0, 0),
        "Seksi Pelayanan": (4, 0, 8, 4), "UPT Parepare": (9, 0, 9, 6),
    }  # fmt: skip
    makassar, kanwil = rows["UPT Makassar"].total, rows["Kanwil Sulawesi Selatan"].total
    assert (makassar.received, makassar.ended, makassar.open_now, makassar.overdue_now) == (
        12, 15, 8, 4,
    )  # fmt: skip
    assert (kanwil.received, kanwil.ended, kanwil.open_now, kanwil.overdue_now) == (29, 23, 17, 10)
    assert makassar.answered == Rate(8, 4)
    assert kanwil.answered == Rate(19, 4)


def test_a_narrower_scope_and_another_period(app, world):
    units = world.units
    board = _board(app, world, units={units["a"], units["a1"]})
    assert (board.received, board.ended, board.open_now) == (12, 15, 8)
    assert board.escalations == []
    third = _board(app, world, period="2026-Q3")
    assert third.received == 11  # g5 in July, g7 in September
    assert third.by_month == {202607: 7, 202608: 0, 202609: 4}
    assert third.timeliness["feedback"] == Rate(7, 0)
    assert _board(app, world, period="2026-10").received == 20


def test_the_running_counts_equal_a_recount(app, world):
    with app_database(app).session() as session:
        assert tallies.stored(session) == tallies.recount(session)
        case = session.get(Case, world.cases["g2"][0])
        case.unit_id = world.units["b"]  # moved: all it counts moves with it
        session.flush()
        assert tallies.stored(session) == tallies.recount(session)
        session.delete(session.get(Case, world.cases["g8"][0]))
        session.flush()
        assert tallies.stored(session) == tallies.recount(session)


@pytest.mark.parametrize(
    ("values", "expected"),
    [({}, None), ({4: 1}, 4), ({1: 1, 3: 1}, 2), ({1: 2, 9: 1}, 1), ({2: 2, 5: 2}, 3.5)],
)
def test_median_of_a_histogram(values, expected):
    assert median(Counter(values)) == expected


def test_a_case_object_older_than_another_step_does_not_undo_its_counts(app, world):
    """Two handlers: one acknowledges while the other's page still holds the case unacknowledged."""
    database = app_database(app)
    case_id = world.cases["g3"][0]
    with database.session() as older:
        stale = older.get(Case, case_id)  # kept past its commit (expire_on_commit is off)
    with database.session() as other:
        other.get(Case, case_id).acknowledged_on = date(2026, 11, 18)
        other.get(Case, case_id).acknowledged_days = 2
    with database.session() as later:
        later.add(stale)
        stale.status = CaseStatus.ON_HOLD  # written alone: the acknowledgement stays
    with database.session() as session:
        assert session.get(Case, case_id).acknowledged_on == date(2026, 11, 18)
        assert tallies.stored(session) == tallies.recount(session)


def test_a_reopened_case_is_not_late_again_for_deadlines_it_met(app, world):
    from wbs_app.services.cases import milestones

    with app_database(app).session() as session:
        milestones.move(session, session.get(Case, world.cases["g1"][0]), CaseStatus.VERIFICATION)
    board = _board(app, world)
    assert board.timeliness["verification"] == Rate(20, 3)
    assert board.timeliness["feedback"] == Rate(19, 4)
    assert world.cases["g1"][0] not in {row.case_id for row in board.overdue}
    assert (board.ended, board.open_now) == (22, 18)
