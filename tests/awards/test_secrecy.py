"""Secret until revealed: before each reveal, everything an attendee can read is collected and
searched, and no unrevealed winner, no jury score and no vote count is in it.

What an attendee can read: every GET route of the app (the public pages and API, and the
moderator, jury and admin routes too, which must turn an attendee away without a word of
secret), the answers to their votes, and every Socket.IO message they receive (the live stream
from the start, a fresh connection's snapshot, a resync from the beginning).

Entry titles and author names are public (the contest gallery shows them), so the search is for
the association: an award-shaped object (``kind`` and ``entries``) for an award not yet
revealed, a reveal card or results line of one, keys that would carry winners, counts or scores,
and the jurors' comments.
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from conference.awards import jury
from conference.awards.ceremony import ceremony_awards, winners_text
from conference.awards.models import Award
from conference.awards.votes import cast_vote
from conference.db import db
from conference.events.schemas import entry_json
from conference.extensions import socketio
from conference.live.commands import run_command
from conference.users.services import create_user
from tests.conftest import join_team

SLUG = "daugavpils-2021"
JURY_NOTE = "Žūrijas slepenā piezīme"
SECRET_KEYS = {
    "winner",
    "winners",
    "winner_ids",
    "tally",
    "counts",
    "total",
    "score",
    "scores",
    "mean",
    "standings",
    "decided_by",
    "vote_count",
}
JSON_BLOCK = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)


def route_urls(app, ids: dict) -> list[str]:
    """Every GET route of the app with its parameters filled in (static files left out)."""
    urls = []
    for rule in app.url_map.iter_rules():
        # The API description names the shapes (a tally's "total"), never any data.
        skipped = ("static", "images.favicon", "api_description.openapi")
        if "GET" not in rule.methods or rule.endpoint in skipped:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids.get(name, "1")), url)
        urls.append(url)
    return sorted(set(urls))


class Attendee:
    """One attendee: a browser with its cookie, and a Socket.IO connection since the start."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        self.http.get(f"/events/{SLUG}")
        self.stream = socketio.test_client(app, auth={"event": SLUG}, flask_test_client=self.http)
        self.received: list = []

    def read_everything(self, urls: list[str]) -> list[tuple[str, str]]:
        """``(where, text)`` of every route, the live stream so far, a new snapshot, a resync."""
        documents = []
        for url in urls:
            response = self.http.get(url)
            documents.append((url, response.get_data(as_text=True)))
        self.received += self.stream.get_received()
        documents += [(f"socket {m['name']}", json.dumps(m["args"])) for m in self.received]
        fresh = socketio.test_client(self.app, auth={"event": SLUG}, flask_test_client=self.http)
        documents += [("socket snapshot", json.dumps(m["args"])) for m in fresh.get_received()]
        resync = fresh.emit("resync", {"since": 0}, callback=True)
        documents.append(("socket resync", json.dumps(resync)))
        fresh.disconnect()
        return documents


def award_shaped(value, found: list) -> None:
    """Collect every award-like object (``kind`` and ``entries``) and every secret key."""
    if isinstance(value, dict):
        if "kind" in value and "entries" in value:
            found.append(("award", value))
        for key, inner in value.items():
            if key in SECRET_KEYS:
                found.append(("key", key))
            if key == "votes" and not all(
                isinstance(v, dict) and set(v) == {"contest_id", "status"} for v in inner or []
            ):
                found.append(("key", "votes"))
            award_shaped(inner, found)
    elif isinstance(value, list):
        for inner in value:
            award_shaped(inner, found)


def json_parts(text: str) -> list:
    """The document itself if it is JSON, else the JSON blocks embedded in the page."""
    try:
        return [json.loads(text)]
    except ValueError:
        return [json.loads(block) for block in JSON_BLOCK.findall(text) if block.strip()]


def assert_nothing_unrevealed(documents, awards: list[Award], revealed: set[int]) -> None:
    seen_revealed: set[int] = set()
    for where, text in documents:
        assert JURY_NOTE not in text, where
        found: list = []
        for part in json_parts(text):
            award_shaped(part, found)
        for what, value in found:
            assert what != "key", f"{where}: secret key {value!r}"
            assert value["id"] in revealed, f"{where}: unrevealed award {value['id']}"
            seen_revealed.add(value["id"])
        for award in awards:
            if award.id in revealed:
                continue
            assert f'data-award-id="{award.id}"' not in text, where
            line = winners_text([entry_json(e) for e in jury.winners_of(award)])
            for title in award.title.values():
                assert f"{title}: {line}" not in text, f"{where}: results line of {title}"
    assert seen_revealed == revealed


def test_no_attendee_reads_a_winner_score_or_count_before_its_reveal(app, demo):
    contest = demo.contests[0]
    awards = ceremony_awards(demo)
    for n, email in enumerate(("anna@example.org", "boris@example.org", "cilda@example.org")):
        juror = create_user(email, "jury", "žūrijas parole")
        join_team(email, "jury", SLUG)
        for entry in contest.entries:
            jury.set_score(juror, contest, entry.id, 3 + (entry.position + n) % 7, JURY_NOTE)
    ids = {
        "slug": SLUG,
        "contest_id": contest.id,
        "award_id": awards[0].id,
        "entry_id": contest.entries[0].id,
        "token": "nav-tada",
        "name": "nav-tada.mp4",
    }
    urls = route_urls(app, ids)
    assert f"/events/{SLUG}/results" in urls and f"/api/v1/events/{SLUG}/state" in urls
    attendee = Attendee(app)

    run_command(SLUG, {"type": "open_vote", "contest_id": contest.id})
    vote_answers = []
    for n in range(7):
        choice = contest.entries[5] if n < 4 else contest.entries[n % 3]
        cast = cast_vote(demo, f"scripted-{n}", choice.id)
        assert cast.entry_id == choice.id
    answer = attendee.http.post(
        f"/api/v1/events/{SLUG}/votes", json={"entry_id": contest.entries[5].id}
    )
    assert answer.status_code == 200
    vote_answers.append(("vote answer", answer.get_data(as_text=True)))
    assert_nothing_unrevealed(attendee.read_everything(urls) + vote_answers, awards, set())

    run_command(SLUG, {"type": "close_vote", "contest_id": contest.id})
    revealed: set[int] = set()
    for award in awards:
        db.session.expire_all()
        assert_nothing_unrevealed(attendee.read_everything(urls), awards, revealed)
        run_command(SLUG, {"type": "reveal_award", "award_id": award.id})
        revealed.add(award.id)
    db.session.expire_all()
    assert_nothing_unrevealed(attendee.read_everything(urls), awards, revealed)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == len(revealed)
