"""The demo holds a ceremony and certifies its handlers, and prints no share of the root."""

from __future__ import annotations

from datetime import timedelta

from shamir_mnemonic.wordlist import WORDLIST
from sqlalchemy import select

from tests.support.demo import seed_demo
from wbs_app.db import app_database
from wbs_app.models import HandlerCertificate, StaffMember, TrustRoot
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.trust import certificates


def test_the_demo_certifies_every_handler_before_its_stories_and_prints_no_share(app) -> None:
    printed = seed_demo(app)
    words = set(WORDLIST)
    for line in printed.output.splitlines():
        run = longest = 0
        for word in line.lower().split():
            run = run + 1 if word.strip(",.;:()") in words else 0
            longest = max(longest, run)
        assert longest < 8, line  # a share is 20 or more list words in a row
    with app_database(app).session() as session:
        assert session.scalar(select(TrustRoot.generation)) == 1
        handlers = [s for s in session.scalars(select(StaffMember)) if not s.is_admin]
        assert handlers and all(certificates.is_certified(session, s) for s in handlers)
        oldest = utcnow() - timedelta(days=100)
        for row in session.scalars(select(HandlerCertificate)):
            assert row.issuer_kind == "root" and row.issued_at < oldest
