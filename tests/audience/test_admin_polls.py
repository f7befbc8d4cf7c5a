"""The admin defines, changes and removes polls; the event API and the snapshot know at once."""

from __future__ import annotations

from conference.db import db
from tests.admin.browser import BrowserClient, post_form, sign_in
from tests.audience.conftest import SLUG

PAGE = f"/admin/events/{SLUG}/polls"


def test_admin_defines_changes_and_deletes_a_poll(app, event, command):
    from conference.users.services import create_user

    app.test_client_class = BrowserClient
    create_user("admine@example.org", "admin", "pareizā parole ļoti")
    client = app.test_client()
    assert sign_in(client, "admine@example.org", "pareizā parole ļoti").status_code == 302
    assert "Polls" in client.get(f"/admin/events/{SLUG}/?lang=en").text
    saved = post_form(
        client,
        PAGE,
        {
            "question_lv": "Kurā valstī?",
            "question_en": "Which country?",
            "options_lv": "Itālija\nSpānija\n",
            "options_en": "Italy\nSpain",
            "multiple": "on",
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200
    api = app.test_client().get(f"/api/v1/events/{SLUG}").get_json()
    [poll] = api["polls"]
    assert poll["question"] == {"lv": "Kurā valstī?", "en": "Which country?"}
    assert [o["text"] for o in poll["options"]] == [
        {"lv": "Itālija", "en": "Italy"},
        {"lv": "Spānija", "en": "Spain"},
    ]
    assert poll["multiple"] is True
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["polls"] == [{"poll_id": poll["id"], "status": "not_opened", "results": None}]

    one_option = post_form(
        client,
        PAGE,
        {"question_lv": "Tikai viena?", "options_lv": "Jā"},
        follow_redirects=True,
    )
    assert "2 to 10" in one_option.text or "2 līdz 10" in one_option.text
    assert len(app.test_client().get(f"/api/v1/events/{SLUG}").get_json()["polls"]) == 1

    assert command("open_poll", poll_id=poll["id"]).status_code == 200
    refused = post_form(
        client, PAGE, {"action": "delete"}, action=f"{PAGE}/{poll['id']}", follow_redirects=True
    )
    assert len(app.test_client().get(f"/api/v1/events/{SLUG}").get_json()["polls"]) == 1
    assert refused.status_code == 200
    command("close_poll", poll_id=poll["id"])
    post_form(client, PAGE, {"action": "delete"}, action=f"{PAGE}/{poll['id']}")
    db.session.remove()
    assert app.test_client().get(f"/api/v1/events/{SLUG}").get_json()["polls"] == []
    assert app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()["polls"] == []
