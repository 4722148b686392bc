"""The organisation cannot be broken by accident (issue 15, item 10), through HTTP.

A new top unit only by its own action; "not sure" reports go to an intake
unit that can receive them; names are unique among siblings; units move
(never under themselves) and retire (an inactive unit gets no new reports).
"""

from __future__ import annotations

from sqlalchemy import func, select

from tests.support.reporter import Report, post_form, submit_report
from tests.support.staff import csrf_token, make_staff, sign_in
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, Case, StaffRole, Unit


def _admin(app, client):
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    sign_in(app, client, admin)
    return csrf_token(client, "/staf/admin/unit")


def _unit(app, unit_id: int) -> Unit:
    with app_database(app).session() as session:
        unit = session.get(Unit, unit_id)
        session.expunge(unit)
        return unit


def _by_name(app, name: str) -> list[Unit]:
    with app_database(app).session() as session:
        found = list(session.scalars(select(Unit).where(Unit.name == name)))
        session.expunge_all()
        return found


def _actions(app) -> list[str]:
    with app_database(app).session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_default_parent_never_makes_a_new_top(app, client, org) -> None:
    token = _admin(app, client)
    form = client.get("/staf/admin/unit").get_data(as_text=True)
    assert "(top of the tree)" not in form and "(puncak pohon)" not in form
    refused = client.post(
        "/staf/admin/unit", data={"csrf_token": token, "name": "UPT Bone", "parent_id": 0}
    )
    assert refused.status_code == 400
    assert _by_name(app, "UPT Bone") == []
    assert _unit(app, org.units["kanwil"]).parent_id is None

    unticked = client.post(
        "/staf/admin/unit/puncak", data={"csrf_token": token, "name": "Kementerian"}
    )
    assert unticked.status_code == 400 and _by_name(app, "Kementerian") == []
    made = client.post(
        "/staf/admin/unit/puncak", data={"csrf_token": token, "name": "Kementerian", "confirm": "y"}
    )
    assert made.status_code == 302
    (ministry,) = _by_name(app, "Kementerian")
    assert ministry.parent_id is None and _unit(app, org.units["kanwil"]).parent_id == ministry.id


def test_not_sure_reports_still_reach_the_kanwil_after_a_new_top(
    app, client, org, reporter
) -> None:
    token = _admin(app, client)
    # The default parent of the old form, then the explicit action.
    client.post(
        "/staf/admin/unit", data={"csrf_token": token, "name": "Kementerian", "parent_id": 0}
    )
    client.post(
        "/staf/admin/unit/puncak", data={"csrf_token": token, "name": "Kementerian", "confirm": "y"}
    )
    submit_report(reporter, Report(unit=0))  # "not sure"
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        assert case is not None and case.unit_id == org.units["kanwil"]


def test_the_intake_unit_is_a_setting_that_must_be_able_to_receive(
    app, client, org, reporter
) -> None:
    token = _admin(app, client)
    page = client.get("/staf/admin/unit").get_data(as_text=True)
    assert 'name="intake_unit_id"' in page
    client.post(
        "/staf/admin/unit/puncak", data={"csrf_token": token, "name": "Kementerian", "confirm": "y"}
    )
    (ministry,) = _by_name(app, "Kementerian")
    refused = client.post(
        "/staf/admin/unit/penerimaan", data={"csrf_token": token, "intake_unit_id": ministry.id}
    )
    assert refused.status_code == 400  # no supervisor at or above it: reports would be refused
    assert "cannot receive" in refused.get_data(as_text=True) or "tidak dapat" in refused.get_data(
        as_text=True
    )
    make_staff(app, "wahyu", StaffRole.SUPERVISOR, unit_ids=(org.units["b"],))
    moved = client.post(
        "/staf/admin/unit/penerimaan", data={"csrf_token": token, "intake_unit_id": org.units["b"]}
    )
    assert moved.status_code == 302
    assert "intake_unit_set" in _actions(app)
    submit_report(reporter, Report(unit=0))
    with app_database(app).session() as session:
        assert session.scalar(select(Case.unit_id)) == org.units["b"]


