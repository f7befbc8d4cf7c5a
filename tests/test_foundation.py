"""The skeleton: configuration layering, errors as JSON, the attendee cookie, user creation."""

import pytest

from conference.config import ConfigError, UnknownConfigKey, load_config
from conference.errors import Conflict
from conference.users.services import create_token_for, create_user


def test_environment_overrides_file_and_defaults(tmp_path):
    config_file = tmp_path / "c.toml"
    config_file.write_text('[database]\nurl = "sqlite:///from-file.db"\n[server]\nport = 6000\n')
    settings = load_config(
        config_file,
        environ={
            "CONFERENCE_DATABASE_URL": "postgresql://x/y",
            "CONFERENCE_SOCKETIO_PRESENCE_INTERVAL": "2",
        },
    )
    assert settings["database"]["url"] == "postgresql://x/y"
    assert settings["server"]["port"] == 6000
    assert settings["socketio"]["presence_interval"] == 2.0
    assert settings["server"]["host"] == "127.0.0.1"


def test_unknown_keys_warn(tmp_path):
    config_file = tmp_path / "c.toml"
    config_file.write_text("[server]\nprot = 6000\n")
    with pytest.warns(UnknownConfigKey, match="server.prot"):
        load_config(config_file, environ={})
    with pytest.warns(UnknownConfigKey, match="CONFERENCE_SERVER_HOTS"):
        load_config(config_file if False else None, environ={"CONFERENCE_SERVER_HOTS": "x"})


def test_bad_config_file_is_refused(tmp_path):
    config_file = tmp_path / "c.toml"
    config_file.write_text("[server\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(config_file, environ={})
    with pytest.raises(ConfigError, match="must be a number"):
        load_config(None, environ={"CONFERENCE_SERVER_PORT": "many"})


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_first_visit_gets_a_signed_attendee_cookie(client):
    response = client.get("/api/v1/nothing-here")
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("attendee=")
    assert "HttpOnly" in cookie


def test_duplicate_user_is_refused_and_token_is_hashed(app):
    create_user("Moderatore@Example.org", "moderator", "correct horse battery")
    with pytest.raises(Conflict):
        create_user("moderatore@example.org", "admin", "another password")
    token = create_token_for("moderatore@example.org")
    from conference.db import db
    from conference.users.models import ApiToken

    stored = db.session.query(ApiToken).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_static_urls_carry_a_content_version_and_are_cached_for_a_year(app, client):
    from flask import url_for

    with app.test_request_context():
        url = url_for("static", filename="css/site.css")
    assert "?v=" in url
    with client.get(url) as versioned:
        assert versioned.status_code == 200
        assert versioned.cache_control.max_age == 365 * 24 * 3600
        assert versioned.cache_control.immutable
    with client.get("/static/css/site.css") as plain:
        assert plain.cache_control.max_age == 600 and not plain.cache_control.immutable
        assert plain.headers.get("ETag")
