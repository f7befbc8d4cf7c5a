"""Static text files are sent gzip-compressed to browsers that accept it, by the app itself."""

from __future__ import annotations

import gzip

import pytest

from conference.app import create_app


@pytest.fixture
def static_client(tmp_path):
    app = create_app(
        test_config={
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
            "SECRET_KEY": "test-static-gzip",
        },
        async_mode="threading",
    )
    return app.test_client()


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def fetch(client, url, **headers):
    """The answer, read and closed (a plain static answer holds the file open until then)."""
    with client.get(url, headers=headers) as response:
        response.get_data()
        return response


def test_css_is_compressed_and_unchanged_once_unpacked(static_client):
    plain = fetch(static_client, "/static/css/site.css?v=1")
    packed = fetch(static_client, "/static/css/site.css?v=1", **GZIP)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 2
    assert gzip.decompress(packed.data) == plain.data
    assert "immutable" in packed.headers["Cache-Control"]


def test_a_browser_without_gzip_gets_the_plain_file(static_client):
    plain = fetch(static_client, "/static/js/live/live-client.js")
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert b"socket" in plain.data
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_revalidating_a_compressed_file_answers_304(static_client):
    first = fetch(static_client, "/static/js/live/live-client.js", **GZIP)
    assert first.headers["Content-Encoding"] == "gzip"
    etag = {"If-None-Match": first.headers["ETag"]}
    again = fetch(static_client, "/static/js/live/live-client.js", **GZIP, **etag)
    assert again.status_code == 304


def test_ranges_are_answered_from_the_plain_file(static_client):
    part = fetch(static_client, "/static/css/site.css", **GZIP, Range="bytes=0-9")
    assert part.status_code == 206
    assert "Content-Encoding" not in part.headers
    assert len(part.data) == 10
