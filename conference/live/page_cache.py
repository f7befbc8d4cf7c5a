"""A short cache of the rendered public live pages, for the moment everyone opens them at once.

At 14:00 thousands of attendees open the event's home page within a minute. The page rendered
for one of them is the same for every visitor who asks in the same way while the live state
has not changed, so it is kept for :data:`PAGE_TTL_S` seconds, keyed by the page, the event's
live ``seq`` and everything that chooses the language (query string, language cookie,
``Accept-Language``). Signed-in users (whose header shows their name) always get a fresh
render. What can be up to two seconds old in a cached page is the online count and the page's
own idea of "now"; the page's script replaces both as soon as its socket connects.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import current_app, request

from conference.i18n import LANG_COOKIE
from conference.live.publish import live_hub
from conference.users.auth import session_user

PAGE_TTL_S = 2.0
MAX_ENTRIES = 256

_lock = threading.Lock()


def _pages() -> dict[tuple, tuple[float, str]]:
    """This app's cached pages (one dict per app: tests run many apps in one process)."""
    return current_app.extensions.setdefault("live_page_cache", {})


def cached_page(page: str, slug: str, render: Callable[[], str]) -> str:
    """The page from the cache when fresh, else ``render()`` (and keep it when shareable)."""
    entry = live_hub().cache.get(slug)  # loads a cold event once; None for an unknown slug
    if entry is None or session_user() is not None:
        return render()
    key = (
        page,
        slug,
        entry.seq,
        request.query_string,
        request.cookies.get(LANG_COOKIE),
        request.headers.get("Accept-Language"),
    )
    now = time.monotonic()
    pages = _pages()
    found = pages.get(key)
    if found is not None and now - found[0] < PAGE_TTL_S:
        return found[1]
    html = render()
    with _lock:
        if len(pages) >= MAX_ENTRIES:
            for old_key in [k for k, (at, _) in pages.items() if now - at >= PAGE_TTL_S]:
                del pages[old_key]
            if len(pages) >= MAX_ENTRIES:
                pages.clear()
        pages[key] = (now, html)
    return html


def forget_pages() -> None:
    """Drop every cached page (tests; an admin change is picked up within PAGE_TTL_S anyway)."""
    with _lock:
        _pages().clear()
