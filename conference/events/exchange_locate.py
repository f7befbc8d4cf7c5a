"""Finding the line of a field in an event file, so an error can say where to look.

tomllib returns plain data without positions, so this scans the text: the N-th ``[[items]]``
header, then the ``planned_end =`` line inside that block. It understands the layout that
``conference export`` writes and that people write by hand (headers, ``key =`` lines, dotted
keys); for exotic layouts it falls back to the nearest block it did find, or to no line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER = re.compile(r"^\s*(\[\[|\[)\s*([^\[\]]+?)\s*(\]\]|\])\s*(#.*)?$")
KEY_LINE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(=|\.)""")


@dataclass(frozen=True)
class Header:
    line: int  # 0-based index into the lines
    name: str  # dotted, quotes and spaces removed
    is_array: bool


def _normalise(name: str) -> str:
    parts = [part.strip().strip("\"'") for part in name.split(".")]
    return ".".join(parts)


def _headers(lines: list[str]) -> list[Header]:
    found = []
    for index, line in enumerate(lines):
        match = HEADER.match(line)
        if match and (match.group(1) == "[[") == (match.group(3) == "]]"):
            found.append(Header(index, _normalise(match.group(2)), match.group(1) == "[["))
    return found


def _block_end(headers: list[Header], start: Header, limit: int) -> int:
    """Where the block opened by ``start`` ends: at the next header that is not inside it."""
    for header in headers:
        if header.line <= start.line or header.line >= limit:
            continue
        inside = header.name.startswith(start.name + ".")
        if not inside:
            return header.line
    return limit


def line_of(text: str, path: tuple) -> int | None:
    """The 1-based line where ``path`` (e.g. ``("items", 3, "planned_end")``) is written.

    Integers in ``path`` count array elements from 1, as a person counts ``[[items]]`` blocks.
    """
    lines = text.splitlines()
    headers = _headers(lines)
    start, end = 0, len(lines)
    body_start = 0  # first line of the current table's own keys
    table = ""
    best: int | None = None
    position = 0
    while position < len(path):
        segment = path[position]
        following = path[position + 1] if position + 1 < len(path) else None
        name = f"{table}.{segment}" if table else str(segment)
        if isinstance(following, int):
            blocks = [h for h in headers if start <= h.line < end and h.name == name and h.is_array]
            if len(blocks) >= following >= 1:
                block = blocks[following - 1]
                end = _block_end(headers, block, end)
                start = body_start = block.line
                table, best = name, block.line + 1
                position += 2
                continue
            return _key_line(lines, headers, body_start, end, segment) or best
        table_header = next(
            (h for h in headers if start <= h.line < end and h.name == name and not h.is_array),
            None,
        )
        if table_header is not None:
            end = _block_end(headers, table_header, end)
            start = body_start = table_header.line
            table, best = name, table_header.line + 1
            position += 1
            continue
        key_line = _key_line(lines, headers, body_start, end, segment)
        if key_line is not None:
            return key_line
        table = name  # an implicit table, e.g. [[secret.winners]] without [secret]
        position += 1
    return best


def _key_line(lines, headers, body_start: int, end: int, key) -> int | None:
    """The 1-based line of ``key = …`` among the current table's own lines."""
    body_end = next((h.line for h in headers if body_start < h.line < end), end)
    first = body_start + 1 if any(h.line == body_start for h in headers) else body_start
    for index in range(first, body_end):
        match = KEY_LINE.match(lines[index])
        if match and match.group(1).strip("\"'") == str(key):
            return index + 1
    return None
