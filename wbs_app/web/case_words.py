"""The words for a case's workflow facts: the staff pages, the statistics, the public page.

Statuses, channels, findings, sanction levels and deadlines are what the
board, its exports and ``/transparansi`` show, as well as the handler's own
pages: one wording each, in one place.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS = {
    "diterima": _l("Received"),
    "verifikasi": _l("Verification"),
    "investigasi": _l("Examination"),
    "keputusan": _l("Decision"),
    "sanksi": _l("Sanction"),
    "selesai": _l("Completed"),
    "diteruskan": _l("Referred"),
    "bukan_wewenang": _l("Not within authority"),
    "ditunda": _l("On hold"),
    "dicabut": _l("Withdrawn"),
    "diarsipkan": _l("Archived"),
}

# The office's complaint channels (``models.channels.Channel``).
CHANNELS = {
    "web": _l("WBS website"),
    "telepon": _l("Telephone"),
    "surat": _l("Letter"),
    "kotak": _l("Complaint box"),
    "email": _l("E-mail"),
    "tatap_muka": _l("In person"),
    "lapor": _l("SP4N-LAPOR!"),
    "sipidu": _l("SIPIDU"),
    "media_sosial": _l("Social media"),
    "laman": _l("Ministry website (pengaduan masyarakat)"),
    "rujukan": _l("Referral from another body (KPK, Ombudsman, Inspektorat Jenderal ...)"),
}

FINDINGS = {
    "ethics": _l("Breach of ethics"),
    "discipline": _l("Breach of discipline"),
    "criminal": _l("Criminal offence (refer to law enforcement)"),
    "not_proven": _l("Not proven"),
}

LEVELS = {
    "light": _l("Light (hukuman disiplin ringan)"),
    "medium": _l("Medium (hukuman disiplin sedang)"),
    "heavy": _l("Heavy (hukuman disiplin berat)"),
}

# The office's deadlines of a case, by ``services.office.deadlines.DeadlineKind``.
DEADLINE_KINDS = {
    "acknowledge": _l("Acknowledgement of receipt"),
    "verification": _l("Verification result"),
    "feedback": _l("Feedback to the reporter"),
    "respondent": _l("Time to answer"),
}
