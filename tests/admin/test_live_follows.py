"""Every writer joins the one pass: admin forms, the JSON API and the import reach followers as
updates in ``seq`` order, ``/state`` stays equal to a rebuild, and the audit log records them."""

from __future__ import annotations

import sqlalchemy as sa

from conference.db import db
from conference.events.models import AgendaItem, Event
from conference.extensions import socketio
from conference.live.commands import run_command
from conference.live.snapshot import build_snapshot, reading_session
from conference.users.services import create_token_for, create_user
from tests.admin.browser import post_form
from tests.events.reference_event import SLUG, build_reference_event

BASE = f"/admin/events/{SLUG}"


def follow(app):
    follower = socketio.test_client(app, auth={"event": SLUG})
    follower.get_received()  # the snapshot
    return follower


def updates_of(follower) -> list[dict]:
    return [m["args"][0] for m in follower.get_received() if m["name"] == "update"]


def fresh_snapshot() -> dict:
    with reading_session() as session:
        event = session.scalar(sa.select(Event).where(Event.slug == SLUG))
        return build_snapshot(session, event)


def assert_state_is_fresh(http) -> dict:
    """``/state`` (this process's cache) equals a snapshot rebuilt from the database."""
    state = http.get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state == fresh_snapshot()
    return state


def items() -> list[AgendaItem]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AgendaItem).order_by(AgendaItem.position)))


def item_form(**changes) -> dict:
    fields = {
        "kind": "talk",
        "title-lv": "Atklāšanas runa",
        "title-en": "Opening speech",
        "planned_start": "2021-06-15T14:05",
        "planned_end": "2021-06-15T14:20",
    }
    return {**fields, **changes}


def test_admin_edits_reach_followers_in_order_and_the_state_follows(app, admin_client, client):
    build_reference_event()
    assert_state_is_fresh(client)  # the cache is loaded before the changes
    follower = follow(app)
    first = items()[0]

    edited = post_form(admin_client, f"{BASE}/items/{first.id}/edit", item_form())
    assert edited.status_code == 302
    (changed,) = updates_of(follower)
    assert changed["type"] == "item.changed" and changed["seq"] == 1
    assert changed["data"]["id"] == first.id
    assert changed["data"]["title"] == {"lv": "Atklāšanas runa", "en": "Opening speech"}
    assert changed["data"]["planned_start"] == "2021-06-15T11:05:00Z"
    assert (changed["data"]["status"], changed["data"]["actual_start"]) == ("upcoming", None)
    assert assert_state_is_fresh(client)["items"][0]["planned_start"] == "2021-06-15T11:05:00Z"

    added = post_form(
        admin_client,
        f"{BASE}/items/new",
        item_form(**{"title-lv": "Noslēgums", "title-en": "Closing"}, kind="other"),
    )
    assert added.status_code == 302
    new = items()[-1]
    (appeared,) = updates_of(follower)
    assert (appeared["type"], appeared["seq"], appeared["data"]["id"]) == (
        "item.changed",
        2,
        new.id,
    )
    assert assert_state_is_fresh(client)["items"][-1]["id"] == new.id

    moved = post_form(
        admin_client, f"{BASE}/items/", {"direction": "up"}, action=f"{BASE}/items/{new.id}/move"
    )
    assert moved.status_code == 302
    (reordered,) = updates_of(follower)
    assert reordered["type"] == "agenda.reordered" and reordered["seq"] == 3
    assert reordered["data"]["item_ids"] == [item.id for item in items()]
    assert_state_is_fresh(client)

    deleted = post_form(admin_client, f"{BASE}/items/", {}, action=f"{BASE}/items/{new.id}/delete")
    assert deleted.status_code == 302
    (removed,) = updates_of(follower)
    assert (removed["type"], removed["seq"], removed["data"]) == ("item.removed", 4, {"id": new.id})
    assert new.id not in [item["id"] for item in assert_state_is_fresh(client)["items"]]


