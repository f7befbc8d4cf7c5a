"""Choosing the language of a request, and small helpers for translated content.

Order: ``?lang=`` (which also sets the cookie) -> the ``lang`` cookie -> ``Accept-Language``
-> the event's default language (views put the event in ``g.event``) -> the site default.

Content (titles, notes) missing in the page's language comes in English, else in the event's
default language (:func:`content_languages`); a template marks such text with its ``lang``.
"""

from __future__ import annotations

import functools

from flask import current_app, g, has_app_context, has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

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
    event = getattr(g, "event", None)
    return choose_language(
        tuple(page_languages()),
        request.args.get("lang") if request.environ.get("QUERY_STRING") else None,
        request.cookies[LANG_COOKIE] if LANG_COOKIE in request.cookies else None,
        request.environ.get("HTTP_ACCEPT_LANGUAGE"),
        event.default_language if event is not None else None,
        current_app.config["DEFAULT_LANGUAGE"],
    )


def choose_language(
    offered: tuple[str, ...],
    asked: str | None,
    cookie: str | None,
    accept_language: str | None,
    event_default: str | None,
    site_default: str,
) -> str:
    """The order of the module's docstring, from the request's parts: ``?lang=``, the cookie,
    the ``Accept-Language`` header (raw), the event's default, the site's. Also what the live
    page cache and the fast page route (conference/live/fast_pages.py) key pages by."""
    if asked in offered:
        return asked
    if cookie in offered:
        return cookie
    best = best_accepted_language(accept_language, offered)
    if best:
        return best
    if event_default is not None and event_default in offered:
        return event_default
    return site_default if site_default in offered else offered[0]


@functools.lru_cache(maxsize=1024)
def best_accepted_language(accept_language: str | None, offered: tuple[str, ...]) -> str | None:
    """werkzeug's ``best_match`` of the header against ``offered``, parsed once per header
    (browsers send a handful of different headers, each thousands of times)."""
    if not accept_language:
        return None
    return parse_accept_header(accept_language, LanguageAccept).best_match(offered)


def remember_language(response):
    """After a request with a valid ``?lang=``, keep the choice in a cookie for a year."""
    if not request.environ.get("QUERY_STRING"):
        return response  # most requests: no query string to parse
    asked = request.args.get("lang")
    if asked in supported_languages() and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
    return response


# Content with no text in the reader's language is shown in English, the common language of an
# international audience, before the event's own language: an Estonian partner reads English,
# not Latvian, where the organisers wrote no Estonian.
BRIDGE_LANGUAGE = "en"


def content_languages(lang: str, default: str | None = None) -> list[str]:
    """The languages to try for content on a page in ``lang``: it, English, the event's default."""
    chain = [lang, BRIDGE_LANGUAGE, default]
    return [code for index, code in enumerate(chain) if code and code not in chain[:index]]


def choose_text(texts: dict[str, str] | None, lang: str, default: str | None = None):
    """``(text, language)`` of ``texts`` along :func:`content_languages`, else any language.

    ``("", None)`` when there is no text at all.
    """
    texts = texts or {}
    for code in content_languages(lang, default):
        if texts.get(code):
            return texts[code], code
    return next(((text, code) for code, text in texts.items() if text), ("", None))


def _page_and_default(lang: str | None, fallback: str | None) -> tuple[str, str | None]:
    from flask_babel import get_locale

    event = getattr(g, "event", None) if has_app_context() else None
    default = fallback or (event.default_language if event is not None else None)
    return lang or str(get_locale() or ""), default


def translate(texts: dict[str, str] | None, lang: str | None = None, fallback: str | None = None):
    """Content text in the page's language, else English, else the event's default, else any."""
    return choose_text(texts, *_page_and_default(lang, fallback))[0]


def language_of(texts: dict[str, str] | None, lang: str | None = None) -> str | None:
    """The language :func:`translate` shows ``texts`` in (None when there is no text)."""
    return choose_text(texts, *_page_and_default(lang, None))[1]
