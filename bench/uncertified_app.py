"""The app with intake as it was before certificates: the baseline of ``submit_load``.

Issue 17 makes every wrap check the recipient's certificate chain (a few
queries and one Ed25519 verification per link) and the review page show who
certified each recipient. To measure what that costs, ``submit_load`` runs
the same load against this module too: the same app, with the certificate
functions the intake path calls replaced by the answers a certified handler
gets, without any check. gunicorn imports it in each worker; nothing else
ever does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wbs_app.models import StaffMember
from wbs_app.services.trust import certificates
from wsgi import app


def _all(session: Any, staff: list[StaffMember]) -> list[StaffMember]:
    return list(staff)


def _nothing(*_args: Any, **_kwargs: Any) -> None:
    return None


def _view(session: Any, staff: StaffMember) -> certificates.CertificateView:
    return certificates.CertificateView(None, True, None, True, datetime.now(UTC))


certificates.certified_among = _all
certificates.require_certified = _nothing
certificates.certificate_view = _view

__all__ = ["app"]
