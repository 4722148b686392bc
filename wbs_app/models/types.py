"""Column types shared by the models."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every engine.

    SQLite stores no zone; PostgreSQL does. Normalising to aware UTC on the way
    in and out makes comparisons with ``datetime.now(UTC)`` safe everywhere.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("a UTC column returned a non-datetime")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum column storing the members' values ("admin"), not their names."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# A 64-bit id on PostgreSQL; on SQLite an INTEGER PRIMARY KEY (the rowid, 64-bit already).
RandomIdType = BigInteger().with_variant(Integer(), "sqlite")
RANDOM_ID_BITS = 62


def random_id() -> int:
    """A row id that tells nothing of when the row was written (issue 18).

    A global sequence would put a reporter's message between two staff steps
    whose times the journal keeps, in any case; rows people write take a
    random id instead, and their order within the case is a per-case number
    (``seq``). 62 bits: a collision among a billion rows is about one in ten
    thousand, and the id stays positive in every signed 64-bit type.
    """
    return secrets.randbelow(1 << RANDOM_ID_BITS) + 1
