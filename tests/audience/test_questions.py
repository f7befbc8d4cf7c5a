"""Questions end to end: ask, upvote, moderate, highlight; nothing pending reaches attendees."""

from __future__ import annotations

import json

import pytest

from conference.audience.ticker import audience_ticker
from conference.extensions import socketio
from conference.live.page_cache import forget_pages
from tests.audience.conftest import SLUG, attendee, attendee_headers

QUESTIONS = f"/api/v1/events/{SLUG}/questions"


def received(client, name: str) -> list:
    return [message["args"][0] for message in client.get_received() if message["name"] == name]


def follow(app, attendee_id=None, viewer="attendee"):
    headers = attendee_headers(app, attendee_id) if attendee_id else {}
    return socketio.test_client(app, auth={"event": SLUG, "viewer": viewer}, headers=headers)


def ask(app, who: str, text: str, **extra):
    return attendee(app, who).post(QUESTIONS, json={"text": text, **extra})


def test_closed_asking_is_refused_with_422_and_stores_nothing(app, event, command, moderator):
    answer = ask(app, "ilze", "Vai būs turpinājums?")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "questions_closed"
    assert app.test_client().get(QUESTIONS, headers=moderator).get_json() == []
    assert command("open_questions").status_code == 200
    assert command("close_questions").status_code == 200
    assert ask(app, "ilze", "Vēlreiz?").status_code == 422


def test_open_asking_upvotes_from_50_attendees_each_count_once(app, event, command):
    assert command("open_questions").status_code == 200
    watcher = follow(app, "watcher")
    received(watcher, "snapshot")
    first = ask(app, "ilze", "Kā pieteikties mobilitātei uz Itāliju?", name="Ilze Ķēniņa")
    assert first.status_code == 201
    question = first.get_json()
    assert question["status"] == "visible" and question["name"] == "Ilze Ķēniņa"
    assert question["text"] == "Kā pieteikties mobilitātei uz Itāliju?"
    second = ask(app, "jānis", "Where are the slides?").get_json()
    updates = received(watcher, "update")
    assert [u["type"] for u in updates] == ["question.added", "question.added"]
    assert updates[0]["data"] == question

    for number in range(50):
        client = attendee(app, f"attendee-{number}")
        for _repeat in range(2):  # a repeat changes nothing
            answer = client.post(f"{QUESTIONS}/{second['id']}/upvote")
            assert answer.status_code == 200
    assert answer.get_json() == {"id": second["id"], "upvotes": 50}
    withdrawn = attendee(app, "attendee-7").delete(f"{QUESTIONS}/{second['id']}/upvote")
    assert withdrawn.get_json() == {"id": second["id"], "upvotes": 49}
    attendee(app, "ilze").post(f"{QUESTIONS}/{question['id']}/upvote")

    audience_ticker().send_votes()
    assert received(watcher, "question.votes") == [
        {"counts": {str(second["id"]): 49, str(question["id"]): 1}}
    ]
    audience_ticker().send_votes()
    assert received(watcher, "question.votes") == []  # nothing moved: nothing sent
    listed = app.test_client().get(QUESTIONS).get_json()
    assert [(row["id"], row["upvotes"]) for row in listed] == [
        (second["id"], 49),
        (question["id"], 1),
    ]
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert [row["upvotes"] for row in state["question_list"]] == [49, 1]


def test_moderated_questions_reach_no_attendee_until_approved(app, event, command, moderator):
    from conference.audience.questions import set_questions_mode
    from conference.db import db

    set_questions_mode(db.session, event, "moderated")
    db.session.commit()
    forget_pages()
    watcher = follow(app, "watcher")
    received(watcher, "snapshot")
    secret = "Slepens jautājums par šņorēm"
    pending = ask(app, "ilze", secret)
    assert pending.status_code == 201 and pending.get_json()["status"] == "pending"
    question_id = pending.get_json()["id"]

    def attendee_views() -> list[str]:
        views = [
            json.dumps(app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()),
            json.dumps(attendee(app, "other").get(QUESTIONS).get_json()),
            json.dumps(attendee(app, "ilze").get(QUESTIONS).get_json()),
            app.test_client().get(f"/events/{SLUG}").get_data(as_text=True),
            app.test_client().get(f"/events/{SLUG}/questions?lang=en").get_data(as_text=True),
            app.test_client().get(f"/events/{SLUG}/screen").get_data(as_text=True),
        ]
        late = follow(app, "late")
        views.append(json.dumps(received(late, "snapshot")))
        views.append(json.dumps(late.emit("resync", {"since": 0}, callback=True)))
        views.append(json.dumps(watcher.get_received()))
        return views

    for view in attendee_views():
        assert secret not in view
    assert attendee(app, "x").post(f"{QUESTIONS}/{question_id}/upvote").status_code == 404
    everything = app.test_client().get(QUESTIONS, headers=moderator).get_json()
    assert [(row["id"], row["status"]) for row in everything] == [(question_id, "pending")]

    assert command("approve_question", question_id=question_id).status_code == 200
    assert received(watcher, "update")[0]["type"] == "question.added"
    forget_pages()
    assert secret in app.test_client().get(f"/events/{SLUG}/questions").get_data(as_text=True)

    assert command("hide_question", question_id=question_id).status_code == 200
    assert received(watcher, "update")[0]["data"] == {"id": question_id}
    forget_pages()
    for view in attendee_views():
        assert secret not in view


