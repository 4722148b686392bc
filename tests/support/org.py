"""Fixtures: an organisation ready to receive reports (units, two investigators, a supervisor)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.http import https_client
from tests.support.staff import StaffLogin, make_staff, make_units
from wbs_app.models import StaffRole


@dataclass
class Org:
    units: dict[str, int]
    budi: StaffLogin  # investigator of UPT Makassar ("a")
    sitti: StaffLogin  # investigator of UPT Parepare ("b")
    rahman: StaffLogin  # supervisor of the Kanwil (sees everything below)


@pytest.fixture
def org(app) -> Org:
    return build_org(app)


def build_org(app) -> Org:
    """The same organisation on an app a test built itself (other settings)."""
    units = make_units(app)
    return Org(
        units=units,
        budi=make_staff(app, "budi", unit_ids=(units["a"],)),
        sitti=make_staff(app, "sitti", unit_ids=(units["b"],)),
        rahman=make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(units["kanwil"],)),
    )


@pytest.fixture
def reporter(app):
    """A reporter's browser (no cookies yet)."""
    return https_client(app)
