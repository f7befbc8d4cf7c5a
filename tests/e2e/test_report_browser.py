"""The organisers' report in the browser, after the demo conference was run by scripts: lv and
en, a desktop and a phone, nothing wider than the screen, no serious axe violation, the chart
drawn; reached from the admin's event page. Screenshots in test-artifacts/screenshots/report/."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import server_database
from tests.e2e.test_every_page_looked_at import VIEWPORTS, look_at, sign_in
from tests.reports.conftest import SLUG, run_demo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def held_server(start_demo_server):
    server = start_demo_server()
    with server_database(server.instance, server.database_url) as app:
        held = run_demo(app)
        server.organiser = (held.organiser_email, "drošā parole ļoti")
    return server


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_report_page_in_both_languages(held_server, new_context, screenshots_dir, device):
    width, height = VIEWPORTS[device]
    context = new_context(
        viewport={"width": width, "height": height},
        is_mobile=device == "phone",
        has_touch=device == "phone",
        bypass_csp=True,  # only so that axe can be injected; the page itself runs no script
    )
    sign_in(context, held_server, held_server.organiser)
    page = context.new_page()
    folder = screenshots_dir / "report"
    folder.mkdir(exist_ok=True)
    page.goto(f"{held_server.url}/admin/events/{SLUG}?lang=lv")
    page.get_by_role("link", name="Pārskats").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/events/{SLUG}/report")
    problems = []
    for lang in ("lv", "en"):
        page.goto(f"{held_server.url}/events/{SLUG}/report?lang={lang}")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("svg.attendance-chart").bounding_box()["width"] > 200
        screenshot = folder / f"report-{lang}-{device}.png"
        problems += look_at(page, screenshot, lang, width, device)
    assert not problems, "\n".join(problems)
    # The PDF from the real server (gevent: rendered in a native thread), with the session.
    pdf = page.request.get(f"{held_server.url}/events/{SLUG}/report.pdf?lang=lv")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
