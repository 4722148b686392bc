"""IDOR probes: a foreign case, file, invitation or colleague answers like a missing one.

Every route that takes an id (in its path or its form) is requested by every
role twice: once with a foreign object (of the case the role does not hold,
or of another invitation or audience of its own case) and once with an id
that does not exist. Both answers must be the same (status, redirect target,
page title), carry nothing of the foreign object, and, for a POST with a
payload that would work on an object of one's own, change nothing in the
database.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.http import https_client
from tests.support.reporter import DRAFT_RE, Report, csrf_from, post_form, send_review
from tests.support.respondent import respondent_client
from tests.support.world import (
    A_MARKERS,
    B_MARKERS,
    ROLES,
    World,
    build_world,
    changed_tables,
    snapshot,
)
from wbs_app.public.moved import MOVED_ENDPOINTS

TITLE_RE = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)

MISSING: dict[str, Any] = {
    "case": 999_999,
    "file": 999_999,
    "rfile": 999_999,
    "uid": "0" * 32,
    "other_uid": "0" * 32,
    "own_file": 999_999,
    "own_rfile": 999_999,
    "holder": 999_999,
    "staff": 999_999,
    "unit": 999_999,
    "category": 999_999,
    "page": "0" * 20,
    "day": "2026-12-24",  # a collective leave day nobody entered
}

Ids = dict[str, Any]
Probe = tuple[str, Callable[[Ids, Ids], str], Callable[[Ids, Ids], dict[str, Any]]]


def _none(f: Ids, o: Ids) -> dict[str, Any]:
    return {}


INVITATION = {
    "name": "IDOR-PEJABAT",
    "position": "Staf",
    "allegation": "IDOR-TUDUHAN",
    "period": "2026",
    "rules": "PP 94/2021",
    "role": "accused",
    "days": "14",
}

def _confirmed(f: Ids, o: Ids) -> dict[str, Any]:
    return {"confirm": "y"}


# (method, path, payload) with f = the foreign (or missing) ids, o = the role's own.
PROBES: list[Probe] = [
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{f['case']}", _none),
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/berkas/{f['file']}", _none),
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{o['case']}/berkas/{f['file']}", _none),
    # A respondent's file through the route for the reporter's files.
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{o['case']}/berkas/{f['own_rfile']}", _none),
    (
        "GET",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan/{f['uid']}/berkas/{f['rfile']}",
        _none,
    ),
    (
        "GET",
        lambda f, o: f"/staf/pengelola/kasus/{o['case']}/undangan/{f['uid']}/berkas/{f['rfile']}",
        _none,
    ),
    (
        "GET",
        lambda f, o: f"/staf/pengelola/kasus/{o['case']}/undangan/{o['uid']}/berkas/{f['rfile']}",
        _none,
    ),
    # The reporter's file through an invitation's route, and one invitation's
    # file through another invitation of the same case.
    (
        "GET",
        lambda f, o: (
            f"/staf/pengelola/kasus/{o['case']}/undangan/{o['uid']}/berkas/{f['own_file']}"
        ),
        _none,
    ),
    (
        "GET",
        lambda f, o: (
            f"/staf/pengelola/kasus/{o['case']}/undangan/{f['other_uid']}/berkas/{o['rfile']}"
        ),
        _none,
    ),
    # The letter of a foreign case's invitation, and of its invitation through one's own case.
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan/{f['uid']}/surat", _none),
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{o['case']}/undangan/{f['uid']}/surat", _none),
    # A new invitation in place of a foreign one (issue 15, item 5): the page and its POST.
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan/{f['uid']}/ganti", _none),
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{o['case']}/undangan/{f['uid']}/ganti", _none),
    ("POST", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan/{f['uid']}/ganti", _none),
    ("POST", lambda f, o: f"/staf/pengelola/kasus/{o['case']}/undangan/{f['uid']}/ganti", _none),
    # Another browser's receipt, not shown yet: without its cookie, like no receipt at all.
    ("GET", lambda f, o: f"/lapor/terkirim/{f['page']}", _none),
    ("GET", lambda f, o: f"/lapor/kasus/berkas/{f['file']}", _none),
    ("GET", lambda f, o: f"/lapor/kasus/berkas/{f['rfile']}", _none),
    ("GET", lambda f, o: f"/lapor/kasus/berkas/{f['own_rfile']}", _none),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/pesan",
        lambda f, o: {"text": "IDOR"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/catatan",
        lambda f, o: {"text": "IDOR"},
    ),
    ("POST", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/identitas", _none),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/tindakan-balasan",
        lambda f, o: {"retaliation_note": "IDOR"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/triase",
        lambda f, o: {"mark": "spam", "note": "IDOR"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/langkah",
        lambda f, o: {"kind": "investigation", "activity": "interview", "description": "IDOR"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/akses/beri",
        lambda f, o: {"staff_id": o["self"]},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/akses/cabut",
        lambda f, o: {"staff_id": f["holder"]},
    ),
    # The revocation's confirmation page: of another case, and of one's own case for
    # someone who holds only another case.
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/akses/cabut/{f['holder']}", _none),
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{o['case']}/akses/cabut/{f['holder']}", _none),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/akses/tugaskan",
        lambda f, o: {"staff_id": o["self"]},
    ),
    ("POST", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan", lambda f, o: INVITATION),
    ("POST", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan/tutup", _none),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan/perpanjangan",
        lambda f, o: {"invitation": f["uid"], "decision": "grant", "days": "7", "reason": "IDOR"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/undangan/pesan",
        lambda f, o: {"invitation": f["uid"], "text": "IDOR"},
    ),
    # One's own case with another case's invitation in the form.
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{o['case']}/undangan/perpanjangan",
        lambda f, o: {"invitation": f["uid"], "decision": "grant", "days": "7", "reason": "IDOR"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{o['case']}/undangan/pesan",
        lambda f, o: {"invitation": f["uid"], "text": "IDOR"},
    ),
    # The administrator's objects, for everyone who is not an administrator.
    ("GET", lambda f, o: f"/staf/admin/staf/{f['staff']}", _none),
    ("GET", lambda f, o: f"/staf/admin/staf/{f['staff']}/nonaktifkan", _none),
    ("GET", lambda f, o: f"/staf/admin/staf/{f['staff']}/reset", _none),
    *[
        ("POST", lambda f, o, action=action: f"/staf/admin/staf/{f['staff']}/{action}", _none)
        for action in ("nonaktifkan", "aktifkan", "reset", "tautan")
    ],
    (
        "POST",
        lambda f, o: f"/staf/admin/staf/{f['staff']}/peran",
        lambda f, o: {"role": "supervisor", "units": str(o["unit"])},
    ),
    ("POST", lambda f, o: f"/staf/admin/unit/{f['unit']}/nama", lambda f, o: {"name": "IDOR unit"}),
    (
        "POST",
        lambda f, o: f"/staf/admin/unit/{f['unit']}/pindah",
        lambda f, o: {"parent_id": o["unit"]},
    ),
    *[
        ("POST", lambda f, o, action=action: f"/staf/admin/unit/{f['unit']}/{action}", _confirmed)
        for action in ("nonaktifkan", "aktifkan", "hapus")
    ],
    # Correcting another unit's case: its category, its unit.
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/kategori",
        lambda f, o: {"category_id": str(f["category"]), "reason": "IDOR"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/unit",
        lambda f, o: {"unit_id": str(o["unit"]), "reason": "IDOR"},
    ),
    # Issue 20: the receipt letter, links both ways, a referral up the tiers.
    ("GET", lambda f, o: f"/staf/pengelola/kasus/{f['case']}/surat-kode", _none),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/tautan",
        lambda f, o: {"other_case": str(o["case"]), "kind": "sama"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{o['case']}/tautan",
        lambda f, o: {"other_case": str(f["case"]), "kind": "sama"},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/tautan/hapus",
        lambda f, o: {"other_case": str(o["case"])},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{o['case']}/tautan/hapus",
        lambda f, o: {"other_case": str(f["case"])},
    ),
    (
        "POST",
        lambda f, o: f"/staf/pengelola/kasus/{f['case']}/teruskan-ke-atas",
        lambda f, o: {"reason": "IDOR", "keep_access": "y"},
    ),
    ("POST", lambda f, o: f"/staf/admin/cuti-bersama/{f['day']}/hapus", _none),
    (
        "POST",
        lambda f, o: f"/staf/admin/kategori/{f['category']}",
        lambda f, o: {
            f"c{f['category']}-name_id": "IDOR",
            f"c{f['category']}-name_en": "IDOR",
            f"c{f['category']}-position": "1",
        },
    ),
]

# Routes whose form (not path) carries an id: the probes must reach them too.
FORM_IDS = {
    "investigator.link_case",
    "investigator.unlink_case",
    "investigator.grant_access",
    "investigator.revoke_access",
    "investigator.assign_case",
    "investigator.decide_extension",
    "investigator.message_respondent",
}


def sides(world: World, role: str) -> tuple[Ids, Ids]:
    """(own, foreign) objects of a role: Sitti's own case is B; everyone else's is A."""
    org = world.org
    a = {
        "case": world.case_a,
        "file": world.file_a,
        "rfile": world.respondent_file_a1,
        "uid": world.invitation_a1,
        "holder": org.budi.id,
    }
    b = {
        "case": world.case_b,
        "file": world.file_b,
        "rfile": world.respondent_file_b1,
        "uid": world.invitation_b1,
        "holder": org.sitti.id,
    }
    own, other = (b, a) if role == "inv_b" else (a, b)
    selves = {"inv_a": org.budi, "inv_b": org.sitti, "supervisor": org.rahman}
    own = {**own, "self": selves.get(role, world.target).id, "unit": org.units["a"]}
    foreign = {
        **other,
        "own_file": own["file"],
        "own_rfile": own["rfile"],
        # A second invitation exists on case A only.
        "other_uid": world.invitation_a2 if own["case"] == world.case_a else None,
        "staff": world.target.id,
        "unit": org.units["b"],
        "category": world.category,
        "page": world.unshown_receipt_page,  # type: ignore[attr-defined]
        "day": "2026-12-25",
    }
    return own, foreign


def signature(response: Any) -> tuple[Any, ...]:
    body = response.get_data(as_text=True)
    title = TITLE_RE.search(body)
    location = response.headers.get("Location", "")
    return response.status_code, location, title.group(1).strip() if title else None


def send(world: World, role: str, method: str, path: str, data: dict[str, Any]) -> Any:
    client = world.clients[role]
    if method == "GET":
        with client.get(path) as response:
            response.get_data()
            return response
    return client.post(path, data={"csrf_token": world.token(role, path), **data})


@pytest.fixture
def world(app, org) -> World:
    built = build_world(app, org)
    # Respondent B asks for more time, so that deciding it would change something.
    client, _ = respondent_client(app, built.code_b1)
    page = client.get("/klarifikasi/").get_data(as_text=True)
    asked = client.post(
        "/klarifikasi/perpanjangan", data={"csrf_token": csrf_from(page), "reason": "sakit"}
    )
    assert asked.status_code == 302
    # A third report whose sender has not opened the receipt page yet.
    sender = https_client(app)
    review = post_form(sender, Report(unit=org.units["b"], what="PAREPARE-RAHASIA kedua"))
    sent = send_review(sender, review.get_data(as_text=True), follow_redirect=False)
    assert sent.status_code == 303
    built.unshown_receipt_page = sent.headers["Location"].rsplit("/", 1)[1]  # type: ignore[attr-defined]
    return built


def test_the_probes_reach_every_route_that_takes_an_id(app) -> None:
    with_ids = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.arguments
        and rule.endpoint != "public.static"
        and rule.endpoint not in MOVED_ENDPOINTS  # an old address's redirect takes a path, no id
        and rule.endpoint != "staff.statistics_report"  # its argument is a file format
    } | FORM_IDS
    adapter = app.url_map.bind("localhost")
    own, foreign = {**MISSING, "self": 1}, {**MISSING}
    probed = {adapter.match(path(foreign, own), method)[0] for method, path, _ in PROBES}
    assert with_ids <= probed, f"routes with ids that no probe reaches: {with_ids - probed}"


def test_foreign_ids_answer_like_missing_ones_and_change_nothing(world: World) -> None:
    app = world.app
    problems = []
    for role in ROLES:
        own, foreign = sides(world, role)
        markers = B_MARKERS if own["case"] == world.case_a else A_MARKERS
        before = snapshot(app)  # one window per role: a full snapshot per request is slow
        for method, path, payload in PROBES:
            target = path(foreign, own)
            if "/None/" in target:
                continue  # Sitti's case has a single invitation
            if role == "admin" and target.startswith("/staf/admin/"):
                continue  # an administrator manages every account and unit: nothing is foreign
            payloads = [payload(foreign, own), {}] if method == "POST" else [{}]
            for data in payloads:
                got = send(world, role, method, target, data)
                missing_data = payload({**MISSING}, own) if data else {}
                expected = send(world, role, method, path({**MISSING}, own), missing_data)
                where = f"{method} {target} {sorted(data)} as {role}"
                if signature(got) != signature(expected):
                    problems.append(f"{where}: {signature(got)} but {signature(expected)}")
                leaked = [m for m in markers if m in got.get_data(as_text=True)]
                if leaked:
                    problems.append(f"{where}: shows {leaked}")
        changed = changed_tables(before, snapshot(app))
        if changed:
            problems.append(f"probes as {role} changed {changed}")
    assert not problems, "\n".join(problems)


def test_administrator_gets_404_for_accounts_units_and_categories_that_do_not_exist(
    world: World,
) -> None:
    own, _ = sides(world, "admin")
    for method, path, payload in PROBES:
        target = path({**MISSING}, own)
        if not target.startswith("/staf/admin/"):
            continue
        before = snapshot(world.app)
        response = send(world, "admin", method, target, payload({**MISSING}, own))
        assert response.status_code == 404, target
        assert not changed_tables(before, snapshot(world.app)), target


def _forged(draft: str) -> str:
    """The same draft id with another key half: a draft of someone else's browser."""
    raw = bytearray(base64.urlsafe_b64decode(draft + "=" * (-len(draft) % 4)))
    raw[-1] ^= 0xFF
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_someone_elses_draft_answers_like_no_draft(world: World) -> None:
    """The draft token is the only id of the report being written: forged, it opens nothing."""
    owner = https_client(world.app)
    review = post_form(owner, Report(unit=world.org.units["a"], what="DRAF-RAHASIA"))
    draft = DRAFT_RE.search(review.get_data(as_text=True)).group(1)
    random_draft = _forged(base64.urlsafe_b64encode(bytes(64)).rstrip(b"=").decode())
    for path in ("/lapor/formulir/ubah", "/lapor/kirim"):
        before = snapshot(world.app)
        forged = send(world, "anon", "POST", path, {"draft": _forged(draft)})
        unknown = send(world, "anon", "POST", path, {"draft": random_draft})
        assert signature(forged)[:2] == signature(unknown)[:2] == (400, "")
        assert "DRAF-RAHASIA" not in forged.get_data(as_text=True)
        assert not changed_tables(before, snapshot(world.app)), path


