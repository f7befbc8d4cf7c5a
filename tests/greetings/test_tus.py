"""tus 1.0.0 conformance of the partner's upload endpoint (core, creation, termination,
expiration), on both database engines."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.db import db, utcnow
from conference.greetings import storage
from conference.greetings.models import Greeting
from tests.greetings.tus_client import OCTETS, TUS, create, patch, upload, uploads_path

pytestmark = pytest.mark.integration


def upload_files(app) -> list[str]:
    folder = storage.media_dir() / storage.UPLOADS
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def test_options_announces_version_extensions_and_maximum(app, client, invite_token):
    app.config["GREETINGS_MAX_UPLOAD_BYTES"] = 2 * 1024**3
    answer = client.options(uploads_path(invite_token))
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert set(answer.headers["Tus-Extension"].split(",")) == {
        "creation",
        "creation-with-upload",
        "termination",
        "expiration",
    }
    assert answer.headers["Tus-Max-Size"] == str(2 * 1024**3)


def test_post_creates_an_upload_at_an_absolute_location(client, invite_token):
    answer = create(client, invite_token, 11, filename="sveiciens.mp4", title="Sveiki, Daugavpils!")
    assert answer.status_code == 201
    location = answer.headers["Location"]
    assert location.startswith("http://localhost/api/v1/invites/")
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert "GMT" in answer.headers["Upload-Expires"]
    head = client.head(location, headers=TUS)
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == "0"
    assert head.headers["Upload-Length"] == "11"
    assert head.headers["Cache-Control"] == "no-store"


def test_location_uses_the_public_url_behind_a_proxy(app, client, invite_token):
    app.config["PUBLIC_URL"] = "https://konference.example.lv"
    answer = create(client, invite_token, 11)
    assert answer.headers["Location"].startswith(
        f"https://konference.example.lv/api/v1/invites/{invite_token}/uploads/"
    )


def test_patch_appends_and_head_reports_the_offset(app, client, invite_token):
    location = create(client, invite_token, 10).headers["Location"]
    first = patch(client, location, b"01234", 0)
    assert first.status_code == 204
    assert first.headers["Upload-Offset"] == "5"
    assert first.headers["Tus-Resumable"] == "1.0.0"
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "5"
    second = patch(client, location, b"56789", 5)
    assert second.status_code == 204
    assert second.headers["Upload-Offset"] == "10"
    greeting = db.session.scalar(sa.select(Greeting))
    db.session.refresh(greeting)
    assert greeting.status == "processing"
    assert storage.upload_path(greeting.upload_key).read_bytes() == b"0123456789"


def test_patch_at_a_wrong_offset_is_409_and_stores_nothing(client, invite_token):
    location = create(client, invite_token, 10).headers["Location"]
    patch(client, location, b"01234", 0)
    answer = patch(client, location, b"56789", 3)
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "offset_mismatch"
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "5"


def test_patch_with_a_wrong_content_type_is_415(client, invite_token):
    location = create(client, invite_token, 10).headers["Location"]
    answer = patch(client, location, b"01234", 0, **{"Content-Type": "video/mp4"})
    assert answer.status_code == 415
    assert answer.get_json()["error"]["code"] == "unsupported_media_type"
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "0"


@pytest.mark.parametrize("version", ["0.2.2", "2.0.0", None])
def test_an_unsupported_version_is_412_with_tus_version(client, invite_token, version):
    headers = {"Upload-Length": "10"}
    if version:
        headers["Tus-Resumable"] = version
    answer = client.post(uploads_path(invite_token), headers=headers)
    assert answer.status_code == 412
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.get_json()["error"]["code"] == "unsupported_version"
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 0


def test_a_declared_length_over_the_maximum_is_413_before_any_byte(app, client, invite_token):
    app.config["GREETINGS_MAX_UPLOAD_BYTES"] = 1000
    answer = create(client, invite_token, 1001)
    assert answer.status_code == 413
    error = answer.get_json()["error"]
    assert error["code"] == "file_too_large"
    assert "1000 B" in error["message"]
    assert upload_files(app) == []
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 0


def test_more_bytes_than_declared_are_refused_and_nothing_is_kept(app, client, invite_token):
    location = create(client, invite_token, 8).headers["Location"]
    patch(client, location, b"0123", 0)
    answer = patch(client, location, b"456789", 4)
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "too_many_bytes"
    greeting = db.session.scalar(sa.select(Greeting))
    assert storage.upload_path(greeting.upload_key).read_bytes() == b"0123"


def test_more_bytes_than_declared_in_a_chunked_body_are_cut_back(live_url, invite_token):
    """A chunked body announces no length; the extra bytes are noticed while streaming."""
    import requests

    created = requests.post(
        live_url + uploads_path(invite_token), headers={**TUS, "Upload-Length": "8"}, timeout=10
    )
    location = created.headers["Location"]

    def body():
        yield b"0123"
        yield b"456789"

    answer = requests.patch(
        location,
        data=body(),
        headers={**TUS, "Upload-Offset": "0", "Content-Type": OCTETS},
        timeout=10,
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_many_bytes"
    head = requests.head(location, headers=TUS, timeout=10)
    assert head.headers["Upload-Offset"] == "0"


def test_delete_terminates_the_upload_and_removes_its_file(app, client, invite_token):
    location = create(client, invite_token, 10).headers["Location"]
    patch(client, location, b"01234", 0)
    assert len(upload_files(app)) == 1
    answer = client.delete(location, headers=TUS)
    assert answer.status_code == 204
    assert upload_files(app) == []
    assert client.head(location, headers=TUS).status_code == 404
    assert patch(client, location, b"56789", 5).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 0


def test_a_finished_upload_patched_again_is_refused(client, invite_token):
    location = upload(client, invite_token, b"0123456789")
    answer = patch(client, location, b"more", 10)
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "upload_complete"
    head = client.head(location, headers=TUS)
    assert head.headers["Upload-Offset"] == "10"


def test_an_expired_unfinished_upload_is_gone_with_its_file(app, client, invite_token):
    location = create(client, invite_token, 10).headers["Location"]
    patch(client, location, b"01234", 0)
    greeting = db.session.scalar(sa.select(Greeting))
    greeting.upload_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    answer = client.head(location, headers=TUS)
    assert answer.status_code == 410
    assert upload_files(app) == []
    assert client.head(location, headers=TUS).status_code == 404


def test_the_periodic_cleanup_removes_abandoned_uploads_only(app, client, invite_token):
    from conference.greetings.removal import purge_expired_uploads

    abandoned = create(client, invite_token, 10).headers["Location"]
    active = create(client, invite_token, 10).headers["Location"]
    patch(client, abandoned, b"01234", 0)
    patch(client, active, b"01234", 0)
    first = db.session.scalars(sa.select(Greeting).order_by(Greeting.id)).first()
    first.upload_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert purge_expired_uploads() == 1
    assert client.head(abandoned, headers=TUS).status_code == 404
    assert client.head(active, headers=TUS).headers["Upload-Offset"] == "5"
    assert len(upload_files(app)) == 1
