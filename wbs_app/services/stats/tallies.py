"""Running counts of the cases' workflow facts, kept in the transaction that changes a case.

The board and the periodic reports must answer as fast over 100,000 cases as
over 1,000 (DESIGN.md section 6a), so they never scan the cases: they read
``StatsTally`` rows, which number at most units x months x values. What one
case contributes is a pure function of its columns (``contributions``); a
``before_flush`` hook on the application's sessions takes away what a changed
case contributed before (read from the database, which still holds it) and
adds what it contributes now, so every path that changes a case through the
ORM is counted, whichever service it is in. ``recount`` computes the same
counts from the cases themselves: the migration fills the table with it, and
the tests prove the running counts equal it after every kind of step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from wbs_app.models import Case, StatsTally

# The columns a case's contributions are computed from.
FACTS = (
    "id",
    "unit_id",
    "category_id",
    "channel",
    "status",
    "received_on",
    "acknowledge_due",
    "verification_due",
    "feedback_due",
    "acknowledged_on",
    "acknowledged_days",
    "verified_on",
    "answered_on",
    "closed_on",
    "closed_days",
    "finding",
    "sanction_level",
    "sanctioned_on",
)
ON_TIME, LATE = "on_time", "late"

Key = tuple[int, int, str, str]  # month, unit, dimension, value


def month_of(day: date) -> int:
    return day.year * 100 + day.month


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _timeliness(met: date, due: date) -> str:
    return ON_TIME if met <= due else LATE


def contributions(facts: Mapping[str, Any]) -> Counter[Key]:
    """What one case adds to the tallies, from its columns (``FACTS``).

    Counts by status, category and channel are keyed by the month received;
    each milestone by the month it was met, as on time or late against the
    deadline fixed at receipt; an acknowledgement not recorded before the
    case ended counts as met when it ended (no deadline is open on an ended
    case, ``deadline_alerts``).
    """
    unit = int(facts["unit_id"])
    found: Counter[Key] = Counter()

    def add(day: date | None, dimension: str, value: object) -> None:
        if day is not None:
            found[(month_of(day), unit, dimension, _text(value))] += 1

    received = facts["received_on"]
    add(received, "received", "")
    add(received, "status", facts["status"])
    add(received, "category", facts["category_id"])
    add(received, "channel", facts["channel"])
    acknowledged = facts["acknowledged_on"] or facts["closed_on"]
    if acknowledged is not None:
        add(acknowledged, "ack", _timeliness(acknowledged, facts["acknowledge_due"]))
    if facts["acknowledged_days"] is not None:
        add(facts["acknowledged_on"], "ack_days", facts["acknowledged_days"])
    if facts["verified_on"] is not None:
        add(
            facts["verified_on"],
            "verified",
            _timeliness(facts["verified_on"], facts["verification_due"]),
        )
    if facts["answered_on"] is not None:
        answered = facts["answered_on"]
        add(answered, "answered", _timeliness(answered, facts["feedback_due"]))
        if facts["finding"] is not None:
            add(facts["answered_on"], "finding", facts["finding"])
    if facts["closed_on"] is not None:
        add(facts["closed_on"], "closed", facts["status"])
        if facts["closed_days"] is not None:
            add(facts["closed_on"], "close_days", facts["closed_days"])
    if facts["sanction_level"] is not None:
        add(facts["sanctioned_on"], "sanction", facts["sanction_level"])
    return found


def _facts_of(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in FACTS}


def _stored_facts(
    connection: Connection, ids: Iterable[int], *, lock: bool = False
) -> list[dict[str, Any]]:
    """The fact columns as the database holds them; ``lock`` holds the rows until the commit.

    Locked on PostgreSQL before the flush's UPDATE, so that no other
    transaction commits a change to the row between this read and that write
    (the in-memory case may have been loaded before another handler's step).
    """
    query = _facts_select().where(Case.__table__.c.id.in_(ids))
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return [dict(row._mapping) for row in connection.execute(query)]


def _facts_select() -> Select[Any]:
    table = Case.__table__
    return select(*(table.c[name] for name in FACTS))


def _changes(case: Case) -> dict[str, Any]:
    """The fact columns this flush will write for ``case``: those whose value was set."""
    state = inspect(case)
    return {name: getattr(case, name) for name in FACTS if state.attrs[name].history.has_changes()}


def _apply(connection: Connection, delta: Counter[Key]) -> None:
    rows = [
        {"month": m, "unit_id": u, "dimension": d, "value": v, "count": n}
        for (m, u, d, v), n in sorted(delta.items())
        if n
    ]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(StatsTally.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["month", "unit_id", "dimension", "value"],
        set_={"count": StatsTally.__table__.c.count + statement.excluded.count},
    )
    connection.execute(statement, rows)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    """Count what this flush changes: before, the rows as stored; after, the rows as written.

    A changed case counts after the flush as its stored row with only the
    columns the flush writes replaced (the UPDATE writes no other), so a
    case object loaded before another transaction's change cannot undo it.
    """
    delta: Counter[Key] = Counter()
    written = {
        obj.id: _changes(obj)
        for obj in session.dirty
        if isinstance(obj, Case) and obj.id is not None
    }
    changes = {case_id: columns for case_id, columns in written.items() if columns}
    removed = {obj.id for obj in session.deleted if isinstance(obj, Case) and obj.id is not None}
    connection = session.connection()
    known = sorted(set(changes) | removed)
    for row in _stored_facts(connection, known, lock=True) if known else []:
        delta.subtract(contributions(row))
        if row["id"] in changes and row["id"] not in removed:
            delta.update(contributions({**row, **changes[row["id"]]}))
    for obj in session.new:
        if isinstance(obj, Case):
            delta.update(contributions(_facts_of(obj)))
    _apply(connection, delta)


def keep_counted(factory: sessionmaker[Session]) -> None:
    """Keep the tallies of every session ``factory`` makes (``Database`` does, for each)."""
    event.listen(factory, "before_flush", _before_flush)


def recount(session: Session) -> Counter[Key]:
    """The tallies computed from the cases themselves (what the running counts must equal)."""
    total: Counter[Key] = Counter()
    for row in _stored_facts_all(session):
        total.update(contributions(row))
    return total


def _stored_facts_all(session: Session) -> Iterable[Mapping[str, Any]]:
    for row in session.connection().execute(_facts_select()):
        yield dict(row._mapping)


def stored(session: Session) -> Counter[Key]:
    """The running counts as the table holds them (zeros left out)."""
    found: Counter[Key] = Counter()
    for row in session.execute(select(StatsTally)).scalars():
        if row.count:
            found[(row.month, row.unit_id, row.dimension, row.value)] = row.count
    return found


def rebuild(session: Session) -> None:
    """Replace the running counts by a recount (a migration, or a repair after a restore)."""
    connection = session.connection()
    connection.execute(delete(StatsTally))
    _apply(connection, recount(session))
