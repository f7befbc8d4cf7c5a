"""Every page of the app, looked at: lv and en, a 1366 px desktop and a 390 px phone.

The pages come from the app's URL map (every GET route that answers HTML), so a new page is in
the run without anyone adding it; a route this file cannot fill in (an unknown URL parameter)
fails the test instead of being skipped. For each page and screen: a full-page screenshot in
``test-artifacts/screenshots/pages/`` for a person to look at, no sideways scrolling (the page
no wider than its viewport), and axe-core (vendored in ``tests/e2e/vendor``) with no serious
or critical violation of WCAG 2.1 A/AA.

Who looks: the public pages as an anonymous attendee, the jury's as a juror, the partner page
through its upload link, every other page as the admin (who reaches them all).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import server_database

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SLUG = "daugavpils-2021"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}
ADMIN = ("admin-looks@example.org", "an admin who looks at pages")
JUROR = ("juror-looks@example.org", "a juror who looks at pages")
# GET routes that are not pages: files, feeds and machine answers.
NOT_PAGES = (
    "/api/",
    "/static/",
    "/media/",
    ".toml",
    ".ics",
    ".pdf",
    ".csv",
    ".json",
    "/health",
    "/metrics",
    ".css",
    ".ico",
)


def page_routes(app) -> list:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not any(part in rule.rule for part in NOT_PAGES)
        ),
        key=lambda rule: rule.rule,
    )


def prepare(server) -> dict:
    """Users, a partner link and the ids every route parameter needs, from the demo data."""
    from conference.awards.models import Award, Contest, Entry
    from conference.db import db
    from conference.events.models import AgendaItem, Event, Project
    from conference.greetings.invites import create_invite
    from conference.people.models import Organisation, Person
    from conference.users.models import User
    from conference.users.services import create_user

    with server_database(server.instance, server.database_url) as app:
        create_user(ADMIN[0], "admin", ADMIN[1])
        juror = create_user(JUROR[0], "jury", JUROR[1])
        _add_to_team(juror, "jury")
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        event.registration = "optional"  # so that /events/<slug>/register is there to look at
        db.session.commit()
        partner = next(o for o in event.organisations if o.role == "partner")
        _, token = create_invite(event, partner)
        first = lambda model, *where: db.session.scalar(sa.select(model.id).where(*where).limit(1))  # noqa: E731
        contest_id = first(Contest, Contest.event_id == event.id)
        things = {
            "items": first(AgendaItem, AgendaItem.event_id == event.id),
            "people": first(Person, Person.event_id == event.id),
            "organisations": first(Organisation, Organisation.event_id == event.id),
            "projects": first(Project, Project.event_id == event.id),
            "contests": contest_id,
        }
        values = {
            "slug": SLUG,
            "token": token,
            "contest_id": contest_id,
            "entry_id": first(Entry, Entry.contest_id == contest_id),
            "award_id": first(Award, Award.contest_id == contest_id),
            "user_id": first(User, User.email == JUROR[0]),
        }
        urls = []
        for rule in page_routes(app):
            arguments = {}
            for name in rule.arguments:
                if name == "thing_id":
                    kind = rule.rule.split("/events/<slug>/", 1)[1].split("/", 1)[0]
                    arguments[name] = things[kind]
                else:
                    assert name in values, f"{rule.rule}: no value for <{name}>; add one here"
                    arguments[name] = values[name]
            path = rule.rule
            for name, value in arguments.items():
                path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
            urls.append((rule.endpoint, path))
        return dict(urls)


def _add_to_team(user, role: str) -> None:
    """Give the user ``role`` in the demo event where roles are per event (PROTOCOL 1.1)."""
    try:
        from conference.users.team import add_to_team
    except ImportError:
        return  # roles are global in this version: the user's own role reaches every event
    add_to_team(SLUG, user.email, role)


def viewer(path: str) -> tuple[str, str] | None:
    if path.startswith("/jury/") and not path.endswith("/decision"):  # the decision is the admin's
        return JUROR
    if path.startswith(("/admin", "/moderate")) or path.endswith("/report"):
        return ADMIN
    return None


@pytest.fixture(scope="module")
def looked_at_server(start_demo_server):
    server = start_demo_server()
    server.pages = prepare(server)
    return server


def sign_in(context, server, who) -> None:
    page = context.new_page()
    page.goto(f"{server.url}/login?lang=en")
    page.fill('input[name="email"]', who[0])
    page.fill('input[name="password"]', who[1])
    page.click('button[type="submit"]')
    page.wait_for_load_state()
    page.close()


# The deepest elements that stick out to the right: what to fix when a page scrolls sideways.
WIDEST = """(width) => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => ![...el.children].some((child) => child.getBoundingClientRect().right > width + 1))
    .slice(0, 3)
    .map((el) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""}`
        + ` (right edge ${Math.round(el.getBoundingClientRect().right)} px)`)"""

AXE_RUN = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        resultTypes: ["violations"],
    });
    return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""


def look_at(page, screenshot: Path, label: str, width: int, device: str) -> list[str]:
    """Screenshot the loaded page; what is wrong with it: sideways scrolling, axe violations."""
    problems = []
    page.wait_for_load_state()
    page.screenshot(path=str(screenshot), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        widest = ", ".join(page.evaluate(WIDEST, width))
        problems.append(f"{label}: {scroll_width} px wide on a {width} px {device}: {widest}")
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate(AXE_RUN):
        problems.append(
            f"{label}: axe {violation['impact']} {json.dumps(violation, ensure_ascii=False)}"
        )
    return problems


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_page_fits_and_passes_axe(
    looked_at_server, new_context, screenshots_dir, lang, device
):
    server = looked_at_server
    width, height = VIEWPORTS[device]
    folder = screenshots_dir / "pages"
    folder.mkdir(exist_ok=True)
    # axe is injected as a script: the pages' own Content-Security-Policy (tested elsewhere)
    # would rightly refuse it.
    contexts = {}
    for who in (None, ADMIN, JUROR):
        context = new_context(
            viewport={"width": width, "height": height},
            is_mobile=device == "phone",
            has_touch=device == "phone",
            bypass_csp=True,
        )
        if who:
            sign_in(context, server, who)
        contexts[who] = context.new_page()
    problems = []
    for endpoint, path in sorted(server.pages.items()):
        page = contexts[viewer(path)]
        response = page.goto(f"{server.url}{path}?lang={lang}")
        name = f"{endpoint.replace('.', '-')}-{lang}-{device}"
        if response is None or response.status != 200:
            problems.append(f"{path}: answered {response.status if response else 'nothing'}")
            continue
        problems += look_at(page, folder / f"{name}.png", path, width, device)
    print(f"\n{len(server.pages)} pages looked at in {lang} on the {device}")
    assert not problems, "\n".join(problems)
