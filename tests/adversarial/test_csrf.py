"""CSRF: every POST route refuses a request without its session's token, and changes nothing.

Each POST route of ``app.url_map`` is sent, by a client holding the session
the route needs, a payload that works (the third request proves it: with the
right token it changes the database), first without any token and then with
a valid token of another session (an attacker's own). Both must be refused
with the "form expired" page and leave the database and the attachment store
as they were. The streaming routes (report form, reporter reply and report
of retaliation, respondent statement) are exempt from the global hook and
check the token themselves: they are held to the same proof, with a file in
the body.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from crypto.certificates import certificate_fingerprint
from tests.support.headers import assert_baseline
from tests.support.http import https_client
from tests.support.recording import Recorded, record
from tests.support.reporter import DRAFT_RE, Report, csrf_from, post_form
from tests.support.staff import activation_fields, enrolment_fields, make_staff, next_code
from tests.support.trust import ceremony_shares
from tests.support.world import World, build_world, changed_tables, snapshot, stored_files
from wbs_app.db import app_database
from wbs_app.models import Category, StaffMember, StaffRole, Unit
from wbs_app.services.staff import accounts

EXPIRED = "Formulir sudah kedaluwarsa"
NEW_PASSWORD = "hujan-di-losari-senja-hari"


@dataclass
class Action:
    endpoint: str
    role: str
    path: Callable[[World, dict[str, Any]], str]
    payload: Callable[[World, dict[str, Any]], dict[str, Any]]
    streaming: bool = False
    # What the request with the right token does: "changes" the database, or
    # only answers with this status (read-only routes, impossible set-up).
    harmless_status: int | None = None


def _file(words: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(words.encode()), "bukti.txt"


def _recovery(world: World, extra: dict[str, Any]) -> dict[str, Any]:
    """Two custodians give case B to Budi (certified, holding nothing of it)."""
    shares = ceremony_shares(world.app)
    return {
        "share_1": shares[0],
        "share_2": shares[1],
        "action": "regrant",
        "staff_email": "budi@kanwil.example",
        "case_numbers": str(world.case_b),
        "unit_id": "0",
    }


def _report_fields(world: World, extra: dict[str, Any]) -> dict[str, Any]:
    report = Report(unit=world.org.units["a"], what="CSRF-LAPORAN")
    return {
        "draft": "",
        "unit": str(report.unit),
        "category": str(report.category),
        "what": report.what,
        "who": report.who,
        "where": report.where,
        "when": report.when,
        "how": report.how,
        "evidence": _file("CSRF-BERKAS"),
    }


def _recording_fields(world: World, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "draft": "",
        "channel": "telepon",
        "received_on": date.today().isoformat(),
        "contact": "tidak_ada",
        "unit": str(world.org.units["a"]),
        "category": "1",
        "what": "CSRF-CATATAN-TELEPON",
        "evidence": _file("CSRF-PINDAIAN"),
    }


def _activation(world: World, extra: dict[str, Any]) -> dict[str, Any]:
    token = extra["activation_token"]
    page = https_client(world.app).get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    fields = enrolment_fields(page) | activation_fields(token, "dewi", NEW_PASSWORD)
    del fields["csrf_token"]  # the page's, of another session: each case sets its own or none
    return fields


def _fixed(data: dict[str, Any]) -> Callable[[World, dict[str, Any]], dict[str, Any]]:
    return lambda w, extra: dict(data)


# In the order their successful requests are sent: the session enders last.
ACTIONS = [
    # First: the supervisor's notice of the respondent's statement in the world is unread.
    Action(
        "investigator.read_all_notices",
        "supervisor",
        lambda w, e: "/staf/pengelola/pemberitahuan/dibaca",
        _fixed({}),
    ),
    Action(
        "investigator.notice_mail_settings",
        "inv_a",
        lambda w, e: "/staf/pengelola/pemberitahuan/surel",
        _fixed({"mode": "digest", "language": "en"}),
    ),
    Action("reporter.receive_form", "anon", lambda w, e: "/lapor/formulir", _report_fields, True),
    Action(
        "investigator.record_report",
        "inv_a",
        lambda w, e: "/staf/pengelola/laporan-baru",
        _recording_fields,
        True,
    ),
    Action(
        "reporter.edit",
        "anon",
        lambda w, e: "/lapor/formulir/ubah",
        lambda w, extra: {"draft": extra["draft"]},
        harmless_status=200,
    ),
    Action(
        "reporter.send", "anon", lambda w, e: "/lapor/kirim", lambda w, e: {"draft": e["draft"]}
    ),
    Action(
        "reporter.login", "anon", lambda w, e: "/lapor/masuk", lambda w, e: {"receipt": w.receipt_a}
    ),
    Action(
        "respondent.login",
        "anon",
        lambda w, e: "/klarifikasi/masuk",
        lambda w, e: {"code": w.code_a1},
    ),
    Action(
        "staff.login",
        "anon",
        lambda w, e: "/staf/masuk",
        lambda w, e: {
            "login": w.org.budi.username,
            "password": w.org.budi.password,
            "code": next_code(w.app, w.org.budi),
        },
    ),
    Action(
        "staff.setup",
        "anon",
        lambda w, e: "/staf/penyiapan",
        _fixed({"kode": "x" * 40, "email": "x@kanwil.example", "display_name": "X"}),
        harmless_status=404,  # an administrator exists: set-up is over
    ),
    Action("staff.activate", "anon", lambda w, e: "/staf/aktivasi", _activation),
    Action("staff.recovery_page", "anon", lambda w, e: "/staf/pemulihan", _recovery),
    Action(
        "reporter.reply",
        "reporter",
        lambda w, e: "/lapor/kasus/pesan",
        lambda w, e: {"message": "CSRF-BALASAN", "evidence": _file("CSRF-BALASAN-BERKAS")},
        True,
    ),
    Action(
        "reporter.report_retaliation",
        "reporter",
        lambda w, e: "/lapor/kasus/tindakan-balasan",
        lambda w, e: {"account": "CSRF-BALASAN-TINDAKAN", "evidence": _file("CSRF-MUTASI")},
        True,
    ),
    Action(
        "respondent.statement",
        "respondent",
        lambda w, e: "/klarifikasi/pernyataan",
        lambda w, e: {"statement": "CSRF-PERNYATAAN", "evidence": _file("CSRF-JAWABAN")},
        True,
    ),
    Action(
        "respondent.extension",
        "respondent",
        lambda w, e: "/klarifikasi/perpanjangan",
        _fixed({"days": "7", "reason": "CSRF-ALASAN"}),
    ),
    Action(
        "reporter.confirm_new_receipt",
        "reporter",
        lambda w, e: "/lapor/kode-baru",
        _fixed({"receipt": "CSRF"}),
        harmless_status=302,  # the world's reporter filed on the web: no new receipt waits
    ),
    Action(
        "reporter.confirm_record",
        "reporter",
        lambda w, e: "/lapor/kasus/catatan-benar",
        _fixed({}),
        harmless_status=302,  # a web report: there is no handler's record to confirm
    ),
    Action(
        "reporter.correct_record",
        "reporter",
        lambda w, e: "/lapor/kasus/koreksi",
        _fixed({"message": "CSRF-KOREKSI"}),
        True,
        harmless_status=302,
    ),
    Action(
        "respondent.confirm_new_code",
        "respondent",
        lambda w, e: "/klarifikasi/kode-baru",
        _fixed({"code": "CSRF"}),
        harmless_status=302,  # the world's respondent confirmed their new code already
    ),
    Action(
        "investigator.grant_access",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/akses/beri",
        lambda w, e: {"staff_id": str(w.org.sitti.id)},
    ),
    Action(
        "investigator.certify",
        "supervisor",
        lambda w, e: "/staf/pengelola/sertifikasi",
        lambda w, e: {"staff_id": str(e["waiting_id"]), "fingerprint": e["waiting_fingerprint"]},
    ),
    Action(
        "investigator.revoke_access",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/akses/cabut",
        lambda w, e: {"staff_id": str(w.org.sitti.id)},
    ),
    Action(
        "investigator.assign_case",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/akses/tugaskan",
        lambda w, e: {"staff_id": str(w.org.budi.id)},
    ),
    Action(
        "investigator.add_note",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/catatan",
        _fixed({"text": "CSRF-CATATAN"}),
    ),
    Action(  # after the reporter's report of retaliation above: its marker is taken up
        "investigator.acknowledge_retaliation",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/tindakan-balasan",
        _fixed({"retaliation_note": "CSRF-TINDAK-LANJUT"}),
    ),
    Action(
        "investigator.reveal_identity",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/identitas",
        _fixed({}),
    ),
    Action(
        "investigator.record_step",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/langkah",
        _fixed({"kind": "investigation", "activity": "interview", "description": "CSRF"}),
    ),
    Action(
        "investigator.mark_triage",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/triase",
        _fixed({"mark": "duplikat", "note": "CSRF-TRIASE"}),
    ),
    Action(  # nothing ticked: refused with the inbox again, so it changes nothing
        "investigator.archive_marked",
        "inv_a",
        lambda w, e: "/staf/pengelola/kasus/arsipkan",
        _fixed({}),
        harmless_status=302,
    ),
    Action(
        "investigator.send_message",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/pesan",
        _fixed({"text": "CSRF-PESAN"}),
    ),
    Action(
        "investigator.create_invitation",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/undangan",
        _fixed(
            {
                "once": "CSRF-satu-kali-0123456789",
                "name": "CSRF-PEJABAT",
                "allegation": "CSRF-TUDUHAN",
                "role": "witness",
                "days": "9",
            }
        ),
    ),
    Action(
        "investigator.decide_extension",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/undangan/perpanjangan",
        lambda w, e: {
            "invitation": w.invitation_a1,
            "decision": "grant",
            "days": "7",
            "reason": "CSRF-ALASAN-KEPUTUSAN",
        },
    ),
    Action(
        "investigator.close_threads",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/undangan/tutup",
        _fixed({}),
        harmless_status=302,  # case A is still open: its threads close with its decision
    ),
    Action(
        "investigator.message_respondent",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/undangan/pesan",
        lambda w, e: {"invitation": w.invitation_a1, "text": "CSRF-PESAN-TERLAPOR"},
    ),
    Action(
        "investigator.reissue",
        "inv_a",
        # The second invitation (nobody signed in with it): the first one's respondent stays.
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/undangan/{w.invitation_a2}/ganti",
        _fixed({}),
    ),
    Action(
        "investigator.journal_checkpoint_download",
        "supervisor",
        lambda w, e: "/staf/pengelola/jurnal/titik-periksa",
        _fixed({}),  # the download is recorded in the audit log: a change
    ),
    Action(
        "admin.create_category",
        "admin",
        lambda w, e: "/staf/admin/kategori",
        _fixed({"name_id": "CSRF kategori", "name_en": "CSRF category"}),
    ),
    Action(
        "admin.update_category",
        "admin",
        lambda w, e: f"/staf/admin/kategori/{w.category}",
        lambda w, e: {
            f"c{w.category}-name_id": "Kategori CSRF",
            f"c{w.category}-name_en": "Category CSRF",
            f"c{w.category}-position": "3",
            f"c{w.category}-active": "y",
        },
    ),
    Action(
        "admin.settings",
        "admin",
        lambda w, e: "/staf/admin/pengaturan",
        _fixed({"acknowledge": "5", "verification": "10", "feedback": "60", "respondent": "9"}),
    ),
    Action(
        "admin.add_leave_day",
        "admin",
        lambda w, e: "/staf/admin/cuti-bersama",
        _fixed({"day": "2026-12-31", "name": "Cuti bersama CSRF"}),
    ),
    Action(
        "admin.remove_leave_day",
        "admin",
        lambda w, e: "/staf/admin/cuti-bersama/2026-12-31/hapus",  # the day entered just above
        _fixed({}),
    ),
    Action(
        "admin.add_national_leave",
        "admin",
        lambda w, e: "/staf/admin/cuti-bersama/nasional",
        _fixed({"year": "2026"}),
    ),
    Action(
        "admin.letterhead_settings",
        "admin",
        lambda w, e: "/staf/admin/kop-surat",
        _fixed(
            {
                "office_name": "Kantor Wilayah CSRF",
                "address": "Jl. CSRF 1, Makassar",
                "signatory_name": "Pejabat CSRF",
                "signatory_position": "Kepala Divisi",
                "number_prefix": "WBS",
            }
        ),
    ),
    Action(
        "admin.change_role",
        "admin",
        lambda w, e: f"/staf/admin/staf/{w.target.id}/peran",
        lambda w, e: {"role": "supervisor", "units": str(w.org.units["b"])},
    ),
    Action(
        "admin.deactivate",
        "admin",
        lambda w, e: f"/staf/admin/staf/{w.target.id}/nonaktifkan",
        _fixed({}),
    ),
    Action(
        "admin.reactivate",
        "admin",
        lambda w, e: f"/staf/admin/staf/{w.target.id}/aktifkan",
        _fixed({}),
    ),
    Action(
        "admin.reset_password",
        "admin",
        lambda w, e: f"/staf/admin/staf/{w.target.id}/reset",
        _fixed({}),
    ),
    Action(
        "admin.reissue_link",
        "admin",
        lambda w, e: f"/staf/admin/staf/{e['pending_id']}/tautan",
        _fixed({}),
    ),
    Action(
        "admin.invite",
        "admin",
        lambda w, e: "/staf/admin/staf/undang",
        lambda w, e: {
            "display_name": "Fajar",
            "email": "fajar@kanwil.example",
            "role": "investigator",
            "units": str(w.org.units["a"]),
        },
    ),
    Action(
        "admin.create_unit",
        "admin",
        lambda w, e: "/staf/admin/unit",
        lambda w, e: {"name": "UPT CSRF", "parent_id": str(w.org.units["kanwil"])},
    ),
    Action(
        "admin.rename_unit",
        "admin",
        lambda w, e: f"/staf/admin/unit/{w.org.units['b']}/nama",
        _fixed({"name": "UPT Parepare CSRF"}),
    ),
    Action(
        "admin.create_top_unit",
        "admin",
        lambda w, e: "/staf/admin/unit/puncak",
        _fixed({"name": "Kementerian CSRF", "confirm": "y"}),
    ),
    Action(
        "admin.move_unit",
        "admin",
        lambda w, e: f"/staf/admin/unit/{w.org.units['b']}/pindah",
        lambda w, e: {"parent_id": str(w.org.units["a"])},
    ),
    Action(
        "admin.deactivate_unit",
        "admin",
        lambda w, e: f"/staf/admin/unit/{w.org.units['b']}/nonaktifkan",
        _fixed({"confirm": "y"}),
    ),
    Action(
        "admin.reactivate_unit",
        "admin",
        lambda w, e: f"/staf/admin/unit/{w.org.units['b']}/aktifkan",
        _fixed({}),
    ),
    Action(
        "admin.set_intake_unit",
        "admin",
        lambda w, e: "/staf/admin/unit/penerimaan",
        lambda w, e: {"intake_unit_id": str(w.org.units["a"])},
    ),
    Action(
        "admin.delete_unit",
        "admin",
        lambda w, e: f"/staf/admin/unit/{_unit_named(w, 'UPT CSRF')}/hapus",
        _fixed({"confirm": "y"}),
    ),
    Action(
        "investigator.change_category",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/kategori",
        lambda w, e: {"category_id": str(_category_coded(w, "gratifikasi")), "reason": "CSRF"},
    ),
    Action(
        "investigator.link_case",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/tautan",
        lambda w, e: {"other_case": str(e["recorded_case"]), "kind": "terkait", "note": "CSRF"},
    ),
    Action(
        "investigator.unlink_case",
        "inv_a",
        lambda w, e: f"/staf/pengelola/kasus/{e['recorded_case']}/tautan/hapus",
        lambda w, e: {"other_case": str(w.case_a)},
    ),
    Action(
        "investigator.refer_up",
        "supervisor",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/teruskan-ke-atas",
        _fixed({"reason": "CSRF", "keep_access": "y"}),
    ),
    Action(
        "investigator.move_case",
        "supervisor",
        lambda w, e: f"/staf/pengelola/kasus/{w.case_a}/unit",
        lambda w, e: {"unit_id": str(w.org.units["b"]), "reason": "CSRF"},
    ),
    Action(
        "staff.change_password",
        "inv_b",
        lambda w, e: "/staf/kata-sandi",
        lambda w, e: {
            "current": w.org.sitti.password,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    ),
    Action(
        "reporter.withdraw",
        "reporter",
        lambda w, e: "/lapor/kasus/cabut",
        _fixed({"reason": "CSRF"}),
    ),
    Action("reporter.finish", "reporter", lambda w, e: "/lapor/selesai", _fixed({})),
    Action("respondent.finish", "respondent", lambda w, e: "/klarifikasi/selesai", _fixed({})),
    Action("staff.logout", "inv_a", lambda w, e: "/staf/keluar", _fixed({})),
]


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def _unit_named(world: World, name: str) -> int:
    with app_database(world.app).session() as session:
        return session.scalar(select(Unit.id).where(Unit.name == name))


def _category_coded(world: World, code: str) -> int:
    with app_database(world.app).session() as session:
        return session.scalar(select(Category.id).where(Category.code == code))


def _extras(world: World) -> dict[str, Any]:
    """A report being written (its draft token) and two invited accounts not yet active."""
    page = post_form(https_client(world.app), Report(unit=world.org.units["a"]))
    draft = DRAFT_RE.search(page.get_data(as_text=True)).group(1)
    with app_database(world.app).session() as session:
        _, token = accounts.invite(
            session,
            None,
            "dewi@kanwil.example",
            "Dewi",
            StaffRole.INVESTIGATOR,
            [world.org.units["a"]],
        )
        pending, _ = accounts.invite(
            session,
            None,
            "eka@kanwil.example",
            "Eka",
            StaffRole.INVESTIGATOR,
            [world.org.units["a"]],
        )
        extra = {"draft": draft, "activation_token": token, "pending_id": pending.id}
    # An investigator waiting to be certified, and the fingerprint they read out.
    waiting = make_staff(world.app, "galih", unit_ids=(world.org.units["a"],), certified=False)
    with app_database(world.app).session() as session:
        public = session.get(StaffMember, waiting.id).identity_public
    # A second case of unit a, recorded by Budi from a telephone call, to link to case A.
    recorded_case, _ = record(world.clients["inv_a"], Recorded(unit=world.org.units["a"]))
    return extra | {
        "recorded_case": recorded_case,
        "waiting_id": waiting.id,
        "waiting_fingerprint": certificate_fingerprint(public),
    }


def _post(world: World, action: Action, extra: dict[str, Any], token: str | None) -> Any:
    fields: list[tuple[str, Any]] = [] if token is None else [("csrf_token", token)]
    fields += list(action.payload(world, extra).items())
    client = world.clients[action.role]
    path = action.path(world, extra)
    if action.streaming:
        return client.post(path, data=MultiDict(fields), content_type="multipart/form-data")
    return client.post(path, data=MultiDict(fields))


def test_every_post_route_is_proved(app) -> None:
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert posts == {action.endpoint for action in ACTIONS}


def test_post_without_token_or_with_another_sessions_token_is_refused(
    world: World, instance_path: Path
) -> None:
    app = world.app
    extra = _extras(world)
    attacker = https_client(app)
    foreign_token = csrf_from(attacker.get("/staf/masuk").get_data(as_text=True))
    for action in ACTIONS:
        for label, token in (("no token", None), ("another session's token", foreign_token)):
            before, files = snapshot(app), stored_files(instance_path)
            response = _post(world, action, extra, token)
            where = f"{action.endpoint} with {label}"
            assert response.status_code == 400, where
            assert EXPIRED in response.get_data(as_text=True), where
            assert_baseline(response)
            assert not changed_tables(before, snapshot(app)), where
            assert stored_files(instance_path) == files, where
        # The same request with the session's own token works: the refusal was the token's.
        world.tokens.pop(action.role, None)  # a staff sign-in starts a new CSRF session
        before = snapshot(app)
        response = _post(world, action, extra, world.token(action.role, action.path(world, extra)))
        assert response.status_code < 400 or response.status_code == action.harmless_status, (
            action.endpoint,
            response.status_code,
        )
        if action.harmless_status is None:
            assert changed_tables(before, snapshot(app)), f"{action.endpoint} changed nothing"
        else:
            assert response.status_code == action.harmless_status, action.endpoint


ENDERS = (
    ("inv_a", "/staf/keluar", "/staf/pengelola/"),
    ("admin", "/staf/keluar", "/staf/admin/"),
    ("reporter", "/lapor/selesai", "/lapor/kasus"),
    ("respondent", "/klarifikasi/selesai", "/klarifikasi/"),
)


def test_logout_and_finish_by_get_are_405_and_end_nothing(world: World) -> None:
    for role, path, home in ENDERS:
        client = world.clients[role]
        response = client.get(path)
        assert response.status_code == 405, role
        assert_baseline(response)
        assert "Clear-Site-Data" not in response.headers
        assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lentera_")]
        assert client.get(home).status_code == 200, role
