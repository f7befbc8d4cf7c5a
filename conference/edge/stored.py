"""Text read back from the database: shown with U+FFFD where invalid, never a 500.

Rows written before the edge checked text (an announcement with a lone surrogate stored
through JSON's ``\\ud800``, a name with a control character typed into another tool) would
otherwise break every page that shows them: UTF-8 cannot encode a lone surrogate, XML cannot
carry most control characters. :func:`guard_columns` wraps the type of every text and JSON
column of a model in :class:`StoredText`, so whatever reads it (ORM objects and column-only
selects alike) gets the text with U+FFFD in place of what the rule refuses; each bad value is
logged once per process with its column (``conference db check-text`` lists and repairs them).
Writing is guarded the same way, as a last net behind the edge: invalid text that reached the
database layer is logged as a bug and stored repaired, never raised as a 500. The DDL is the
wrapped type's own, so the schema and the migrations do not change.

On SQLite, bytes that are not UTF-8 at all (written by another program) are decoded with
``surrogateescape`` (:func:`decode_sqlite_text`), so they arrive as lone surrogates and are
repaired like the rest instead of failing the whole query.
"""

from __future__ import annotations

import hashlib
import logging

import sqlalchemy as sa

from conference.edge.text import NOT_TEXT, repair_strings

log = logging.getLogger(__name__)
_LOGGED: set[tuple[str, str]] = set()
_LOGGED_MAX = 10_000


def _has_bad_text(value) -> bool:
    # Called for every text and JSON value read (about 560 for the reference event's page):
    # plain loops, no generators (a text per language: 1.2 µs instead of 4).
    if isinstance(value, str):
        return NOT_TEXT.search(value) is not None
    if isinstance(value, dict):
        for key, item in value.items():
            if _has_bad_text(key) or _has_bad_text(item):
                return True
        return False
    if isinstance(value, list):
        for item in value:
            if _has_bad_text(item):
                return True
    return False


def _log_once(where: str, value, message: str) -> None:
    digest = hashlib.sha256(repr(value).encode("utf-8", "backslashreplace")).hexdigest()[:16]
    if (where, digest) in _LOGGED:
        return
    if len(_LOGGED) < _LOGGED_MAX:
        _LOGGED.add((where, digest))
    log.warning(message, where, ascii(value)[:200])


def forget_logged() -> None:
    """Log every bad value again when next seen (tests, or a process told of a repair)."""
    _LOGGED.clear()


class StoredText(sa.TypeDecorator):
    """A text or JSON column type whose values are repaired on the way in and out."""

    impl = sa.String
    cache_ok = True

    def __init__(self, inner: sa.types.TypeEngine, where: str = ""):
        super().__init__()
        self.impl = inner
        self.where = where
        # JSON keeps Python None as JSON null unless told otherwise; so must its wrapper.
        self.should_evaluate_none = inner.should_evaluate_none

    @property
    def python_type(self):
        return self.impl.python_type

    def process_bind_param(self, value, dialect):
        return self._repaired(
            value, "invalid text reached the database layer for %s (stored repaired): %s"
        )

    def process_result_value(self, value, dialect):
        return self._repaired(
            value, "invalid text in %s, shown with U+FFFD (conference db check-text): %s"
        )

    def _repaired(self, value, message: str):
        if _has_bad_text(value):
            _log_once(self.where, value, message)
            return repair_strings(value)
        return value

    def copy(self, **kw):
        return StoredText(self.impl, self.where)


def guard_columns(table: sa.Table) -> None:
    """Wrap every text and JSON column of ``table`` in :class:`StoredText` (once)."""
    for column in table.columns:
        kind = column.type
        if isinstance(kind, StoredText):
            continue
        inner = kind.impl if isinstance(kind, sa.TypeDecorator) else kind
        if isinstance(inner, sa.String | sa.JSON):
            column.type = StoredText(kind, f"{table.name}.{column.name}")


def decode_sqlite_text(raw: bytes) -> str:
    """SQLite's ``text_factory``: UTF-8, with bytes that are not kept as lone surrogates."""
    return raw.decode("utf-8", "surrogateescape")
