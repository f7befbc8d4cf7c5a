"""The admin in a real browser: sign in, edit an agenda item, reorder with the keyboard.

Runs on its own server (it changes the demo event). Screenshots of the admin in Latvian and
English land in ``test-artifacts/screenshots/admin-*.png``.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from conference.db import db
from conference.events.models import AgendaItem
from conference.users.auth import hash_password
from conference.users.models import User
from tests.e2e.conftest import server_database

pytestmark = pytest.mark.e2e

EMAIL = "admine@example.org"
PASSWORD = "pareizā parole ļoti"
SLUG = "daugavpils-2021"


@pytest.fixture(scope="module")
def admin_server(start_demo_server):
    server = start_demo_server()
    with server_database(server.instance, server.database_url):
        db.session.add(User(email=EMAIL, role="admin", password_hash=hash_password(PASSWORD)))
        db.session.commit()
    return server


def agenda_titles(server) -> list[str]:
    with server_database(server.instance, server.database_url):
        items = db.session.scalars(
            sa.select(AgendaItem).order_by(AgendaItem.position, AgendaItem.id)
        ).all()
        return [item.title["lv"] for item in items]


def sign_in(page, server, lang="lv"):
    page.goto(f"{server.url}/admin/?lang={lang}")
    assert "/login" in page.url
    page.get_by_label(re.compile("E-pasts|E-mail")).fill(EMAIL)
    page.get_by_label(re.compile("Parole|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Pierakstīties|Sign in")).click()
    page.wait_for_url(re.compile(r"/admin/(\?.*)?$"))


def test_sign_in_edit_an_item_and_see_errors_in_latvian(admin_server, new_context, screenshots_dir):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{admin_server.url}/login?lang=lv")
    page.get_by_label("E-pasts").fill(EMAIL)
    page.get_by_label("Parole").fill("nepareiza")
    page.get_by_role("button", name="Pierakstīties").click()
    assert page.get_by_role("alert").inner_text().strip() == "Nepareizs e-pasts vai parole."
    page.screenshot(path=screenshots_dir / "admin-login-lv.png", full_page=True)

    sign_in(page, admin_server)
    assert page.locator("h1").inner_text() == "Pasākumi"
    page.get_by_role("link", name=re.compile("Erasmus")).first.click()
    page.get_by_role("link", name="Programma").click()
    before = agenda_titles(admin_server)
    page.get_by_role("link", name=f"Labot: {before[1]}").click()

    title = page.get_by_label("Latviešu").first
    title.fill("")
    page.get_by_role("button", name="Saglabāt").click()
    assert page.locator("#title-lv").get_attribute("aria-invalid") == "true"
    assert "Šis lauks ir obligāts." in page.locator("#title-lv-errors").inner_text()
    page.screenshot(path=screenshots_dir / "admin-item-error-lv.png", full_page=True)

    page.locator("#title-lv").fill("Projekts „ArtIn Future” — ā č ē ģ ī ķ ļ ņ š ū ž")
    page.get_by_role("button", name="Saglabāt").click()
    assert page.get_by_role("status").inner_text().strip() == "Saglabāts."
    assert "ArtIn Future” — ā č ē ģ ī ķ ļ ņ š ū ž" in page.locator("table").inner_text()
    assert agenda_titles(admin_server)[1] == "Projekts „ArtIn Future” — ā č ē ģ ī ķ ļ ņ š ū ž"
    page.screenshot(path=screenshots_dir / "admin-items-lv.png", full_page=True)


def test_reorder_with_the_keyboard_keeps_the_focus(admin_server, new_context):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, admin_server)
    page.goto(f"{admin_server.url}/admin/events/{SLUG}/items/?lang=lv")
    before = agenda_titles(admin_server)
    down = page.get_by_role("button", name=f"Pārvietot uz leju: {before[0]}")
    down.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'BUTTON'")
    after = agenda_titles(admin_server)
    assert after == [before[1], before[0], *before[2:]]
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == f"Pārvietot uz leju: {before[0]}"


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_admin_pages_render_in_both_languages(admin_server, new_context, screenshots_dir, lang):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, admin_server, lang)
    pages = {
        "index": "/admin/",
        "event": f"/admin/events/{SLUG}/",
        "event-form": f"/admin/events/{SLUG}/edit",
        "contests": f"/admin/events/{SLUG}/contests/",
        "users": "/admin/users/",
        "import": "/admin/import",
    }
    with server_database(admin_server.instance, admin_server.database_url):
        from conference.awards.models import Contest

        contest_id = db.session.scalar(sa.select(Contest.id))
    pages["contest"] = f"/admin/events/{SLUG}/contests/{contest_id}/"
    pages["award-form"] = f"/admin/events/{SLUG}/contests/{contest_id}/awards/new"
    pages["entry-form"] = f"/admin/events/{SLUG}/contests/{contest_id}/entries/new"
    for name, path in pages.items():
        response = page.goto(f"{admin_server.url}{path}?lang={lang}")
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.locator("h1").count() == 1, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
        page.screenshot(path=screenshots_dir / f"admin-{name}-{lang}.png", full_page=True)
    phone = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(phone, admin_server, lang)
    phone.goto(f"{admin_server.url}/admin/events/{SLUG}/items/?lang={lang}")
    phone.screenshot(path=screenshots_dir / f"admin-items-{lang}-360.png", full_page=True)
