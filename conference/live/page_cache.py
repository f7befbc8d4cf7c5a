"""A short cache of the rendered public live pages, for the moment everyone opens them at once.

At 14:00 thousands of attendees open the event's home page within a minute. The page rendered
for one of them is the same for every visitor who asks in the same way while the live state
has not changed, so it is kept for :data:`PAGE_TTL_S` seconds, keyed by the page, the event's
live ``seq``, the query string (the language switcher's links repeat it) and the language
chosen for the visitor (:func:`conference.i18n.choose_language` of ``?lang=``, the language
cookie and ``Accept-Language``, with the event's languages as the last render recorded them
for that ``seq``): not by the raw headers, of which browsers send many spellings for one
language. Signed-in users (whose header shows their name) always get a fresh render. What can
be up to two seconds old in a cached page is the online count and the page's own idea of
"now"; the page's script replaces both as soon as its socket connects. The fast route
(conference/live/fast_pages.py) serves the same copies in front of Flask.

A cached page is kept as UTF-8 bytes, and gzip-compressed once (on the first request that
accepts gzip) for every later browser that accepts it: 34 KB of HTML become about 7 KB per
attendee, and no request encodes or compresses the page again. The page holds no secret (no
CSRF token: signed-in users are never served from here), so compression leaks nothing.
Answers from here say ``Vary: Accept-Encoding, Cookie``.
"""

from __future__ import annotations

import functools
import gzip
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from flask import Flask, Response, current_app, g, request
from flask_babel import get_locale
from werkzeug.http import parse_accept_header

from conference.i18n import LANG_COOKIE, choose_language, page_languages
from conference.live.publish import live_hub
from conference.users.auth import session_user

PAGE_TTL_S = 2.0
MAX_ENTRIES = 256
HTML = "text/html; charset=utf-8"

_lock = threading.Lock()


class CachedPage:
    """One rendered page: its UTF-8 bytes, and their gzip once a browser asked for it."""

    __slots__ = ("at", "body", "_gzipped")

    def __init__(self, at: float, html: str):
        self.at = at
        self.body = html.encode()
        self._gzipped: bytes | None = None

    def gzipped(self) -> bytes:
        if self._gzipped is None:  # two greenlets may both compress it once: same bytes
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped

    def answer(self, accept_encoding: str | None) -> tuple[bytes, list[tuple[str, str]]]:
        """The body and headers for a browser that sent ``accept_encoding``: what the Flask
        view answers and what the fast route (conference/live/fast_pages.py) sends as is."""
        if accepts_gzip(accept_encoding):
            body = self.gzipped()
            return body, [
                ("Content-Type", HTML),
                ("Content-Length", str(len(body))),
                ("Content-Encoding", "gzip"),
                ("Vary", "Accept-Encoding, Cookie"),
            ]
        return self.body, [
            ("Content-Type", HTML),
            ("Content-Length", str(len(self.body))),
            ("Vary", "Accept-Encoding, Cookie"),
        ]


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """werkzeug's ``"gzip" in request.accept_encodings``, parsed once per header text."""
    return "gzip" in parse_accept_header(accept_encoding)


def _pages(app: Flask) -> dict[tuple, CachedPage]:
    """This app's cached pages (one dict per app: tests run many apps in one process)."""
    return app.extensions.setdefault("live_page_cache", {})


def _languages(app: Flask) -> dict[tuple[str, int], tuple[tuple[str, ...], str]]:
    """Per ``(slug, seq)``: the languages its pages are offered in and the event's default,
    as the last render saw them (they change only with a live change, which moves ``seq``)."""
    return app.extensions.setdefault("live_page_languages", {})


def cached_page(page: str, slug: str, render: Callable[[], str]) -> Response | str:
    """The page from the cache when fresh, else ``render()`` (and keep it when shareable)."""
    entry = live_hub().cache.get(slug)  # loads a cold event once; None for an unknown slug
    if entry is None or session_user() is not None:
        return render()
    cached = fresh_page(
        current_app,
        page,
        slug,
        entry.seq,
        request.query_string,
        request.cookies[LANG_COOKIE] if LANG_COOKIE in request.cookies else None,
        request.environ.get("HTTP_ACCEPT_LANGUAGE"),
    )
    if cached is None:
        cached = _render_and_keep(page, slug, entry.seq, render)
    body, headers = cached.answer(request.environ.get("HTTP_ACCEPT_ENCODING"))
    return current_app.response_class(body, headers=headers)


def fresh_page(
    app: Flask,
    page: str,
    slug: str,
    seq: int,
    query_string: bytes,
    lang_cookie: str | None,
    accept_language: str | None,
) -> CachedPage | None:
    """The cached ``page`` for a visitor who asks in this way, if one younger than
    :data:`PAGE_TTL_S` exists. Pages are kept by the language chosen for the visitor
    (:func:`conference.i18n.choose_language`), not by the raw headers that chose it, and by
    the query string (the language switcher's links repeat it)."""
    languages = _languages(app).get((slug, seq))
    if languages is None:
        return None
    offered, event_default = languages
    asked = _asked_language(query_string) if query_string else None
    lang = choose_language(
        offered, asked, lang_cookie, accept_language, event_default, app.config["DEFAULT_LANGUAGE"]
    )
    found = _pages(app).get((page, slug, seq, query_string, lang))
    if found is not None and time.monotonic() - found.at < PAGE_TTL_S:
        return found
    return None


@functools.lru_cache(maxsize=256)
def _asked_language(query_string: bytes) -> str | None:
    """``request.args.get("lang")`` of a query string."""
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("lang")
    return values[0] if values else None


def _render_and_keep(page: str, slug: str, seq: int, render: Callable[[], str]) -> CachedPage:
    now = time.monotonic()
    fresh = CachedPage(now, render())
    lang = str(get_locale())
    event = getattr(g, "event", None)  # the render found the event (get_event_or_404)
    key = (page, slug, seq, request.query_string, lang)
    app = current_app._get_current_object()
    pages = _pages(app)
    with _lock:
        if len(pages) >= MAX_ENTRIES:
            for old_key in [k for k, old in pages.items() if now - old.at >= PAGE_TTL_S]:
                del pages[old_key]
            if len(pages) >= MAX_ENTRIES:
                pages.clear()
        pages[key] = fresh
        if event is not None:
            languages = _languages(app)
            if len(languages) >= MAX_ENTRIES:
                languages.clear()
            languages[(slug, seq)] = (tuple(page_languages()), event.default_language)
    return fresh


def forget_pages() -> None:
    """Drop every cached page (tests; an admin change is picked up within PAGE_TTL_S anyway)."""
    with _lock:
        _pages(current_app).clear()
        _languages(current_app).clear()
