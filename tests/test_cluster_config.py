"""Running behind nginx: the committed site configuration, and the client address the app believes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conference.app import REPO_DIR, create_app
from conference.ratelimit import client_address

SITE = REPO_DIR / "deploy" / "nginx" / "conference.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).is_file()), None
    )


def test_nginx_accepts_the_site_configuration(tmp_path):
    nginx = nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    media = tmp_path / "media"
    media.mkdir()
    site = SITE.read_text()
    assert "/srv/conference/static/" in site and "/srv/conference/instance/media/" in site
    site = site.replace("/srv/conference/static/", f"{REPO_DIR}/static/")
    site = site.replace("/srv/conference/instance/media/", f"{media}/")
    (tmp_path / "conference.conf").write_text(site)
    mime_types = Path("/etc/nginx/mime.types")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\n"
        "events {}\n"
        "http {\n"
        + (f"    include {mime_types};\n" if mime_types.is_file() else "")
        + f"    client_body_temp_path {tmp_path}/body;\n"
        f"    proxy_temp_path {tmp_path}/proxy;\n"
        f"    include {tmp_path}/conference.conf;\n"
        "}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)]
        + ["-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def app_behind(tmp_path, proxies: int):
    app = create_app(
        test_config={
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
            "SECRET_KEY": "test-proxy-fix",
            "PROXY_FIX": proxies,
        },
        async_mode="threading",
    )

    @app.get("/test-client-address")
    def _address():
        from flask import request

        return {"address": client_address(), "scheme": request.scheme}

    return app


# What nginx sends for a client 198.51.100.7 that forged an X-Forwarded-For of its own.
FORWARDED = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"}


def ask(app) -> dict:
    client = app.test_client()
    response = client.get(
        "/test-client-address", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    return response.get_json()


def test_forwarded_headers_are_ignored_by_default(tmp_path):
    # Nothing in front: anyone could write X-Forwarded-For to dodge the per-address limits.
    assert ask(app_behind(tmp_path, 0)) == {"address": "127.0.0.1", "scheme": "http"}


def test_behind_one_proxy_the_address_is_the_one_nginx_saw(tmp_path):
    # Only nginx's own entry (the right-most) is believed, not the one the client forged.
    assert ask(app_behind(tmp_path, 1)) == {"address": "198.51.100.7", "scheme": "https"}


def test_proxy_fix_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFERENCE_SERVER_PROXY_FIX", "1")
    monkeypatch.chdir(tmp_path)  # no config.toml here: defaults, then the environment
    app = create_app(
        test_config={"TESTING": True, "INSTANCE_DIR": str(tmp_path / "instance")},
        async_mode="threading",
    )
    assert app.config["PROXY_FIX"] == 1
