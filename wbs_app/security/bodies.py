"""Request bodies: small everywhere, large only where a view streams files, refused before reading.

Flask applies one ``MAX_CONTENT_LENGTH`` to every route, and Werkzeug reads a
url-encoded body whole into memory (its form-memory limit covers only
multipart fields) and spools multipart file parts to the temp folder on any
route that touches ``request.form``. So an anonymous client could make one
worker hold a 500 MiB form in memory, or put files on disk through a page
that takes none (issue 18). This request class decides the limit per request
from what the route is for:

- a multipart body to a view marked ``@takes_files`` (the streaming upload
  views, ``web.uploads``) may have ``MAX_UPLOAD_REQUEST_BYTES``;
- a url-encoded body elsewhere may be at most ``MAX_FORM_MEMORY_SIZE``;
- any other body at most ``MAX_CONTENT_LENGTH`` (small by default).

A declared ``Content-Length`` over the limit is refused with 413 before one
byte is read; a chunked body is read at most to the limit (Werkzeug's
``LimitedStream``) and refused with 413 if it went on, so memory holds at
most the limit. A
multipart body on a route that takes no files is refused with 415 before the
form parser (which would spool its parts) starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

TAKES_FILES = "lentera_takes_files"
LIMITS = "lentera.body_limits"
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

View = TypeVar("View", bound=Callable[..., object])


def takes_files(view: View) -> View:
    """Mark a streaming upload view: the only routes whose body may be large or multipart.

    Put it right under the route decorator (``@bp.post``), so that it marks the
    function Flask registers.
    """
    setattr(view, TAKES_FILES, True)
    return view


@dataclass(frozen=True)
class BodyLimits:
    """Bytes a request body may have, by what its route takes (see the module's docstring)."""

    default: int
    form: int
    upload: int


def install(app: Flask, limits: BodyLimits) -> None:
    app.extensions[LIMITS] = limits
    app.request_class = BoundedRequest
    app.before_request(refuse_declared_overlong)


def refuse_declared_overlong() -> None:
    """A declared length over the route's limit: 413 before any guard or view, nothing read.

    Most routes meet the limit when the CSRF check touches the form; the
    streaming views check their token themselves, and a zone's guard may
    answer before the view reads anything, so the rule is applied here once.
    """
    length, limit = request.content_length, request.max_content_length
    if length is not None and limit is not None and length > limit:
        raise RequestEntityTooLarge()


class BoundedRequest(Request):
    """Flask's request with the body limit chosen by route and content type."""

    def route_takes_files(self) -> bool:
        view = current_app.view_functions.get(self.endpoint or "")
        return bool(getattr(view, TAKES_FILES, False))

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return super().max_content_length
        limits: BodyLimits = current_app.extensions[LIMITS]
        if self.route_takes_files() and self.mimetype == MULTIPART:
            # Only a multipart body can carry files: any other one to an upload
            # view is held to a form's limit, even where a guard would answer
            # before the view reads it (a staff upload without a session).
            return limits.upload
        if self.mimetype == URLENCODED:
            # Chunked: one byte more than the form may have, so that a body cut
            # at the limit can be told from one that fits (``_load_form_data``).
            return limits.form + (1 if self.content_length is None else 0)
        return limits.default

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _load_form_data(self) -> None:
        """Refuse multipart where no file is taken, before Werkzeug's parser could spool it."""
        if self.mimetype == MULTIPART and current_app and not self.route_takes_files():
            raise UnsupportedMediaType()
        super()._load_form_data()
        # Werkzeug reads a chunked url-encoded body up to the limit and parses
        # what it got: a form cut short would pass for a whole one. The limit
        # is one byte over the form's (``max_content_length``), so having read
        # that byte means the body was too large.
        if self.mimetype == URLENCODED and current_app:
            limits: BodyLimits = current_app.extensions[LIMITS]
            if self.stream.tell() > limits.form:
                raise RequestEntityTooLarge()
