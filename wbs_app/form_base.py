"""The base of every form: WTForms' messages from Lentera's catalogue, a CSRF token without an id.

WTForms ships no Indonesian catalogue, so its defaults ("This field is
required.", "Number must be between 1 and 365.") reached Indonesian pages in
English. Every form derives from ``Form``, whose translations are the
application's own (``wbs_app/translations``); the messages WTForms can produce
are listed below so that ``make translations-update`` extracts them and the
translators see them with everything else (``tests/test_form_messages.py``).

Every form also carries a hidden ``csrf_token`` field, to which WTForms gives
``id="csrf_token"``: a page with several forms (the case page has fifteen,
and every staff page has the sign-out form in its header) then held the same
id many times, which breaks ``<label for>`` and what assistive technology
makes of the page (``tests/test_page_ids.py``). Nothing refers to the token by
id, so it has none.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms.csrf.core import CSRFTokenField


class CatalogueTranslations:
    """WTForms' translations interface, answered from the request's catalogue.

    Not ``flask_babel.gettext``: that one %-formats plural messages with
    ``num`` itself, and WTForms formats them afterwards with its own values.
    """

    def gettext(self, string: str) -> str:
        translated: str = get_translations().ugettext(string)
        return translated

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        translated: str = get_translations().ungettext(singular, plural, n)
        return translated


class _TokenField(CSRFTokenField):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)  # WTForms leaves out an attribute whose value is False
        return super().__call__(*args, **kwargs)


class _CSRF(_FlaskFormCSRF):
    field_class = _TokenField


class Form(FlaskForm):
    """What every form of the application derives from."""

    class Meta:
        csrf_class = _CSRF

        def get_translations(self, form: Any) -> CatalogueTranslations:
            return CatalogueTranslations()


# A row id or a case number as people type it: nine digits stay below 2**31,
# the smallest INTEGER among the databases Lentera runs on.
MAX_ID_DIGITS = 9


def row_id(text: object) -> int | None:
    """The id ``text`` names, or None unless it is 1 to 9 ASCII digits (spaces around allowed).

    ``str.isdigit`` alone accepts "²" (which ``int`` refuses) and any length
    (which overflows the database), so a posted id is read here, not with
    ``int()``, and anything else is a 400 of the form, never a 500.
    """
    digits = str(text or "").strip()
    if not (0 < len(digits) <= MAX_ID_DIGITS and digits.isascii() and digits.isdigit()):
        return None
    return int(digits)


def ngettext(singular: str, plural: str, n: int) -> tuple[str, str]:
    """A marker for the extractor only: the plural pair, untranslated."""
    return singular, plural


def gettext(string: str) -> str:
    """A marker for the extractor only."""
    return string


# WTForms' messages (its wtforms.pot) that Lentera's fields and validators can
# show, word for word as WTForms writes them.
WTFORMS_MESSAGES = (
    gettext("This field is required."),
    gettext("Invalid input."),
    gettext("Invalid email address."),
    gettext("Number must be at least %(min)s."),
    gettext("Number must be at most %(max)s."),
    gettext("Number must be between %(min)s and %(max)s."),
    gettext("Field must be between %(min)d and %(max)d characters long."),
    gettext("Field must be equal to %(other_name)s."),
    gettext("Not a valid choice."),
    gettext("Invalid Choice: could not coerce."),
    gettext("Choices cannot be None."),
    gettext("Invalid choice(s): one or more data inputs could not be coerced."),
    gettext("Not a valid integer value."),
    gettext("Not a valid decimal value."),
    gettext("Not a valid float value."),
    gettext("Not a valid date value."),
    gettext("Not a valid datetime value."),
    gettext("Not a valid time value."),
    gettext("Invalid CSRF Token."),
    gettext("CSRF token missing."),
    gettext("CSRF failed."),
    gettext("CSRF token expired."),
    gettext("This field cannot be edited."),
    gettext("This field is disabled and cannot have a value."),
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    ),
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
)
