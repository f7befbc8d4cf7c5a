"""Signed-in browsers for the admin and sign-in tests, and forms sent the way a browser does."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from conference.db import db
from conference.users.auth import hash_password
from conference.users.models import User

PASSWORD = "pareizā parole ļoti"
CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on the page."""
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(client, page_url: str, data: dict, action: str | None = None, **kwargs):
    """Open ``page_url`` like a browser, then send ``data`` with the page's CSRF token."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text[:500]
    return client.post(
        action or page_url, data={**data, "csrf_token": csrf_of(page.text)}, **kwargs
    )


class BrowserClient(FlaskClient):
    """A test client whose every request gets its own application context, as in production.

    The ``app`` fixture keeps one application context pushed for the whole test, and Flask then
    reuses it for each test request: ``g`` (the signed-in user, the CSRF token) and the database
    session would carry over from one request to the next, which no real browser sees.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def browser_clients(app):
    """Every ``client`` and ``app.test_client()`` of these tests is a :class:`BrowserClient`."""
    app.test_client_class = BrowserClient


@pytest.fixture
def client(app, browser_clients):
    return app.test_client()


@pytest.fixture
def make_user(app):
    def make(email: str, role: str, password: str = PASSWORD, active: bool = True) -> User:
        user = User(email=email, role=role, password_hash=hash_password(password), active=active)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def sign_in(client, email: str, password: str = PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


@pytest.fixture
def admin(make_user):
    return make_user("admine@example.org", "admin")


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    response = sign_in(client, admin.email)
    assert response.status_code == 302
    return client
