"""tus 1.0.0: ``X-HTTP-Method-Override`` and the ``creation-with-upload`` extension, in raw
tus requests through the test client and over real HTTP."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from conference.db import db
from conference.greetings import storage
from conference.greetings.models import Greeting
from tests.greetings.tus_client import OCTETS, TUS, create, metadata, uploads_path

pytestmark = pytest.mark.integration


def override(client, location: str, method: str, data: bytes = b"", **headers: str):
    return client.post(
        location, data=data, headers={**TUS, "X-HTTP-Method-Override": method, **headers}
    )


def test_post_overridden_to_patch_head_and_delete_acts_as_them(client, invite_token):
    location = create(client, invite_token, 10).headers["Location"]
    written = override(
        client, location, "PATCH", b"01234", **{"Upload-Offset": "0", "Content-Type": OCTETS}
    )
    assert written.status_code == 204
    assert written.headers["Upload-Offset"] == "5"
    head = override(client, location, "head")
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == "5" and head.headers["Upload-Length"] == "10"
    assert head.data == b""
    stale = override(
        client, location, "PATCH", b"x", **{"Upload-Offset": "0", "Content-Type": OCTETS}
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "offset_mismatch"
    assert override(client, location, "DELETE").status_code == 204
    assert client.head(location, headers=TUS).status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "OPTIONS", "", "TRACE"])
def test_post_overridden_to_anything_else_is_405(client, invite_token, method):
    location = create(client, invite_token, 10).headers["Location"]
    answer = override(client, location, method)
    assert answer.status_code == 405
    assert answer.get_json()["error"]["code"] == "method_not_allowed"
    assert set(answer.headers["Allow"].split(", ")) >= {"PATCH", "HEAD", "DELETE"}
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "0"


def test_creation_overridden_to_another_method_is_405_and_creates_nothing(client, invite_token):
    answer = client.post(
        uploads_path(invite_token),
        headers={**TUS, "Upload-Length": "5", "X-HTTP-Method-Override": "DELETE"},
    )
    assert answer.status_code == 405
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 0


def test_creation_with_upload_writes_the_first_chunk(client, invite_token):
    body = "Sveiki, ā č ē!".encode()
    answer = client.post(
        uploads_path(invite_token),
        data=body[:6],
        headers={
            **TUS,
            "Upload-Length": str(len(body)),
            "Upload-Metadata": metadata(filename="sveiciens.mp4"),
            "Content-Type": OCTETS,
        },
    )
    assert answer.status_code == 201
    assert answer.headers["Upload-Offset"] == "6"
    location = answer.headers["Location"]
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "6"
    rest = client.patch(
        location, data=body[6:], headers={**TUS, "Upload-Offset": "6", "Content-Type": OCTETS}
    )
    assert rest.headers["Upload-Offset"] == str(len(body))
    greeting = db.session.scalar(sa.select(Greeting))
    db.session.refresh(greeting)
    assert greeting.status == "processing"
    assert storage.upload_path(greeting.upload_key).read_bytes() == body


def test_creation_with_more_bytes_than_declared_is_413_and_creates_nothing(client, invite_token):
    answer = client.post(
        uploads_path(invite_token),
        data=b"0123456789",
        headers={**TUS, "Upload-Length": "4", "Content-Type": OCTETS},
    )
    assert answer.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 0


def test_creation_with_a_body_of_another_type_is_415_and_creates_nothing(client, invite_token):
    answer = client.post(
        uploads_path(invite_token),
        data=b"0123",
        headers={**TUS, "Upload-Length": "4", "Content-Type": "text/plain"},
    )
    assert answer.status_code == 415
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 0


def test_over_real_http_a_whole_upload_in_the_creation_request(live_url, invite_token):
    body = bytes(range(256)) * 40
    with requests.Session() as http:
        created = http.post(
            live_url + uploads_path(invite_token),
            data=body,
            headers={**TUS, "Upload-Length": str(len(body)), "Content-Type": OCTETS},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        assert created.headers["Upload-Offset"] == str(len(body))
        head = http.post(
            created.headers["Location"],
            headers={**TUS, "X-HTTP-Method-Override": "HEAD"},
            timeout=30,
        )
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == str(len(body))
    db.session.remove()
    greeting = db.session.scalar(sa.select(Greeting))
    assert storage.upload_path(greeting.upload_key).read_bytes() == body