def test_names_are_unique_among_siblings(app, client, org) -> None:
    token = _admin(app, client)
    for name in ("UPT Makassar", "  upt   MAKASSAR "):
        again = client.post(
            "/staf/admin/unit",
            data={"csrf_token": token, "name": name, "parent_id": org.units["kanwil"]},
        )
        assert again.status_code == 400, name
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 3
    # The same name under another parent is another unit.
    other = client.post(
        "/staf/admin/unit",
        data={"csrf_token": token, "name": "UPT Makassar", "parent_id": org.units["a"]},
    )
    assert other.status_code == 302
    client.post(
        f"/staf/admin/unit/{org.units['b']}/nama",
        data={"csrf_token": token, "name": "UPT Makassar"},
    )
    assert _unit(app, org.units["b"]).name == "UPT Parepare"


def test_a_unit_moves_but_never_under_itself(app, client, org) -> None:
    token = _admin(app, client)
    client.post(
        "/staf/admin/unit",
        data={"csrf_token": token, "name": "UPT Bone", "parent_id": org.units["a"]},
    )
    (bone,) = _by_name(app, "UPT Bone")
    for parent in (org.units["a"], bone.id):  # itself, its own child
        refused = client.post(
            f"/staf/admin/unit/{org.units['a']}/pindah",
            data={"csrf_token": token, "parent_id": parent},
        )
        assert refused.status_code == 400
    top = client.post(
        f"/staf/admin/unit/{org.units['kanwil']}/pindah",
        data={"csrf_token": token, "parent_id": org.units["b"]},
    )
    assert top.status_code == 400 and _unit(app, org.units["kanwil"]).parent_id is None
    moved = client.post(
        f"/staf/admin/unit/{bone.id}/pindah",
        data={"csrf_token": token, "parent_id": org.units["b"]},
    )
    assert moved.status_code == 302 and _unit(app, bone.id).parent_id == org.units["b"]
    assert "unit_moved" in _actions(app)


def test_an_inactive_unit_is_not_offered_and_receives_no_report(app, client, org, reporter) -> None:
    token = _admin(app, client)
    unconfirmed = client.post(
        f"/staf/admin/unit/{org.units['b']}/nonaktifkan", data={"csrf_token": token}
    )
    assert unconfirmed.status_code == 400 and _unit(app, org.units["b"]).active
    done = client.post(
        f"/staf/admin/unit/{org.units['b']}/nonaktifkan", data={"csrf_token": token, "confirm": "y"}
    )
    assert done.status_code == 302 and not _unit(app, org.units["b"]).active
    assert "unit_deactivated" in _actions(app)
    form = reporter.get("/lapor/formulir").get_data(as_text=True)
    assert "UPT Parepare" not in form and "UPT Makassar" in form
    refused = post_form(reporter, Report(unit=org.units["b"]))
    assert refused.status_code == 400
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0

    # The intake unit (the top, here) stays; so does a unit with active units below it.
    client.post(
        "/staf/admin/unit/puncak", data={"csrf_token": token, "name": "Kementerian", "confirm": "y"}
    )
    (ministry,) = _by_name(app, "Kementerian")
    org.units["ministry"] = ministry.id
    for unit in ("kanwil", "ministry"):
        kept = client.post(
            f"/staf/admin/unit/{org.units[unit]}/nonaktifkan",
            data={"csrf_token": token, "confirm": "y"},
        )
        assert kept.status_code == 400 and _unit(app, org.units[unit]).active
    back = client.post(f"/staf/admin/unit/{org.units['b']}/aktifkan", data={"csrf_token": token})
    assert back.status_code == 302 and _unit(app, org.units["b"]).active


def test_a_unit_with_cases_is_never_deleted(app, client, org, reporter) -> None:
    token = _admin(app, client)
    submit_report(reporter, Report(unit=org.units["a"]))
    kept = client.post(
        f"/staf/admin/unit/{org.units['a']}/hapus", data={"csrf_token": token, "confirm": "y"}
    )
    assert kept.status_code == 400 and _by_name(app, "UPT Makassar")
    client.post(
        "/staf/admin/unit",
        data={"csrf_token": token, "name": "UPT Salah", "parent_id": org.units["kanwil"]},
    )
    (mistake,) = _by_name(app, "UPT Salah")
    gone = client.post(
        f"/staf/admin/unit/{mistake.id}/hapus", data={"csrf_token": token, "confirm": "y"}
    )
    assert gone.status_code == 302 and _by_name(app, "UPT Salah") == []
