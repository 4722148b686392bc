"""Forty cases over three levels of units, with figures worked out by hand (tests/stats).

The board counts workflow facts only, so the cases are made as rows with
the facts a year of handling would leave (the running counts are kept by
the same session hook as in the application); that the steps people take
set these facts is proven through HTTP in ``tests/stats/test_milestones.py``.
Units: the Kanwil, UPT Makassar (a) and UPT Parepare (b) below it, and the
Seksi Pelayanan (a1) below UPT Makassar. Seen on ``ON``, 20 November 2026.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from tests.support.org import Org
from wbs_app.db import app_database
from wbs_app.models import Case, CaseLink, CaseStatus, Category, Channel, DeadlineAlert, LinkKind
from wbs_app.services.office import organisation

ON = date(2026, 11, 20)
D = date


@dataclass(frozen=True)
class Group:
    """``count`` cases alike; dues are received + 3, + 14 and + 30 days."""

    count: int
    unit: str
    category: int  # position among the default categories
    channel: Channel
    status: CaseStatus
    received: date
    acknowledged: date | None = None
    acknowledged_days: int | None = None
    verified: date | None = None
    answered: date | None = None
    closed: date | None = None
    closed_days: int | None = None
    finding: str | None = None
    sanction: str | None = None
    sanctioned: date | None = None


S, C = CaseStatus, Channel
GROUPS = {
    "g1": Group(8, "a", 0, C.WEB, S.CLOSED, D(2026, 10, 1), D(2026, 10, 2), 1, D(2026, 10, 10),
                D(2026, 10, 20), D(2026, 10, 25), 16, "discipline", "light", D(2026, 10, 22)),
    "g2": Group(4, "a1", 1, C.TELEPHONE, S.INVESTIGATION, D(2026, 10, 5), D(2026, 10, 12), 5,
                D(2026, 10, 16)),
    "g3": Group(6, "b", 0, C.LAPOR, S.VERIFICATION, D(2026, 11, 16)),
    "g4": Group(5, "kanwil", 2, C.LETTER, S.NOT_COMPETENT, D(2026, 10, 10), None, None,
                D(2026, 10, 13), D(2026, 10, 13), D(2026, 10, 13), 2),
    "g5": Group(7, "a", 1, C.EMAIL, S.REFERRED, D(2026, 7, 15), D(2026, 7, 16), 1, D(2026, 7, 20),
                D(2026, 8, 1), D(2026, 10, 5), 58),
    "g6": Group(3, "b", 2, C.WEB, S.SANCTION, D(2026, 10, 20), D(2026, 10, 21), 1, D(2026, 11, 5),
                D(2026, 11, 10), None, None, "ethics", "heavy", D(2026, 11, 15)),
    "g7": Group(4, "a1", 0, C.COMPLAINT_BOX, S.ON_HOLD, D(2026, 9, 28), D(2026, 9, 29), 1),
    "g8": Group(3, "kanwil", 0, C.WEB, S.ARCHIVED, D(2026, 11, 2), None, None, D(2026, 11, 3),
                D(2026, 11, 3), D(2026, 11, 3), 1),
}  # fmt: skip


@dataclass
class StatsWorld:
    units: dict[str, int]
    categories: list[int]
    cases: dict[str, list[int]] = field(default_factory=dict)


def build(app: Flask, org: Org) -> StatsWorld:
    """The forty cases, two same-matter links and two escalations (one ended)."""
    with app_database(app).session() as session:
        seksi = organisation.create_unit(session, None, "Seksi Pelayanan", org.units["a"])
        units = {**org.units, "a1": seksi.id}
        categories = list(session.scalars(select(Category.id).order_by(Category.position)))
        world = StatsWorld(units, categories)
        for name, group in GROUPS.items():
            made = [_case(group, units, categories) for _ in range(group.count)]
            session.add_all(made)
            session.flush()
            world.cases[name] = [case.id for case in made]
        g1, g3, g5 = world.cases["g1"], world.cases["g3"], world.cases["g5"]
        session.add_all(
            [
                # Two cases of November are one matter; a matter of July and October is two periods.
                CaseLink(low_id=g3[0], high_id=g3[1], kind=LinkKind.SAME_MATTER, linked_on=ON),
                CaseLink(low_id=g1[0], high_id=g5[0], kind=LinkKind.SAME_MATTER, linked_on=ON),
                DeadlineAlert(case_id=g3[0], deadline="acknowledge", due_on=D(2026, 11, 19),
                              stage="escalated:1", raised_on=ON, unit_id=units["kanwil"]),
                DeadlineAlert(case_id=world.cases["g2"][0], deadline="acknowledge",
                              due_on=D(2026, 10, 8), stage="escalated:1", raised_on=D(2026, 10, 10),
                              unit_id=units["a"], ended_on=D(2026, 10, 12)),
            ]
        )  # fmt: skip
    return world


def _case(group: Group, units: dict[str, int], categories: list[int]) -> Case:
    received = group.received
    return Case(
        uid=os.urandom(16).hex(),
        lookup_hash=os.urandom(32),
        unit_id=units[group.unit],
        category_id=categories[group.category],
        channel=group.channel,
        status=group.status,
        status_changed_on=group.closed or received,
        received_on=received,
        acknowledge_due=received + timedelta(days=3),
        verification_due=received + timedelta(days=14),
        feedback_due=received + timedelta(days=30),
        acknowledged_on=group.acknowledged,
        acknowledged_days=group.acknowledged_days,
        verified_on=group.verified,
        answered_on=group.answered,
        closed_on=group.closed,
        closed_days=group.closed_days,
        finding=group.finding,
        sanction_level=group.sanction,
        sanctioned_on=group.sanctioned,
    )
