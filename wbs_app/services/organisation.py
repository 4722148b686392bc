"""The unit tree, the category list and the deadline settings that administrators keep.

A report goes to a unit; the people who may read it follow from the tree
(investigators of the unit, supervisors of the unit or any unit above it).
So the tree is edited carefully: units are created and renamed, never
deleted or moved under their own descendants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wbs_app.models import Category, SettingValue, StaffMember, Unit
from wbs_app.services import audit
from wbs_app.services.errors import DomainError
from wbs_app.services.text import one_line_name

DEADLINE_KEYS = (
    "DEADLINE_ACKNOWLEDGE_DAYS",
    "DEADLINE_VERIFICATION_DAYS",
    "DEADLINE_FEEDBACK_DAYS",
    "DEADLINE_RESPONDENT_DAYS",
)
MAX_DEADLINE_DAYS = 365


class OrganisationError(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class TreeNode:
    unit: Unit
    depth: int


def unit_tree(session: Session) -> list[TreeNode]:
    """Every unit in tree order (parents before children, siblings by name)."""
    units = list(session.scalars(select(Unit).order_by(Unit.name)))
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


def create_unit(
    session: Session, actor: StaffMember | None, name: str, parent_id: int | None
) -> Unit:
    """Add a unit under ``parent_id``; with no parent it becomes the new top of the tree.

    The tree keeps one top unit (where unsure reporters' reports go): a unit
    created without a parent, say the ministry above a Kanwil, takes the old
    top unit under it.
    """
    cleaned = _clean_name(name)
    if parent_id is not None and session.get(Unit, parent_id) is None:
        raise OrganisationError("no_parent")
    old_top = top_unit(session) if parent_id is None else None
    unit = Unit(name=cleaned, parent_id=parent_id)
    session.add(unit)
    session.flush()
    if old_top is not None:
        old_top.parent_id = unit.id
        session.flush()
    audit.record(
        session, "unit_created", actor_id=actor.id if actor else None, target_unit_id=unit.id
    )
    return unit


def rename_unit(session: Session, actor: StaffMember, unit_id: int, name: str) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise OrganisationError("not_found")
    unit.name = _clean_name(name)
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


@dataclass(frozen=True)
class Deadlines:
    acknowledge_days: int
    verification_days: int
    feedback_days: int
    respondent_days: int


def deadlines(session: Session, defaults: Mapping[str, int]) -> Deadlines:
    """The deadlines in force: administrators' values over the configured defaults."""
    rows = session.execute(
        select(SettingValue.key, SettingValue.value).where(SettingValue.key.in_(DEADLINE_KEYS))
    )
    stored = {key: value for key, value in rows}
    value = {key: stored.get(key, int(defaults[key])) for key in DEADLINE_KEYS}
    return Deadlines(
        acknowledge_days=value["DEADLINE_ACKNOWLEDGE_DAYS"],
        verification_days=value["DEADLINE_VERIFICATION_DAYS"],
        feedback_days=value["DEADLINE_FEEDBACK_DAYS"],
        respondent_days=value["DEADLINE_RESPONDENT_DAYS"],
    )


def set_deadlines(session: Session, actor: StaffMember, values: Mapping[str, int]) -> None:
    changed = []
    for key in DEADLINE_KEYS:
        days = int(values[key])
        if not 1 <= days <= MAX_DEADLINE_DAYS:
            raise OrganisationError("bad_deadline")
        row = session.get(SettingValue, key)
        if row is None:
            session.add(SettingValue(key=key, value=days))
            changed.append(key)
        elif row.value != days:
            row.value = days
            changed.append(key)
    if changed:
        detail = ",".join(
            f"{key.removeprefix('DEADLINE_').lower()}={values[key]}" for key in changed
        )
        audit.record(session, "settings_changed", actor_id=actor.id, detail=detail)
    session.flush()
