"""``conference db check-text``: rows whose text breaks the rule, and their repair.

Every text and JSON column (those :mod:`conference.edge.stored` guards) is read raw, row by
row. A value needs repair when it has a code point the rule refuses (a lone surrogate, a
control character but tab and line breaks, U+FFFE/U+FFFF) or is not in NFC; in JSON every
string counts, keys too. The repair replaces what is refused with U+FFFD and normalises to NFC:
what pages already show (they repair on the way out), now stored. It writes the columns
directly, as a maintenance step: it changes no meaning, so nothing goes to the live log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from conference.edge.stored import StoredText
from conference.edge.text import NOT_TEXT, needs_repair, repair_strings

BATCH = 500


@dataclass
class Finding:
    table: str
    key: dict
    column: str
    value: object
    repaired: object

    def line(self) -> str:
        key = " ".join(f"{name}={value}" for name, value in self.key.items())
        return f"{self.table} {key} {self.column}: {describe(self.value)}: {preview(self.value)}"


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def describe(value) -> str:
    """What is wrong, in a few words: the first refused code point, else ``not NFC``."""
    for text in _strings(value):
        found = NOT_TEXT.search(text)
        if found:
            point = f"U+{ord(found.group()):04X}"
            if "\ud800" <= found.group() <= "\udfff":
                return f"lone surrogate {point}"
            return f"control character {point}"
    return "not in NFC"


def preview(value, limit: int = 60) -> str:
    """The value on one line, ASCII only (escapes for everything else)."""
    shown = ascii(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _needs_repair(value) -> bool:
    return any(needs_repair(text) for text in _strings(value))


def find_bad_text(connection: sa.Connection, metadata: sa.MetaData) -> Iterator[Finding]:
    """Every value of every guarded column that needs repair, table by table."""
    for table in metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, StoredText)]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        raw = [
            sa.type_coerce(column, column.type.impl).label(f"value_{number}")
            for number, column in enumerate(columns)
        ]
        query = sa.select(*keys, *raw).order_by(*keys).execution_options(yield_per=BATCH)
        for row in connection.execute(query):
            for number, column in enumerate(columns):
                value = row[len(keys) + number]
                if value is not None and _needs_repair(value):
                    key = {key.name: row[index] for index, key in enumerate(keys)}
                    yield Finding(
                        table.name, key, column.name, value, repair_strings(value, normalise=True)
                    )


def fix(connection: sa.Connection, metadata: sa.MetaData, finding: Finding) -> None:
    """Store the repaired value of ``finding``."""
    table = metadata.tables[finding.table]
    where = [table.c[name] == value for name, value in finding.key.items()]
    connection.execute(table.update().where(*where).values({finding.column: finding.repaired}))
