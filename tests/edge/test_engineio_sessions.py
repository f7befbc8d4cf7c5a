"""A polling POST for an Engine.IO session that closed meanwhile answers 400, not 500."""

from __future__ import annotations

import json

from conference.extensions import socketio


def handshake(client) -> str:
    answer = client.get("/socket.io/?EIO=4&transport=polling")
    assert answer.status_code == 200, answer.data
    return json.loads(answer.get_data(as_text=True)[1:])["sid"]


def test_a_post_to_a_session_closed_meanwhile_is_a_bad_request(app):
    client = app.test_client()
    sid = handshake(client)
    socketio.server.eio.sockets[sid].closed = True  # its ping timed out; the POST was on the way
    answer = client.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data="40")
    assert answer.status_code == 400, answer.data
    assert answer.get_json() == "Invalid session"
    # The session is gone for good: the client's next try is the same clear refusal.
    again = client.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data="40")
    assert again.status_code == 400


def test_other_key_errors_are_not_hidden(app, monkeypatch):
    from conference.edge.engineio_sessions import GoneSessionIsBadRequest

    def broken(environ, start_response):
        raise KeyError("something else")

    layer = GoneSessionIsBadRequest(broken)
    try:
        layer({"PATH_INFO": "/socket.io/"}, lambda *a: None)
    except KeyError as error:
        assert error.args == ("something else",)
    else:
        raise AssertionError("a KeyError of another kind was swallowed")
