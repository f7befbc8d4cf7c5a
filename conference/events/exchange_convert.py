"""Checking the values of an event file, field by field, and collecting every problem.

Each converter takes the :class:`Reader` and a value from tomllib and returns the value to
store, or raises :class:`Bad` with a sentence for the person who edits the file. The reader
records the problem under the field's path and carries on, so one import lists every mistake.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, has_app_context
from flask_babel import gettext as _

from conference.edge.bodies import ID_MAX
from conference.events.exchange_keys import KEY_PATTERN
from conference.i18n import LANGUAGE_NAMES

REQUIRED = object()
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_URL = 500


class Bad(Exception):
    """One field's problem; the message is already translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    path: tuple
    message: str


def path_text(path: tuple) -> str:
    """``("items", 3, "planned_end")`` -> ``items[3].planned_end`` (counting from 1)."""
    words = ""
    for part in path:
        words += f"[{part}]" if isinstance(part, int) else (f".{part}" if words else str(part))
    return words


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes that Babel (CLDR) names."""
    return frozenset(
        code for code in Locale.parse("en").territories if re.fullmatch("[A-Z]{2}", code)
    )


def site_languages() -> list[str]:
    if has_app_context():
        return list(current_app.config["LANGUAGES"])
    return list(LANGUAGE_NAMES)


class Reader:
    """Reads tables field by field; ``timezone`` and ``day`` place times given without offset."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.languages = site_languages()
        self.timezone: tzinfo = ZoneInfo("UTC")
        self.day: date | None = None

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(tuple(path), message))

    def table(self, data, path: tuple, fields: dict, nested: tuple = ()) -> dict | None:
        """The converted fields of one table; None when ``data`` is not a table at all.

        ``fields`` maps a name to ``(converter, default)``, default :data:`REQUIRED` when the
        field must be there. ``nested`` names sub-tables that the caller reads itself.
        """
        if not isinstance(data, dict):
            self.problem(path, _("must be a table"))
            return None
        for name in data:
            if name not in fields and name not in nested:
                expected = ", ".join([*fields, *nested])
                self.problem(
                    (*path, name), _("unknown field (expected: %(fields)s)", fields=expected)
                )
        result = {}
        for name, (convert, default) in fields.items():
            if name not in data:
                if default is REQUIRED:
                    self.problem((*path, name), _("is missing"))
                result[name] = None if default is REQUIRED else copy.copy(default)
                continue
            try:
                result[name] = convert(self, data[name])
            except Bad as exc:
                self.problem((*path, name), exc.message)
                result[name] = None
        return result

    def tables(self, data, path: tuple) -> list:
        """An array of tables (``[[items]]``); absent means empty."""
        if data is None:
            return []
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            self.problem(
                path, _("must be a list of tables, e.g. [[%(name)s]] blocks", name=path[-1])
            )
            return []
        return data


def text(limit: int):
    def convert(reader: Reader, value) -> str:
        if not isinstance(value, str):
            raise Bad(_("must be text in quotes"))
        value = value.strip()
        if not value:
            raise Bad(_("must not be empty"))
        if len(value) > limit:
            raise Bad(_("is longer than %(n)s characters", n=limit))
        return value

    return convert


def optional_text(limit: int):
    """Text that may be empty (stored as nothing)."""
    strict = text(limit)

    def convert(reader: Reader, value) -> str | None:
        if isinstance(value, str) and not value.strip():
            return None
        return strict(reader, value)

    return convert


def choice(options: tuple[str, ...]):
    def convert(reader: Reader, value) -> str:
        if value not in options:
            raise Bad(_("must be one of: %(choices)s", choices=", ".join(options)))
        return value

    return convert


def key(reader: Reader, value) -> str:
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        raise Bad(
            _(
                "must be a key: lower-case letters, digits, - and _, starting with a letter "
                "or digit, at most 80 characters"
            )
        )
    return value


def key_list(reader: Reader, value) -> list[str]:
    if not isinstance(value, list):
        raise Bad(_('must be a list of keys, e.g. ["accenture", "daugavpils-tehnikums"]'))
    keys = [key(reader, item) for item in value]
    for item in keys:
        if keys.count(item) > 1:
            raise Bad(_("lists %(key)s twice", key=item))
    return keys


def url(reader: Reader, value) -> str | None:
    if isinstance(value, str) and not value.strip():
        return None
    if not isinstance(value, str) or len(value) > MAX_URL or not URL_PATTERN.match(value.strip()):
        raise Bad(_("must be a web address starting with https:// or http://"))
    return value.strip()


def url_or_path(reader: Reader, value) -> str | None:
    if isinstance(value, str) and value.startswith("/") and " " not in value:
        return value
    return url(reader, value)


def country(reader: Reader, value) -> str:
    if not isinstance(value, str) or not re.fullmatch("[A-Z]{2}", value):
        raise Bad(_("must be a country code of two capital letters (ISO 3166), e.g. LV"))
    if value not in country_codes():
        raise Bad(_("%(code)s is not a country code (ISO 3166)", code=value))
    return value


def translated(reader: Reader, value) -> dict[str, str]:
    """``{ lv = "…", en = "…" }``; empty texts count as missing."""
    if isinstance(value, str):
        raise Bad(_('must be texts per language, e.g. { lv = "…", en = "…" }'))
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Bad(_('must be texts per language, e.g. { lv = "…", en = "…" }'))
    for language in value:
        if language not in reader.languages:
            raise Bad(
                _(
                    "%(code)s is not a language of this site (%(languages)s)",
                    code=language,
                    languages=", ".join(reader.languages),
                )
            )
    return {language: words.strip() for language, words in value.items() if words.strip()}


def required_translated(reader: Reader, value) -> dict[str, str]:
    texts = translated(reader, value)
    if not texts:
        raise Bad(_("needs a text in at least one language"))
    return texts


def day(reader: Reader, value) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise Bad(_("must be a date such as 2021-06-15"))
    return value


def moment(reader: Reader, value) -> datetime:
    """An offset date-time; a local one is in the event's time zone."""
    if not isinstance(value, datetime):
        raise Bad(_("must be a date and time such as 2021-06-15T14:00:00+03:00"))
    return value if value.tzinfo else value.replace(tzinfo=reader.timezone)


def moment_or_time(reader: Reader, value) -> datetime:
    """Like :func:`moment`; a bare time (``14:00:00``) is on the event's first day."""
    if isinstance(value, time) and reader.day is not None:
        return datetime.combine(reader.day, value, tzinfo=reader.timezone)
    return moment(reader, value)


def whole_number(reader: Reader, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Bad(_("must be a whole number"))
    if not -ID_MAX <= value <= ID_MAX:
        raise Bad(_("must be between %(low)s and %(high)s", low=-ID_MAX, high=ID_MAX))
    return value
