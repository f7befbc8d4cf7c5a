"""HTML to PDF with WeasyPrint, reading only this site's own files (the report, certificates).

WeasyPrint would fetch every ``<link>`` and ``<img>`` the HTML names, over the network if need
be. Here it reads nothing from outside: the site's static files and stored pictures come
straight from disk (no request to ourselves, which a single worker could never answer), and
any other address (a logo URL typed into the event, ``file:``, ``data:`` of unknown size) is
refused, so that a PDF cannot be made to reach into the server's network or files. A refused
resource is left out of the PDF and logged by WeasyPrint; the text stays.

Rendering holds the CPU for a second or more (a five-page report: 1-2 s on a shared core), so
under gevent it runs in a native thread (``run_blocking``, as video processing does): the
server's WebSockets keep moving while an organiser downloads a report during the event.

Fonts: the stylesheets name DejaVu (installed with the system's fonts); WeasyPrint embeds the
glyphs it uses, so Latvian letters are text in the PDF, not pictures of it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from conference.greetings.processing import run_blocking
from conference.images.storage import NAME, images_dir

# WeasyPrint's import turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; the picture uploads
# must keep refusing cut-off files (conference.images.processing sets it again, too).
ImageFile.LOAD_TRUNCATED_IMAGES = False


class SiteFilesOnly(URLFetcher):
    """Serves ``/static/…`` and ``/media/images/…`` of ``base_url`` from disk; nothing else."""

    def __init__(self, base_url: str, static_dir: str, pictures_dir: Path | None = None):
        super().__init__(allowed_protocols=())
        # Folders fixed here: the fetcher runs in a thread without the app's context.
        self.pictures_dir = pictures_dir
        base = urlsplit(base_url)
        self.origin = (base.scheme, base.netloc)
        self.root = base.path.rstrip("/")  # the site's prefix behind a proxy, if any
        self.static_dir = Path(static_dir).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin:
            raise ValueError(f"not this site's address: {url[:80]}")
        path = unquote(parts.path)
        if self.root and path.startswith(self.root + "/"):
            path = path[len(self.root) :]
        file = self._local_file(path)
        if file is None or not file.is_file():
            raise ValueError(f"no such file of this site: {path[:80]}")
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": kind})

    def _local_file(self, path: str) -> Path | None:
        if path.startswith("/static/"):
            file = (self.static_dir / path.removeprefix("/static/")).resolve()
            return file if file.is_relative_to(self.static_dir) else None
        name = path.removeprefix("/media/images/")
        if path.startswith("/media/images/") and self.pictures_dir and NAME.fullmatch(name):
            return self.pictures_dir / name
        return None


def render_pdf(html: str, base_url: str) -> bytes:
    """The PDF of ``html``; its addresses resolve against ``base_url``, the site's root
    (``request.url_root``). Needs the app context (the static folder, the pictures)."""
    fetcher = SiteFilesOnly(base_url, current_app.static_folder, images_dir())
    return run_blocking(_write_pdf, html, base_url, fetcher)


def _write_pdf(html: str, base_url: str, fetcher: SiteFilesOnly) -> bytes:
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
