"""A short cache of the rendered public live pages, for the moment everyone opens them at once.

At 14:00 thousands of attendees open the event's home page within a minute. The page rendered
for one of them is the same for every visitor who asks in the same way while the live state
has not changed, so it is kept for :data:`PAGE_TTL_S` seconds, keyed by the page, the event's
live ``seq`` and everything that chooses the language (query string, language cookie,
``Accept-Language``). Signed-in users (whose header shows their name) always get a fresh
render. What can be up to two seconds old in a cached page is the online count and the page's
own idea of "now"; the page's script replaces both as soon as its socket connects.

A cached page is kept as UTF-8 bytes, and gzip-compressed once (on the first request that
accepts gzip) for every later browser that accepts it: 34 KB of HTML become about 7 KB per
attendee, and no request encodes or compresses the page again. The page holds no secret (no
CSRF token: signed-in users are never served from here), so compression leaks nothing.
Answers from here say ``Vary: Accept-Encoding``.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable

from flask import Response, current_app, request

from conference.i18n import LANG_COOKIE
from conference.live.publish import live_hub
from conference.users.auth import session_user

PAGE_TTL_S = 2.0
MAX_ENTRIES = 256

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


def _pages() -> dict[tuple, CachedPage]:
    """This app's cached pages (one dict per app: tests run many apps in one process)."""
    return current_app.extensions.setdefault("live_page_cache", {})


def cached_page(page: str, slug: str, render: Callable[[], str]) -> Response | str:
    """The page from the cache when fresh, else ``render()`` (and keep it when shareable)."""
    entry = live_hub().cache.get(slug)  # loads a cold event once; None for an unknown slug
    if entry is None or session_user() is not None:
        return render()
    return _answer(_shared_page(page, slug, entry.seq, render))


def _answer(cached: CachedPage) -> Response:
    if "gzip" in request.accept_encodings:
        response = current_app.response_class(cached.gzipped(), mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = current_app.response_class(cached.body, mimetype="text/html")
    response.headers["Vary"] = "Accept-Encoding"  # a new answer: nothing to merge with yet
    return response


def _shared_page(page: str, slug: str, seq: int, render: Callable[[], str]) -> CachedPage:
    key = (
        page,
        slug,
        seq,
        request.query_string,
        request.cookies[LANG_COOKIE] if LANG_COOKIE in request.cookies else None,
        request.environ.get("HTTP_ACCEPT_LANGUAGE"),
    )
    now = time.monotonic()
    pages = _pages()
    found = pages.get(key)
    if found is not None and now - found.at < PAGE_TTL_S:
        return found
    fresh = CachedPage(now, render())
    with _lock:
        if len(pages) >= MAX_ENTRIES:
            for old_key in [k for k, old in pages.items() if now - old.at >= PAGE_TTL_S]:
                del pages[old_key]
            if len(pages) >= MAX_ENTRIES:
                pages.clear()
        pages[key] = fresh
    return fresh


def forget_pages() -> None:
    """Drop every cached page (tests; an admin change is picked up within PAGE_TTL_S anyway)."""
    with _lock:
        _pages().clear()
