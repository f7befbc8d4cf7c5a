"""Fixtures for the event-file, API and schedule tests: the demo file and the imported demo."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.db import Base, db
from conference.demo import DEMO_FILE
from conference.events.exchange import import_event


@pytest.fixture
def demo_text() -> str:
    return DEMO_FILE.read_text(encoding="utf-8")


@pytest.fixture
def demo(app, demo_text):
    """The demo event, imported from its file; returns its slug."""
    return import_event(demo_text).slug


def row_counts() -> dict[str, int]:
    """Rows per table, to show that a refused import wrote nothing at all."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }
