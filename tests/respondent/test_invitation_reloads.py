"""The invitation letter after post/redirect/get (issue 14, defect 5).

Creating an invitation answers with a redirect to the letter's own page.
Reloading that page, or posting the same creation form again (a double
click, the back button and resubmit), never makes a second invitation. The
code stays printable for the case's handlers until the respondent first
signs in (a printer jam must not cost the respondent their code), sealed
under the case's internal key, and the case page says when the letter was
first shown.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from tests.support.http import https_client
from tests.support.reporter import csrf_from
from tests.support.respondent import CODE_RE, investigating_case, respondent_client
from tests.support.staff import pepper, sign_in
from wbs_app.db import app_database
from wbs_app.models import JournalEntry, RespondentInvitation

FIELDS = {
    "name": "Petugas Loket 2",
    "position": "Pengadministrasi",
    "allegation": "Diduga meminta biaya di luar tarif resmi.",
    "period": "Oktober 2026",
    "rules": "PP 94/2021",
    "role": "accused",
    "days": "14",
}
ONCE_RE = re.compile(r'name="once"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="once"')


def _invitations(app) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(RespondentInvitation))


def _creation_form(budi, case_id: int) -> dict[str, str]:
    """What the case page's invitation form posts, its one-time token included (if any)."""
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    fields = {"csrf_token": csrf_from(page), **FIELDS}
    once = ONCE_RE.search(page)
    if once:
        fields["once"] = once.group(1) or once.group(2)
    return fields


def _code(page: str) -> str:
    found = CODE_RE.search(page)
    assert found, page[:3000]
    return found.group(1)


def test_creating_redirects_to_the_letter_and_a_reload_makes_no_second_invitation(
    app, org, reporter
) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    form = _creation_form(budi, case_id)
    created = budi.post(f"/staf/pengelola/kasus/{case_id}/undangan", data=form)
    if created.status_code == 200:  # the letter as the POST's answer: a reload posts again
        budi.post(f"/staf/pengelola/kasus/{case_id}/undangan", data=form)
        assert _invitations(app) == 1, f"a reload made {_invitations(app)} invitations"
    assert created.status_code == 303, f"creating answered {created.status_code}"
    letter = urlsplit(created.headers["Location"]).path
    assert re.fullmatch(rf"/staf/pengelola/kasus/{case_id}/undangan/\w{{32}}/surat", letter)
    first = budi.get(letter)
    assert first.status_code == 200
    code = _code(first.get_data(as_text=True))
    assert code.replace(" ", "") not in created.headers["Location"]
    reloaded = budi.get(letter)
    assert reloaded.status_code == 200 and _code(reloaded.get_data(as_text=True)) == code
    assert _invitations(app) == 1


def test_posting_the_same_creation_form_again_makes_no_second_invitation(
    app, org, reporter
) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    form = _creation_form(budi, case_id)
    first = budi.post(f"/staf/pengelola/kasus/{case_id}/undangan", data=form)
    again = budi.post(f"/staf/pengelola/kasus/{case_id}/undangan", data=form)
    assert _invitations(app) == 1, f"the same form made {_invitations(app)} invitations"
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    with app_database(app).session() as session:
        kinds = session.scalars(select(JournalEntry.kind).where(JournalEntry.case_id == case_id))
        assert list(kinds).count("invitation_created") == 1
    # A fresh form (the case page loaded again) makes a second invitation, as asked.
    other = budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan", data=_creation_form(budi, case_id)
    )
    assert other.status_code == 303 and other.headers["Location"] != first.headers["Location"]
    assert _invitations(app) == 2


def test_a_creation_form_without_its_token_is_refused_and_makes_nothing(app, org, reporter) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    form = _creation_form(budi, case_id)
    form.pop("once", None)
    refused = budi.post(f"/staf/pengelola/kasus/{case_id}/undangan", data=form)
    assert refused.status_code == 302
    assert _invitations(app) == 0
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Formulir undangan ini tidak lengkap" in page
    form["once"] = "x" * 65
    assert budi.post(f"/staf/pengelola/kasus/{case_id}/undangan", data=form).status_code == 302
    assert _invitations(app) == 0


def test_the_letter_can_be_shown_again_until_the_respondent_signs_in(app, org, reporter) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    created = budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan", data=_creation_form(budi, case_id)
    )
    letter = urlsplit(created.headers["Location"]).path
    code = _code(budi.get(letter).get_data(as_text=True))

    case_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert f'href="{letter}"' in case_page  # "print the letter again"
    assert "Surat pertama kali ditampilkan" in case_page

    # A colleague holding the case prints it again; a handler of another unit cannot.
    rahman = https_client(app)
    sign_in(app, rahman, org.rahman)
    assert _code(rahman.get(letter).get_data(as_text=True)) == code
    sitti = https_client(app)
    sign_in(app, sitti, org.sitti)
    assert sitti.get(letter).status_code == 404

    _, signed = respondent_client(app, code)
    assert signed.status_code == 302
    gone = budi.get(letter)
    assert gone.status_code == 200
    body = gone.get_data(as_text=True)
    assert CODE_RE.search(body) is None and code not in body
    assert "sudah masuk" in body  # the respondent has signed in; the code is no longer kept
    with app_database(app).session() as session:
        invitation = session.scalar(select(RespondentInvitation))
        assert invitation.sealed_code is None
    # The first sign-in took the invitation over (issue 15, item 5): the printed
    # code is refused from then on, and says so.
    _, response = respondent_client(app, code)
    assert response.status_code == 403
    assert "sudah diganti" in response.get_data(as_text=True)


def test_the_kept_code_opens_only_with_the_internal_key(app, org, reporter) -> None:
    from crypto import DecryptionError, Identity, RecordContext, open_record, open_seed
    from wbs_app.models import Audience, Case, StaffMember
    from wbs_app.services.cases import case_keys

    budi, case_id = investigating_case(app, org, reporter)
    created = budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan", data=_creation_form(budi, case_id)
    )
    code = _code(budi.get(urlsplit(created.headers["Location"]).path).get_data(as_text=True))
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        staff = session.get(StaffMember, org.budi.id)
        identity = Identity.from_seed(open_seed(staff.sealed_seed, org.budi.password, pepper(app)))
        invitation = session.scalar(select(RespondentInvitation))
        assert code.replace(" ", "").encode() not in invitation.sealed_code
        context = RecordContext(case.uid, "invitation_code", invitation.uid)
        opened = {}
        for audience, label in (
            (Audience.INTERNAL, ""),
            (Audience.REPORTER, ""),
            (Audience.RESPONDENT, invitation.uid),
        ):
            row = case_keys.audience_key(session, case, audience, label)
            key = case_keys.unwrap_for_staff(session, case, row, staff, identity)
            try:
                opened[audience] = open_record(key, invitation.sealed_code, context)
            except DecryptionError:
                opened[audience] = None
    assert opened[Audience.INTERNAL] == code.replace(" ", "").encode()
    assert opened[Audience.REPORTER] is None and opened[Audience.RESPONDENT] is None
