"""Reports received elsewhere, recorded by a handler (issue 20), through HTTP.

Each channel is recorded and read back; the receipt letter opens the case as
the reporter would, once, and is replaced by a receipt only the reporter
sees; the reporter confirms or corrects the record, journaled and visible to
the handlers; a marker in the channel's reference and in the report is found
nowhere at rest; bad input gets a translated 400 and loses nothing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.support.casework import journal_kinds
from tests.support.http import https_client
from tests.support.leaks import database_dump, tree_bytes
from tests.support.recording import (
    RECORD_PATH,
    Recorded,
    post_recording,
    record,
    sign_in_with_letter,
)
from tests.support.reporter import RECEIPT_RE, code_sign_in, csrf_from, open_case
from tests.support.staff import identity_of, signed_in
from wbs_app.db import app_database
from wbs_app.models import RECORDED_CHANNELS, Case, Channel, KeyWrap, RecipientKind, StaffMember
from wbs_app.services.cases import casefile, journal
from wbs_app.services.codes import held

CHANNEL_WORDS = {
    "telepon": "Telepon",
    "surat": "Surat",
    "kotak": "Kotak pengaduan",
    "email": "E-mail",
    "tatap_muka": "Tatap muka",
    "lapor": "SP4N-LAPOR!",
    "sipidu": "SIPIDU",
    "media_sosial": "Media sosial",
    "laman": "Laman kementerian",
    "rujukan": "Rujukan instansi lain",
}


def _cases(app) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_every_channel_is_recorded_and_read_back(app, org) -> None:
    budi = signed_in(app, org.budi)
    assert set(CHANNEL_WORDS) == {channel.value for channel in RECORDED_CHANNELS}
    made = {}
    for channel in RECORDED_CHANNELS:
        reference = f"REF-{channel.value}-0042"
        case_id, receipt = record(
            budi, Recorded(channel=channel.value, reference=reference, unit=org.units["a"])
        )
        assert receipt is not None and len(receipt.replace(" ", "")) == 20
        made[channel.value] = case_id
        page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
        assert reference in page
        assert "Pungutan Rp 150.000".lower() in page.lower()
        assert journal_kinds(app, case_id)[0] == "recorded"
    with app_database(app).session() as session:
        for value, case_id in made.items():
            assert session.get(Case, case_id).channel is Channel(value)
    # The inbox filters by channel, and says where a recorded report came from.
    inbox = budi.get("/staf/pengelola/kasus?channel=lapor").get_data(as_text=True)
    assert f"#{made['lapor']}<" in inbox and f"#{made['telepon']}<" not in inbox
    assert "SP4N-LAPOR!" in inbox


def test_the_receipt_letter_opens_the_case_once_then_the_reporters_own_receipt(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, printed = record(
        budi,
        Recorded(channel="surat", unit=org.units["a"], files=[("surat-pindai.pdf", b"%PDF-1.4 x")]),
    )
    visitor = https_client(app)
    opened = open_case(visitor, printed)
    assert opened.status_code == 302
    # First things first: the new receipt, until it is typed back.
    assert visitor.get("/lapor/kasus").headers["Location"].endswith("/lapor/kode-baru")
    shown = visitor.get("/lapor/kode-baru").get_data(as_text=True)
    own = RECEIPT_RE.search(shown).group(1)
    assert own != printed
    wrong = visitor.post(
        "/lapor/kode-baru", data={"csrf_token": csrf_from(shown), "receipt": printed}
    )
    assert wrong.status_code == 400
    confirmed = visitor.post(
        "/lapor/kode-baru", data={"csrf_token": csrf_from(shown), "receipt": own}
    )
    assert confirmed.status_code == 302
    mine = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "surat-pindai.pdf" in mine and "Pungutan Rp 150.000".lower() in mine.lower()
    # The printed receipt opens nothing now, and says when it was replaced.
    again = open_case(https_client(app), printed)
    assert again.status_code == 403
    assert "sudah digunakan" in again.get_data(as_text=True)
    assert open_case(https_client(app), own).status_code == 302
    # The handlers' copy is erased: the letter cannot be printed again.
    letter = budi.get(f"/staf/pengelola/kasus/{case_id}/surat-kode").get_data(as_text=True)
    assert RECEIPT_RE.search(letter) is None and "tidak lagi disimpan" in letter
    assert "receipt_taken_over" in journal_kinds(app, case_id)
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        assert case.taken_over_on is not None and case.printed_lookup_hash is not None
        reporter_wraps = session.scalar(
            select(func.count())
            .select_from(KeyWrap)
            .where(KeyWrap.case_id == case_id, KeyWrap.recipient_kind == RecipientKind.REPORTER)
        )
        assert reporter_wraps == 1  # the printed receipt's identity holds nothing any more
        assert journal.verify_case(session, case) is None


def test_a_report_nobody_can_be_reached_for_has_no_receipt(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, receipt = record(
        budi, Recorded(channel="kotak", contact="tidak_ada", unit=org.units["a"])
    )
    assert receipt is None
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Tidak ada: pelapor tidak dapat dihubungi." in page
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        assert case.reporter_public is None
        assert not session.scalar(
            select(func.count())
            .select_from(KeyWrap)
            .where(KeyWrap.case_id == case_id, KeyWrap.recipient_kind == RecipientKind.REPORTER)
        )


def test_the_reporter_corrects_and_confirms_the_record(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, printed = record(budi, Recorded(channel="telepon", unit=org.units["a"]))
    visitor = https_client(app)
    sign_in_with_letter(visitor, printed)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Ya, ini benar" in page
    corrected = visitor.post(
        "/lapor/kasus/koreksi",
        data={"csrf_token": csrf_from(page), "message": "Bukan Rp 150.000, tetapi Rp 250.000."},
        content_type="multipart/form-data",
    )
    assert corrected.status_code == 302
    empty = visitor.post(
        "/lapor/kasus/koreksi",
        data={"csrf_token": csrf_from(page), "message": "  "},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 302  # refused with a message, nothing written
    confirmed = visitor.post("/lapor/kasus/catatan-benar", data={"csrf_token": csrf_from(page)})
    assert confirmed.status_code == 302
    after = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Ya, ini benar" not in after and "Rp 250.000" in after
    kinds = journal_kinds(app, case_id)
    assert kinds.count("record_corrected") == 1 and kinds.count("record_confirmed") == 1
    staff_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Bukan Rp 150.000, tetapi Rp 250.000." in staff_page
    assert "Pelapor mengoreksi catatan laporannya" in staff_page
    with app_database(app).session() as session:
        assert journal.verify_case(session, session.get(Case, case_id)) is None


def test_the_reference_and_the_report_are_nowhere_at_rest(app, org, instance_path) -> None:
    budi = signed_in(app, org.budi)
    reference, words = "LAPOR-REF-5c1f9e", "penanda-laporan-7d2a"
    record(
        budi,
        Recorded(
            channel="lapor",
            reference=reference,
            what=f"Pungutan di loket ({words})",
            unit=org.units["a"],
            files=[("bukti.txt", f"isi berkas {words}".encode())],
        ),
    )
    at_rest = database_dump(app) + tree_bytes(instance_path)
    assert reference.encode() not in at_rest and words.encode() not in at_rest


def test_bad_input_is_refused_in_words_and_loses_nothing(app, org) -> None:
    budi = signed_in(app, org.budi)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = [
        (Recorded(channel="merpati", unit=org.units["a"]), "Pilihan tidak tersedia"),
        (Recorded(received_on=tomorrow, unit=org.units["a"]), "hari yang akan datang"),
        (Recorded(reference="X" * 101, unit=org.units["a"]), "paling banyak 100 karakter"),
        (Recorded(received_on="kemarin", unit=org.units["a"]), "tanggal"),
    ]
    for bad, words in cases:
        refused = post_recording(budi, replace_files(bad, [("pindaian.pdf", b"%PDF-1.4 pindaian")]))
        page = refused.get_data(as_text=True)
        assert refused.status_code == 400, page[:2000]
        assert words.lower() in page.lower(), (bad, page[:3000])
        assert bad.what in page and "pindaian.pdf" in page  # typed text and the file kept
        assert _cases(app) == 0
    # The same form, put right, records the report with the file it kept.
    fixed = post_recording(budi, Recorded(unit=org.units["a"]), page=page)
    assert fixed.status_code == 303
    case_id = int(fixed.headers["Location"].split("/")[-2])
    staff_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "pindaian.pdf" in staff_page


def replace_files(recorded: Recorded, files: list[tuple[str, bytes]]) -> Recorded:
    recorded.files = files
    return recorded


def test_a_handler_records_only_for_units_in_their_remit(app, org) -> None:
    budi = signed_in(app, org.budi)
    refused = post_recording(budi, Recorded(unit=org.units["b"]))
    assert refused.status_code == 400 and _cases(app) == 0
    form = budi.get(RECORD_PATH).get_data(as_text=True)
    units = re.search(r'<select[^>]*name="unit".*?</select>', form, re.S).group(0)
    assert f'value="{org.units["a"]}"' in units and f'value="{org.units["b"]}"' not in units


def _new_receipt(visitor) -> tuple[str, str]:
    page = visitor.get("/lapor/kode-baru").get_data(as_text=True)
    return RECEIPT_RE.search(page).group(1), csrf_from(page)


def test_a_lost_new_receipt_costs_nothing_and_only_one_visit_takes_over(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, printed = record(budi, Recorded(channel="telepon", unit=org.units["a"]))
    # The page with the new receipt is left (or never arrived): the printed one still works.
    first = https_client(app)
    assert open_case(first, printed).status_code == 302
    lost, token = _new_receipt(first)
    assert first.post("/lapor/selesai", data={"csrf_token": token}).status_code == 302
    assert journal_kinds(app, case_id) == ["recorded"]  # nothing was taken over
    # Two visits with the letter at once: whoever confirms first holds the case.
    handler_first, reporter = https_client(app), https_client(app)
    assert open_case(handler_first, printed).status_code == 302
    assert open_case(reporter, printed).status_code == 302
    theirs, their_token = _new_receipt(handler_first)
    own, own_token = _new_receipt(reporter)
    assert len({lost, theirs, own}) == 3
    won = reporter.post("/lapor/kode-baru", data={"csrf_token": own_token, "receipt": own})
    assert won.status_code == 302
    late = handler_first.post(
        "/lapor/kode-baru", data={"csrf_token": their_token, "receipt": theirs}
    )
    # That visit's identity opens nothing now: it is over, and the letter says it was used.
    assert late.status_code == 302 and late.headers["Location"].endswith("/lapor/masuk")
    again = open_case(handler_first, printed)
    assert again.status_code == 403 and "sudah digunakan" in again.get_data(as_text=True)
    assert reporter.get("/lapor/kasus").status_code == 200
    assert open_case(https_client(app), theirs).status_code == 404
    assert open_case(https_client(app), own).status_code == 302
    assert journal_kinds(app, case_id).count("receipt_taken_over") == 1


def test_the_same_form_sent_twice_records_one_case(app, org) -> None:
    budi = signed_in(app, org.budi)
    page = budi.get(RECORD_PATH).get_data(as_text=True)
    recorded = Recorded(unit=org.units["a"], files=[("pindaian.pdf", b"%PDF-1.4 satu")])
    first = post_recording(budi, recorded, page=page)
    second = post_recording(budi, recorded, page=page)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _cases(app) == 1


def test_before_the_new_receipt_is_typed_back_the_visit_can_do_nothing_else(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, printed = record(budi, Recorded(channel="surat", unit=org.units["a"]))
    visitor = https_client(app)
    assert open_case(visitor, printed).status_code == 302
    _, token = _new_receipt(visitor)
    for path, data in (
        ("/lapor/kasus/cabut", {"reason": "Dicabut oleh yang memegang surat"}),
        ("/lapor/kasus/catatan-benar", {}),
    ):
        sent = visitor.post(path, data={"csrf_token": token, **data})
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/lapor/kode-baru")
    for path in ("/lapor/kasus", "/lapor/kasus/cabut"):
        assert visitor.get(path).headers["Location"].endswith("/lapor/kode-baru")
    assert journal_kinds(app, case_id) == ["recorded"]
    with app_database(app).session() as session:
        assert session.get(Case, case_id).status.value == "diterima"
    # Once it is typed back, the case is the reporter's, and its journal verifies.
    own = sign_in_with_letter(https_client(app), printed)
    assert own != printed
    with app_database(app).session() as session:
        assert journal.verify_case(session, session.get(Case, case_id)) is None


def test_a_post_kept_before_the_take_over_is_not_signed_with_the_printed_receipt(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, printed = record(budi, Recorded(channel="surat", unit=org.units["a"]))
    # Whoever holds the letter and a handler's key can bind a post to the case.
    with app_database(app).session() as session:
        staff = session.get(StaffMember, org.budi.id)
        key = casefile.reporter_key_for_staff(
            session, session.get(Case, case_id), staff, identity_of(app, org.budi)
        )
    holder = https_client(app)
    form = holder.get("/lapor/masuk").get_data(as_text=True)
    kept = holder.post(
        "/lapor/kasus/tindakan-balasan",
        data={
            "csrf_token": csrf_from(form),
            "bind": held.binding_for(key),
            "account": "Laporan palsu atas nama pelapor",
        },
        content_type="multipart/form-data",
    )
    page = kept.get_data(as_text=True)
    assert kept.status_code == 200 and 'name="held"' in page
    signed = code_sign_in(holder, page, "/lapor/masuk", "receipt", printed)
    assert signed.status_code == 302
    told = holder.get("/lapor/kode-baru").get_data(as_text=True)
    assert "disimpan, belum dikirim" in told
    assert journal_kinds(app, case_id) == ["recorded"]
    sign_in_with_letter(https_client(app), printed)
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        assert case.retaliation_reported_on is None
        assert journal.verify_case(session, case) is None
