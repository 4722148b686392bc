"""Dates, times, numbers and sizes as the page's language writes them.

Every page prints them through the filters registered here, so the reporter's,
the respondent's, the handlers' and the administrators' pages agree: a date
is "1 Desember 2026", a moment "1 Desember 2026 10.41 WITA" in the
installation's time zone (``TIMEZONE``), a size "65,5 kB". Stored times are
UTC (ISO text in the journal, naive or aware datetimes in the database);
they are turned into the local zone only here, at the last step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, format_time, get_timezone
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from crypto import format_code
from wbs_app.services.office.deadlines import DeadlineKind, Deadlines
from wbs_app.settings import settings

# Indonesia's zones by the names everyone uses (Babel's English has only "+0800").
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}
SIZE_UNITS = ("kB", "MB", "GB", "TB")
BYTES = _l("%(num)s bytes")


def _locale() -> Any:
    return get_locale() or settings().default_language


def _zone_name() -> str:
    return settings().timezone


def _moment(value: datetime | str) -> datetime:
    """A stored time as an aware UTC datetime (naive ones are UTC, as stored)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_date(value: date | datetime | str | None) -> str:
    """A day, written out: "1 Desember 2026" (a moment is first taken to the local zone)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = _moment(value).astimezone(get_timezone(_zone_name())).date()
    return format_date(value, "long", locale=_locale())


def _local(value: datetime | str) -> tuple[datetime, str]:
    """The moment in the installation's zone and the zone's abbreviation."""
    zone = get_timezone(_zone_name())
    moment = _moment(value).astimezone(zone)
    abbreviation = ZONE_ABBREVIATIONS.get(_zone_name()) or format_datetime(
        moment, "z", tzinfo=zone, locale=_locale()
    )
    return moment, abbreviation


def local_datetime(value: datetime | str | None) -> str:
    """A moment in the installation's zone: "1 Desember 2026 10.41 WITA"."""
    if value is None or value == "":
        return ""
    moment, abbreviation = _local(value)
    day = format_date(moment.date(), "long", locale=_locale())
    return f"{day} {format_time(moment.timetz(), 'short', locale=_locale())} {abbreviation}"


def local_time(value: datetime | str) -> str:
    """The time of day alone, in the installation's zone: "10.41 WITA"."""
    moment, abbreviation = _local(value)
    return f"{format_time(moment.timetz(), 'short', locale=_locale())} {abbreviation}"


def number(value: float) -> str:
    """A number with the language's separators: 10.000 and 65,5 in Indonesian."""
    return format_decimal(value, locale=_locale())


def file_size(size: int | None) -> str:
    """A size in decimal units, as Jinja's filter counts them, in the page's language."""
    amount = float(size or 0)
    if amount < 1000:
        return str(BYTES % {"num": number(int(amount))})
    step = 0
    amount /= 1000
    while amount >= 1000 and step < len(SIZE_UNITS) - 1:
        amount /= 1000
        step += 1
    unit = SIZE_UNITS[step]
    return f"{format_decimal(amount, '#,##0.#', locale=_locale())} {unit}"


def grouped_code(digits: str | None) -> str:
    """A receipt or invitation code as it is printed and read aloud: "1234 5678 ...".

    Views hand templates the code's bare digits; how it is shown is the
    page's business, the same on every page that shows one.
    """
    return format_code(digits) if digits else ""


def deadline_length(deadlines: Deadlines, kind: str) -> str:
    """A deadline's length as a reader is promised it: "7 hari", or "3 hari kerja"."""
    deadline = DeadlineKind(kind)
    days = deadlines.days(deadline)
    if deadlines.counts_working_days(deadline):
        return str(ngettext("%(num)d working day", "%(num)d working days", days))
    return str(ngettext("%(num)d day", "%(num)d days", days))


def init_formats(app: Flask) -> None:
    """The filters every template uses; they replace Flask-Babel's and Jinja's own.

    ``dateformat`` and ``datetimeformat`` replace Flask-Babel's (medium dates,
    UTC unless told), ``filesizeformat`` replaces Jinja's (English "Bytes"
    and a decimal point whatever the language); ``grouped_code`` prints codes.
    """
    app.jinja_env.filters.update(
        dateformat=local_date,
        datetimeformat=local_datetime,
        timeformat=local_time,
        filesizeformat=file_size,
        number=number,
        grouped_code=grouped_code,
    )
    app.jinja_env.globals.update(deadline_length=deadline_length)
