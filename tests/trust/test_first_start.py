"""A new office on its way to its first report: each page names the step that is missing.

Before the custodian ceremony and the first certification no report reaches
anyone. The administrator's overview and unit list, the first supervisor's
pages, the custodians' page and ``db-upgrade`` say which step is missing, and
only while it is.
"""

from __future__ import annotations

from tests.support.staff import make_staff, make_units, signed_in
from tests.support.trust import ceremony_shares, certify_by_test_root
from wbs_app.db import app_database
from wbs_app.models import StaffRole
from wbs_app.services.staff import audit

NO_SUPERVISOR = "Tidak ada supervisor di unit ini atau di atasnya"
UNCERTIFIED = "Supervisor sudah ada, tetapi belum ada kunci supervisor yang disertifikasi"
HOLD_CEREMONY = "Upacara kustodian belum dilaksanakan, sehingga belum ada yang dapat disertifikasi"
BADGE_NONE = "belum dapat menerima laporan: tidak ada supervisor di unit ini atau di atasnya"
BADGE_UNCERTIFIED = "belum ada kunci supervisor bersertifikat di unit ini atau di atasnya"
FIRST_KEY = "Kunci pertama disertifikasi oleh para kustodian bersama-sama"
NO_CEREMONY_ASK = "Upacara kustodian belum dilaksanakan: mintalah operator"


def _admin_pages(admin) -> tuple[str, str]:
    overview = admin.get("/staf/admin/")
    units = admin.get("/staf/admin/unit")
    assert overview.status_code == 200 and units.status_code == 200
    return overview.get_data(as_text=True), units.get_data(as_text=True)


def test_the_admin_overview_names_the_real_blocker_at_each_step(app) -> None:
    units = make_units(app)
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))

    overview, unit_page = _admin_pages(admin)
    assert NO_SUPERVISOR in overview and "Undang supervisor" in overview
    assert UNCERTIFIED not in overview and BADGE_NONE in unit_page

    budi = make_staff(app, "budi", StaffRole.SUPERVISOR, (units["kanwil"],), certified=False)
    overview, unit_page = _admin_pages(admin)
    assert UNCERTIFIED in overview and HOLD_CEREMONY in overview
    assert "wbs custodian-ceremony" in overview and "/staf/pemulihan" in overview
    assert NO_SUPERVISOR not in overview and "Undang supervisor" not in overview
    assert BADGE_UNCERTIFIED in unit_page and BADGE_NONE not in unit_page

    ceremony_shares(app)
    overview, _units = _admin_pages(admin)
    assert UNCERTIFIED in overview and HOLD_CEREMONY not in overview

    certify_by_test_root(app, budi.id)
    overview, unit_page = _admin_pages(admin)
    assert "Unit yang belum dapat menerima laporan" not in overview
    assert BADGE_UNCERTIFIED not in unit_page and BADGE_NONE not in unit_page


def test_the_first_supervisor_is_sent_to_the_custodians_only_while_nobody_can_certify_him(
    app,
) -> None:
    units = make_units(app)
    budi = make_staff(app, "budi", StaffRole.SUPERVISOR, (units["kanwil"],), certified=False)
    client = signed_in(app, budi)
    for path in ("/staf/pengelola/", "/staf/pengelola/kunci", "/staf/pengelola/sertifikasi"):
        page = client.get(path).get_data(as_text=True)
        assert FIRST_KEY in page and 'href="/staf/pemulihan"' in page
        assert NO_CEREMONY_ASK in page

    ceremony_shares(app)
    page = client.get("/staf/pengelola/kunci").get_data(as_text=True)
    assert FIRST_KEY in page and NO_CEREMONY_ASK not in page

    certify_by_test_root(app, budi.id)
    late = make_staff(app, "dewi", unit_ids=(units["a"],), certified=False)
    for login in (budi, late):  # budi is certified; dewi has budi above her
        page = signed_in(app, login).get("/staf/pengelola/kunci").get_data(as_text=True)
        assert FIRST_KEY not in page


def test_the_custodians_page_says_how_to_hold_the_ceremony_until_it_is_held(app, client) -> None:
    before = client.get("/staf/pemulihan").get_data(as_text=True)
    assert "flask --app wsgi wbs custodian-ceremony" in before
    assert "Secara bawaan ada 3 kustodian" in before
    ceremony_shares(app)
    after = client.get("/staf/pemulihan").get_data(as_text=True)
    assert "wbs custodian-ceremony" not in after


def test_db_upgrade_warns_until_handlers_are_certified(app) -> None:
    units = make_units(app)
    runner = app.test_cli_runner()
    bare = runner.invoke(args=["wbs", "db-upgrade"])
    # In the installation's language (walk 2, finding 12), as the ceremony is.
    assert bare.exit_code == 0 and "peringatan: belum ada akar kustodian" in bare.output
    budi = make_staff(app, "budi", StaffRole.SUPERVISOR, (units["kanwil"],), certified=False)
    ceremony_shares(app)
    waiting = runner.invoke(args=["wbs", "db-upgrade"])
    assert "belum ada akar kustodian" not in waiting.output
    assert "peringatan: 1 petugas menunggu sertifikasi" in waiting.output
    status = runner.invoke(args=["wbs", "trust-status"])
    assert status.exit_code == 0, status.output
    assert "akar: generasi 1, 2 dari 3 kustodian mana pun: Andi Mappaselle" in status.output
    assert "Kanwil Sulawesi Selatan\n  bersertifikat: -\n  menunggu:     Budi\n" in status.output
    english = runner.invoke(args=["wbs", "trust-status", "--lang", "en"])
    assert "root: generation 1, any 2 of 3 custodians: Andi Mappaselle" in english.output
    assert "\n  waiting:   Budi\n" in english.output
    assert "waiting:   -\nwarning: 1 handler waits for certification" in english.output
    certify_by_test_root(app, budi.id)
    done = runner.invoke(args=["wbs", "db-upgrade"])
    assert "peringatan" not in done.output
    assert "bersertifikat: Budi" in runner.invoke(args=["wbs", "trust-status"]).output


def test_the_audit_log_says_the_split_in_the_administrators_language(app) -> None:
    ceremony_shares(app)
    with app_database(app).session() as session:  # a row written before the detail was data
        audit.record(session, "custodians_resplit", detail="root 1: 3 of 4: A; B; C; D")
        session.commit()
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    indonesian = admin.get("/staf/admin/").get_data(as_text=True)
    assert "2 dari 3: Andi Mappaselle; Nurhayati; Yusuf Tahir" in indonesian
    assert "Akar 1: 3 dari 4: A; B; C; D" in indonesian
    assert " of 3" not in indonesian
    english = admin.get("/staf/admin/?lang=en").get_data(as_text=True)
    assert "2 of 3: Andi Mappaselle; Nurhayati; Yusuf Tahir" in english
