"""Pictures and the event's look on the web: the files, the stylesheet, the helpers for pages.

- ``GET /media/images/<key>-<width>.<ext>``: a stored rendition. Names are random and files
  never change, so they are public and cached for a year (``immutable``), with an ETag and
  Last-Modified for revalidation.
- ``GET /events/<slug>/theme.css``: the event's accent colour as CSS custom properties
  (:mod:`conference.images.theme`); an ETag of the colour, compared weakly, and five minutes of
  caching (pages link it with ``?v=<colour>``, so a new colour is a new address anyway).
"""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    request,
    send_file,
    send_from_directory,
    url_for,
)

from conference.events.services import get_event_or_404
from conference.images import storage
from conference.images.colours import theme_css

bp = Blueprint("images", __name__)

PUBLIC_CACHE = "public, max-age=31536000, immutable"
THEME_MAX_AGE = 300


@bp.get("/media/images/<name>")
def image_file(name: str):
    path = storage.stored_path(name)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=storage.CONTENT_TYPES[name.rsplit(".", 1)[1]],
        conditional=True,
        etag=True,
        max_age=31536000,
    )
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own; pages name their icons in <link rel=icon>."""
    response = send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/events/<slug>/theme.css")
def theme(slug: str):
    event = get_event_or_404(slug)
    body = theme_css(event.accent_color) if event.accent_color else "/* no accent colour */\n"
    response = Response(body, mimetype="text/css")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:20])
    response.headers["Cache-Control"] = f"public, max-age={THEME_MAX_AGE}"
    return response.make_conditional(request)


def theme_url(event) -> str | None:
    """The stylesheet's address for pages, versioned by the colour; None without a colour."""
    if not event or not event.accent_color:
        return None
    return url_for("images.theme", slug=event.slug, v=event.accent_color.lstrip("#"))


def absolute(path: str) -> str:
    """``path`` (site-relative, with the script root) as an absolute address for link previews:
    on ``[server] public_url`` when set, else on this request's host."""
    base = (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    root = request.script_root
    if current_app.config.get("PUBLIC_URL") and root and path.startswith(root):
        path = path[len(root) :]
    return base + path


OG_LOCALES = {
    "lv": "lv_LV",
    "en": "en_GB",
    "et": "et_EE",
    "it": "it_IT",
    "es": "es_ES",
    "pt": "pt_PT",
    "de": "de_DE",
}


def og_locale(code: str) -> str:
    """Open Graph's ``language_TERRITORY`` for a page language (``lv`` → ``lv_LV``)."""
    return OG_LOCALES.get(code, code)


def register_helpers(app) -> None:
    """``picture_url``, ``picture_srcset``, ``picture_height``, ``theme_url``, ``absolute_url``
    for every template (globals, so imported macros see them too)."""
    app.jinja_env.globals.update(
        picture_url=storage.url,
        picture_srcset=storage.srcset,
        picture_height=storage.height_for,
        picture_width=storage.chosen_width,
        og_locale=og_locale,
        theme_url=theme_url,
        absolute_url=absolute,
    )
