"""A real tus client (tuspy) over real HTTP: stopped, cut off mid-request, and resumed."""

from __future__ import annotations

import hashlib
import io
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa
from tusclient import client as tus_client
from tusclient.storage.filestorage import FileStorage

from conference.db import db
from conference.greetings import storage
from conference.greetings.models import Greeting
from conference.greetings.processing import process_greeting

from .media_samples import write_video
from .tus_client import TUS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHUNK = 16 * 1024


class ReopenableBytes(io.BytesIO):
    """The file's bytes for tuspy, which closes a given stream after fingerprinting it (and
    leaks the files it opens itself from a path)."""

    def close(self) -> None:
        pass


def send_cut_patch(upload_url: str, offset: int, declared: int, data: bytes) -> None:
    """A PATCH announcing ``declared`` bytes whose connection drops after ``data``."""
    parts = urlsplit(upload_url)
    head = (
        f"PATCH {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {declared}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(head.encode() + data)
        time.sleep(0.2)  # the server has read what was sent; then the line goes dead


def server_offset(upload_url: str) -> int:
    return int(requests.head(upload_url, headers=TUS, timeout=10).headers["Upload-Offset"])


def test_an_upload_cut_in_the_middle_resumes_with_a_new_tuspy_client(
    app, live_url, invite_token, tmp_path
):
    clip = write_video(tmp_path / "sveiciens.mp4", size=(320, 240), duration_s=3.0)
    data = clip.read_bytes()
    assert len(data) > 6 * CHUNK
    endpoint = f"{live_url}/api/v1/invites/{invite_token}/uploads?lang=lv"
    url_storage = FileStorage(str(tmp_path / "tus-urls.json"))
    metadata = {"filename": "sveiciens.mp4", "title": "Sveiciens no Tartu — ā č ē ģ ī ķ ļ ņ š ū ž"}

    first = tus_client.TusClient(endpoint).uploader(
        file_stream=ReopenableBytes(data),
        chunk_size=CHUNK,
        store_url=True,
        url_storage=url_storage,
        metadata=metadata,
    )
    first.upload(stop_at=3 * CHUNK)  # then the first program is killed
    upload_url = first.url
    assert server_offset(upload_url) == 3 * CHUNK
    del first

    # The network drops in the middle of the next request: what arrived is kept.
    send_cut_patch(
        upload_url, 3 * CHUNK, declared=2 * CHUNK, data=data[3 * CHUNK : 3 * CHUNK + 7000]
    )
    deadline = time.monotonic() + 10
    while server_offset(upload_url) != 3 * CHUNK + 7000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server_offset(upload_url) == 3 * CHUNK + 7000

    second = tus_client.TusClient(endpoint).uploader(
        file_stream=ReopenableBytes(data),
        chunk_size=CHUNK,
        store_url=True,
        url_storage=url_storage,
        metadata=metadata,
    )
    assert second.url == upload_url  # found again by the file's fingerprint
    assert second.offset == 3 * CHUNK + 7000
    second.upload()
    url_storage.close()

    greeting = db.session.scalar(sa.select(Greeting))
    db.session.refresh(greeting)
    assert greeting.status == "processing"
    assert greeting.title == metadata["title"]
    received = storage.upload_path(greeting.upload_key).read_bytes()
    assert hashlib.sha256(received).digest() == hashlib.sha256(data).digest()
    assert process_greeting(greeting.id, greeting.upload_key) == "ready"


def test_loopback_throughput_of_one_patch(app, live_url, invite_token, tmp_path):
    """Not a limit, a figure: streaming a 64 MiB body to disk over loopback."""
    app.config["GREETINGS_MAX_UPLOAD_BYTES"] = 128 * 1024**2
    size = 64 * 1024**2
    endpoint = f"{live_url}/api/v1/invites/{invite_token}/uploads"
    location = requests.post(
        endpoint, headers={**TUS, "Upload-Length": str(size)}, timeout=10
    ).headers["Location"]
    body = bytes(range(256)) * (size // 256)
    started = time.monotonic()
    answer = requests.patch(
        location,
        data=body,
        headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert answer.status_code == 204
    assert answer.headers["Upload-Offset"] == str(size)
    print(f"\nloopback upload: {size / elapsed / 1024**2:.0f} MiB/s ({elapsed:.2f} s for 64 MiB)")
