"""Serving processed files (ranges, types, caching, who may see them) and the review API."""

from __future__ import annotations

import pytest

from conference.db import db
from conference.greetings import storage
from conference.greetings.invites import create_invite
from conference.users.services import create_token_for, create_user

from .factories import VIDEO_BYTES, make_greeting

pytestmark = pytest.mark.integration


def review(client, greeting_id, headers, **body):
    return client.post(f"/api/v1/greetings/{greeting_id}/review", json=body, headers=headers)


def test_range_requests_get_206_and_the_right_bytes(client, event, partner):
    greeting = make_greeting(event, partner, review="approved")
    url = f"/media/{greeting.video_file}"
    with client.get(url, headers={"Range": "bytes=1000-1999"}) as part:
        assert part.status_code == 206
        assert part.data == VIDEO_BYTES[1000:2000]
        assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(VIDEO_BYTES)}"
        assert part.mimetype == "video/mp4"
    with client.get(url, headers={"Range": "bytes=-100"}) as tail:
        assert tail.data == VIDEO_BYTES[-100:]
    with client.get(url) as whole:
        assert whole.status_code == 200
        assert whole.headers["Accept-Ranges"] == "bytes"
        assert whole.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert whole.data == VIDEO_BYTES
    with client.get(f"/media/{greeting.poster_file}") as poster:
        assert poster.mimetype == "image/jpeg"


def test_files_of_unapproved_greetings_are_hidden_from_attendees(client, event, partner):
    greeting = make_greeting(event, partner, review="pending")
    with client.get(f"/media/{greeting.video_file}") as answer:
        assert answer.status_code == 404


def test_signed_preview_urls_reach_unapproved_files(client, event, partner, moderator):
    make_greeting(event, partner, review="pending")
    listed = client.get("/api/v1/events/daugavpils-2021/greetings", headers=moderator).get_json()
    video_url = listed[0]["video_url"]
    assert "?access=" in video_url
    with client.get(video_url) as answer:
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "private, max-age=3600"
    forged = video_url[:-3] + "abc"
    with client.get(forged) as answer:
        assert answer.status_code == 404
    other = make_greeting(event, partner, review="pending")
    token = video_url.split("?access=")[1]
    with client.get(f"/media/{other.video_file}?access={token}") as answer:
        assert answer.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["..%2F..%2Fconference.db", "../secret_key", "%2e%2e/secret_key", "x.mp4", "0" * 32 + ".txt"],
)
def test_nothing_outside_the_media_folder_is_served(app, client, event, partner, name):
    make_greeting(event, partner, review="approved")
    (storage.media_dir() / "greetings" / ("0" * 32 + ".txt")).write_text("secret")
    with client.get(f"/media/greetings/{name}") as answer:
        assert answer.status_code == 404


def test_accel_redirect_hands_the_file_to_nginx(app, client, event, partner):
    app.config["GREETINGS_ACCEL_REDIRECT_PREFIX"] = "/protected-media/"
    greeting = make_greeting(event, partner, review="approved")
    with client.get(f"/media/{greeting.video_file}") as answer:
        assert answer.status_code == 200
        assert answer.headers["X-Accel-Redirect"] == f"/protected-media/{greeting.video_file}"
        assert answer.mimetype == "video/mp4"
        assert answer.data == b""


def test_attendees_see_only_approved_ready_greetings_without_state(client, event, partner):
    shown = make_greeting(event, partner, review="approved", title="Apstiprināts")
    make_greeting(event, partner, review="pending", title="Gaida")
    make_greeting(event, partner, status="failed", review="pending", title="Neizdevās")
    listed = client.get("/api/v1/events/daugavpils-2021/greetings").get_json()
    assert listed == [
        {
            "id": shown.id,
            "organisation_id": partner.id,
            "title": "Apstiprināts",
            "message": None,
            "duration_s": 12.5,
            "video_url": f"http://localhost/media/{shown.video_file}",
            "poster_url": f"http://localhost/media/{shown.poster_file}",
        }
    ]


def test_moderators_see_every_greeting_with_its_state(client, event, partner, moderator):
    make_greeting(event, partner, review="approved")
    make_greeting(event, partner, status="failed", review="pending")
    listed = client.get("/api/v1/events/daugavpils-2021/greetings", headers=moderator).get_json()
    assert [(g["status"], g["review"]) for g in listed] == [
        ("ready", "approved"),
        ("failed", "pending"),
    ]
    assert {"failure_reason", "review_reason"} <= set(listed[1])


def test_approving_needs_a_ready_greeting(client, event, partner, moderator):
    processing = make_greeting(event, partner, status="processing")
    answer = review(client, processing.id, moderator, decision="approve")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "greeting_not_ready"
    ready = make_greeting(event, partner)
    answer = review(client, ready.id, moderator, decision="approve")
    assert answer.status_code == 200
    assert answer.get_json()["review"] == "approved"


