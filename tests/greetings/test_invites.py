"""Invites (upload links): tokens, expiry, revocation, quotas, and the bad input partners send."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from conference.db import db, utcnow
from conference.greetings import storage
from conference.greetings.invites import create_invite, revoke_invite
from conference.greetings.models import Greeting, Invite

from .tus_client import TUS, create, patch, upload, uploads_path

pytestmark = pytest.mark.integration


def nothing_stored() -> bool:
    folder = storage.media_dir() / storage.UPLOADS
    files = os.listdir(folder) if folder.is_dir() else []
    return files == [] and db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 0


def test_the_partner_view_names_event_organisation_and_deadline(client, invite_token):
    view = client.get(f"/api/v1/invites/{invite_token}").get_json()
    assert view["organisation"]["name"] == "Tartu Kutsehariduskeskus"
    assert view["event"]["slug"] == "daugavpils-2021"
    assert view["event"]["title"]["lv"].startswith("Erasmus+ projektu rezultātu")
    assert view["expires_at"].endswith("Z")
    assert view["language"] == "et"
    assert view["greetings"] == []


def test_only_the_hash_of_a_token_is_stored_and_it_has_256_bits(invite_token):
    stored = db.session.scalars(sa.select(Invite.token_hash)).all()
    assert stored == [hashlib.sha256(invite_token.encode()).hexdigest()]
    assert len(invite_token) >= 43  # 32 random bytes, URL-safe base64


@pytest.mark.parametrize("method", ["view", "create"])
def test_a_wrong_token_is_404_with_a_clear_message(client, event, method):
    if method == "view":
        answer = client.get("/api/v1/invites/not-a-real-token?lang=en")
    else:
        answer = client.post(
            uploads_path("not-a-real-token") + "?lang=en", headers={**TUS, "Upload-Length": "5"}
        )
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert error["code"] == "invite_not_found"
    assert "upload link is not valid" in error["message"]


def test_an_expired_token_is_410(client, event, partner):
    invite, token = create_invite(event, partner)
    invite.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    answer = create(client, token, 5)
    assert answer.status_code == 410
    assert answer.get_json()["error"]["code"] == "invite_expired"
    assert nothing_stored()


def test_a_revoked_token_stops_uploads_in_progress(client, event, partner):
    invite, token = create_invite(event, partner)
    location = create(client, token, 10).headers["Location"]
    revoke_invite(invite)
    answer = patch(client, location, b"01234", 0)
    assert answer.status_code == 410
    assert answer.get_json()["error"]["code"] == "invite_revoked"
    assert client.get(f"/api/v1/invites/{token}").status_code == 410


def test_errors_come_in_the_requests_language(app, client, event):
    answer = client.get("/api/v1/invites/nope?lang=lv")
    assert answer.get_json()["error"]["message"] == (
        "Šī augšupielādes saite nav derīga. Lūdzu, pārbaudiet, vai nokopējāt to visu."
    )
    browser = app.test_client()  # a second browser: no language cookie yet
    answer = browser.get("/api/v1/invites/nope", headers={"Accept-Language": "pt-PT,pt;q=0.9"})
    assert answer.get_json()["error"]["message"].startswith("Esta ligação de envio não é válida.")


def test_zero_bytes_are_refused_before_anything_is_stored(client, invite_token):
    answer = create(client, invite_token, 0, filename="tukšs.mp4")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "empty_file"
    assert nothing_stored()


def test_a_path_like_file_name_keeps_only_its_base_name(client, invite_token):
    upload(client, invite_token, b"x" * 10, filename="../../etc/C:\\Users\\Līga\\sveiciens.mp4")
    greeting = db.session.scalar(sa.select(Greeting))
    assert greeting.upload_filename == "sveiciens.mp4"
    published = storage.media_dir() / storage.UPLOADS
    assert [name.endswith(".part") and len(name) == 37 for name in os.listdir(published)] == [True]
    assert not (storage.media_dir().parent / "etc").exists()


def test_title_and_message_keep_latvian_letters(client, invite_token):
    title = "Sveicieni no Tartu: ā č ē ģ ī ķ ļ ņ š ū ž"
    upload(client, invite_token, b"x" * 10, title=title, message="Paldies!\nUz tikšanos.")
    shown = client.get(f"/api/v1/invites/{invite_token}").get_json()["greetings"][0]
    assert shown["title"] == title
    assert shown["message"] == "Paldies!\nUz tikšanos."


def test_unreadable_metadata_is_400(client, invite_token):
    answer = client.post(
        uploads_path(invite_token),
        headers={**TUS, "Upload-Length": "5", "Upload-Metadata": "title not*base64"},
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "bad_metadata"
    assert nothing_stored()


def test_the_count_quota_refuses_one_greeting_too_many(client, event, partner):
    invite, token = create_invite(event, partner)
    invite.max_uploads = 2
    db.session.commit()
    upload(client, token, b"a" * 10)
    upload(client, token, b"b" * 10)
    answer = create(client, token, 10)
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "quota_exceeded"
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 2


def test_the_bytes_quota_counts_every_greeting_of_the_invite(client, event, partner):
    invite, token = create_invite(event, partner)
    invite.max_bytes = 25
    db.session.commit()
    upload(client, token, b"a" * 20)
    answer = create(client, token, 6)
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "quota_exceeded"
    assert create(client, token, 5).status_code == 201


def test_replacing_before_approval_keeps_one_greeting(client, invite_token):
    upload(client, invite_token, b"first-video", title="Pirmais")
    first = db.session.scalar(sa.select(Greeting))
    old_file = storage.upload_path(first.upload_key)
    first.status, first.review = "failed", "pending"  # as if processing refused it
    db.session.commit()
    upload(client, invite_token, b"second-video", replaces=str(first.id))
    greetings = db.session.scalars(sa.select(Greeting)).all()
    assert [g.id for g in greetings] == [first.id]
    db.session.refresh(first)
    assert first.title == "Pirmais"
    assert storage.upload_path(first.upload_key).read_bytes() == b"second-video"
    assert not old_file.exists()


def test_an_approved_greeting_cannot_be_replaced(client, invite_token):
    upload(client, invite_token, b"video")
    greeting = db.session.scalar(sa.select(Greeting))
    greeting.status, greeting.review = "ready", "approved"
    db.session.commit()
    answer = create(client, invite_token, 5, replaces=str(greeting.id))
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "greeting_approved"


def test_another_partners_greeting_cannot_be_replaced(client, event, invite_token):
    other_token = create_invite(event, event.organisations[2])[1]
    upload(client, other_token, b"video")
    theirs = db.session.scalar(sa.select(Greeting))
    answer = create(client, invite_token, 5, replaces=str(theirs.id))
    assert answer.status_code == 404


def run_cli(db_url: str, instance, *arguments: str, **env: str):
    """The console script in its own process, as an organiser runs it."""
    environment = {
        **os.environ,
        "CONFERENCE_DATABASE_URL": db_url,
        "CONFERENCE_SERVER_INSTANCE_DIR": str(instance),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "conference.cli", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_cli_invite_create_prints_a_working_link(app, db_url, event, partner, tmp_path):
    result = run_cli(
        db_url,
        tmp_path / "cli",
        "invite",
        "create",
        "daugavpils-2021",
        "Tartu Kutsehariduskeskus",
        CONFERENCE_SERVER_PUBLIC_URL="https://konference.example.lv",
    )
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith("https://konference.example.lv/partner/")
    token = url.rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(Invite.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert app.test_client().get(f"/api/v1/invites/{token}").status_code == 200


def test_cli_invite_create_takes_the_organisation_id(app, db_url, event, partner, tmp_path):
    result = run_cli(
        db_url, tmp_path / "cli", "invite", "create", "daugavpils-2021", str(partner.id)
    )
    assert result.returncode == 0, result.stderr
    assert "/partner/" in result.stdout


@pytest.mark.parametrize(
    ("slug", "organisation", "named"),
    [("daugavpils-2021", "Nobody GmbH", "Nobody GmbH"), ("no-such-event", "1", "no-such-event")],
)
def test_cli_invite_create_fails_in_one_line(db_url, event, tmp_path, slug, organisation, named):
    result = run_cli(db_url, tmp_path / "cli", "invite", "create", slug, organisation)
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert named in result.stderr


def test_the_upload_api_speaks_the_partners_languages(app, client, invite_token):
    answer = client.post(
        uploads_path(invite_token) + "?lang=de", headers={**TUS, "Upload-Length": "0"}
    )
    assert answer.get_json()["error"]["message"] == (
        "Die Datei ist leer. Bitte laden Sie das Video erneut hoch."
    )
    fresh = app.test_client()  # no ?lang, no cookie: the invite's language (Estonian) comes first
    answer = fresh.post(
        uploads_path(invite_token),
        headers={**TUS, "Upload-Length": "0", "Accept-Language": "it"},
    )
    assert answer.get_json()["error"]["message"] == "Fail on tühi. Palun laadige video uuesti üles."
    answer = fresh.post(uploads_path(invite_token) + "?lang=pt", headers={"Upload-Length": "5"})
    assert answer.status_code == 412
    assert answer.get_json()["error"]["message"].startswith("Este servidor usa tus 1.0.0")
