"""The demo event for the API description's tests."""

from __future__ import annotations

import pytest

from conference.demo import DEMO_FILE
from conference.events.exchange import import_event


@pytest.fixture
def demo(app):
    return import_event(DEMO_FILE.read_text(encoding="utf-8")).slug
