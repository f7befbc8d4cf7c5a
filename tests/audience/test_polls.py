"""Polls: single and multiple answers, replacement, results hidden until shown, exact counts
under 200 concurrent answers."""

from __future__ import annotations

import json
import threading

from conference.audience.polls import set_poll
from conference.db import db
from conference.extensions import socketio
from tests.audience.conftest import SLUG, attendee

COUNTRIES = [{"lv": "Itālija", "en": "Italy"}, {"lv": "Spānija", "en": "Spain"}]
COUNTRIES += [{"lv": "Igaunija", "en": "Estonia"}, {"lv": "Portugāle", "en": "Portugal"}]


def make_poll(event, multiple=False):
    poll = set_poll(
        db.session,
        event,
        None,
        {
            "key": "mobility" + ("-many" if multiple else ""),
            "question": {"lv": "Kur jūs brauktu mobilitātē?", "en": "Where would you go?"},
            "options": COUNTRIES,
            "multiple": multiple,
        },
    )
    db.session.commit()
    from conference.live.publish import live_hub

    live_hub().cache.forget(SLUG)  # defined outside the live log: the next read loads it
    return poll.id


def options_of(app, poll_id) -> list[int]:
    detail = app.test_client().get(f"/api/v1/events/{SLUG}").get_json()
    [poll] = [poll for poll in detail["polls"] if poll["id"] == poll_id]
    return [option["id"] for option in poll["options"]]


def answer(app, who, poll_id, option_ids):
    return attendee(app, who).post(
        f"/api/v1/events/{SLUG}/polls/{poll_id}/answers", json={"option_ids": option_ids}
    )


def test_single_choice_replacement_and_results_hidden_until_shown(app, event, command, moderator):
    poll_id = make_poll(event)
    italy, spain, estonia, _portugal = options_of(app, poll_id)
    detail = app.test_client().get(f"/api/v1/events/{SLUG}").get_json()
    assert detail["polls"][0]["question"]["lv"] == "Kur jūs brauktu mobilitātē?"
    assert detail["polls"][0]["multiple"] is False
    assert answer(app, "ilze", poll_id, [italy]).status_code == 422  # not opened yet
    watcher = socketio.test_client(app, auth={"event": SLUG})
    assert command("open_poll", poll_id=poll_id).status_code == 200
    assert answer(app, "ilze", poll_id, [italy]).status_code == 200
    assert answer(app, "ilze", poll_id, [spain]).status_code == 200  # replaces the first
    assert answer(app, "jānis", poll_id, [spain]).status_code == 200
    assert answer(app, "anna", poll_id, [estonia]).status_code == 200
    refused = answer(app, "anna", poll_id, [italy, spain])
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "one_option"
    assert answer(app, "anna", poll_id, [999999]).status_code == 422
    assert answer(app, "anna", poll_id, "1").status_code == 422

    hidden_views = [
        app.test_client().get(f"/api/v1/events/{SLUG}/state").get_data(as_text=True),
        json.dumps(watcher.get_received()),
        app.test_client().get(f"/events/{SLUG}").get_data(as_text=True),
    ]
    state = json.loads(hidden_views[0])
    assert state["polls"] == [{"poll_id": poll_id, "status": "open", "results": None}]
    for view in hidden_views[1:]:
        assert '"counts"' not in view
    assert (
        attendee(app, "x").get(f"/api/v1/events/{SLUG}/polls/{poll_id}/results").status_code == 401
    )
    live = (
        app.test_client()
        .get(f"/api/v1/events/{SLUG}/polls/{poll_id}/results", headers=moderator)
        .get_json()
    )
    assert live["counts"] == {str(italy): 0, str(spain): 2, str(estonia): 1, str(_portugal): 0}
    assert live["total"] == 3

    assert command("close_poll", poll_id=poll_id).status_code == 200
    closed = answer(app, "late", poll_id, [italy])
    assert closed.status_code == 422 and closed.get_json()["error"]["code"] == "poll_closed"
    assert command("show_poll_results", poll_id=poll_id).status_code == 200
    updates = [m["args"][0] for m in watcher.get_received() if m["name"] == "update"]
    assert [u["type"] for u in updates] == ["poll.closed", "poll.results"]
    assert updates[0]["data"] == {"poll_id": poll_id, "status": "closed"}
    assert updates[1]["data"] == {
        "poll_id": poll_id,
        "counts": {str(italy): 0, str(spain): 2, str(estonia): 1, str(_portugal): 0},
        "total": 3,
    }
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["polls"][0]["results"] == updates[1]["data"]


def test_multiple_choice_counts_each_option_and_each_attendee_once(app, event, command):
    poll_id = make_poll(event, multiple=True)
    italy, spain, estonia, portugal = options_of(app, poll_id)
    command("open_poll", poll_id=poll_id)
    assert answer(app, "ilze", poll_id, [italy, spain, italy]).status_code == 200
    assert answer(app, "jānis", poll_id, [spain, estonia, portugal]).status_code == 200
    assert answer(app, "jānis", poll_id, [portugal]).status_code == 200  # replaces all three
    assert answer(app, "anna", poll_id, []).status_code == 422
    command("show_poll_results", poll_id=poll_id)
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["polls"][0]["results"] == {
        "poll_id": poll_id,
        "counts": {str(italy): 1, str(spain): 1, str(estonia): 0, str(portugal): 1},
        "total": 2,
    }


def test_200_concurrent_answers_are_counted_exactly(app, event, command, moderator):
    poll_id = make_poll(event)
    option_ids = options_of(app, poll_id)
    command("open_poll", poll_id=poll_id)
    expected = {str(option_id): 0 for option_id in option_ids}
    statuses = []
    start = threading.Barrier(20)

    def answer_many(worker: int) -> None:
        with app.app_context():
            start.wait()
            for number in range(10):
                attendee_number = worker * 10 + number
                choice = option_ids[attendee_number % len(option_ids)]
                statuses.append(answer(app, f"a{attendee_number}", poll_id, [choice]).status_code)

    for attendee_number in range(200):
        expected[str(option_ids[attendee_number % len(option_ids)])] += 1
    threads = [threading.Thread(target=answer_many, args=(worker,)) for worker in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) == 200, sorted(set(statuses))
    live = (
        app.test_client()
        .get(f"/api/v1/events/{SLUG}/polls/{poll_id}/results", headers=moderator)
        .get_json()
    )
    assert live["counts"] == expected and live["total"] == 200


def test_moderators_get_poll_results_as_csv(app, event, command, moderator):
    import csv
    import io

    poll_id = make_poll(event)
    italy, spain, *_rest = options_of(app, poll_id)
    command("open_poll", poll_id=poll_id)
    answer(app, "ilze", poll_id, [spain])
    url = f"/api/v1/events/{SLUG}/polls.csv"
    assert app.test_client().get(url).status_code == 401
    rows = list(
        csv.reader(
            io.StringIO(app.test_client().get(url, headers=moderator).get_data(as_text=True))
        )
    )
    assert rows[0] == ["poll_id", "question", "status", "option_id", "option", "count", "total"]
    assert rows[1] == [
        str(poll_id),
        "Kur jūs brauktu mobilitātē?",
        "open",
        str(italy),
        "Itālija",
        "0",
        "1",
    ]
    assert rows[2][4:] == ["Spānija", "1", "1"]
