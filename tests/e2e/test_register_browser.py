"""Registering on a phone in real Chromium, where the event requires it: the live page asks
first, a wrong field is marked and named, the saved registration lets the attendee in, and
axe finds no serious or critical violation on the register page (lv and en).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import server_database
from tests.e2e.live_server import ServerProcess
from tests.e2e.test_every_page_looked_at import AXE, AXE_RUN
from tests.e2e.test_live_browser import open_page
from tests.live.sample_event import SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def server(tmp_path):
    from conference.db import db
    from tests.live.sample_event import make_sample_event

    instance = tmp_path / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{instance / 'conference.db'}"
    with server_database(instance, database_url):
        db.create_all()
        event = make_sample_event()
        event.registration = "required"
        db.session.commit()
    process = ServerProcess(instance, database_url)
    process.start()
    yield process
    process.stop()


def test_a_required_registration_on_a_phone(new_context, server, screenshots_dir):
    phone = open_page(new_context, f"{server.url}/events/{SLUG}?lang=lv", **PHONE)
    expect(phone).to_have_url(f"{server.url}/events/{SLUG}/register")
    expect(phone.locator("h1")).to_have_text("Reģistrēties kā dalībniekam")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width - 390} px wider than the phone"

    phone.fill("#name", "Līga Ķēniņa")
    phone.fill("#organisation", "Daugavpils tehnikums")
    phone.click('button[value="save"]')  # no country chosen
    expect(phone.locator("#country")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#country-error")).to_have_text("Lūdzu, izvēlieties savu valsti.")
    expect(phone.locator("#name")).to_have_value("Līga Ķēniņa")
    phone.screenshot(path=str(screenshots_dir / "register-phone-error-lv.png"), full_page=True)

    phone.select_option("#country", "LV")
    phone.check("#consent_list")
    phone.click('button[value="save"]')
    expect(phone.locator('[role="status"]')).to_have_text("Paldies! Jūs esat reģistrēts.")
    phone.goto(f"{server.url}/events/{SLUG}?lang=lv")
    expect(phone).to_have_url(f"{server.url}/events/{SLUG}?lang=lv")  # now let in

    assert not phone.errors, phone.errors
    assert not [line for line in phone.logs if "Content Security Policy" in line], phone.logs

    # axe needs its script injected, which the page's CSP refuses: a context that bypasses it.
    for lang, heading in (
        ("lv", "Reģistrēties kā dalībniekam"),
        ("en", "Register as a participant"),
    ):
        page = open_page(
            new_context,
            f"{server.url}/events/{SLUG}/register?lang={lang}",
            bypass_csp=True,
            **PHONE,
        )
        expect(page.locator("h1")).to_have_text(heading)
        page.click('button[value="save"]')  # every required field empty: errors shown
        expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(AXE_RUN) == [], lang
