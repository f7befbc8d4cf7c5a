"""The named date formats (conference/date_formats.py) and the content language chain.

Latvian declines the month after a preposition ("līdz 2. janvārim", "no 2. janvāra"); these
tests read every month in every case a reader meets, in Latvian and English.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from conference.date_formats import format_named
from conference.i18n import choose_text, content_languages

pytestmark = pytest.mark.unit

RIGA = ZoneInfo("Europe/Riga")
# (month, standing alone, after "līdz" (dative), after "no" (genitive))
LATVIAN_MONTHS = [
    (1, "janvāris", "janvārim", "janvāra"),
    (2, "februāris", "februārim", "februāra"),
    (3, "marts", "martam", "marta"),
    (4, "aprīlis", "aprīlim", "aprīļa"),
    (5, "maijs", "maijam", "maija"),
    (6, "jūnijs", "jūnijam", "jūnija"),
    (7, "jūlijs", "jūlijam", "jūlija"),
    (8, "augusts", "augustam", "augusta"),
    (9, "septembris", "septembrim", "septembra"),
    (10, "oktobris", "oktobrim", "oktobra"),
    (11, "novembris", "novembrim", "novembra"),
    (12, "decembris", "decembrim", "decembra"),
]


@pytest.mark.parametrize(("month", "alone", "until", "since"), LATVIAN_MONTHS)
def test_latvian_dates_take_the_case_of_their_context(month, alone, until, since):
    day = date(2027, month, 2)
    assert format_named(day, "date", "lv") == f"2027. gada 2. {alone}"
    assert format_named(day, "until", "lv") == f"2027. gada 2. {until}"
    assert format_named(day, "since", "lv") == f"2027. gada 2. {since}"


def test_the_invite_deadline_reads_as_latvian_after_lidz():
    deadline = datetime(2027, 1, 2, 12, 0, tzinfo=UTC)
    assert f"līdz {format_named(deadline, 'until', 'lv', RIGA)}" == "līdz 2027. gada 2. janvārim"


def test_medium_dates_are_latvian_not_english_word_order():
    moment = datetime(2021, 6, 15, 11, 0, tzinfo=UTC)
    assert format_named(moment, "medium", "lv", RIGA) == "2021. gada 15. jūn."
    assert format_named(moment, "datetime", "lv", RIGA) == "2021. gada 15. jūn. 14:00"
    assert format_named(moment, "medium", "en", RIGA) == "Jun 15, 2021"
    assert format_named(moment, "datetime", "en", RIGA) == "Jun 15, 2021, 14:00"


@pytest.mark.parametrize("name", ["date", "until", "since"])
def test_english_has_one_form_for_every_context(name):
    assert format_named(date(2027, 1, 2), name, "en") == "January 2, 2027"


def test_other_languages_keep_their_own_long_date():
    day = date(2027, 1, 2)
    assert format_named(day, "until", "et") == "2. jaanuar 2027"
    assert format_named(day, "until", "pt") == "2 de janeiro de 2027"


def test_the_day_is_the_day_at_the_event():
    late_evening_utc = datetime(2021, 6, 30, 22, 30, tzinfo=UTC)  # 1 July, 01:30 in Riga
    assert format_named(late_evening_utc, "until", "lv", RIGA) == "2021. gada 1. jūlijam"
    assert format_named(late_evening_utc, "datetime", "lv", RIGA) == "2021. gada 1. jūl. 01:30"


def test_an_unknown_format_name_is_refused():
    with pytest.raises(ValueError, match="unknown date format"):
        format_named(date(2027, 1, 2), "dative", "lv")


def test_content_falls_back_to_english_before_the_events_language():
    assert content_languages("et", "lv") == ["et", "en", "lv"]
    assert content_languages("en", "lv") == ["en", "lv"]
    assert content_languages("lv", "lv") == ["lv", "en"]
    title = {"lv": "Konference", "en": "Conference"}
    assert choose_text(title, "et", "lv") == ("Conference", "en")
    assert choose_text(title, "lv", "lv") == ("Konference", "lv")
    assert choose_text({"lv": "Konference"}, "pt", "lv") == ("Konference", "lv")
    assert choose_text({"de": "Konferenz", "lv": ""}, "pt", "lv") == ("Konferenz", "de")
    assert choose_text({}, "pt", "lv") == ("", None)
