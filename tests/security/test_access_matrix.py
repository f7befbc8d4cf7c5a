"""Who reaches what: every route of the app (each method) and every Socket.IO event, asked for
real by each kind of visitor, against the matrix below (PROTOCOL 1.1, "Roles").

The rows are read against ``app.url_map`` and the Socket.IO handlers: a route or an event
without a row fails :func:`test_every_route_and_socket_event_has_a_row`, naming it, so a new
page cannot ship without somebody deciding who may open it.

Each visitor gets a database of their own (the demo event, "daugavpils-2021", and another
event organised by someone else) and sends every request of the matrix with a valid CSRF
token; requests that delete come last, so what they delete is not missed by a later row.
Outcome classes:

- ``ok``: let through (any answer that is not one of the classes below and not a 5xx: a page,
  a redirect after a form, a 422 for the empty body the matrix sends, ...);
- ``auth``: not signed in: ``401`` with ``WWW-Authenticate: Bearer`` on the API, the sign-in
  page (a redirect to ``/login``) for pages;
- ``403``: signed in, but no role that reaches it in this event;
- ``404``: nothing there for them (a partner's link they do not hold, an unpublished video).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import session
from flask_wtf.csrf import generate_csrf

from conference.audience.models import Poll, Question
from conference.awards.models import Contest
from conference.db import db
from conference.demo import DEMO_SLUG, install_demo
from conference.events.models import Event, Project
from conference.extensions import socketio
from conference.greetings.invites import create_invite
from conference.images.storage import url as picture_url
from conference.people.models import Organisation, Person
from conference.users.models import User
from conference.users.services import create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.admin.browser import BrowserClient
from tests.conftest import join_team
from tests.greetings.factories import make_greeting

VISITORS = (
    "anonymous",
    "attendee",
    "partner",
    "jury",
    "moderator",
    "organiser",
    "other_organiser",
    "admin",
)

# Who may, per kind of route; each is one outcome per visitor, in the order of VISITORS.
#                anonym  attendee partner jury   moder. organis. other  admin
PUBLIC =        ("ok",   "ok",    "ok",   "ok",  "ok",  "ok",    "ok",  "ok")  # fmt: skip
PARTNER_LINK =  ("404",  "404",   "ok",   "404", "404", "404",   "404", "404")  # fmt: skip
JURY =          ("auth", "auth",  "auth", "ok",  "403", "403",   "403", "403")  # fmt: skip
MODERATOR =     ("auth", "auth",  "auth", "403", "ok",  "ok",    "403", "ok")  # fmt: skip
UNPUBLISHED =   ("404",  "404",   "404",  "404", "ok",  "ok",    "404", "ok")  # fmt: skip
ORGANISER =     ("auth", "auth",  "auth", "403", "403", "ok",    "403", "ok")  # fmt: skip
ORGANISERS =    ("auth", "auth",  "auth", "403", "403", "ok",    "ok",  "ok")  # fmt: skip
ADMIN =         ("auth", "auth",  "auth", "403", "403", "403",   "403", "ok")  # fmt: skip
# Nobody in the matrix registered for the event, so their own record is not there for anyone
# (tests/participants reads it as its owner).
NOT_REGISTERED = ("404", "404",   "404",  "404", "404", "404",   "404", "404")  # fmt: skip

# One row per route and method: who may. ORGANISERS: any organiser (each sees their own events).
MATRIX = {
    ("GET", "static"): PUBLIC,
    ("GET", "events.index"): PUBLIC,
    ("GET", "live.event_home"): PUBLIC,
    ("GET", "live.screen"): PUBLIC,
    ("GET", "events.agenda"): PUBLIC,
    ("GET", "events.speakers"): PUBLIC,
    ("GET", "events.partners"): PUBLIC,
    ("GET", "events.projects"): PUBLIC,
    ("GET", "events.contest"): PUBLIC,
    ("GET", "events.results"): PUBLIC,
    ("GET", "users.login"): PUBLIC,
    ("POST", "users.login"): PUBLIC,
    ("POST", "users.logout"): PUBLIC,
    # The JSON API
    ("GET", "events_api.list_events"): PUBLIC,
    ("GET", "events_api.show_event"): PUBLIC,
    ("GET", "events_api.schedule_ics"): PUBLIC,
    ("GET", "events_api.schedule_json"): PUBLIC,
    ("GET", "events_api.schedule_xml"): PUBLIC,
    ("GET", "live_api.state"): PUBLIC,
    ("POST", "awards_api.vote"): PUBLIC,
    # 1.1 the audience (conference.audience): attendees ask, upvote, answer polls; moderators
    # read everything (pending questions, live poll counts); organisers define polls.
    ("GET", "audience.questions_page"): PUBLIC,
    ("GET", "audience_api.list_questions"): PUBLIC,
    ("POST", "audience_api.ask"): PUBLIC,
    ("POST", "audience_api.upvote"): PUBLIC,
    ("DELETE", "audience_api.upvote"): PUBLIC,
    ("POST", "audience_api.answer"): PUBLIC,
    ("GET", "audience_api.poll_results"): MODERATOR,
    ("GET", "audience_api.questions_csv"): MODERATOR,
    ("GET", "audience_api.polls_csv"): MODERATOR,
    ("GET", "admin.polls"): ORGANISER,
    # 1.1 participants (conference.participants): anyone registers and erases their own record;
    # the list, its CSV and the attendance only for the event's organisers (and admins).
    ("GET", "participants.register_page"): PUBLIC,
    ("POST", "participants.register_page"): PUBLIC,
    ("POST", "participants_api.register"): PUBLIC,
    ("GET", "participants_api.own_record"): NOT_REGISTERED,
    ("DELETE", "participants_api.erase_own_record"): PUBLIC,
    ("GET", "participants_api.list_participants"): ORGANISER,
    ("GET", "participants_api.participants_csv_file"): ORGANISER,
    ("GET", "participants_api.participants_xlsx_file"): ORGANISER,
    # The organisers' report (conference.reports): the page, and its PDF (session or token).
    ("GET", "reports.report_page"): ORGANISER,
    ("GET", "reports.report_pdf"): ORGANISER,
    # Issue 12 part 4: a participant's own certificate (nobody here registered), the organisers'
    # ZIP of them all.
    ("GET", "participants.certificate_pdf"): NOT_REGISTERED,
    ("GET", "participants.certificates_zip"): ORGANISER,
    ("GET", "participants_api.attendance"): ORGANISER,
    ("POST", "admin.polls"): ORGANISER,
    ("GET", "greetings_api.event_greetings"): PUBLIC,  # moderators of the event: every greeting
    ("POST", "live_api.commands"): MODERATOR,
    ("GET", "awards_api.contest_tally"): MODERATOR,
    ("POST", "greetings_api.review_greeting"): MODERATOR,
    ("PATCH", "events_edit_api.patch_event"): ORGANISER,
    ("PATCH", "events_edit_api.patch_item"): ORGANISER,
    ("GET", "audit_api.audit"): ORGANISER,
    # The partner's link
    ("GET", "greetings.partner_page"): PARTNER_LINK,
    ("GET", "greetings_api.invite_view"): PARTNER_LINK,
    ("OPTIONS", "greetings_tus.discover"): PARTNER_LINK,
    ("POST", "greetings_tus.create"): PARTNER_LINK,
    ("HEAD", "greetings_tus.status"): PARTNER_LINK,
    ("PATCH", "greetings_tus.append"): PARTNER_LINK,
    ("DELETE", "greetings_tus.terminate"): PARTNER_LINK,
    ("POST", "greetings_tus.overridden"): PARTNER_LINK,  # X-HTTP-Method-Override on an upload
    ("GET", "api_description.openapi"): PUBLIC,
    ("GET", "images.image_file"): PUBLIC,  # a rendition of the demo event's logo
    ("GET", "images.theme"): PUBLIC,
    ("GET", "images.favicon"): PUBLIC,
    ("GET", "ops.health"): PUBLIC,
    # By address or token, not by role: the test client comes from 127.0.0.1, which is allowed;
    # tests/ops/test_metrics.py refuses other addresses.
    ("GET", "ops.metrics_view"): PUBLIC,
    # Media: a greeting not yet approved (approved ones are public)
    ("GET", "greetings_media.greeting_file"): UNPUBLISHED,
    # The jury
    ("GET", "jury.scoring"): JURY,
    ("POST", "jury.score"): JURY,
    ("GET", "jury.decision"): ORGANISER,
    ("POST", "jury.decide"): ORGANISER,
    # Running the event
    ("GET", "live.console"): MODERATOR,
    ("GET", "greetings.moderate"): MODERATOR,
    ("POST", "greetings.review_form"): MODERATOR,
    ("POST", "greetings.move"): MODERATOR,
    ("POST", "greetings.play"): MODERATOR,
    ("POST", "greetings.stop"): MODERATOR,
    ("GET", "greetings.invites"): ORGANISER,
    ("POST", "greetings.invites"): ORGANISER,
    ("POST", "greetings.revoke"): ORGANISER,
    ("GET", "ceremony.page"): MODERATOR,
    ("POST", "ceremony.send_command"): MODERATOR,
    ("POST", "ceremony.set_winners"): MODERATOR,
    ("POST", "ceremony.set_vote_mode"): MODERATOR,
    ("GET", "ceremony.codes"): MODERATOR,
    ("POST", "ceremony.issue"): MODERATOR,
    # The admin: an event's pages for its organisers; the rest for admins
    ("GET", "admin.index"): ORGANISERS,
    ("GET", "admin.new_event"): ADMIN,
    ("POST", "admin.new_event"): ADMIN,
    ("GET", "admin.import_event"): ADMIN,
    ("POST", "admin.import_event"): ADMIN,
    ("GET", "admin.users"): ADMIN,
    ("GET", "admin.user_new"): ADMIN,
    ("POST", "admin.user_new"): ADMIN,
    ("POST", "admin.user_active"): ADMIN,
    ("GET", "admin.user_password"): ADMIN,
    ("POST", "admin.user_password"): ADMIN,
    ("POST", "admin.user_token"): ADMIN,
    ("POST", "admin.user_tokens_revoke"): ADMIN,
    ("GET", "admin.event"): ORGANISER,
    ("GET", "admin.edit_event"): ORGANISER,
    ("POST", "admin.edit_event"): ORGANISER,
    ("GET", "admin.export_event"): ORGANISER,
    ("GET", "admin.audit"): ORGANISER,
    ("GET", "admin.team_page"): ORGANISER,
    ("POST", "admin.team_page"): ORGANISER,
    ("POST", "admin.team_remove"): ORGANISER,
    ("GET", "admin.look"): ORGANISER,
    ("POST", "admin.look"): ORGANISER,
    ("GET", "admin.people_picture"): ORGANISER,
    ("POST", "admin.people_picture"): ORGANISER,
    ("GET", "admin.organisations_picture"): ORGANISER,
    ("POST", "admin.organisations_picture"): ORGANISER,
    # The event's rehearsal (conference.events.rehearsal): its organisers and admins.
    ("POST", "admin.rehearsal_make"): ORGANISER,
    ("POST", "admin.rehearsal_reset"): ORGANISER,
    ("POST", "admin.rehearsal_delete"): ORGANISER,
    ("GET", "admin.delete_event_page"): ADMIN,
    ("POST", "admin.delete_event_page"): ADMIN,
    **{
        (method, f"admin.{part}{suffix}"): ORGANISER
        for part in ("items", "people", "organisations", "projects", "contests")
        for method, suffix in (
            ("GET", ""),
            ("GET", "_new"),
            ("POST", "_new"),
            ("GET", "_edit"),
            ("POST", "_edit"),
            ("POST", "_move"),
            ("POST", "_delete"),
        )
    },
    ("GET", "admin.contest"): ORGANISER,
    **{
        (method, f"admin.{thing}_{action}"): ORGANISER
        for thing in ("entry", "award")
        for method, action in (
            ("GET", "new"),
            ("POST", "new"),
            ("GET", "edit"),
            ("POST", "edit"),
            ("POST", "move"),
            ("POST", "delete"),
        )
    },
}

# Socket.IO events (namespace "/"): following an event is public; nothing is sent on it that
# an attendee may not read (no tallies, no winners before the reveal: tests/awards).
SOCKET_MATRIX = {
    "connect": PUBLIC,
    "resync": PUBLIC,
    "clock": PUBLIC,
    "react": PUBLIC,  # 1.1: counted, summed, sent as `reactions` (conference.audience)
    "disconnect": PUBLIC,
    # The stand-in for a packet over the edge's limits: it only answers with the refusal.
    "edge.refused": PUBLIC,
}

# Requests that delete or sign out go last, children before their parents.
LAST = (
    "greetings_tus.terminate",
    "admin.entry_delete",
    "admin.award_delete",
    "admin.items_delete",
    "admin.people_delete",
    "admin.organisations_delete",
    "admin.projects_delete",
    "admin.contests_delete",
    "admin.rehearsal_delete",
    "admin.delete_event_page",
    "users.logout",
)
OTHER_SLUG = "cita-konference"
PASSWORD = "drošā parole ļoti"
EMAILS = {
    "jury": "zurija@example.org",
    "moderator": "moderators@example.org",
    "organiser": "organizators@example.org",
    "other_organiser": "cits.organizators@example.org",
    "admin": "admine@example.org",
}


def routes(app) -> list[tuple[str, str]]:
    """Every (method, endpoint) the app answers; HEAD and OPTIONS only where a view asks for
    them itself (Flask adds them to every route)."""
    found = set()
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods)
        if "GET" in methods:
            methods.discard("HEAD")
        if rule.provide_automatic_options:
            methods.discard("OPTIONS")
        found.update((method, rule.endpoint) for method in methods)
    return sorted(found, key=lambda row: (LAST.index(row[1]) if row[1] in LAST else -1, row))


@dataclass
class Site:
    values: dict  # URL arguments, by name
    thing_ids: dict  # admin part -> the id of one of its rows
    partner_token: str


def make_site(app) -> Site:
    install_demo()
    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
    event.registration = "optional"  # so that the register page is there to reach
    other = Event(
        slug=OTHER_SLUG,
        title={"lv": "Cita konference"},
        timezone="Europe/Riga",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        languages=["lv"],
        default_language="lv",
    )
    db.session.add(other)
    db.session.commit()
    for kind, role, slug in (
        ("jury", "jury", DEMO_SLUG),
        ("moderator", "moderator", DEMO_SLUG),
        ("organiser", "organiser", DEMO_SLUG),
        ("other_organiser", "organiser", OTHER_SLUG),
    ):
        create_user(EMAILS[kind], "jury" if role == "jury" else "moderator", PASSWORD)
        join_team(EMAILS[kind], role, slug)
    create_user(EMAILS["admin"], "admin", PASSWORD)
    create_user("merkis@example.org", "moderator", PASSWORD)  # the users pages' target
    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))
    partner = event.organisations[1]
    invite, token = create_invite(event, partner)
    greeting = make_greeting(event, partner)  # processed, not yet approved
    contest = db.session.scalar(sa.select(Contest).where(Contest.event_id == event.id))
    question = Question(event_id=event.id, text="Vai?", attendee_id="someone", status="visible")
    db.session.add(question)
    db.session.flush()
    poll_id = db.session.scalar(sa.select(Poll.id).where(Poll.event_id == event.id))
    values = {
        "slug": DEMO_SLUG,
        "contest_id": contest.id,
        "entry_id": contest.entries[0].id,
        "award_id": contest.awards[0].id,
        "greeting_id": greeting.id,
        "invite_id": invite.id,
        "item_id": event.items[0].id,
        "question_id": question.id,
        "poll_id": poll_id,
        "user_id": db.session.scalar(sa.select(User.id).where(User.email == "merkis@example.org")),
        "name": greeting.video_file.rsplit("/", 1)[1],
        "filename": "css/admin.css",
        "action": "close",
        "key": "",  # the partner's upload, made in the partner's own browser
        "image_name": picture_url(event.logo_image).rsplit("/", 1)[1],  # the demo's own logo
    }
    thing_ids = {
        "items": event.items[-1].id,
        "people": db.session.scalar(sa.select(Person.id).where(Person.event_id == event.id)),
        "organisations": db.session.scalar(
            sa.select(Organisation.id)
            .where(Organisation.event_id == event.id)
            .order_by(Organisation.position.desc())
        ),
        "projects": db.session.scalar(sa.select(Project.id).where(Project.event_id == event.id)),
        "contests": contest.id,
    }
    return Site(values, thing_ids, token)


TUS = {"Tus-Resumable": "1.0.0"}


class Visitor:
    """One kind of visitor's browser: their cookies, their CSRF token, their partner link."""

    def __init__(self, app, site: Site, kind: str):
        app.test_client_class = BrowserClient
        self.client = app.test_client()
        self.site = site
        self.kind = kind
        with app.test_request_context():
            self.csrf = generate_csrf()
            raw = session["csrf_token"]
        with self.client.session_transaction() as browser:
            browser["csrf_token"] = raw
            if kind in EMAILS:
                user = db.session.scalar(sa.select(User).where(User.email == EMAILS[kind]))
                browser[SESSION_KEY] = open_session(user)
        self.token = site.partner_token if kind == "partner" else "nav-tada-saite-0123456789"
        if kind in ("attendee", "partner"):
            assert self.client.get(f"/events/{DEMO_SLUG}").status_code == 200  # the cookie
        self.key = self._upload_key(site)

    def _upload_key(self, site: Site) -> str:
        """An upload started with the partner's link (the same for every visitor's URLs)."""
        created = self.client.post(
            f"/api/v1/invites/{site.partner_token}/uploads",
            headers={**TUS, "Upload-Length": "10", "Upload-Metadata": "filename dGVzdC5tcDQ="},
        )
        assert created.status_code == 201, created.text
        return created.headers["Location"].rstrip("/").rsplit("/", 1)[1]

    def url(self, app, method: str, endpoint: str) -> str:
        arguments = next(r for r in app.url_map.iter_rules(endpoint)).arguments
        values = {name: self.site.values[name] for name in arguments if name in self.site.values}
        if "token" in arguments:
            values["token"] = self.token
        if "key" in arguments:
            values["key"] = self.key
        if "thing_id" in arguments:
            values["thing_id"] = self.site.thing_ids[endpoint.split(".")[1].split("_")[0]]
        if endpoint == "images.image_file":
            values["name"] = self.site.values["image_name"]
        return app.url_map.bind("localhost").build(endpoint, values, method=method)

    def send(self, app, method: str, endpoint: str):
        url = self.url(app, method, endpoint)
        if "/uploads" in url:
            headers = {
                **TUS,
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            }
            if method == "POST":
                headers["Upload-Length"] = "10"
            return self.client.open(url, method=method, headers=headers)
        if url.startswith("/api/"):
            return self.client.open(url, method=method, json={}, headers={"X-CSRFToken": self.csrf})
        if method == "GET":
            return self.client.get(url)
        return self.client.open(url, method=method, data={"csrf_token": self.csrf})


