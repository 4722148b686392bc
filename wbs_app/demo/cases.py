"""Seven reports, one at every stage of the lifecycle, each with the history that led there.

They are made oldest first, every action on the day it would have happened
(``days_ago``), so the inbox, the journal, the thread and the deadlines read
like an office at work: one case closed as not proven, one decided with a
sanction after the accused answered, one withdrawn by its reporter, one under
examination with the accused's defence in and a witness's letter still to
answer, one overdue because nobody acknowledged it, one in verification with
a question to the reporter answered, and one that arrived today.
"""

from __future__ import annotations

from dataclasses import dataclass

from wbs_app.demo.desk import Desk, Filed, days_ago
from wbs_app.demo.people import Cast
from wbs_app.models import InvitationRole, Unit
from wbs_app.services.infra.clock import today


@dataclass(frozen=True)
class Story:
    """One demo case as the printout names it."""

    stage: str
    unit: str
    filed: Filed
    respondent_code: str | None = None


def _text(content: str) -> bytes:
    return content.encode("utf-8")


def make_cases(desk: Desk, cast: Cast) -> list[Story]:
    units = cast.units
    return [
        _closed(desk, cast, units),
        _sanctioned(desk, cast, units),
        _withdrawn(desk, cast, units),
        _under_examination(desk, cast, units),
        _overdue(desk, units),
        _under_verification(desk, cast, units),
        _received(desk, units),
    ]


def _closed(desk: Desk, cast: Cast, units: list[Unit]) -> Story:
    sitti, rahman = cast.handlers["sitti"], cast.handlers["rahman"]
    with days_ago(75):
        filed = desk.report(
            units[0],
            "pengadaan",
            {
                "what": "Lelang pengadaan komputer diduga diatur sehingga satu penyedia selalu "
                "menang dengan harga di atas pasar.",
                "who": "Panitia pengadaan Kantor Wilayah",
                "where": "Kantor Wilayah, bagian umum",
                "when": "Tahun anggaran lalu",
                "how": "Saya membandingkan harga di dokumen lelang dengan harga toko.",
            },
        )
    with days_ago(73):
        desk.step(filed, sitti, "acknowledge", note="Diterima dan dicatat.")
    with days_ago(69):
        desk.step(
            filed,
            sitti,
            "verification",
            checked="Dokumen lelang dan daftar harga",
            conclusion="proceed",
        )
    with days_ago(60):
        desk.step(
            filed,
            sitti,
            "investigation",
            activity="documents",
            description="Memeriksa dokumen lelang, HPS dan kontrak; meminta pembanding harga "
            "dari dua toko.",
        )
    with days_ago(46):
        desk.step(
            filed,
            rahman,
            "finding",
            finding="not_proven",
            reasoning="Harga sesuai HPS yang disusun dari tiga pembanding; penyedia menang "
            "karena penawaran terendah.",
        )
    with days_ago(44):
        desk.step(
            filed, rahman, "status", to="selesai", reason="Tidak terbukti; pelapor diberi tahu."
        )
    return Story("closed (selesai): not proven", "Kanwil", filed)


