"""bench/fanout/profile.py sorts py-spy samples into the parts of the fan-out path."""

from __future__ import annotations

import pytest

from bench.fanout.profile import OTHER, REPO_ROOT, gc_delta, summarise

pytestmark = pytest.mark.unit

SP = "/srv/venv/lib/python3.11/site-packages"
API = f"{REPO_ROOT}/conference/live/api.py"


def test_samples_fall_into_the_first_matching_part(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(
        # A broadcast runs inside the moderator's request: it counts as emit, not as command.
        f"handle ({SP}/gevent/pywsgi.py:1);commands ({API}:9);"
        f"Manager.emit ({SP}/socketio/manager.py:52);Socket.send ({SP}/engineio/socket.py:77) 30\n"
        f"handle ({SP}/gevent/pywsgi.py:1);commands ({API}:9);"
        f"Session.commit ({SP}/sqlalchemy/orm/session.py:2) 10\n"
        f"run ({SP}/gevent/greenlet.py:1);_websocket_handler.<locals>.writer "
        f"({SP}/engineio/socket.py:214);send ({SP}/geventwebsocket/websocket.py:3) 50\n"
        f"Hub.run ({SP}/gevent/hub.py:647) 8\n"
        "mystery (elsewhere.py:1) 2\n"
    )
    profile = summarise(raw)
    assert profile["samples"] == 100
    by_label = {label.split(":")[0]: n for label, n in profile["categories"].items()}
    assert by_label == {
        "writer greenlets": 50,
        "emit": 30,
        "command": 10,
        "gevent hub": 8,
        OTHER: 2,
    }
    # Lines are the innermost frames, with the site-packages prefix and line number kept.
    assert profile["lines"][0] == ("send (geventwebsocket/websocket.py:3)", 50)


def test_gc_delta_subtracts_the_earlier_totals():
    before = {"2": {"count": 1, "total_ms": 50.0, "max_ms": 50.0}}
    after = {"2": {"count": 3, "total_ms": 110.0, "max_ms": 60.0}}
    assert gc_delta(after, before) == {"2": {"count": 2, "total_ms": 60.0, "max_ms": 60.0}}
    assert gc_delta(None, before) is None
