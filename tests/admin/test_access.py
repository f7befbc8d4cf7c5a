"""Only admins reach the admin: others get 403, signed-out visitors the sign-in page."""

from __future__ import annotations

from tests.admin.browser import post_form, sign_in


def test_signed_out_visitor_is_sent_to_sign_in_and_back(app, client, admin):
    response = client.get("/admin/users/?lang=lv")
    assert response.status_code == 302
    assert response.location == "/login?next=/admin/users/?lang%3Dlv"
    page = client.get(response.location)
    assert page.status_code == 200
    assert 'name="password"' in page.text


def test_moderator_and_juror_get_403(app, client, make_user):
    for email, role in (("mod@example.org", "moderator"), ("jur@example.org", "jury")):
        make_user(email, role)
        browser = app.test_client()
        assert sign_in(browser, email).status_code == 302
        assert browser.get("/admin/").status_code == 403
        assert browser.get("/admin/events/new").status_code == 403
        assert browser.post("/admin/events/new", data={"slug": "x"}).status_code in (400, 403)


def test_deactivated_admin_is_out_at_once(app, admin_client, make_user, admin):
    from conference.db import db
    from conference.users.models import User

    assert admin_client.get("/admin/").status_code == 200
    db.session.get(User, admin.id).active = False
    db.session.commit()
    assert admin_client.get("/admin/").status_code == 302


def test_admin_pages_are_not_cached(app, admin_client):
    assert admin_client.get("/admin/").headers["Cache-Control"] == "no-store"


def test_form_without_csrf_token_changes_nothing(app, admin_client):
    response = admin_client.post("/admin/users/new", data={"email": "x@example.org"})
    assert response.status_code == 400
    assert "x@example.org" not in admin_client.get("/admin/users/").text
    # The same form with the page's token goes through.
    response = post_form(
        admin_client,
        "/admin/users/new",
        {
            "email": "x@example.org",
            "role": "jury",
            "password": "garā parole",
            "password_again": "garā parole",
        },
    )
    assert response.status_code == 302
    assert "x@example.org" in admin_client.get("/admin/users/").text
