"""Checks across fields of an event file: unique keys, references that resolve, time order,
ranks of places, and winners that belong to their award's contest.

Fields that failed their own check arrive as None and are skipped here, so a file with several
mistakes gets each one named once.
"""

from __future__ import annotations

from flask_babel import gettext as _

from conference.events.exchange_convert import Reader, path_text


def check_references(reader: Reader, spec: dict) -> None:
    """Record every cross-field problem of ``spec`` (as read by ``read_sections``)."""
    event = spec["event"]
    check_order(reader, event, ("event",), "starts_at", "ends_at", strict=True)
    organisations = unique_keys(reader, spec["organisations"], ("organisations",))
    people = unique_keys(reader, spec["people"], ("people",))
    unique_keys(reader, spec["projects"], ("projects",))
    unique_keys(reader, spec["items"], ("items",))
    unique_keys(reader, spec["contests"], ("contests",))

    for number, person in enumerate(spec["people"], start=1):
        reference = person.get("organisation")
        if reference and reference not in organisations:
            reader.problem(("people", number, "organisation"), no_organisation(reference))
    for number, project in enumerate(spec["projects"], start=1):
        path = ("projects", number)
        check_list(reader, project, path, "organisations", organisations, no_organisation)
        check_order(reader, project, path, "starts_on", "ends_on", strict=False)
    for number, item in enumerate(spec["items"], start=1):
        path = ("items", number)
        check_list(reader, item, path, "speakers", people, no_person)
        check_list(reader, item, path, "organisations", organisations, no_organisation)
        check_order(reader, item, path, "planned_start", "planned_end", strict=True)

    entries, awards = {}, {}
    for number, contest in enumerate(spec["contests"], start=1):
        path = ("contests", number)
        for key, where in unique_keys(reader, contest["entries"], (*path, "entries")).items():
            remember(reader, entries, key, where, number)
        for key, where in unique_keys(reader, contest["awards"], (*path, "awards")).items():
            remember(reader, awards, key, where, number)
        check_ranks(reader, contest["awards"], path)
    check_winners(reader, spec["winners"] or [], entries, awards)


def unique_keys(reader: Reader, rows: list[dict], path: tuple) -> dict[str, tuple]:
    """``{key: path of its row}``; a key used twice is a problem at its second use."""
    seen: dict[str, tuple] = {}
    for number, row in enumerate(rows, start=1):
        key = row.get("key")
        if key is None:
            continue
        if key in seen:
            reader.problem((*path, number, "key"), used_twice(key, seen[key]))
        else:
            seen[key] = (*path, number)
    return seen


def remember(reader: Reader, found: dict, key: str, where: tuple, contest: int) -> None:
    """Entries and awards are named from the secret section, so their keys are event-wide."""
    if key in found:
        reader.problem((*where, "key"), used_twice(key, found[key][0]))
    else:
        found[key] = (where, contest)


def check_list(reader, row: dict, path: tuple, field: str, known: dict, complaint) -> None:
    for reference in row.get(field) or []:
        if reference not in known:
            reader.problem((*path, field), complaint(reference))


def check_order(reader, row: dict, path: tuple, first: str, second: str, strict: bool) -> None:
    start, end = row.get(first), row.get(second)
    if start is None or end is None:
        return
    if end < start or (strict and end == start):
        message = (
            _("must be after %(field)s", field=first)
            if strict
            else _("must not be before %(field)s", field=first)
        )
        reader.problem((*path, second), message)


def check_ranks(reader: Reader, awards: list[dict], path: tuple) -> None:
    """A place has rank 1, 2 or 3, and no two places of a contest share one; others no rank."""
    ranks: dict[int, int] = {}
    for number, award in enumerate(awards, start=1):
        where = (*path, "awards", number, "rank")
        kind, rank = award.get("kind"), award.get("rank")
        if kind is None:
            continue
        if kind != "place":
            if rank is not None:
                reader.problem(where, _("only a place has a rank; remove it"))
            continue
        if rank not in (1, 2, 3):
            reader.problem(where, _("a place needs a rank of 1, 2 or 3"))
        elif rank in ranks:
            reader.problem(where, _("another place of this contest has rank %(rank)s", rank=rank))
        else:
            ranks[rank] = number


def check_winners(reader: Reader, winners: list[dict], entries: dict, awards: dict) -> None:
    """Each award at most once; its entries exist and belong to the award's contest."""
    named: dict[str, int] = {}
    for number, winner in enumerate(winners, start=1):
        path = ("secret", "winners", number)
        award = winner.get("award")
        if award is None:
            continue
        if award not in awards:
            reader.problem((*path, "award"), _("no award has the key %(key)s", key=award))
            continue
        if award in named:
            reader.problem(
                (*path, "award"),
                _(
                    "the award %(key)s already has winners in winners[%(n)s]",
                    key=award,
                    n=named[award],
                ),
            )
            continue
        named[award] = number
        chosen = winner.get("entries")
        if chosen is not None and not chosen:
            reader.problem((*path, "entries"), _("must name at least one entry"))
        for entry in chosen or []:
            if entry not in entries:
                reader.problem((*path, "entries"), _("no entry has the key %(key)s", key=entry))
            elif entries[entry][1] != awards[award][1]:
                reader.problem(
                    (*path, "entries"),
                    _("the entry %(key)s belongs to another contest than the award", key=entry),
                )


def used_twice(key: str, first: tuple) -> str:
    return _("the key %(key)s is used twice (first in %(other)s)", key=key, other=path_text(first))


def no_organisation(key: str) -> str:
    return _("no organisation has the key %(key)s", key=key)


def no_person(key: str) -> str:
    return _("no person has the key %(key)s", key=key)
