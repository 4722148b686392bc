"""The audit log in words: local times, actions as labels, details without codes.

``services.staff.audit`` stores a short machine detail beside each action (a role's
value, unit ids, a category's code, the deadlines that changed); this is the
one place that says it in the administrator's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from wbs_app.admin.labels import AUDIT_ACTIONS, CERTIFICATE_DETAILS, ROLES
from wbs_app.formats import local_datetime, number
from wbs_app.i18n import current_language
from wbs_app.models import Category, Unit
from wbs_app.services.staff.audit import AuditRow

DEADLINES = {
    "acknowledge_days": _l("Acknowledgement: %(days)s days"),
    "verification_days": _l("Verification result: %(days)s days"),
    "feedback_days": _l("Feedback to the reporter: %(days)s days"),
    "respondent_days": _l("Time for the accused to answer: %(days)s days"),
}
# "<deadline>_working_days=1" or "=0": whether that deadline counts working days.
COUNTING = {
    "acknowledge_working_days": _l("Acknowledgement"),
    "verification_working_days": _l("Verification result"),
    "feedback_working_days": _l("Feedback to the reporter"),
    "respondent_working_days": _l("Time for the accused to answer"),
}


# ``services.trust.root.names_detail`` after an optional root or rotation head;
# rows written before it stored data read "2 of 3: ..." and are read alike.
SPLIT = re.compile(
    r"(?:root (?P<old>\d+)(?: -> (?P<new>\d+))?[:;] )?"
    r"(?P<k>\d+)(?:/| of )(?P<n>\d+): (?P<names>.*)",
    re.S,
)
SPLIT_ACTIONS = ("custodian_ceremony", "custodians_resplit", "recovery_key_rotation_started")
# ``services.trust.recovery.regrant``: "root G: N"; rows written before read "root G: N cases".
# Since walk 2 (finding 13) followed by "; " and which custodians acted
# (``services.trust.root.acting_detail``), as is "custodians" for a certificate.
REGRANT = re.compile(
    r"root (?P<generation>\d+): (?P<count>\d+)(?: cases)?(?:; (?P<acting>.+))?", re.S
)
REGRANT_ACTIONS = ("recovery_regrant", "recovery_regrant_none")


@dataclass(frozen=True)
class AuditLine:
    when: str
    action: str
    actor: str
    concerning: str
    detail: str


def _role_and_units(detail: str, units: dict[str, str]) -> str:
    role, _sep, ids = detail.partition(":")
    label = str(ROLES.get(role, role))
    names = [units.get(unit_id, _("a unit no longer known")) for unit_id in ids.split(",") if ids]
    return f"{label}: {', '.join(names)}" if names else label


def _deadlines(detail: str) -> str:
    parts = []
    for change in detail.split(","):
        key, _sep, days = change.partition("=")
        if key in COUNTING:
            counted = _("in working days") if days == "1" else _("in calendar days")
            parts.append(f"{COUNTING[key]}: {counted}")
            continue
        template = DEADLINES.get(key)
        shown = number(int(days)) if days.isascii() and days.isdigit() else days
        parts.append(str(template % {"days": shown}) if template is not None else change)
    return "; ".join(parts)


def _split(detail: str) -> str:
    found = SPLIT.fullmatch(detail)
    if found is None:
        return detail
    split = str(
        _(
            "%(threshold)s of %(total)s: %(names)s",
            threshold=number(int(found["k"])),
            total=number(int(found["n"])),
            names=found["names"],
        )
    )
    if found["new"] is not None:
        return str(
            _(
                "Recovery key %(old)s → %(new)s; %(split)s",
                old=found["old"],
                new=found["new"],
                split=split,
            )
        )
    if found["old"] is not None:
        return str(_("Root %(generation)s: %(split)s", generation=found["old"], split=split))
    return split


def _detail(row: AuditRow, units: dict[str, str], categories: dict[str, str]) -> str:
    if not row.detail:
        return ""
    if row.action == "staff_invited":
        if row.detail == "reissued":
            return str(_("A new activation link"))
        return str(ROLES.get(row.detail, row.detail))
    if row.action == "staff_role_changed":
        return _role_and_units(row.detail, units)
    if row.action in ("category_changed", "category_created"):
        return categories.get(row.detail, row.detail)
    if row.action == "settings_changed":
        return _deadlines(row.detail)
    if row.action in ("staff_certified", "staff_certificate_revoked"):
        reason, _sep, acting = row.detail.partition("; ")
        shown = str(CERTIFICATE_DETAILS.get(reason, reason))
        return _with_acting(shown, acting)
    if row.action in SPLIT_ACTIONS:
        return _split(row.detail)
    if row.action in REGRANT_ACTIONS and (found := REGRANT.fullmatch(row.detail)):
        count = int(found["count"])
        shown = str(
            ngettext(
                "root %(generation)s: %(count)s case",
                "root %(generation)s: %(count)s cases",
                count,
                generation=found["generation"],
                count=number(count),
            )
        )
        return _with_acting(shown, found["acting"] or "")
    return row.detail


def _with_acting(shown: str, acting: str) -> str:
    """``shown``, then which custodians acted ("shares 2, 3: names"), when the row says."""
    if not acting:
        return shown
    return str(_("%(detail)s; shares %(acting)s", detail=shown, acting=acting))


def present(session: Session, rows: list[AuditRow]) -> list[AuditLine]:
    """The rows as the log pages show them."""
    units = {str(unit_id): name for unit_id, name in session.execute(select(Unit.id, Unit.name))}
    english = current_language() == "en"
    categories = {
        code: name_en if english else name_id
        for code, name_id, name_en in session.execute(
            select(Category.code, Category.name_id, Category.name_en)
        )
    }
    return [
        AuditLine(
            when=local_datetime(row.at),
            action=str(AUDIT_ACTIONS.get(row.action, _("Other event"))),
            actor=row.actor or "—",
            concerning=row.target_staff or row.target_unit or "—",
            detail=_detail(row, units, categories),
        )
        for row in rows
    ]