def test_rejecting_needs_a_reason_that_the_partner_then_reads(client, event, partner, moderator):
    invite, token = create_invite(event, partner)
    greeting = make_greeting(event, partner)
    greeting.invite_id = invite.id
    db.session.commit()
    answer = review(client, greeting.id, moderator, decision="reject", reason="  ")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "reason_required"
    answer = review(client, greeting.id, moderator, decision="reject", reason="Skaņa par klusu.")
    assert answer.status_code == 200
    seen = client.get(f"/api/v1/invites/{token}").get_json()["greetings"][0]
    assert (seen["review"], seen["review_reason"]) == ("rejected", "Skaņa par klusu.")


@pytest.mark.parametrize("decision", ["maybe", None, 3])
def test_an_unknown_decision_is_422(client, event, partner, moderator, decision):
    greeting = make_greeting(event, partner)
    answer = review(client, greeting.id, moderator, decision=decision)
    assert answer.status_code == 422
    db.session.refresh(greeting)
    assert greeting.review == "pending"


def test_review_needs_a_moderator(client, event, partner):
    greeting = make_greeting(event, partner)
    assert review(client, greeting.id, {}, decision="approve").status_code == 401
    create_user("zurija@example.org", "jury", "correct horse battery")
    jury = {"Authorization": f"Bearer {create_token_for('zurija@example.org')}"}
    assert review(client, greeting.id, jury, decision="approve").status_code == 403
    wrong = {"Authorization": "Bearer nonsense"}
    assert review(client, greeting.id, wrong, decision="approve").status_code == 401


def test_approving_puts_greetings_at_the_end_of_the_playlist(client, event, partner, moderator):
    first, second = (
        make_greeting(event, partner, title="A"),
        make_greeting(event, partner, title="B"),
    )
    review(client, second.id, moderator, decision="approve")
    review(client, first.id, moderator, decision="approve")
    listed = client.get("/api/v1/events/daugavpils-2021/greetings").get_json()
    assert [g["title"] for g in listed] == ["B", "A"]


def test_reviews_and_playlist_moves_are_in_the_audit_log(client, event, partner, moderator):
    from conference.audit.log import entries_of
    from conference.greetings import review as review_service
    from conference.users.models import User

    first = make_greeting(event, partner, title="Sveiciens no Tartu")
    second = make_greeting(event, partner, title="Greetings from Porto")
    review(client, first.id, moderator, decision="approve")
    review(client, second.id, moderator, decision="reject", reason="Skaņa par klusu.")
    review(client, second.id, moderator, decision="approve")
    refused = review(client, second.id, moderator, decision="reject", reason=None)
    assert refused.status_code == 422
    mover = db.session.query(User).filter_by(email="moderatore@example.org").one()
    review_service.move_in_playlist(review_service.get_greeting(second.id), "up", mover)
    review_service.move_in_playlist(review_service.get_greeting(second.id), "up", mover)

    entries = [
        (entry.action, entry.target_label, entry.actor_label, entry.before, entry.after)
        for entry in entries_of(db.session, event.id)
        if entry.target_type == "greeting"
    ]
    who = "moderatore@example.org"
    assert entries == [
        (
            "greeting.changed",
            "Sveiciens no Tartu",
            who,
            {"review": "pending", "position": 0},
            {"review": "approved", "position": 1},
        ),
        (
            "greeting.changed",
            "Greetings from Porto",
            who,
            {"review": "pending", "review_reason": None},
            {"review": "rejected", "review_reason": "Skaņa par klusu."},
        ),
        (
            "greeting.changed",
            "Greetings from Porto",
            who,
            {"review": "rejected", "review_reason": "Skaņa par klusu.", "position": 0},
            {"review": "approved", "review_reason": None, "position": 2},
        ),
        # The second move changes nothing (already first) and is not recorded.
        (
            "greeting.moved",
            "Greetings from Porto",
            who,
            {"playlist": [first.id, second.id]},
            {"playlist": [second.id, first.id]},
        ),
    ]


def test_media_revalidation_compares_etags_weakly(client, event, partner):
    greeting = make_greeting(event, partner, review="approved")
    url = f"/media/{greeting.video_file}"
    with client.get(url) as whole:
        etag = whole.headers["ETag"].removeprefix("W/")
    for value in (etag, f"W/{etag}", f'"x", W/{etag}', "*"):
        with client.get(url, headers={"If-None-Match": value}) as again:
            assert again.status_code == 304, value
            assert again.data == b""


def test_api_file_urls_are_absolute_and_follow_the_public_url(app, client, event, partner):
    greeting = make_greeting(event, partner, review="approved")
    app.config["PUBLIC_URL"] = "https://konference.example.lv/"
    listed = client.get("/api/v1/events/daugavpils-2021/greetings").get_json()
    assert listed[0]["video_url"] == f"https://konference.example.lv/media/{greeting.video_file}"
    assert listed[0]["poster_url"] == f"https://konference.example.lv/media/{greeting.poster_file}"
