"""The production server's start-up tuning: listen backlog and garbage collector."""

from __future__ import annotations

import gc
import socket

import pytest

from conference.config import DEFAULTS
from conference.server import make_wsgi_server, tune_gc

pytestmark = pytest.mark.unit


@pytest.fixture
def restore_gc():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_tune_gc_freezes_what_is_loaded_and_raises_the_young_threshold(restore_gc):
    older = gc.get_threshold()[1:]
    tune_gc(freeze=True, threshold=50_000)
    assert gc.get_freeze_count() > 10_000  # this test process's modules, at least
    assert gc.get_threshold() == (50_000, *older)
    # Objects made afterwards are collected as before: a cycle created now is found.
    gc.collect()
    cycle = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def test_tune_gc_off_keeps_pythons_collector(restore_gc):
    thresholds = gc.get_threshold()
    tune_gc(freeze=False, threshold=0)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


def test_the_server_listens_with_the_configured_backlog(app):
    assert DEFAULTS["server"]["backlog"] == 4096
    server = make_wsgi_server(app, "127.0.0.1", 0, backlog=1234)
    try:
        server.init_socket()
        assert server.backlog == 1234
        assert server.socket.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
    finally:
        server.close()
