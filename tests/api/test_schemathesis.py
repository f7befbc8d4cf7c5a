"""schemathesis against a running ``conference serve`` (gevent, the demo event): requests
generated from ``conference/api/openapi.json`` never get a 500, and every answer matches the
description (status, content type, headers, body).

Bounded for CI: a fixed number of examples per operation, derandomized (the same requests on
every run), no example database; about a minute on the 2-core machine. Path parameters are
pointed at what exists (the demo's slug, a real invite, ids in a small range) half the time,
so the generated bodies reach the code behind the 404s.
"""

from __future__ import annotations

import random

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conference.api import DESCRIPTION_FILE
from tests.conftest import empty_postgres
from tests.e2e.conftest import create_demo_database, server_database
from tests.e2e.live_server import ServerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SLUG = "daugavpils-2021"
EXAMPLES_PER_OPERATION = 60
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# tus bodies are raw bytes; a few dozen are enough to reach every refusal.
schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=64))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def running(request, tmp_path_factory):
    """A demo server on each engine, an admin's token and a partner's invite token."""
    from conference.greetings.invites import create_invite
    from conference.users.services import create_token_for, create_user

    instance = tmp_path_factory.mktemp("schemathesis")
    if request.param == "sqlite":
        database_url = f"sqlite:///{instance / 'conference.db'}"
    else:
        database_url = request.getfixturevalue("postgres_url")
    create_demo_database(instance, database_url)
    with server_database(instance, database_url):
        from conference.db import db
        from conference.events.models import Event

        event = db.session.query(Event).filter_by(slug=SLUG).one()
        _, invite = create_invite(event, event.organisations[1])
        create_user("schemathesis@example.org", "admin", "correct horse battery")
        token = create_token_for("schemathesis@example.org")
    server = ServerProcess(instance, database_url)
    server.start()
    yield server, token, invite
    server.stop()
    if request.param == "postgresql":
        empty_postgres(database_url)  # the session's database, shared with other tests


def operations():
    schema = schemathesis.openapi.from_path(DESCRIPTION_FILE)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", operations(), ids=lambda op: op.label)
def test_generated_requests_get_described_answers_and_never_a_500(running, operation):
    server, token, invite = running
    session = requests.Session()

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        choose = random.Random(repr(case.path_parameters))
        if case.path_parameters and choose.random() < 0.5:
            known = {"slug": SLUG, "token": invite}
            for name in case.path_parameters:
                if name in known:
                    case.path_parameters[name] = known[name]
                elif name.endswith("_id"):
                    case.path_parameters[name] = choose.randint(1, 8)
        headers = {"Authorization": f"Bearer {token}"} if choose.random() < 0.7 else {}
        case.call_and_validate(
            base_url=server.url, session=session, headers=headers, checks=CHECKS, timeout=30
        )

    try:
        check()
    finally:
        session.close()
