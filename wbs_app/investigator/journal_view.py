"""The journal in words: what each entry records, as the handler's language says it.

The journal is the official record of a case; its entries hold codes (a
status, a conclusion, an invitation's id, a staff account's number), UTC
times and signing labels such as ``staff:2:1``. This module is the one place
that turns an entry into a title, a local time, the author's name and role,
and labelled lines. Codes become their labels, dates and times go through
``wbs_app.formats``, identifiers that say nothing to a reader are left out,
and a field this module does not know is shown under "Other detail" and
reported in ``Entry.unknown`` (``tests/casework/test_journal_words.py`` fails
on it, so a new kind of entry cannot reach the page as code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wbs_app.formats import local_date, local_datetime, number
from wbs_app.i18n import current_language
from wbs_app.investigator import labels
from wbs_app.services.cases.journal import Author, JournalItem


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    prose: bool = False  # text a person wrote, shown as written


@dataclass(frozen=True)
class Entry:
    seq: int
    title: str
    when: str
    author: str
    lines: list[Line]
    unknown: list[str] = field(default_factory=list)  # fields and kinds without words


# Words written by people, shown under their form's label.
TEXT_FIELDS = {
    "note": _l("Note"),
    "checked": _l("What was checked"),
    "evidence": _l("Evidence considered"),
    "referred_to": _l("Referred to"),
    "description": _l("Description"),
    "record_number": _l("Examination record (BAP) number"),
    "reasoning": _l("Reasoning"),
    "sanction_type": _l("Type of sanction"),
    "decree_number": _l("Decree number"),
    "reason": _l("Reason"),
    "name": _l("Name of the official"),
    "staff": _l("Colleague"),
    "custodians": _l("Custodians present (share numbers)"),
    "ahead_reason": _l("Reason to decide before the time to answer ended"),
    "account": _l("What the reporter says happened"),
    "correction": _l("The reporter's correction"),
    "outside_body_name": _l("Name of the body"),
    "referral_reference": _l("The body's reference"),
}
# Codes, each shown as its label.
CHOICE_FIELDS: dict[str, tuple[Any, Mapping[str, Any]]] = {
    "conclusion": (_l("Conclusion"), labels.CONCLUSIONS),
    "activity": (_l("Activity"), labels.ACTIVITIES),
    "finding": (_l("Finding"), labels.FINDINGS),
    "level": (_l("Sanction level (PP 94/2021)"), labels.LEVELS),
    "role": (_l("Invited as"), labels.RESPONDENT_ROLES),
    "outcome": (_l("Outcome"), labels.STATUS),
    # A triage step's mark; "none" is a mark cleared (``services.cases.triage``).
    "mark": (_l("Triage mark"), {**labels.TRIAGE, "none": labels.TRIAGE[""]}),
    "deadline": (_l("Deadline"), labels.DEADLINE_KINDS),
    "because": (_l("Reason"), labels.ESCALATION_ENDS),
    "channel": (_l("Channel"), labels.CHANNELS),
    "contact": (_l("Report code"), labels.CONTACTS),
    "link": (_l("Link"), labels.LINK_KINDS),
    "outside_body": (_l("Referred to"), labels.OUTSIDE_BODIES),
    "access": (_l("Access"), labels.REFERRAL_ACCESS),
}
DATE_FIELDS = {
    "answer_due": _l("Answer by"),
    "decided_on": _l("Date decided"),
    "carried_out_on": _l("Date carried out"),
    "due": _l("Due"),
    "received_on": _l("Received on"),
    "referred_on": _l("Referred on"),
}
# Counts, each shown as a number under its label.
NUMBER_FIELDS = {
    "days": _l("Days"),
    "days_late": _l("Working days late"),
    "tier": _l("Levels up the tree"),
    "told": _l("Supervisors told"),
    "other_case": _l("Other case (number)"),
}
# Names kept in the entry as they were (a unit renamed later keeps its old name here).
NAME_FIELDS = {"unit": _l("Unit told")}
# Identifiers a reader cannot use: the account behind a name, the key's
# fingerprint, a record's id. The invitation's id becomes the respondent's
# name, "from" and "to" one status line.
# "decision" repeats the entry's title (more time granted or refused).
LEFT_OUT = frozenset(
    {"staff_id", "key", "record", "invitation", "from", "to", "decision"}
    | {"from_category", "to_category", "from_unit", "to_unit"}
    | {"from_category_en", "to_category_en"}
    # A statement's signed digest (the case page checks it) and a reissued
    # invitation's successor: identifiers, no words for a reader.
    | {"digest", "replacement"}
)


def _choice(value: Any, choices: Mapping[str, Any], unknown: list[str], name: str) -> str:
    if str(value) in choices:
        return str(choices[str(value)])
    unknown.append(f"{name}={value}")
    return str(value)


def _status_line(body: Mapping[str, Any], unknown: list[str]) -> list[Line]:
    before, after = body.get("from"), body.get("to")
    if not after or before == after:
        return []
    target = _choice(after, labels.STATUS, unknown, "to")
    if not before:
        return [Line(_("New status"), target)]
    origin = _choice(before, labels.STATUS, unknown, "from")
    return [Line(_("Status"), _("%(before)s → %(after)s", before=origin, after=target))]


def _moved_lines(body: Mapping[str, Any]) -> list[Line]:
    """A case filed under another category or moved to another unit: before and after, by name.

    A category has a name in each language, both journaled; a unit has one.
    Entries written before the English name was kept show the Indonesian one.
    """
    suffix = "_en" if current_language() == "en" else ""
    lines = []
    for label, before, after in (
        (_("Category"), "from_category", "to_category"),
        (_("Unit"), "from_unit", "to_unit"),
    ):
        if body.get(after):
            origin = str(body.get(before + suffix) or body.get(before) or "-")
            target = str(body.get(after + suffix) or body[after])
            lines.append(Line(label, _("%(before)s → %(after)s", before=origin, after=target)))
    return lines


def _lines(body: Mapping[str, Any], respondents: Mapping[str, str]) -> tuple[list[Line], list[str]]:
    unknown: list[str] = []
    if body.get("unreadable"):
        return [Line(_("Content"), _("This entry cannot be opened with your key."))], unknown
    lines = _status_line(body, unknown) + _moved_lines(body)
    if body.get("invitation") and not body.get("name"):  # the creation names them itself
        lines.append(
            Line(_("Respondent"), respondents.get(str(body["invitation"]), _("Respondent")))
        )
    for name, value in body.items():
        if name in LEFT_OUT or value in ("", None):
            continue
        if name in TEXT_FIELDS:
            lines.append(Line(str(TEXT_FIELDS[name]), str(value), prose=True))
        elif name in CHOICE_FIELDS:
            label, choices = CHOICE_FIELDS[name]
            lines.append(Line(str(label), _choice(value, choices, unknown, name)))
        elif name in DATE_FIELDS:
            lines.append(Line(str(DATE_FIELDS[name]), local_date(str(value))))
        elif name in NUMBER_FIELDS:
            lines.append(Line(str(NUMBER_FIELDS[name]), number(int(value))))
        elif name in NAME_FIELDS:
            lines.append(Line(str(NAME_FIELDS[name]), str(value)))
        elif name == "files":
            if value:
                lines.append(Line(_("Files attached"), number(int(value))))
        else:
            unknown.append(name)
            lines.append(Line(_("Other detail"), str(value), prose=True))
    return lines, unknown


def _author(author: Author | None, respondent_name: str) -> str:
    if author is None or author.kind == "unknown":
        return str(_("An author no longer known"))
    if author.kind == "reporter":
        return str(_("Reporter"))
    if author.kind == "custodians":
        return str(_("The custodians, together (recovery)"))
    if author.kind == "system":
        return str(_("Lentera, on its own (deadline watch)"))
    if author.kind == "respondent":
        role = str(labels.RESPONDENT_ROLES.get(author.role, _("Respondent")))
        return str(_("%(name)s (%(role)s)", name=respondent_name or _("Respondent"), role=role))
    role = str(labels.STAFF_ROLES.get(author.role, _("Staff")))
    return str(_("%(name)s (%(role)s)", name=author.name, role=role))


def _respondent_names(items: list[JournalItem]) -> dict[str, str]:
    """Each invitation's addressee, as the entry that created it names them."""
    return {
        str(item.body["invitation"]): str(item.body.get("name") or _("Respondent"))
        for item in items
        if item.kind == "invitation_created" and item.body.get("invitation")
    }


def present(items: list[JournalItem], authors: Mapping[str, Author]) -> list[Entry]:
    """The timeline as the case page shows it, oldest first."""
    respondents = _respondent_names(items)
    entries = []
    for item in items:
        lines, unknown = _lines(item.body, respondents)
        title = labels.STEPS.get(item.kind)
        if title is None:
            unknown.append(f"kind={item.kind}")
        author = authors.get(item.author)
        uid = item.author.partition(":")[2] if author and author.kind == "respondent" else ""
        entries.append(
            Entry(
                seq=item.seq,
                title=str(title) if title is not None else _("Journal entry"),
                # A reporter's entries are kept to the day (DESIGN.md section 5): no hour.
                when=local_date(item.created_at)
                if author and author.kind == "reporter"
                else local_datetime(item.created_at),
                author=_author(author, respondents.get(uid, "")),
                lines=lines,
                unknown=unknown,
            )
        )
    return entries
