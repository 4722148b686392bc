"""The unit tree and the category list that administrators keep (deadlines: ``deadlines``).

A report goes to a unit; the people who may read it follow from the tree
(investigators of the unit, supervisors of the unit or any unit above it).
So the tree is edited carefully: a new top unit only by its own action,
names unique among siblings (a reporter picks a unit by its name), and moves,
retirements and deletions in ``services.office.unit_admin``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wbs_app.models import Category, SettingValue, StaffMember, Unit
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.text import one_line_name
from wbs_app.services.staff import audit

# The unit "not sure" reports go to (``unit_admin.intake_unit``); absent: the top unit.
INTAKE_UNIT_KEY = "INTAKE_UNIT_ID"


class OrganisationError(DomainError):
    """A change to units or categories refused; ``code`` says why."""


@dataclass(frozen=True)
class TreeNode:
    unit: Unit
    depth: int


def unit_tree(session: Session, *, active_only: bool = False) -> list[TreeNode]:
    """Every unit in tree order (parents before children, siblings by name).

    ``active_only`` leaves out retired units (and so whatever hangs below
    one, though ``unit_admin`` retires no unit with active units below it):
    the choices of a reporter or of a handler moving a case.
    """
    query = select(Unit).order_by(Unit.name)
    if active_only:
        query = query.where(Unit.active.is_(True))
    units = list(session.scalars(query))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[TreeNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            ordered.append(TreeNode(unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def subtree_ids(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit below it (what a supervisor of it oversees)."""
    pairs = session.execute(select(Unit.id, Unit.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for child, parent in pairs:
        children.setdefault(parent, []).append(child)
    found: set[int] = set()
    pending = [unit_id]
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(children.get(current, []))
    return found


def top_unit(session: Session) -> Unit | None:
    """Where a report goes when the reporter is not sure (the root of the tree)."""
    return session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))


def _clean_name(name: str) -> str:
    cleaned = one_line_name(name)
    if not 2 <= len(cleaned) <= 200:
        raise OrganisationError("bad_name")
    return cleaned


def check_sibling_name(
    session: Session, name: str, parent_id: int | None, unit_id: int | None = None
) -> None:
    """Refuse (``duplicate_name``) a name another unit under the same parent has.

    Compared without case or extra spaces: "UPT Makassar" and "upt  makassar"
    side by side on the reporter's list would be the same choice twice.
    """
    wanted = one_line_name(name).casefold()
    siblings = select(Unit.id, Unit.name).where(
        Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    )
    for sibling_id, sibling_name in session.execute(siblings):
        if sibling_id != unit_id and one_line_name(sibling_name).casefold() == wanted:
            raise OrganisationError("duplicate_name")


def create_unit(
    session: Session,
    actor: StaffMember | None,
    name: str,
    parent_id: int | None,
    *,
    new_top: bool = False,
) -> Unit:
    """Add a unit under ``parent_id``, or, as its own action, a new top above the tree.

    Without a parent a unit is the first of an empty tree, or, only when
    ``new_top`` says so, the new top that takes the present one under it (the
    ministry above a Kanwil). Until then "not sure" reports went to the top
    unit; so that they keep going where they went, the old top becomes the
    intake unit if none was chosen.
    """
    cleaned = _clean_name(name)
    parent = session.get(Unit, parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise OrganisationError("no_parent")
    if parent is not None and not parent.active:
        raise OrganisationError("parent_inactive")
    old_top = top_unit(session) if parent_id is None else None
    if old_top is not None and not new_top:
        raise OrganisationError("parent_required")
    check_sibling_name(session, cleaned, parent_id)
    unit = Unit(name=cleaned, parent_id=parent_id, active=True)
    session.add(unit)
    session.flush()
    if old_top is not None:
        old_top.parent_id = unit.id
        if session.get(SettingValue, INTAKE_UNIT_KEY) is None:
            session.add(SettingValue(key=INTAKE_UNIT_KEY, value=old_top.id))
        session.flush()
    audit.record(
        session, "unit_created", actor_id=actor.id if actor else None, target_unit_id=unit.id
    )
    return unit


def rename_unit(session: Session, actor: StaffMember, unit_id: int, name: str) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise OrganisationError("not_found")
    cleaned = _clean_name(name)
    check_sibling_name(session, cleaned, unit.parent_id, unit.id)
    unit.name = cleaned
    audit.record(session, "unit_renamed", actor_id=actor.id, target_unit_id=unit.id)
    session.flush()
    return unit


def all_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.position, Category.id)))


def update_category(
    session: Session,
    actor: StaffMember,
    category_id: int,
    name_id: str,
    name_en: str,
    position: int,
    active: bool,
) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise OrganisationError("not_found")
    category.name_id = _clean_name(name_id)
    category.name_en = _clean_name(name_en)
    category.position = max(0, min(position, 10_000))
    category.active = active
    audit.record(session, "category_changed", actor_id=actor.id, detail=category.code)
    session.flush()
    return category


def create_category(session: Session, actor: StaffMember, name_id: str, name_en: str) -> Category:
    cleaned_id, cleaned_en = _clean_name(name_id), _clean_name(name_en)
    position = (session.scalar(select(func.max(Category.position))) or 0) + 1
    code = f"c{position}-" + "".join(ch for ch in cleaned_en.lower() if ch.isalnum())[:20]
    if session.scalar(select(Category.id).where(Category.code == code)) is not None:
        raise OrganisationError("duplicate")
    category = Category(
        code=code, name_id=cleaned_id, name_en=cleaned_en, position=position, active=True
    )
    session.add(category)
    session.flush()
    audit.record(session, "category_created", actor_id=actor.id, detail=code)
    return category
