"""The interface's gettext catalogues (``<lang>/LC_MESSAGES/messages.po``), compiled on demand.

A fresh clone has only ``.po`` files (``.mo`` files are build products and not committed), so the
app compiles any catalogue whose ``.mo`` is missing or older than its ``.po`` when it starts. An
installed wheel already carries compiled ones (see ``setup.py``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS_DIR = Path(__file__).resolve().parent


def catalogue_paths() -> list[Path]:
    return sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"))


def compile_catalogue(po_path: Path) -> Path:
    """Write the ``.mo`` beside ``po_path`` atomically (several processes may start at once)."""
    mo_path = po_path.with_suffix(".mo")
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    fd, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
    with os.fdopen(fd, "wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    os.replace(temporary, mo_path)
    return mo_path


def ensure_compiled() -> None:
    """Compile every catalogue whose ``.mo`` is missing or stale; skip read-only installs."""
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        if os.access(po_path.parent, os.W_OK):
            compile_catalogue(po_path)
