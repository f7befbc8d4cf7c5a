"""Choosing the language of a request, and small helpers for translated content.

Order: ``?lang=`` (which also sets the cookie) -> the ``lang`` cookie -> ``Accept-Language``
-> the event's default language (views put the event in ``g.event``) -> the site default.
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, request

LANG_COOKIE = "lang"
LANGUAGE_NAMES = {
    "lv": "Latviešu",
    "en": "English",
    "et": "Eesti",
    "it": "Italiano",
    "es": "Español",
    "pt": "Português",
    "de": "Deutsch",
}


def supported_languages() -> list[str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    """Flask-Babel's locale selector (outside a request: the site's default language)."""
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    supported = supported_languages()
    asked = request.args.get("lang")
    if asked in supported:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in supported:
        return cookie
    best = request.accept_languages.best_match(supported)
    if best:
        return best
    event = getattr(g, "event", None)
    if event is not None and event.default_language in supported:
        return event.default_language
    return current_app.config["DEFAULT_LANGUAGE"]


def remember_language(response):
    """After a request with a valid ``?lang=``, keep the choice in a cookie for a year."""
    asked = request.args.get("lang")
    if asked in supported_languages() and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def translate(texts: dict[str, str] | None, lang: str | None = None, fallback: str | None = None):
    """Content text in the page's language, else the event's default, else any language."""
    from flask_babel import get_locale

    texts = texts or {}
    lang = lang or str(get_locale() or "")
    event = getattr(g, "event", None)
    fallback = fallback or (event.default_language if event is not None else None)
    return texts.get(lang) or (fallback and texts.get(fallback)) or next(iter(texts.values()), "")
