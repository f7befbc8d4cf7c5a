"""Under gevent (the real server), a PostgreSQL query must not stop the other greenlets."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

EXPERIMENT = """
from gevent import monkey; monkey.patch_all()
import sys, time
import gevent
import sqlalchemy as sa
from conference.db import make_engine

engine = make_engine(sys.argv[1])
ticks = []

def tick():
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        ticks.append(1)
        gevent.sleep(0.01)

def sleep_in_postgres():
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_sleep(1)"))

started = time.monotonic()
gevent.joinall([gevent.spawn(tick)] + [gevent.spawn(sleep_in_postgres) for _ in range(5)])
print(f"{time.monotonic() - started:.2f} {len(ticks)}")
"""


def test_queries_yield_to_other_greenlets(postgres_url):
    done = subprocess.run(
        [sys.executable, "-c", EXPERIMENT, postgres_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    elapsed, ticks = done.stdout.split()
    # Five one-second queries at once take about one second, not five, and the ticking
    # greenlet keeps running meanwhile (about 100 ticks in a second).
    assert float(elapsed) < 3.0
    assert int(ticks) > 40
