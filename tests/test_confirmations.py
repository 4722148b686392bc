"""What destroys asks first: a GET page that says what will happen, then its POST.

Revoking one's own access to a case (which ended on a 404), an administrator's
password reset (which erases the colleague's key), a deactivation and the
reporter's withdrawal were each one click. Each now has a confirmation page
that works without JavaScript, the page that offered the button links to it,
and the action still happens only by the confirmation page's POST. Refusals
shown after a redirect look like errors (``role=alert``), confirmations like
confirmations (``role=status``).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from tests.support.reporter import csrf_from
from tests.support.world import World, build_world
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus, KeyWrap, RecipientKind, StaffMember, StaffStatus


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def _posts_to(page: str, path: str) -> bool:
    return re.search(rf'<form method="post" action="{re.escape(path)}[?"]', page) is not None


def _notices(page: str) -> list[tuple[str, str, str]]:
    """(class, role, text) of every notice at the top of the page."""
    return [
        (kind, role, text.strip())
        for kind, role, text in re.findall(
            r'<div class="notice (\w+)" role="(\w+)">(.*?)</div>', page, re.S
        )
    ]


def _case_status(world: World, case_id: int) -> CaseStatus:
    with app_database(world.app).session() as session:
        return session.scalars(select(Case.status).where(Case.id == case_id)).one()


def _staff_status(world: World, staff_id: int) -> StaffStatus:
    with app_database(world.app).session() as session:
        return session.get(StaffMember, staff_id).status


def test_giving_up_ones_own_access_is_confirmed_and_ends_in_the_inbox(world: World) -> None:
    budi = world.clients["inv_a"]
    case_path = f"/staf/pengelola/kasus/{world.case_a}"
    revoke = f"{case_path}/akses/cabut"
    confirm = f"{revoke}/{world.org.budi.id}"
    case_page = budi.get(case_path).get_data(as_text=True)
    assert not _posts_to(case_page, revoke), "revoking is one click on the case page"
    assert f'href="{confirm}"' in case_page

    page = budi.get(confirm)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Lepaskan akses Anda ke kasus" in text  # says whose access, in Indonesian
    assert "tidak dapat lagi membukanya" in text  # and what it does
    assert _posts_to(text, revoke)
    assert f'href="{case_path}"' in text  # and the way back, changing nothing
    assert budi.get(case_path).status_code == 200  # looking changed nothing

    done = budi.post(revoke, data={"csrf_token": csrf_from(text), "staff_id": world.org.budi.id})
    assert done.status_code == 302
    assert done.headers["Location"].split("?")[0].endswith("/staf/pengelola/kasus")
    inbox = budi.get(done.headers["Location"]).get_data(as_text=True)
    assert ("ok", "status", f"Anda telah melepaskan akses Anda ke kasus #{world.case_a}.") in (
        _notices(inbox)
    )
    assert budi.get(case_path).status_code == 404  # the access is gone indeed


def test_revoking_a_colleague_is_confirmed_and_returns_to_the_case(world: World) -> None:
    rahman = world.clients["supervisor"]
    case_path = f"/staf/pengelola/kasus/{world.case_a}"
    page = rahman.get(f"{case_path}/akses/cabut/{world.org.budi.id}").get_data(as_text=True)
    assert "Cabut akses" in page and "Budi" in page
    assert rahman.get(f"{case_path}/akses/cabut/{world.target.id}").status_code == 404  # no key
    done = rahman.post(
        f"{case_path}/akses/cabut",
        data={"csrf_token": csrf_from(page), "staff_id": world.org.budi.id},
    )
    assert done.headers["Location"].split("?")[0].endswith(case_path)
    assert world.clients["inv_a"].get(case_path).status_code == 404


@pytest.mark.parametrize(
    ("action", "path", "words", "after"),
    [
        ("deactivate", "nonaktifkan", "tidak dapat masuk lagi", StaffStatus.DEACTIVATED),
        ("reset", "reset", "tidak dapat dipulihkan", StaffStatus.RESET),
    ],
)
def test_an_administrators_account_actions_are_confirmed(
    world: World, action: str, path: str, words: str, after: StaffStatus
) -> None:
    admin = world.clients["admin"]
    detail = f"/staf/admin/staf/{world.target.id}"
    action_path = f"{detail}/{path}"
    account = admin.get(detail).get_data(as_text=True)
    assert not _posts_to(account, action_path), f"{action} is one click on the account page"
    assert f'href="{action_path}"' in account

    page = admin.get(action_path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert words in text
    assert _posts_to(text, action_path)
    assert _staff_status(world, world.target.id) is StaffStatus.ACTIVE  # looking changed nothing

    done = admin.post(action_path, data={"csrf_token": csrf_from(text)})
    assert done.status_code in (200, 302)
    assert _staff_status(world, world.target.id) is after


def test_the_administrator_is_told_before_that_a_sole_holder_cannot_be_reset(
    world: World,
) -> None:
    """Sitti holds case B with Wahyu; once Wahyu is gone, she is its only reader.

    Case B as one received before the custodian ceremony (no recovery wrap):
    a recoverable case does not stop a reset, the custodians give it back.
    """
    admin = world.clients["admin"]
    path = f"/staf/admin/staf/{world.org.sitti.id}/reset"
    with app_database(world.app).session() as session:
        wahyu = session.scalars(select(StaffMember).where(StaffMember.username == "wahyu")).one()
        wahyu.status = StaffStatus.DEACTIVATED
        session.commit()
    assert f"Kasus #{world.case_b}" not in admin.get(path).get_data(as_text=True)
    with app_database(world.app).session() as session:
        session.execute(
            delete(KeyWrap).where(
                KeyWrap.case_id == world.case_b, KeyWrap.recipient_kind == RecipientKind.RECOVERY
            )
        )
        session.commit()
    text = admin.get(path).get_data(as_text=True)
    assert ("error", "alert") in [(kind, role) for kind, role, _ in _notices(text)]
    assert f"Kasus #{world.case_b}" in text


def test_own_account_has_no_confirmation_pages(world: World) -> None:
    admin = world.clients["admin"]
    for path in ("nonaktifkan", "reset"):
        assert admin.get(f"/staf/admin/staf/{world.admin.id}/{path}").status_code == 404


def test_the_reporters_withdrawal_is_confirmed(world: World) -> None:
    reporter = world.clients["reporter"]
    case_page = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert not _posts_to(case_page, "/lapor/kasus/cabut"), "withdrawing is one click"
    assert 'href="/lapor/kasus/cabut"' in case_page

    page = reporter.get("/lapor/kasus/cabut").get_data(as_text=True)
    assert "Anda tidak dapat membatalkannya sendiri" in page
    assert _posts_to(page, "/lapor/kasus/cabut")
    assert _case_status(world, world.case_a) is CaseStatus.INVESTIGATION

    empty = reporter.post("/lapor/kasus/cabut", data={"csrf_token": csrf_from(page), "reason": ""})
    assert empty.status_code == 400  # the page again, saying what is missing
    assert "Sebutkan alasan pencabutan laporan." in empty.get_data(as_text=True)
    assert _case_status(world, world.case_a) is CaseStatus.INVESTIGATION

    done = reporter.post(
        "/lapor/kasus/cabut", data={"csrf_token": csrf_from(page), "reason": "Sudah selesai"}
    )
    assert done.status_code == 302
    assert _case_status(world, world.case_a) is CaseStatus.WITHDRAWN
    # Closed: the confirmation page leads back to the case, nothing to confirm.
    assert reporter.get("/lapor/kasus/cabut").status_code == 302


def test_a_refusal_looks_like_an_error_and_a_success_like_a_success(world: World) -> None:
    budi = world.clients["inv_a"]
    case_path = f"/staf/pengelola/kasus/{world.case_a}"
    token = csrf_from(budi.get(case_path).get_data(as_text=True))
    budi.post(f"{case_path}/catatan", data={"csrf_token": token, "text": "   "})
    page = budi.get(case_path).get_data(as_text=True)
    assert ("error", "alert", "Tulis catatan terlebih dahulu.") in _notices(page)
    budi.post(f"{case_path}/catatan", data={"csrf_token": token, "text": "Catatan"})
    page = budi.get(case_path).get_data(as_text=True)
    assert ("ok", "status", "Catatan disimpan.") in _notices(page)
