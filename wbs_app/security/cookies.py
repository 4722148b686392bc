"""Session cookies of every zone: browser-session only, HttpOnly, SameSite=Strict, Secure on TLS."""

from __future__ import annotations

from werkzeug.wrappers import Response

from wbs_app.settings import settings


def set_session_cookie(response: Response, name: str, value: str, path: str) -> None:
    """No expiry date: the cookie dies with the browser and leaves nothing on the device."""
    response.set_cookie(
        name,
        value,
        httponly=True,
        secure=settings().tls,
        samesite="Strict",
        path=path,
    )


def clear_session_cookie(response: Response, name: str, path: str) -> None:
    response.delete_cookie(name, path=path, httponly=True, secure=settings().tls, samesite="Strict")