def test_used_and_other_purpose_links_answer_like_unknown_ones(world: World) -> None:
    """One-time links: a used one, or one made for another purpose, is an unknown one."""
    from wbs_app.db import app_database
    from wbs_app.models import StaffRole, TokenPurpose
    from wbs_app.services.staff import accounts, tokens

    units = [world.org.units["a"]]
    with app_database(world.app).session() as session:
        _, token = accounts.invite(
            session, None, "dewi@kanwil.example", "Dewi", StaffRole.INVESTIGATOR, units
        )
        _, used = accounts.invite(
            session, None, "eka@kanwil.example", "Eka", StaffRole.INVESTIGATOR, units
        )
        tokens.consume(session, used, (TokenPurpose.ACTIVATION,))
    anon = world.clients["anon"]
    assert anon.get(f"/staf/aktivasi?kode={token}").status_code == 200
    reset = world.clients["admin"].post(
        f"/staf/admin/staf/{world.target.id}/reset", data={"csrf_token": world.token("admin")}
    )
    reset_token = re.search(r"kode=([\w-]+)", reset.get_data(as_text=True)).group(1)
    unknown = signature(anon.get("/staf/aktivasi?kode=" + "x" * 43))
    for probe in (
        f"/staf/aktivasi?kode={used}",
        f"/staf/penyiapan?kode={token}",  # an activation link is no set-up link
        f"/staf/penyiapan?kode={reset_token}",
    ):
        assert signature(anon.get(probe)) == unknown, probe
    # A reset link activates the account it was made for, and nothing else.
    page = anon.get(f"/staf/aktivasi?kode={reset_token}").get_data(as_text=True)
    assert "target" in page.lower() and "dewi" not in page.lower()


def test_inbox_filters_with_a_foreign_unit_show_nothing_foreign(world: World) -> None:
    for role, foreign_unit, markers, case in (
        ("inv_a", world.org.units["b"], B_MARKERS, world.case_b),
        ("inv_b", world.org.units["a"], A_MARKERS, world.case_a),
    ):
        page = world.clients[role].get(f"/staf/pengelola/kasus?unit={foreign_unit}")
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert f"/staf/pengelola/kasus/{case}" not in body
        assert not [m for m in markers if m in body]


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("inv_a", "/staf/pengelola/kasus?unit=99999999999999999999999"),
        ("inv_a", "/staf/pengelola/kasus?category=99999999999999999999999"),
        ("inv_a", "/staf/pengelola/kasus?unit=-99999999999999999999999"),
        ("admin", "/staf/admin/audit?hal=99999999999999999999999"),
    ],
)
def test_numbers_too_large_for_the_database_in_a_query_are_no_error(
    world: World, role: str, target: str
) -> None:
    """A number no column can hold is no id and no page: the page, never a 500."""
    page = world.clients[role].get(target)
    assert page.status_code == 200, page.status_code
