"""The report's pieces on their own: the chart's scale and ticks, the PDF maker's refusals, and
the report of an event with nothing in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conference.events.models import Event
from conference.reports.chart import attendance_chart, count_step, time_ticks
from conference.reports.pdf import SiteFilesOnly
from tests.reports.test_report import pdf_text

RIGA_1402 = datetime(2021, 6, 15, 11, 2, tzinfo=UTC)


def riga() -> Event:
    return Event(slug="x", title={"lv": "X"}, timezone="Europe/Riga", default_language="lv")


@pytest.mark.parametrize(("peak", "step"), [(0, 1), (3, 1), (6, 2), (41, 10), (230, 50)])
def test_the_count_axis_takes_round_steps(peak, step):
    assert count_step(peak) == step


def test_time_ticks_fall_on_round_local_times(app):
    ticks = time_ticks(RIGA_1402, 150, riga())  # 14:02 to 16:32 in Riga
    assert ticks[0] == 28  # 14:30 local
    assert all(later - earlier == 30 for earlier, later in zip(ticks, ticks[1:], strict=False))


def test_the_chart_names_its_peak_and_draws_nothing_without_samples(app):
    with app.test_request_context("/?lang=en"):
        samples = [(RIGA_1402 + timedelta(minutes=m), online) for m, online in enumerate([1, 4, 2])]
        svg = str(attendance_chart(samples, riga()))
        assert '<title id="chart-title">Attendance over time</title>' in svg
        assert "Peak: 4 at 14:03" in svg
        assert str(attendance_chart([], riga())) == ""


def test_the_pdf_maker_reads_only_the_sites_own_files(app):
    fetcher = SiteFilesOnly("http://localhost/prefix/", app.static_folder)
    css = fetcher("http://localhost/prefix/static/css/report.css")
    assert b"@page" in css.read()
    for refused in (
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://localhost/prefix/static/../../conference/config.py",
        "http://localhost/prefix/media/images/../../secret.jpg",
        "http://localhost/prefix/admin/",
    ):
        with pytest.raises(ValueError):
            fetcher(refused)


def test_an_event_with_nothing_in_it_has_a_report(app):
    from conference.db import db
    from conference.users.services import create_token_for, create_user

    start = datetime(2026, 6, 15, 9, tzinfo=UTC)
    event = Event(
        slug="tuksa",
        title={"lv": "Tukša konference"},
        timezone="Europe/Riga",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        languages=["lv"],
        default_language="lv",
    )
    db.session.add(event)
    db.session.commit()
    create_user("admine@example.org", "admin", "drošā parole ļoti")
    token = {"Authorization": f"Bearer {create_token_for('admine@example.org')}"}
    answer = app.test_client().get("/events/tuksa/report.pdf?lang=en", headers=token)
    assert answer.status_code == 200
    text = pdf_text(answer.data)
    assert "Tukša konference" in text and "No greeting was shown." in text
    assert "No attendance was measured" in text and "Not held yet" in text
