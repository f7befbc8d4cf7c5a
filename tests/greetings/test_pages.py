"""The partner's page and the moderators' pages, as rendered HTML."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.db import db, utcnow
from conference.greetings.invites import create_invite, revoke_invite
from conference.greetings.models import Greeting, Invite
from conference.users.services import create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.conftest import join_team

from .factories import make_greeting

pytestmark = pytest.mark.integration


def html_lang(page) -> str:
    return re.search(r'<html lang="([a-z]+)"', page.get_data(as_text=True)).group(1)


def offered(page) -> list[str]:
    switcher = page.get_data(as_text=True).split('class="language-switch"')[1].split("</nav>")[0]
    return re.findall(r'hreflang="([a-z]+)"', switcher)


def sign_in_as(client, role: str):
    user = create_user(f"{role}@example.org", role, "correct horse battery")
    if role != "admin":
        join_team(user.email, role)  # the test's event, "daugavpils-2021"
    with client.session_transaction() as session:
        session[SESSION_KEY] = open_session(user)
    return user


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_partner_page_opens_in_the_partners_language(client, invite_token):
    page = client.get(f"/partner/{invite_token}")
    assert page.status_code == 200
    assert html_lang(page) == "et"  # the Estonian partner's country
    assert offered(page) == ["lv", "en", "et", "it", "es", "pt", "de"]
    text = page.get_data(as_text=True)
    assert "Tartu Kutsehariduskeskus" in text
    assert "vendor/tus-js-client/tus.min.js" in text
    assert "<progress" in text


@pytest.mark.parametrize("lang", ["lv", "en", "et", "it", "es", "pt", "de"])
def test_the_partner_page_speaks_each_partner_language(client, invite_token, lang):
    page = client.get(f"/partner/{invite_token}?lang={lang}")
    assert html_lang(page) == lang
    heading = re.search(r"<h1>(.*?)</h1>", page.get_data(as_text=True)).group(1)
    if lang != "en":
        assert heading != "Video greeting from Tartu Kutsehariduskeskus"


def test_a_dead_link_says_why_in_the_chosen_language(client, event, partner):
    invite, token = create_invite(event, partner)
    revoke_invite(invite)
    page = client.get(f"/partner/{token}?lang=en")
    assert page.status_code == 410
    assert "This upload link has been withdrawn" in page.get_data(as_text=True)
    wrong = client.get("/partner/not-a-token?lang=de")
    assert wrong.status_code == 404
    assert html_lang(wrong) == "de"


def test_moderation_needs_a_signed_in_moderator(client, event):
    assert client.get("/moderate/daugavpils-2021/greetings").status_code == 302
    sign_in_as(client, "jury")
    assert client.get("/moderate/daugavpils-2021/greetings").status_code == 403


def test_moderators_review_and_order_greetings_in_the_page(client, event, partner):
    sign_in_as(client, "moderator")
    ready = make_greeting(event, partner, title="Sveiciens no Tartu")
    other = make_greeting(event, partner, review="approved", title="Pirmais")
    page = client.get("/moderate/daugavpils-2021/greetings")
    text = page.get_data(as_text=True)
    assert "Sveiciens no Tartu" in text and "Tartu Kutsehariduskeskus" in text
    assert "0:13" in text  # the duration, 12.5 s
    assert f'src="/media/{ready.video_file}?access=' in text  # a signed preview
    token = csrf_of(page)
    refused = client.post(
        f"/moderate/daugavpils-2021/greetings/{ready.id}/review",
        data={"csrf_token": token, "decision": "reject", "reason": ""},
        follow_redirects=True,
    )
    assert 'class="alert alert-error"' in refused.get_data(as_text=True)
    client.post(
        f"/moderate/daugavpils-2021/greetings/{ready.id}/review",
        data={"csrf_token": token, "decision": "approve"},
    )
    db.session.refresh(ready)
    assert ready.review == "approved"
    client.post(
        f"/moderate/daugavpils-2021/greetings/{ready.id}/move",
        data={"csrf_token": token, "direction": "up"},
    )
    order = client.get("/api/v1/events/daugavpils-2021/greetings").get_json()
    assert [g["id"] for g in order] == [ready.id, other.id]


def test_moderators_play_and_stop_from_the_page(client, event, partner):
    sign_in_as(client, "moderator")
    greeting = make_greeting(event, partner, review="approved", title="Sveiciens")
    token = csrf_of(client.get("/moderate/daugavpils-2021/greetings"))
    client.post(
        f"/moderate/daugavpils-2021/greetings/{greeting.id}/play", data={"csrf_token": token}
    )
    page = client.get("/moderate/daugavpils-2021/greetings").get_data(as_text=True)
    assert 'data-field="now-playing"' in page
    assert (
        client.get("/api/v1/events/daugavpils-2021/state").get_json()["greeting"]["id"]
        == greeting.id
    )
    client.post("/moderate/daugavpils-2021/greetings/stop", data={"csrf_token": token})
    assert client.get("/api/v1/events/daugavpils-2021/state").get_json()["greeting"] is None


def test_admins_make_a_link_that_is_shown_once(client, event, partner):
    sign_in_as(client, "admin")
    page = client.get("/moderate/daugavpils-2021/invites")
    answer = client.post(
        "/moderate/daugavpils-2021/invites",
        data={
            "csrf_token": csrf_of(page),
            "organisation_id": str(partner.id),
            "language": "",
            "days": "10",
        },
    )
    text = answer.get_data(as_text=True)
    link = re.search(r'id="new-link"[^>]*value="([^"]+)"', text).group(1)
    assert "/partner/" in link
    token = link.rsplit("/", 1)[1]
    assert client.get(f"/api/v1/invites/{token}").status_code == 200
    invite = db.session.scalar(sa.select(Invite))
    assert invite.expires_at - utcnow() > timedelta(days=9, hours=23)
    assert token not in client.get("/moderate/daugavpils-2021/invites").get_data(as_text=True)


def test_admins_withdraw_a_link(client, event, partner):
    sign_in_as(client, "admin")
    invite, token = create_invite(event, partner)
    page = client.get("/moderate/daugavpils-2021/invites")
    client.post(
        f"/moderate/daugavpils-2021/invites/{invite.id}/revoke", data={"csrf_token": csrf_of(page)}
    )
    assert client.get(f"/api/v1/invites/{token}").status_code == 410


def test_moderators_may_not_manage_links(client, event):
    sign_in_as(client, "moderator")
    assert client.get("/moderate/daugavpils-2021/invites").status_code == 403


def test_greetings_of_a_partner_are_listed_on_their_page(client, event, partner, invite_token):
    invite = db.session.scalar(sa.select(Invite))
    greeting = make_greeting(event, partner, status="failed")
    greeting.invite_id, greeting.failure_code, greeting.failure_params = invite.id, "audio_only", {}
    db.session.commit()
    view = client.get(f"/api/v1/invites/{invite_token}?lang=en").get_json()
    assert view["greetings"][0]["failure_reason"].startswith("The file contains only sound")
    assert view["quota_text"] == "You can send 5 more videos."
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 1


def test_moderators_see_how_far_an_upload_has_come(client, event, invite_token):
    from .tus_client import create, patch

    location = create(client, invite_token, 10, title="Vēl ceļā").headers["Location"]
    patch(client, location, b"01234", 0)
    sign_in_as(client, "moderator")
    page = client.get("/moderate/daugavpils-2021/greetings?lang=en").get_data(as_text=True)
    assert "Vēl ceļā" in page
    assert "5 B of 10 B received" in page
