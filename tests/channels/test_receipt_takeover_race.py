"""Two confirmations of one new receipt at once (a double click), in the service (issue 20).

The HTTP client sends one request at a time, so the race is made here: the
case is loaded three times before any confirmation runs, as the requests of a
double click (and of a second visit with the same letter) would load it.
The first takes the case over; the second finds the case already moved to
the receipt it carries and says so (``AlreadyTakenOver``),
not "someone else used your letter", which would alarm the reporter for
nothing. A different new receipt is refused as replaced.
"""

from __future__ import annotations

import pytest

from crypto import CodeKind, Identity, derive_code_secrets, generate_code, parse_code
from tests.support.recording import Recorded, record
from tests.support.staff import params, signed_in
from wbs_app.db import app_database
from wbs_app.models import Case
from wbs_app.services.codes import receipt_takeover
from wbs_app.settings import settings


def test_the_second_click_is_told_it_is_done_and_another_receipt_is_refused(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, printed = record(budi, Recorded(unit=org.units["a"]))
    salt, argon2 = settings(app).installation_salt, params(app)
    printed_identity = Identity.from_seed(
        derive_code_secrets(parse_code(printed), CodeKind.RECEIPT, salt, argon2).identity_seed
    )
    new_receipt = generate_code()
    database = app_database(app)

    def as_loaded() -> Case:
        """The case as a request loaded it before either click's confirmation ran."""
        with database.session() as session:
            case = session.get(Case, case_id)
            session.expunge(case)
            return case

    seen_first, seen_second, seen_third = as_loaded(), as_loaded(), as_loaded()
    with database.session() as session:
        receipt_takeover.take_over(session, seen_first, printed_identity, new_receipt, salt, argon2)
        session.commit()
    with database.session() as session, pytest.raises(receipt_takeover.AlreadyTakenOver):
        receipt_takeover.take_over(
            session, seen_second, printed_identity, new_receipt, salt, argon2
        )
    with database.session() as session, pytest.raises(receipt_takeover.ReceiptReplaced):
        receipt_takeover.take_over(
            session, seen_third, printed_identity, generate_code(), salt, argon2
        )