def _sanctioned(desk: Desk, cast: Cast, units: list[Unit]) -> Story:
    budi, rahman = cast.handlers["budi"], cast.handlers["rahman"]
    with days_ago(50):
        filed = desk.report(
            units[1],
            "pungli",
            {
                "what": "Petugas loket meminta uang Rp 150.000 di luar tarif resmi untuk "
                "mempercepat pengurusan surat keterangan waris.",
                "who": "Petugas loket pelayanan (laki-laki, berkacamata)",
                "where": "Loket pelayanan lantai 1",
                "when": "Awal bulan lalu, pagi hari",
                "how": "Saya sendiri yang diminta membayar; tidak diberi kuitansi.",
            },
            files=(
                (
                    "kronologi.txt",
                    "text/plain",
                    _text("08.15 mengambil nomor antrean\n08.40 diminta Rp 150.000 di loket 2\n"),
                ),
            ),
        )
    with days_ago(49):
        desk.step(filed, budi, "acknowledge", note="")
    with days_ago(47):
        desk.step(
            filed, budi, "verification", checked="Kronologi, jadwal petugas", conclusion="proceed"
        )
    with days_ago(45):
        code = desk.invite(
            filed,
            budi,
            {
                "name": "Petugas loket 2",
                "position": "Pengadministrasi layanan",
                "allegation": "Meminta pembayaran di luar tarif resmi dari pemohon surat "
                "keterangan waris.",
                "period": "Bulan lalu",
                "rules": "PP 94/2021 tentang Disiplin PNS",
            },
            InvitationRole.ACCUSED,
        )
    with days_ago(40):
        desk.respondent_answers(
            code,
            "Saya mengakui menerima uang tersebut sebagai uang terima kasih dan sudah "
            "mengembalikannya kepada pemohon.",
            files=(("bukti-pengembalian.txt", "text/plain", _text("Kuitansi pengembalian\n")),),
        )
    with days_ago(28):
        desk.step(
            filed,
            budi,
            "investigation",
            activity="interview",
            description="Wawancara dengan atasan langsung dan dua petugas loket lain.",
        )
    with days_ago(24):
        desk.step(
            filed,
            rahman,
            "finding",
            finding="discipline",
            reasoning="Terlapor mengakui menerima uang di luar tarif; keterangan saksi sesuai.",
        )
    with days_ago(14):
        desk.step(
            filed,
            rahman,
            "sanction",
            level="light",
            sanction_type="Teguran tertulis",
            decree_number="W.23-KP.04.04-117",
            decided_on=_date_days_ago(14),
            carried_out_on=_date_days_ago(10),
        )
    return Story("decided, sanction (sanksi)", "BHP Makassar", filed)


def _withdrawn(desk: Desk, cast: Cast, units: list[Unit]) -> Story:
    nurul = cast.handlers["nurul"]
    with days_ago(30):
        filed = desk.report(
            units[4],
            "penyalahgunaan-wewenang",
            {
                "what": "Kepala seksi memakai mobil dinas untuk keperluan keluarga setiap akhir "
                "pekan.",
                "who": "Kepala seksi pelayanan",
                "where": "Parkiran kantor UPT Palopo",
                "when": "Tiga bulan terakhir",
                "how": "Saya melihat sendiri mobil dibawa pulang hari Jumat.",
            },
        )
    with days_ago(29):
        desk.step(filed, nurul, "acknowledge", note="")
    with days_ago(28):
        desk.ask(filed, nurul, "Apakah Anda ingat nomor polisi mobil dinas tersebut?")
    with days_ago(21):
        desk.reporter_withdraws(
            filed, "Saya keliru; ternyata mobil itu dipakai untuk tugas luar yang resmi."
        )
    return Story("withdrawn by the reporter (dicabut)", "UPT Palopo", filed)


