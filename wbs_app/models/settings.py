"""Installation settings: what administrators edit, and what binds the database to its secrets."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base


class SettingValue(Base):
    """One whole-number setting; absent rows fall back to the configured default."""

    __tablename__ = "setting_values"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class CollectiveLeaveDay(Base):
    """A day the office is closed beyond the national holidays (cuti bersama), as entered.

    Deadlines counted in working days skip it (``services.office.working_days``).
    """

    __tablename__ = "collective_leave_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Installation(Base):
    """The one row that ties this database to its installation's secrets.

    ``salt_fingerprint`` is a keyed hash of a constant under
    ``INSTALLATION_SALT`` (``crypto.salt_fingerprint``): it tells whether the
    salt in ``instance/config.py`` is the one every receipt was derived with,
    and reveals nothing of the salt itself. ``pepper_fingerprint`` does the
    same for ``PASSWORD_PEPPER`` (``crypto.pepper_fingerprint``): every staff
    seed is sealed under it, so another pepper would refuse every password.
    Empty until the first ``db-upgrade`` that knows of it.
    """

    __tablename__ = "installation"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    salt_fingerprint: Mapped[bytes] = mapped_column(LargeBinary(32))
    pepper_fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