def test_patch_an_item_and_the_event_through_the_api(app, admin, client):
    build_reference_event()
    assert_state_is_fresh(client)
    follower = follow(app)
    token = {"Authorization": f"Bearer {create_token_for(admin.email)}"}
    first = items()[0]
    url = f"/api/v1/events/{SLUG}/items/{first.id}"

    answer = client.patch(url, json={"planned_end": "2021-06-15T14:30:00+03:00"}, headers=token)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["planned_end"] == "2021-06-15T11:30:00Z"
    assert answer.get_json()["title"]["lv"] == first.title["lv"]  # the rest stays
    (changed,) = updates_of(follower)
    assert changed["type"] == "item.changed" and changed["data"]["planned_end"].endswith(
        "11:30:00Z"
    )
    assert_state_is_fresh(client)

    for body, code in [
        ({"planned_end": "2021-06-15T10:00:00Z"}, "bad_times"),
        ({"planned_end": "15.06.2021 14:00"}, "bad_argument"),
        ({"kind": "concert"}, "bad_kind"),
        ({"position": 3}, "unknown_field"),
    ]:
        refused = client.patch(url, json=body, headers=token)
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == code
    missing = client.patch(f"/api/v1/events/{SLUG}/items/999999", json={}, headers=token)
    assert missing.get_json()["error"]["code"] == "unknown_item" and missing.status_code == 404

    event_url = f"/api/v1/events/{SLUG}"
    renamed = client.patch(event_url, json={"title": {"lv": "Jaunais nosaukums"}}, headers=token)
    assert renamed.status_code == 200 and renamed.get_json()["title"] == {"lv": "Jaunais nosaukums"}
    (event_changed,) = updates_of(follower)
    assert event_changed["type"] == "event.changed"
    assert (
        event_changed["data"]["title"] == {"lv": "Jaunais nosaukums"} and event_changed["seq"] == 2
    )
    later = client.patch(
        event_url, json={"registration": "sometimes", "title": {"lv": "X"}}, headers=token
    )
    assert later.status_code == 422
    assert later.get_json()["error"]["code"] == "bad_argument"
    assert "registration" in later.get_json()["error"]["message"]
    assert updates_of(follower) == [] and assert_state_is_fresh(client)["seq"] == 2

    create_user("moderatore@example.org", "moderator", "correct horse battery")
    moderator = {"Authorization": f"Bearer {create_token_for('moderatore@example.org')}"}
    assert client.patch(url, json={}, headers=moderator).status_code == 403
    assert client.patch(url, json={}).status_code == 401


def test_the_audit_log_records_an_item_edit_and_a_command(app, admin, client):
    build_reference_event()
    token = {"Authorization": f"Bearer {create_token_for(admin.email)}"}
    first = items()[0]
    old_title = dict(first.title)
    client.patch(
        f"/api/v1/events/{SLUG}/items/{first.id}",
        json={"title": {"lv": "Atklāšana", "en": "Opening"}},
        headers=token,
    )
    run_command(SLUG, {"type": "start_event"}, actor_id=admin.id)

    log = client.get(f"/api/v1/events/{SLUG}/audit", headers=token)
    assert log.status_code == 200 and log.headers["Cache-Control"] == "no-store"
    edit, command = log.get_json()
    assert edit["action"] == "item.changed" and edit["actor"]["label"] == admin.email
    assert edit["target"] == {"type": "item", "id": first.id, "label": "Atklāšana"}
    assert edit["before"] == {"title": old_title}
    assert edit["after"] == {"title": {"lv": "Atklāšana", "en": "Opening"}}
    assert (edit["seq"], command["seq"]) == (1, 3)
    assert command["action"] == "command" and command["target"]["label"] == "start_event"
    assert command["actor"] == {"id": admin.id, "label": admin.email}
    assert command["before"] == {"seq": 1}
    assert command["after"]["updates"] == ["event.started", "item.started"]

    assert client.get(f"/api/v1/events/{SLUG}/audit").status_code == 401
    assert client.get(f"/admin/events/{SLUG}/audit").status_code == 302  # to the sign-in


def test_the_admins_change_log_page(app, admin_client):
    build_reference_event()
    first = items()[0]
    post_form(admin_client, f"{BASE}/items/{first.id}/edit", item_form())
    run_command(SLUG, {"type": "announce", "text": {"lv": "Sākam pēc piecām minūtēm"}})
    page = admin_client.get(f"{BASE}/audit?lang=lv")
    assert page.status_code == 200 and "Izmaiņu žurnāls" in page.text
    newest, older = page.text.index("announce"), page.text.index("item.changed")
    assert newest < older  # the newest first
    assert "Sākam pēc piecām minūtēm" in page.text and "admine@example.org" in page.text
    assert "Atklāšanas runa" in page.text
