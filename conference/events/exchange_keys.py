"""The stable string keys that an event file uses instead of database ids.

A row imported from a file keeps the file's key. A row made in the admin pages may have none;
then a key is derived from its name (``Accenture Latvija`` -> ``accenture-latvija``), the same
way for export and for ``--replace``, so exporting and importing again finds the same rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_DERIVED = 40
# A name that folds to nothing (e.g. a title in Cyrillic) gives "<prefix>-<position>".
PREFIXES = {
    "organisations": "organisation",
    "people": "person",
    "projects": "project",
    "agenda_items": "item",
    "contests": "contest",
    "entries": "entry",
    "awards": "award",
}


def ascii_slug(text: str, limit: int = MAX_DERIVED) -> str:
    """``Ingrīda Brokāne`` -> ``ingrida-brokane``: lower-case ASCII letters, digits and hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:limit].rstrip("-")


def display_name(row: Any, language: str) -> str:
    """What a row is called: its ``name``, else its ``title`` in ``language`` (or any)."""
    name = getattr(row, "name", None)
    if isinstance(name, str):
        return name
    titles = getattr(row, "title", None) or {}
    return titles.get(language) or next(iter(titles.values()), "")


def keyed_rows(rows: Iterable[Any], language: str) -> list[tuple[str, Any]]:
    """Each row with its key: the stored one, else one derived from its name in ``language``.

    Derived keys never collide with stored ones or with each other (``-2``, ``-3`` …).
    """
    rows = list(rows)
    taken = {row.key for row in rows if row.key}
    keyed = []
    for number, row in enumerate(rows, start=1):
        if row.key:
            keyed.append((row.key, row))
            continue
        prefix = PREFIXES[type(row).__tablename__]
        base = ascii_slug(display_name(row, language)) or f"{prefix}-{number}"
        key, suffix = base, 2
        while key in taken:
            key, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(key)
        keyed.append((key, row))
    return keyed
