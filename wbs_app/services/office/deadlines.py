"""The deadlines in force: how many days each allows, counted on the calendar or in working days.

Each of the four deadlines (acknowledgement, verification result, feedback to
the reporter, the respondent's time to answer) has a number of days and a way
of counting them; both are configured defaults (``config.py``) that
administrators override (rows of ``setting_values``). A due date is fixed
when its clock starts (a report received, an invitation sent) and stored:
changing a setting, or entering a leave day, later moves no date already
promised. The presets are the rules the office answers to (DOMAIN.md).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from wbs_app.models import SettingValue, StaffMember
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office.working_days import WorkCalendar, calendar
from wbs_app.services.staff import audit

MAX_DEADLINE_DAYS = 365


class DeadlineKind(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    VERIFICATION = "verification"
    FEEDBACK = "feedback"
    RESPONDENT = "respondent"


def days_key(kind: DeadlineKind) -> str:
    return f"DEADLINE_{kind.name}_DAYS"


def working_key(kind: DeadlineKind) -> str:
    return f"DEADLINE_{kind.name}_WORKING_DAYS"


DEADLINE_KEYS = tuple(days_key(kind) for kind in DeadlineKind)
WORKING_KEYS = tuple(working_key(kind) for kind in DeadlineKind)


class DeadlineError(DomainError):
    """A deadline setting refused; ``code`` says why."""


@dataclass(frozen=True)
class Deadlines:
    """Days per deadline, which of them count working days, and the calendar that counts them."""

    acknowledge_days: int
    verification_days: int
    feedback_days: int
    respondent_days: int
    working: frozenset[DeadlineKind] = frozenset()
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    def days(self, kind: DeadlineKind) -> int:
        value: int = getattr(self, f"{kind.value}_days")
        return value

    def counts_working_days(self, kind: DeadlineKind) -> bool:
        return kind in self.working

    def after(self, kind: DeadlineKind, start: date, days: int | None = None) -> date:
        """The due date of ``kind`` whose clock starts on ``start`` (``days``: another length)."""
        length = self.days(kind) if days is None else days
        return self.calendar.add(start, length, self.counts_working_days(kind))

    def case_dues(self, received: date) -> tuple[date, date, date]:
        """Acknowledgement, verification result and feedback due for a report of ``received``.

        Feedback is counted from the acknowledgement's due date (three months
        of it, in the EU directive's words).
        """
        acknowledge = self.after(DeadlineKind.ACKNOWLEDGE, received)
        return (
            acknowledge,
            self.after(DeadlineKind.VERIFICATION, received),
            self.after(DeadlineKind.FEEDBACK, acknowledge),
        )


@dataclass(frozen=True)
class Preset:
    """The values of a rule the office answers to, for the administrators' page."""

    code: str
    days: Mapping[DeadlineKind, int]
    working: frozenset[DeadlineKind]


K = DeadlineKind
# A preset sets the deadlines its rule speaks of and leaves the others as they are.
PRESETS = {
    preset.code: preset
    for preset in (
        # The configured defaults: the ministry's whistleblowing team examines a
        # report within 14 days (Permenkumham 25/2012 as amended by 57/2016); the
        # acknowledgement within 7 days and feedback within 3 months follow EU
        # Directive 2019/1937 art. 9; the respondent has 14 days.
        Preset(
            "ministry",
            {K.ACKNOWLEDGE: 7, K.VERIFICATION: 14, K.FEEDBACK: 90, K.RESPONDENT: 14},
            frozenset(),
        ),
        # SP4N-LAPOR!: forwarded within 3 working days (the acknowledgement),
        # answered within 5 (the verification result). Its "closed after 10
        # working days without reply" is the reporter's time to answer, not the
        # office's feedback, and its answers take 5 to 60 working days by
        # complexity: feedback and the respondent's time are left as they are.
        Preset(
            "sp4n_lapor",
            {K.ACKNOWLEDGE: 3, K.VERIFICATION: 5},
            frozenset({K.ACKNOWLEDGE, K.VERIFICATION}),
        ),
    )
}


def preset_defaults(code: str = "ministry") -> dict[str, int]:
    """A preset as configured defaults (every key ``deadlines`` reads), for code without config."""
    preset = PRESETS[code]
    values = {days_key(kind): preset.days.get(kind, 14) for kind in DeadlineKind}
    values.update({working_key(kind): int(kind in preset.working) for kind in DeadlineKind})
    return values


def with_preset(
    current: Deadlines, preset: Preset
) -> tuple[dict[DeadlineKind, int], set[DeadlineKind]]:
    """The days and working-day choices the preset gives, the rest as ``current`` has them."""
    days = {kind: preset.days.get(kind, current.days(kind)) for kind in DeadlineKind}
    working = {
        kind
        for kind in DeadlineKind
        if (kind in preset.working if kind in preset.days else current.counts_working_days(kind))
    }
    return days, working


def deadlines(session: Session, defaults: Mapping[str, int | bool]) -> Deadlines:
    """The deadlines in force: administrators' values over the configured defaults."""
    rows = session.execute(
        select(SettingValue.key, SettingValue.value).where(
            SettingValue.key.in_(DEADLINE_KEYS + WORKING_KEYS)
        )
    )
    stored = {key: value for key, value in rows}

    def value(key: str) -> int:
        return int(stored.get(key, int(defaults[key])))

    return Deadlines(
        acknowledge_days=value(days_key(K.ACKNOWLEDGE)),
        verification_days=value(days_key(K.VERIFICATION)),
        feedback_days=value(days_key(K.FEEDBACK)),
        respondent_days=value(days_key(K.RESPONDENT)),
        working=frozenset(kind for kind in DeadlineKind if value(working_key(kind))),
        calendar=calendar(session),
    )


def set_deadlines(
    session: Session,
    actor: StaffMember,
    days: Mapping[DeadlineKind, int],
    working: frozenset[DeadlineKind],
) -> None:
    """Store every deadline's days and way of counting; one audit event names what changed."""
    wanted: dict[str, int] = {}
    for kind in DeadlineKind:
        length = int(days[kind])
        if not 1 <= length <= MAX_DEADLINE_DAYS:
            raise DeadlineError("bad_deadline")
        wanted[days_key(kind)] = length
        wanted[working_key(kind)] = int(kind in working)
    changed = []
    for key, new in wanted.items():
        row = session.get(SettingValue, key)
        if row is None:
            session.add(SettingValue(key=key, value=new))
        elif row.value != new:
            row.value = new
        else:
            continue
        changed.append(key)
    if changed:
        detail = ",".join(
            f"{key.removeprefix('DEADLINE_').lower()}={wanted[key]}" for key in changed
        )
        audit.record(session, "settings_changed", actor_id=actor.id, detail=detail[:200])
    session.flush()
