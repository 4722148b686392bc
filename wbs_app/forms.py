"""The base of every form: Flask-WTF's, with a CSRF token field that renders no id.

Every form carries a hidden ``csrf_token`` field, and WTForms gives it
``id="csrf_token"``: a page with several forms (the case page has fifteen,
and every staff page has the sign-out form in its header) then holds the same
id many times, which breaks ``<label for>`` and what assistive technology
makes of the page. Nothing refers to the token by id, so it has none.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms.csrf.core import CSRFTokenField


class _TokenField(CSRFTokenField):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)  # WTForms leaves out an attribute whose value is False
        return super().__call__(*args, **kwargs)


class _CSRF(_FlaskFormCSRF):
    field_class = _TokenField


class Form(FlaskForm):
    """What every form of the application derives from (``tests/test_page_ids.py``)."""

    class Meta:
        csrf_class = _CSRF
