"""Cases that are one matter, or related: the same complaint sent through LAPOR! and the WBS.

A link is one row for the pair (lower id first), so it reads the same from
either case, and one journal entry in each of the two cases, so each case's
own record says what it was linked to and by whom. Only a handler who holds
both cases may link or unlink them: a case of another unit is not named to
someone who cannot read it, and "no such case" is the answer for both.
``matter_count`` is what the statistics count: cases joined by "same matter"
links are one matter, however many channels it came through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import Case, CaseLink, LinkKind, StaffMember
from wbs_app.services.cases import case_keys, journal
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError

LINKED = "case_linked"
UNLINKED = "case_unlinked"
MAX_NOTE_CHARS = 2_000


class LinkRefused(DomainError):
    codes = ("link_self", "link_unknown", "already_linked", "not_linked")


@dataclass(frozen=True)
class LinkedCase:
    case_id: int
    kind: LinkKind


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _other(session: Session, case: Case, other_id: int | None, actor: StaffMember) -> Case:
    case_keys.require_holder(session, case, actor)
    if other_id == case.id:
        raise LinkRefused("link_self")
    other = session.get(Case, other_id) if other_id is not None else None
    if other is None or not case_keys.is_holder(session, other, actor):
        raise LinkRefused("link_unknown")  # not there, or not theirs: the same answer
    return other


def _bodies(
    case: Case, other: Case, kind: LinkKind, note: str
) -> tuple[dict[str, str | int], dict[str, str | int]]:
    """The two journals' entries: each names the other case."""
    body: dict[str, str | int] = {"link": kind.value, "note": note.strip()[:MAX_NOTE_CHARS]}
    return {**body, "other_case": other.id}, {**body, "other_case": case.id}


def link(
    session: Session,
    case: Case,
    other_id: int | None,
    kind: LinkKind,
    actor: StaffMember,
    identity: Identity,
    note: str = "",
) -> Case:
    """Link two cases both ways; a link of the other kind is changed to this one."""
    other = _other(session, case, other_id, actor)
    low, high = _pair(case.id, other.id)
    existing = session.get(CaseLink, (low, high))
    if existing is not None and existing.kind is kind:
        raise LinkRefused("already_linked")
    if existing is None:
        try:
            with session.begin_nested():  # linked at the same moment elsewhere: one link
                session.add(
                    CaseLink(
                        low_id=low, high_id=high, kind=kind, linked_on=today(), linked_by=actor.id
                    )
                )
        except IntegrityError:
            raise LinkRefused("already_linked") from None
    else:
        existing.kind, existing.linked_on, existing.linked_by = kind, today(), actor.id
    here, there = _bodies(case, other, kind, note)
    journal.append(session, case, actor, identity, LINKED, here)
    journal.append(session, other, actor, identity, LINKED, there)
    session.flush()
    return other


def unlink(
    session: Session,
    case: Case,
    other_id: int | None,
    actor: StaffMember,
    identity: Identity,
    note: str = "",
) -> Case:
    other = _other(session, case, other_id, actor)
    existing = session.get(CaseLink, _pair(case.id, other.id))
    if existing is None:
        raise LinkRefused("not_linked")
    was = existing.kind
    session.delete(existing)
    here, there = _bodies(case, other, was, note)
    journal.append(session, case, actor, identity, UNLINKED, here)
    journal.append(session, other, actor, identity, UNLINKED, there)
    session.flush()
    return other


def links_of(session: Session, case: Case, viewer: StaffMember) -> list[LinkedCase]:
    """The case's links to cases the viewer holds, lowest case number first.

    A link to a case they do not hold is not shown at all: after a referral
    or a move, "case #N, the same matter" would tell the new holders that
    another unit has a case on it, and a case not held is one that does not
    exist (the statistics still count the matter once)."""
    rows = session.scalars(
        select(CaseLink).where(or_(CaseLink.low_id == case.id, CaseLink.high_id == case.id))
    )
    found = []
    for row in rows:
        other_id = row.high_id if row.low_id == case.id else row.low_id
        other = session.get(Case, other_id)
        if other is not None and case_keys.is_holder(session, other, viewer):
            found.append(LinkedCase(other_id, row.kind))
    return sorted(found, key=lambda linked: linked.case_id)


def matter_count(session: Session, case_ids: Iterable[int]) -> int:
    """How many matters these cases are: "same matter" links join them."""
    ids = set(case_ids)
    if not ids:
        return 0
    pairs = session.execute(
        select(CaseLink.low_id, CaseLink.high_id).where(
            CaseLink.kind == LinkKind.SAME_MATTER, CaseLink.low_id.in_(ids)
        )
    )
    return len(ids) - repeats_among((low, high) for low, high in pairs if high in ids)


def repeats_among(pairs: Iterable[tuple[int, int]]) -> int:
    """How many of the linked cases repeat a matter another one already counts (union-find).

    A set of cases is that many matters fewer than cases; the statistics
    take it away from a period's count, ``matter_count`` from a list's.
    """
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for low, high in pairs:
        parent[root(high)] = root(low)
    return len(parent) - len({root(node) for node in list(parent)})