def _under_examination(desk: Desk, cast: Cast, units: list[Unit]) -> Story:
    dewi = cast.handlers["dewi"]
    with days_ago(18):
        filed = desk.report(
            units[2],
            "gratifikasi",
            {
                "what": "Seorang notaris memberi parsel dan amplop kepada pejabat yang memeriksa "
                "berkas pendirian yayasan.",
                "who": "Pejabat pemeriksa berkas (perempuan)",
                "where": "Ruang layanan UPT Parepare",
                "when": "Menjelang hari raya",
                "how": "Saya staf di ruangan itu dan melihat amplop diserahkan.",
            },
            files=(("foto-parsel.txt", "text/plain", _text("Keterangan foto: parsel di meja\n")),),
            identity={"name": "Pelapor contoh", "contact": "0811-0000-0000"},
        )
    with days_ago(17):
        desk.step(filed, dewi, "acknowledge", note="")
    with days_ago(15):
        desk.step(filed, dewi, "verification", checked="Keterangan pelapor", conclusion="proceed")
    with days_ago(12):
        desk.note(filed, dewi, "Pelapor staf di ruangan yang sama: jaga kerahasiaan ketat.")
        code = desk.invite(
            filed,
            dewi,
            {
                "name": "Pejabat pemeriksa berkas",
                "position": "Analis hukum",
                "allegation": "Menerima pemberian dari notaris yang berkasnya sedang diperiksa.",
                "period": "Menjelang hari raya tahun ini",
                "rules": "UU 20/2001 Pasal 12B; PP 94/2021",
            },
            InvitationRole.ACCUSED,
        )
    with days_ago(9):
        desk.reporter_writes(
            filed,
            "Saya ingat satu hal lagi: amplop itu berwarna cokelat dan berlogo kantor notaris.",
        )
    with days_ago(6):
        desk.respondent_answers(
            code,
            "Parsel itu saya kembalikan keesokan harinya dan saya laporkan ke UPG; amplop "
            "tidak pernah saya terima.",
            files=(("laporan-upg.txt", "text/plain", _text("Tanda terima laporan UPG\n")),),
        )
    with days_ago(5):
        desk.step(
            filed,
            dewi,
            "investigation",
            activity="clarification",
            description="Tanggapan terlapor diterima; meminta tanda terima dari UPG.",
        )
    witness = desk.invite(
        filed,
        dewi,
        {
            "name": "Petugas UPG Kanwil",
            "position": "Sekretariat Unit Pengendalian Gratifikasi",
            "allegation": "Dimintai keterangan: apakah laporan penerimaan parsel dari pejabat "
            "pemeriksa berkas pernah diterima, dan kapan.",
            "period": "Menjelang hari raya tahun ini",
            "rules": "Peraturan tentang pengendalian gratifikasi",
        },
        InvitationRole.WITNESS,
        printed=False,  # the newcomer opens its letter from the case page
    )
    return Story("under examination (investigasi)", "UPT Parepare", filed, witness)


def _overdue(desk: Desk, units: list[Unit]) -> Story:
    with days_ago(12):
        filed = desk.report(
            units[0],
            "benturan-kepentingan",
            {
                "what": "Pengadaan alat tulis kantor selalu dimenangkan perusahaan milik "
                "kerabat pejabat.",
                "who": "Pejabat pengadaan",
                "where": "Kantor Wilayah",
                "when": "Sejak tahun lalu",
                "how": "Saya melihat dokumen pengadaan dan mengenal pemilik perusahaan.",
            },
        )
    return Story("received, acknowledgement overdue", "Kanwil", filed)


def _under_verification(desk: Desk, cast: Cast, units: list[Unit]) -> Story:
    yusuf = cast.handlers["yusuf"]
    with days_ago(5):
        filed = desk.report(
            units[3],
            "pelayanan-publik",
            {
                "what": "Loket layanan sering tutup sebelum jam pelayanan berakhir.",
                "who": "Petugas loket",
                "where": "UPT Layanan Hukum Bone",
                "when": "Hampir setiap hari minggu lalu, sekitar pukul 14.00",
                "how": "Saya datang tiga kali dan loket sudah tutup.",
            },
        )
    with days_ago(4):
        desk.step(filed, yusuf, "acknowledge", note="")
        desk.step(
            filed,
            yusuf,
            "verification",
            checked="Jadwal layanan",
            conclusion="needs_information",
        )
        desk.ask(filed, yusuf, "Pada tanggal berapa saja Anda datang? Adakah foto loket tutup?")
    with days_ago(2):
        desk.reporter_writes(
            filed,
            "Saya datang hari Senin, Rabu dan Kamis. Foto terlampir.",
            files=(("loket-tutup.txt", "text/plain", _text("Foto loket tutup, 14.05\n")),),
        )
    return Story("under verification (verifikasi)", "UPT Bone", filed)


def _received(desk: Desk, units: list[Unit]) -> Story:
    filed = desk.report(
        units[1],
        "kode-etik",
        {
            "what": "Petugas membentak pemohon lanjut usia dan menolak membantu mengisi formulir.",
            "who": "Petugas informasi",
            "where": "Meja informasi BHP Makassar",
            "when": "Hari ini, pagi",
            "how": "Saya berdiri di antrean di belakangnya.",
        },
        files=(("catatan.txt", "text/plain", _text("Antrean nomor 14, pukul 09.10\n")),),
    )
    return Story("received, new (diterima)", "BHP Makassar", filed)


def _date_days_ago(days: int) -> str:
    """A date field as the sanction form sends it (ISO), on the moved clock."""
    with days_ago(days):
        return today().isoformat()