def test_highlight_reaches_the_screen_and_answer_and_hide_clear_it(app, event, command):
    command("open_questions")
    question = ask(app, "ilze", "Kas notiks pēc projekta beigām?").get_json()
    screen = follow(app, viewer="screen")
    received(screen, "snapshot")
    assert command("highlight_question", question_id=question["id"]).status_code == 200
    [update] = received(screen, "update")
    assert update["type"] == "question.highlighted"
    assert update["data"]["id"] == question["id"] and update["data"]["highlighted"] is True
    again = command("highlight_question", question_id=question["id"])
    assert again.status_code == 422
    forget_pages()
    assert "Kas notiks pēc projekta beigām?" in app.test_client().get(
        f"/events/{SLUG}/screen"
    ).get_data(as_text=True)
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["highlighted_question"]["id"] == question["id"]
    assert command("answer_question", question_id=question["id"]).status_code == 200
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["highlighted_question"]["status"] == "answered"
    assert command("hide_question", question_id=question["id"]).status_code == 200
    assert [u["type"] for u in received(screen, "update")] == [
        "question.answered",
        "question.unhighlighted",
        "question.hidden",
    ]
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["highlighted_question"] is None and state["question_list"] == []
    assert command("clear_highlight").status_code == 422


@pytest.mark.parametrize(
    "body, code",
    [
        ({"text": ""}, "text_required"),
        ({"text": "x" * 501}, "too_long"),
        ({"text": "nul\u0000"}, "control_character"),
        ({"text": "ok", "name": "n" * 81}, "too_long"),
        ({"text": 5}, "bad_text"),
    ],
)
def test_bad_questions_are_refused_and_stored_nowhere(app, event, command, moderator, body, code):
    command("open_questions")
    answer = attendee(app, "ilze").post(QUESTIONS, json=body)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == code
    assert app.test_client().get(QUESTIONS, headers=moderator).get_json() == []


def test_a_question_of_500_latvian_characters_is_kept_whole(app, event, command):
    command("open_questions")
    text = "ā č ē ģ ī ķ ļ ņ š ū ž "[:22] * 22 + "ā" * 16
    assert len(text) == 500
    assert ask(app, "ilze", text).get_json()["text"] == text


def test_a_room_of_40_behind_one_address_asks_and_upvotes_but_one_attendee_cannot_flood(
    app, event, command
):
    command("open_questions")
    asked = [ask(app, f"room-{number}", f"Jautājums nr. {number}") for number in range(40)]
    assert [answer.status_code for answer in asked] == [201] * 40
    first = asked[0].get_json()["id"]
    upvotes = [
        attendee(app, f"room-{number}").post(f"{QUESTIONS}/{first}/upvote").status_code
        for number in range(40)
    ]
    assert upvotes == [200] * 40
    flood = [ask(app, "flooder", f"Vēlreiz {number}").status_code for number in range(6)]
    assert flood == [201] * 5 + [429]


def test_the_organiser_sets_questions_with_patch_and_followers_learn_it(app, event, moderator):
    from conference.users.services import create_token_for, create_user

    create_user("admin@example.org", "admin", "correct horse battery")
    admin = {"Authorization": f"Bearer {create_token_for('admin@example.org')}"}
    watcher = follow(app, "watcher")
    received(watcher, "snapshot")
    url = f"/api/v1/events/{SLUG}"
    changed = app.test_client().patch(url, json={"questions": "moderated"}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["questions"] == "moderated"
    assert [(u["type"], u["data"]) for u in received(watcher, "update")] == [
        ("questions.opened", {"status": "moderated"})
    ]
    assert ask(app, "ilze", "Vai?").get_json()["status"] == "pending"
    bad = app.test_client().patch(url, json={"questions": "sometimes"}, headers=admin)
    assert bad.status_code == 422
    closed = app.test_client().patch(url, json={"questions": "off"}, headers=admin)
    assert closed.get_json()["questions"] == "off"
    assert [u["type"] for u in received(watcher, "update")] == ["questions.closed"]
    assert app.test_client().get(f"{url}/state").get_json()["questions"] == "off"


def test_moderators_get_every_question_as_csv(app, event, command, moderator):
    import csv
    import io

    command("open_questions")
    first = ask(app, "ilze", "Kā sauc projektu?", name="Ilze Ķēniņa").get_json()
    ask(app, "jānis", '=HYPERLINK("x")')
    attendee(app, "anna").post(f"{QUESTIONS}/{first['id']}/upvote")
    command("hide_question", question_id=first["id"])
    assert app.test_client().get(f"{QUESTIONS}.csv").status_code == 401
    answer = app.test_client().get(f"{QUESTIONS}.csv", headers=moderator)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0] == ["id", "asked_at", "name", "text", "status", "upvotes", "highlighted"]
    by_text = {row[3]: row for row in rows[1:]}
    assert by_text["Kā sauc projektu?"][2] == "Ilze Ķēniņa"
    assert by_text["Kā sauc projektu?"][4:6] == ["hidden", "1"]
    assert '\'=HYPERLINK("x")' in by_text


def test_a_blocked_asker_cannot_ask_again_and_their_question_is_hidden(app, event, command):
    command("open_questions")
    watcher = follow(app, "watcher")
    received(watcher, "snapshot")
    question = ask(app, "troll", "Ļoti slikts jautājums").get_json()
    assert command("highlight_question", question_id=question["id"]).status_code == 200
    assert command("block_asker", question_id=question["id"]).status_code == 200
    assert [u["type"] for u in received(watcher, "update")] == [
        "question.added",
        "question.highlighted",
        "question.unhighlighted",
        "question.hidden",
    ]
    again = ask(app, "troll", "Atkal es")
    assert again.status_code == 403 and again.get_json()["error"]["code"] == "asker_blocked"
    assert ask(app, "ilze", "Normāls jautājums").status_code == 201
    assert command("block_asker", question_id=question["id"]).status_code == 200  # no-op
