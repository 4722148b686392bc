"""What every refusal of a service says: one translated message per ``DomainError.code``.

A service names why it refuses (``services.infra.errors``); this is the one place
where that name becomes words, for every zone. ``tests/test_refusals.py``
reads every raise in ``wbs_app/services`` and fails when a code has no
message here or no Indonesian translation, so a code missing here is a
programming error found before a release. Should one slip through all the
same, the page says that the thing could not be done, never the code.

A view may still say more than the message here where it knows more (the
date a code was replaced, the deadline that passed, which kind of kept
message is gone); the message here is what the code means on its own.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from wbs_app.services.infra.errors import DomainError

log = logging.getLogger("wbs_app.refusals")

COULD_NOT_BE_DONE = _l("This could not be done. Nothing was changed; please try again.")

_NOT_SENT_CLOSED = _l("This report is closed; it no longer takes messages.")
_KEPT_GONE = _l(
    "Your unsent message is no longer stored: it was deleted after some hours, for your safety. Please write it again."
)

MESSAGES = {
    # Accounts and sign-in (services.staff.accounts, staff_admin, staff_login, tokens).
    "password_mismatch": _l("The two new passwords are not the same."),
    "weak_password": _l("Choose a stronger password."),
    "bad_totp": _l(
        "The authenticator code is not right. Check the app's clock and try the current code."
    ),
    "bad_username": _l(
        "A username has 3 to 64 lower-case letters, digits, dots, dashes or underscores."
    ),
    "username_taken": _l("That username is already in use. Choose another."),
    "email_taken": _l("An account with that e-mail address already exists."),
    "bad_invitation": _l("Enter a valid e-mail address and a name."),
    "units_required": _l("Choose at least one unit for an investigator or supervisor."),
    "admin_has_no_units": _l("Administrators are not members of units."),
    "wrong_password": _l("The current password is not right."),
    "changed_meanwhile": _l(
        "The account was changed elsewhere while this was saved. Nothing was changed; try again."
    ),
    "last_admin": _l("This is the last active administrator; the change would lock everyone out."),
    "reset_self": _l("You cannot reset your own password here; use the password page."),
    "not_activated": _l(
        "This account has not been activated yet; send a new activation link instead."
    ),
    "not_invited": _l("This account is already activated."),
    "not_deactivated": _l("This account is not deactivated."),
    "role_kind_fixed": _l(
        "An administrator account cannot become a handler account or the reverse. Create a separate account."
    ),
    "login_failed": _l("The username, password or authenticator code is not right."),
    "login_throttled": _l("Please wait a few minutes before trying again."),
    "login_key_mismatch": _l(
        "Your sign-in was refused: the key stored for your account is not the key your password unlocks. Someone may have changed the database. Do not read out any fingerprint; tell your supervisor in person or by telephone."
    ),
    "invalid_link": _l(
        "The link has already been used, has expired, or is incomplete. Ask an administrator for a new one."
    ),
    "sole_holder": _l(
        "A reset erases the person's key and a deactivation locks it away: these cases would be left with nobody able to read them, while reporters can still write to them. Nothing was changed."
    ),
    "sole_holder_keys": _l(
        "Your key cannot be replaced now: some cases have nobody else who can read them, and a new key would leave them unreadable. Ask a colleague or supervisor to be given access to those cases first, or change only the password. Nothing was changed."
    ),
    "salt_mismatch": _l(
        "This database was made for another installation: its installation salt is not the configured one."
    ),
    "pepper_mismatch": _l(
        "This database was made for another installation: its staff passwords were sealed with another pepper than the configured one."
    ),
    # Units, categories, deadlines (services.office.organisation, unit_admin).
    "not_found": _l("Not found."),
    "leave_day_unnamed": _l("Write what the day is, for example \"Cuti bersama Idul Fitri\"."),
    "bad_name": _l("A name has 2 to 200 characters."),
    "no_parent": _l("Choose an existing parent unit."),
    "duplicate": _l("That entry already exists."),
    "duplicate_name": _l("A unit with that name already exists at that place in the tree."),
    "parent_required": _l(
        "Choose the unit the new unit belongs to. A new top unit is made with its own form below."
    ),
    "parent_inactive": _l("That unit is deactivated; reactivate it first."),
    "bad_parent": _l("A unit cannot be moved under itself or under one of its own units."),
    "intake_unreachable": _l(
        "That unit cannot receive reports: it is deactivated, or no supervisor sits at or above it. Appoint a supervisor first."
    ),
    "intake_unit": _l(
        "This unit receives the reports of reporters who are not sure. Choose another intake unit first."
    ),
    "has_active_units": _l("Active units sit below this unit. Move or deactivate them first."),
    "in_use": _l(
        "This unit has cases, handlers or units below it, or is the intake unit: it can only be deactivated."
    ),
    "bad_deadline": _l("A deadline is a number of days from 1 to 365."),
    # The letterhead (services.office.letterhead).
    "letterhead_required": _l("Fill in this field."),
    "letterhead_too_long": _l("This is too long."),
    "bad_number_prefix": _l(
        "Use capital letters, digits, dots and dashes, for example WBS or W21-ULP."
    ),
    "bad_logo_path": _l(
        "Write a path inside the instance folder, such as kop/logo.png: no web address, "
        "no leading slash and no '..'."
    ),
    "bad_logo_type": _l("The logo must be a PNG or JPEG file."),
    "logo_missing": _l("There is no such file in the instance folder."),
    "logo_too_large": _l("The logo file is larger than 512 KiB."),
    # Disk caps (services.cases.disk_caps).
    "draft_files_full": _l(
        "Your report already holds as many files, or as many megabytes, as a report may carry. The new files were not attached; what you wrote is kept. Remove a file to add another."
    ),
    "case_files_full": _l(
        "This report already holds as many files as it can. Your message was not sent; send it without files, or describe the evidence in words."
    ),
    "drafts_full": _l("Files cannot be received right now. Please try again later."),
    # A report being written and sent (services.cases.intake, routing, delivery).
    "draft_gone": _l("Your unsent report expired for your safety. Please fill in the form again."),
    "bad_unit": _l("Choose a unit from the list."),
    "bad_category": _l("Choose a category from the list."),
    "incomplete": _l("Please describe what happened."),
    "not_ready": _l(
        "Reports cannot be received right now because no handler is set up. Please try again later."
    ),
    "no_supervisor": _l(
        "Your report cannot be sent yet: no supervisor has been appointed for the unit it goes to or for any unit above it, and a report must never rest with one person alone. Nothing you wrote is lost. Press “Back to edit” and choose another unit or “Not sure (the regional office decides)”; or keep this page open and send it later."
    ),
    "excluded_supervisors": _l(
        "At least one supervisor must receive the report, so that it never rests with one person alone. Untick at least one supervisor and send again; nothing you wrote is lost."
    ),
    "bad_route": _l(
        "The unit above can no longer receive your report as it is. Nothing you wrote is lost: check who will receive it and send again."
    ),
    "retry": _l("Something went wrong while sending. Nothing was stored; please send again."),
    # A reporter's receipt, thread and kept messages (reporter_access, casefile,
    # reporter_channel, held).
    "receipt_mistyped": _l(
        "This is not a valid report code. Check each digit: the code has 20 digits in five groups of four."
    ),
    "receipt_refused": _l("No report can be opened with this code. Check it and try again."),
    "report_closed": _NOT_SENT_CLOSED,
    "already_closed": _l("This report is closed already."),
    "reply_empty": _l("Write a message or attach a file."),
    "retaliation_empty": _l("Describe what happened to you."),
    "nothing_to_keep": _l("Write a message or attach a file."),
    "held_elsewhere": _l(
        "This code opens another report than the one your kept message was written to, so the message was not sent and nothing was opened. Enter the code of the report you were writing to. To open this report without the message, start again from the code page."
    ),
    "gone": _KEPT_GONE,
    "damaged": _KEPT_GONE,
    "sent": _l("Your message was sent to the team."),
    "refused": _NOT_SENT_CLOSED,
    # A handler's work on a case (casefile, lifecycle, access, case_routing).
    "no_access": _l("The page you asked for does not exist."),
    # The custodians' root (services.trust.root).
    "root_exists": _l(
        "The custodians' root already exists. To replace it, the custodians rotate it together."
    ),
    "no_root": _l(
        "The custodian ceremony has not been held yet, so nobody can be certified to receive reports."
    ),
    "shares_refused": _l(
        "These shares do not open this installation's root. Check every word with its custodian and try again."
    ),
    "shares_same": _l("The same share was typed twice: each custodian types their own share."),
    "custodian_name_missing": _l("Every custodian needs a name."),
    # The anchored journal (services.cases.head_log).
    "checkpoint_supervisors_only": _l("Only a supervisor downloads the journal checkpoint."),
    "custodian_threshold": _l(
        "Choose between 2 and 16 custodians, and a number needed of at least 2 and at most the number of custodians."
    ),
    # Recovery by the custodians (services.trust.recovery, services.trust.rotation).
    "recovery_throttled": _l(
        "Too many wrong sets of shares. The recovery page waits a while before trying again."
    ),
    "recovery_not_handler": _l(
        "Choose an active handler (investigator or supervisor) who has set up their key."
    ),
    "recovery_not_certified": _l(
        "This handler's key is not certified. Certify it first: compare the fingerprint the handler reads out from their own key page."
    ),
    "recovery_no_cases": _l("Name at least one case, or choose a unit."),
    "recovery_too_many": _l("Give back at most 10,000 cases at once."),
    "rotation_running": _l(
        "A change to a new recovery key is not finished yet. Finish it first with the old shares."
    ),
    "no_rotation": _l("No change to a new recovery key is waiting to be finished."),
    # Display names (services.staff.accounts.check_display_name).
    "name_taken": _l(
        "Another staff account already has this name. Add what tells the two apart, for example a middle name."
    ),
    "name_mixed_scripts": _l(
        "Write the name in one alphabet: letters that only look alike would let two names look the same."
    ),
    # Handler certificates (services.trust.certificates).
    "fingerprint_mismatch": _l(
        "The fingerprint typed is not this colleague's key. Ask them to read it out again, slowly; certify nobody whose digits do not match."
    ),
    "certifier_admin": _l("Administrators cannot certify handlers."),
    "certifier_not_certified": _l(
        "Your own key is not certified, so you cannot certify a colleague yet."
    ),
    "certifier_out_of_reach": _l(
        "You can certify only colleagues of your own units, or of the units below yours if you are a supervisor, with a role no wider than yours."
    ),
    "subject_not_handler": _l("Only investigators and supervisors are certified."),
    "subject_inactive": _l("This account is not active, so it cannot be certified."),
    "subject_no_identity": _l(
        "This colleague has no key yet: they must first activate their account."
    ),
    "subject_key_unrecorded": _l(
        "This colleague's stored key is not the key recorded when their account was activated. Certify nobody; tell your supervisor, as the database may have been changed."
    ),
    "already_certified": _l("This key is already certified."),
    "not_certified": _l("This handler's key is not certified, so no report can be given to them."),
    "message_empty": _l("Write a message first."),
    "note_empty": _l("Write a note first."),
    "already_acknowledged": _l("A colleague has already taken up this report of retaliation."),
    "wrong_status": _l("This step is not possible in the case's current status."),
    # Triage (services.cases.triage).
    "triage_closed": _l("This case has ended: it can no longer be marked."),
    "triage_bad_mark": _l("Choose spam, duplicate or no mark."),
    "triage_nothing_chosen": _l("Tick at least one case to archive."),
    "triage_too_many": _l("Archive at most 200 cases at a time."),
    "triage_not_archivable": _l(
        "Only open cases marked as spam or duplicate can be archived. Nothing was archived."
    ),
    "missing_field": _l("A required field is empty."),
    "bad_choice": _l("Choose one of the options."),
    "bad_date": _l("Write the date as YYYY-MM-DD."),
    "too_long": _l("A field is too long."),
    "unknown_step": _l("Unknown step."),
    "answer_period_running": _l(
        "A respondent's time to answer has not ended (or their request for more time waits for"
        " a decision). Wait for it, or write the reason to decide now: the respondent reads it."
    ),
    "excluded": _l(
        "The reporter excluded this colleague for a conflict of interest: they can never be given this case."
    ),
    "last_holder": _l("At least one handler must keep access to the case."),
    "not_a_handler": _l("Only investigators and supervisors can be given cases."),
    "inactive": _l("This colleague's account is not active."),
    "already_granted": _l("This colleague already has access."),
    "not_a_holder": _l("This colleague has no access to revoke."),
    "category_not_offered": _l("Choose one of the categories offered."),
    "unchanged": _l("The case is already filed there."),
    "reason_required": _l("Say why."),
    "outside_remit": _l("You can move a case only to an active unit you handle."),
    "target_without_supervisor": _l(
        "That unit cannot receive the case: no supervisor sits at or above it. Ask the administrator to appoint one."
    ),
    "target_supervisors_excluded": _l(
        "That unit cannot receive the case: the reporter excluded every supervisor who would receive it."
    ),
    # The right of reply, on both sides (respondent, right_of_reply,
    # respondent_access, respondent_takeover).
    "replaced": _l("This invitation was replaced by a new one: write in the new one's thread."),
    "invitation_wrong_status": _l("Invitations are made while the case is under examination."),
    "invitation_incomplete": _l("Write the official's name and what is alleged."),
    "bad_answer_days": _l("The time to answer is 1 to 365 days."),
    "form_used": _l("Something went wrong while creating the invitation. Please try again."),
    "no_request": _l("There is no pending request for more time."),
    "bad_days": _l("Give the extra days, from 1 to 90."),
    "no_reason": _l("Write the reason for the decision: the respondent reads it."),
    "nothing_open": _l("No respondent's thread is open."),
    "case_not_ended": _l(
        "The threads close with the step that decides or ends the case; this case is still open."
    ),
    "close_during_answer_period": _l(
        "A respondent's time to answer has not ended (or their request for more time waits for"
        " a decision). Wait for it, or write the reason to close now: the respondent reads it."
    ),
    "closed_meanwhile": _l("A colleague closed this invitation a moment ago; see the case page."),
    "code_mistyped": _l(
        "This is not a valid invitation code. Check each digit: the code has 20 digits."
    ),
    "code_refused": _l("No invitation can be opened with this code. Check it and try again."),
    "code_replaced": _l(
        "This code was already used and replaced by a new one. Sign in with the new code."
    ),
    "invitation_closed": _l(
        "This invitation was closed and replaced by a new one. Sign in with the code "
        "of the new invitation letter."
    ),
    "deadline_passed": _l("The deadline has passed."),
    "statement_empty": _l("Write your statement or attach a file."),
    "extension_incomplete": _l("Say how many more days you need (1 to 90) and why."),
    "already_requested": _l("Your request for more time waits for the team's decision."),
    # Reports recorded from other channels, their check and their links (issue 20).
    "not_your_unit": _l("You can record a report only for a unit whose cases you handle."),
    # The supervision board and its reports (issue 21).
    "bad_period": _l(
        "Choose a month (2026-11), a quarter (2026-Q4) or a year (2026), from 2000 to this year."
    ),
    "unit_not_overseen": _l("You can see the figures only of the units you oversee."),
    "bad_channel": _l("Choose the channel the report came through."),
    "already_recorded": _l("This report was already recorded."),
    "already_taken_over": _l("Your new report code is confirmed. From now on, sign in with it."),
    "received_in_future": _l("The day it was received cannot be a day still to come."),
    "received_too_early": _l("The day it was received is too long ago: check the year."),
    "reference_too_long": _l("A reference number is at most 100 characters."),
    "receipt_replaced": _l(
        "This report code was already used and replaced by a new one. Sign in with the new code."
    ),
    "not_recorded": _l("This report was made on this site: there is no record to check."),
    "correction_empty": _l("Write what should be corrected."),
    "already_confirmed": _l("You have already confirmed the record of your report."),
    "link_self": _l("A case cannot be linked to itself."),
    "link_unknown": _l("There is no case with this number that you hold."),
    "already_linked": _l("These cases are already linked in this way."),
    "not_linked": _l("These cases are not linked."),
    "case_ended": _l("This case has ended: reopen it first."),
    "no_unit_above": _l("This unit has no active tier above it."),
    "date_in_future": _l("This date is still to come."),
}

# What is wrong with a new password (``services.staff.password_policy``): a
# weak password's refusal lists each, under the password field.
PASSWORD_PROBLEMS = {
    "too_short": _l("It must have at least 12 characters."),
    "too_long": _l("It must have at most 256 characters."),
    "common": _l("It is a common or easily guessed password."),
    "personal": _l("It must not contain your name, username or e-mail address."),
}


def refusal_message(error: DomainError) -> str:
    """The refusal in the request's language; the generic message for a code without one."""
    message = MESSAGES.get(error.code)
    if message is None:
        log.error("refusal without a message: %s.%s", type(error).__name__, error.code)
        return str(COULD_NOT_BE_DONE)
    return str(message)
