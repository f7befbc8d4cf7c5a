"""Choosing the language of a request, and small helpers for translated content.

Order: ``?lang=`` (which also sets the cookie) -> the ``lang`` cookie -> ``Accept-Language``
-> the event's default language (views put the event in ``g.event``) -> the site default.
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, request

LANG_COOKIE = "lang"
PUBLIC_LANGUAGES = ("lv", "en")
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


def page_languages() -> list[str]:
    """Languages a public page is offered in: the event's (else Latvian and English).

    The partners' languages (et, it, es, pt, de) exist for their upload pages only, which choose
    their language themselves; a German browser on a public page gets the event's languages.
    """
    supported = supported_languages()
    event = getattr(g, "event", None)
    offered = list(event.languages) if event is not None else list(PUBLIC_LANGUAGES)
    return [code for code in offered if code in supported] or [supported[0]]


def select_locale() -> str:
    """Flask-Babel's locale selector (outside a request: the site's default language)."""
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    offered = page_languages()
    asked = request.args.get("lang")
    if asked in offered:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in offered:
        return cookie
    best = request.accept_languages.best_match(offered)
    if best:
        return best
    event = getattr(g, "event", None)
    if event is not None and event.default_language in offered:
        return event.default_language
    default = current_app.config["DEFAULT_LANGUAGE"]
    return default if default in offered else offered[0]


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
