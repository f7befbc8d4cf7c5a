"""The rush at 14:00: the live page is rendered once per state and language, not per visitor."""

import sqlalchemy as sa

from conference.db import db
from conference.live.commands import run_command
from conference.users.services import create_user
from conference.users.sessions import SESSION_KEY, open_session

SLUG = "daugavpils-2021"


def count_queries(action):
    queries = []

    def count(*args):
        queries.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return result, queries


def test_visitors_asking_alike_share_one_render_until_the_state_changes(app, event):
    visitor = app.test_client()
    first = visitor.get(f"/events/{SLUG}?lang=lv").get_data(as_text=True)
    second, queries = count_queries(
        lambda: app.test_client().get(f"/events/{SLUG}?lang=lv").get_data(as_text=True)
    )
    assert second == first
    assert queries == []
    english = app.test_client().get(f"/events/{SLUG}?lang=en")
    assert 'lang="en"' in english.get_data(as_text=True)
    run_command(SLUG, {"type": "announce", "text": {"lv": "Kafijas pauze — ņemiet ūdeni"}})
    after = app.test_client().get(f"/events/{SLUG}?lang=lv").get_data(as_text=True)
    assert "Kafijas pauze — ņemiet ūdeni" in after and after != first


def test_signed_in_users_always_get_a_fresh_page(app, event):
    moderator = create_user("mod@example.org", "moderator", "moderatora parole")
    client = app.test_client()
    client.get(f"/events/{SLUG}")
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(moderator)
    _, queries = count_queries(lambda: client.get(f"/events/{SLUG}"))
    assert queries


def test_a_cached_page_is_sent_gzip_compressed_to_browsers_that_accept_it(app, event):
    import gzip

    plain = app.test_client().get(f"/events/{SLUG}?lang=lv")
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    packed = app.test_client().get(f"/events/{SLUG}?lang=lv", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    # Both reasons the page differs: its encoding, and the language cookie (the session look).
    assert {"accept-encoding", "cookie"} <= {
        part.strip().lower() for part in packed.headers["Vary"].split(",")
    }
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert gzip.decompress(packed.data) == plain.data
    # The compressed page follows the state and the language like the plain one.
    english = app.test_client().get(f"/events/{SLUG}?lang=en", headers={"Accept-Encoding": "gzip"})
    assert 'lang="en"' in gzip.decompress(english.data).decode()
    run_command(SLUG, {"type": "announce", "text": {"lv": "Zāle ir pilna — ģērbtuve lejā"}})
    after = app.test_client().get(f"/events/{SLUG}?lang=lv", headers={"Accept-Encoding": "gzip"})
    assert "Zāle ir pilna — ģērbtuve lejā" in gzip.decompress(after.data).decode()


def test_every_new_visitor_of_a_cached_page_gets_an_own_attendee_cookie(app, event):
    app.test_client().get(f"/events/{SLUG}")  # now cached
    first, second = app.test_client(), app.test_client()
    assert "attendee=" in first.get(f"/events/{SLUG}").headers["Set-Cookie"]
    assert "attendee=" in second.get(f"/events/{SLUG}").headers["Set-Cookie"]
    assert first.get_cookie("attendee").value != second.get_cookie("attendee").value
    assert "Set-Cookie" not in first.get(f"/events/{SLUG}").headers