def outcome(response, url: str) -> str:
    status = response.status_code
    assert status < 500, f"{status} for {response.request.method} {url}: {response.text[:300]}"
    if status == 401:
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), url
        return "auth"
    signing_in_or_out = url in ("/login", "/logout")  # they go to the sign-in page anyway
    if status in (302, 303) and response.location.split("?")[0].endswith("/login"):
        if signing_in_or_out:
            return "ok"
        return "auth"
    if status in (403, 404):
        return str(status)
    return "ok"


def test_every_route_and_socket_event_has_a_row(app):
    missing = [
        f"{method} {endpoint}"
        for method, endpoint in routes(app)
        if (method, endpoint) not in MATRIX
    ]
    assert not missing, "routes without a row in the access matrix: " + ", ".join(missing)
    extra = [f"{m} {e}" for m, e in MATRIX if (m, e) not in set(routes(app))]
    assert not extra, "rows for routes the app does not have: " + ", ".join(extra)
    handlers = set(socketio.server.handlers.get("/", {}))
    unlisted = sorted(handlers - set(SOCKET_MATRIX))
    assert not unlisted, "Socket.IO events without a row in the access matrix: " + ", ".join(
        unlisted
    )


@pytest.mark.parametrize("kind", VISITORS)
def test_each_visitor_reaches_exactly_what_the_matrix_says(app, kind):
    site = make_site(app)
    visitor = Visitor(app, site, kind)
    column = VISITORS.index(kind)
    wrong = []
    for method, endpoint in routes(app):
        url = visitor.url(app, method, endpoint)
        response = visitor.send(app, method, endpoint)
        got = outcome(response, url)
        response.close()  # a file's answer holds the file open until closed
        expected = MATRIX[(method, endpoint)][column]
        if got != expected:
            wrong.append(f"{method} {url} ({endpoint}): expected {expected}, got {got}")
    assert not wrong, f"{kind}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("kind", VISITORS)
def test_each_visitor_follows_the_event_over_socketio(app, kind):
    site = make_site(app)
    visitor = Visitor(app, site, kind)
    column = VISITORS.index(kind)
    assert {SOCKET_MATRIX[name][column] for name in SOCKET_MATRIX} == {"ok"}
    follower = socketio.test_client(
        app, auth={"event": DEMO_SLUG}, flask_test_client=visitor.client
    )
    assert follower.is_connected()  # connect
    assert follower.get_received()[0]["name"] == "snapshot"
    answer = follower.emit("resync", {"since": 0}, callback=True)  # resync
    assert "updates" in answer or "snapshot" in answer
    assert follower.emit("clock", {}, callback=True)["now_ms"] > 0  # clock
    follower.disconnect()  # disconnect
    assert not follower.is_connected()
    refused = socketio.test_client(
        app, auth={"event": "nav-tada"}, flask_test_client=visitor.client
    )
    assert not refused.is_connected()  # an unknown event, whoever asks
