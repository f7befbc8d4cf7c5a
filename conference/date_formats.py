"""Named date formats: one name per context a date stands in, right in every language.

A date is not one string per language. Latvian declines the month after a preposition:
"2021. gada 15. jūnijs" stands alone, but "līdz 2027. gada 2. janvārim" (until, dative) and
"no 2021. gada 15. jūnija" (from, genitive). CLDR, and so Babel, knows only the nominative
("janvāris"), so the inflected forms of the month are kept here, for the languages that need
them; every other language uses its CLDR long date in every context.

The names (see docs/i18n.md), with lv / en:

- ``date``: standing alone (a heading, a table cell): 2021. gada 15. jūnijs / June 15, 2021
- ``medium``: lists and tables, case-neutral: 2021. gada 15. jūn. / Jun 15, 2021
- ``until``: after "until", "by" (lv "līdz" + dative): 2027. gada 2. janvārim / January 2, 2027
- ``since``: after "from", "since" (lv "no" + genitive): 2021. gada 15. jūnija / June 15, 2021
- ``datetime``: medium date and 24-hour clock: 2021. gada 15. jūn. 14:00 / Jun 15, 2021, 14:00

A sentence that puts a date after a preposition passes the date formatted with the matching
name, and the translator writes the preposition: ``_("… by %(deadline)s.", deadline=…)`` with
``format_named(moment, "until", lang)``, translated "… līdz %(deadline)s.".
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel import Locale
from babel.dates import format_date, format_skeleton

NAMES = ("date", "medium", "until", "since", "datetime")

# The month in the case a preposition governs, January first; the nominative comes from CLDR.
# fmt: off
MONTH_CASES = {
    "lv": {
        # "līdz" (until, by) takes the dative.
        "until": (
            "janvārim", "februārim", "martam", "aprīlim", "maijam", "jūnijam",
            "jūlijam", "augustam", "septembrim", "oktobrim", "novembrim", "decembrim",
        ),
        # "no" (from, since) takes the genitive.
        "since": (
            "janvāra", "februāra", "marta", "aprīļa", "maija", "jūnija",
            "jūlija", "augusta", "septembra", "oktobra", "novembra", "decembra",
        ),
    },
}
# fmt: on


def format_named(value: date | datetime, name: str, lang: str, zone: tzinfo | None = None) -> str:
    """``value`` formatted as the named format ``name`` in language ``lang``.

    A datetime is first put into ``zone`` (the event's), so the day is the day at the event.
    """
    if name not in NAMES:
        raise ValueError(f"unknown date format {name!r}; one of {', '.join(NAMES)}")
    if isinstance(value, datetime) and zone is not None:
        value = value.astimezone(zone)
    day = value.date() if isinstance(value, datetime) else value
    if name == "medium":
        return format_date(day, "medium", locale=lang)
    if name == "datetime":
        clock = format_skeleton("Hm", value, locale=lang)
        glue = Locale.parse(lang).datetime_formats["medium"]
        return glue.replace("{1}", format_date(day, "medium", locale=lang)).replace("{0}", clock)
    text = format_date(day, "long", locale=lang)
    months = MONTH_CASES.get(Locale.parse(lang).language, {}).get(name)
    if months is None:
        return text
    nominative = Locale.parse(lang).months["format"]["wide"][day.month]
    return text.replace(nominative, months[day.month - 1], 1)
