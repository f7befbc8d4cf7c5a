"""A participant's certificate in real Chromium after the event: registered on the page, seen
at the live event for 45 minutes, the live page offers "Lejupielādēt apliecinājumu" and the
download is their one-page PDF with their name as text; one who attended too little reads why.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import server_database
from tests.e2e.live_server import ServerProcess
from tests.e2e.test_live_browser import open_page
from tests.live.sample_event import SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STARTED = datetime(2021, 6, 15, 11, 0, tzinfo=UTC)


@pytest.fixture
def server(tmp_path):
    from conference.db import db
    from tests.live.sample_event import make_sample_event

    instance = tmp_path / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{instance / 'conference.db'}"
    with server_database(instance, database_url):
        db.create_all()
        event = make_sample_event(STARTED)
        event.registration = "optional"
        event.certificate_min_minutes = 30
        event.certificate_signer_name = "Ingrīda Brokāne"
        event.certificate_signer_role = {"lv": "direktore", "en": "Director"}
        event.status = "ended"
        event.started_at = STARTED
        event.ended_at = STARTED + timedelta(hours=3)
        db.session.commit()
    process = ServerProcess(instance, database_url)
    process.start()
    yield process
    process.stop()


def attended(server, page, minutes: int) -> None:
    """The browser of ``page`` was connected ``minutes`` into the event (as the recorder writes)."""
    from conference.attendees import read_attendee_id
    from conference.db import db
    from conference.events.services import find_event
    from conference.participants.models import AttendanceInterval

    cookie = next(c for c in page.context.cookies() if c["name"] == "attendee")
    with server_database(server.instance, server.database_url):
        db.session.add(
            AttendanceInterval(
                event_id=find_event(SLUG).id,
                attendee_key=read_attendee_id(cookie["value"]),
                started_at=STARTED,
                ended_at=STARTED + timedelta(minutes=minutes),
            )
        )
        db.session.commit()


def register(page, name: str) -> None:
    page.fill("#name", name)
    page.fill("#organisation", "Daugavpils tehnikums")
    page.select_option("#country", "LV")
    page.click('button[value="save"]')
    expect(page.locator('[role="status"]')).to_have_text("Paldies! Jūs esat reģistrēts.")


def test_a_participant_downloads_their_certificate_from_the_live_page(
    new_context, server, screenshots_dir
):
    page = open_page(new_context, f"{server.url}/events/{SLUG}/register?lang=lv")
    register(page, "Jānis Bērziņš")
    attended(server, page, 45)
    page.goto(f"{server.url}/events/{SLUG}?lang=lv")
    button = page.get_by_role("link", name="Lejupielādēt apliecinājumu")
    expect(button).to_be_visible()
    expect(page.locator("#certificate")).to_contain_text("Apmeklētās minūtes: 45")
    page.screenshot(path=str(screenshots_dir / "certificate-offer-lv.png"))
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "daugavpils-2021-certificate-Jānis-Bērziņš.pdf"
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert "Jānis Bērziņš" in text and "Ingrīda Brokāne" in text and "direktore" in text
    assert not page.errors, page.errors

    short = open_page(new_context, f"{server.url}/events/{SLUG}/register?lang=lv")
    register(short, "Līga Ķēniņa")
    attended(server, short, 12)
    short.goto(f"{server.url}/events/{SLUG}?lang=en")
    expect(short.locator("#certificate")).to_have_text(
        "You attended 12 minutes; a certificate needs 30."
    )
    expect(short.get_by_role("link", name="Download your certificate")).to_have_count(0)
    short.screenshot(path=str(screenshots_dir / "certificate-too-short-en.png"))
