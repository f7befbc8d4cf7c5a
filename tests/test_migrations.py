"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import secrets
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import conference.models  # noqa: F401
from conference.db import Base, make_engine
from conference.migrations import current_revision, upgrade
from tests.conftest import PG_ADMIN_URL, service_missing


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"conference_migrate_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        service_missing("PostgreSQL", str(exc.orig).strip().splitlines()[0])
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_gives_the_models_schema(empty_database):
    upgrade(empty_database)
    assert current_revision(empty_database) is not None
    engine = make_engine(empty_database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
    upgrade(empty_database)  # a second run changes nothing and does not fail


def test_db_upgrade_command_on_an_unreachable_database_says_so_in_one_line(tmp_path):
    environment = dict(
        os.environ,
        CONFERENCE_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        CONFERENCE_SERVER_INSTANCE_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "conference.cli", "db", "upgrade"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "cannot reach the database" in result.stderr


def test_upgrading_to_event_roles_keeps_existing_moderators_and_jurors_at_work(empty_database):
    """Migration 0005: the moderators and jurors of before (global roles) get that role in every
    existing event; admins need none."""
    upgrade(empty_database, "0004")
    engine = make_engine(empty_database)
    with engine.begin() as connection:
        for slug in ("daugavpils-2021", "cita-konference"):
            connection.execute(
                sa.text(
                    "INSERT INTO events (slug, title, description, venue, organiser_note, "
                    "funding_note, timezone, starts_at, ends_at, languages, default_language, "
                    "status, last_seq) VALUES (:slug, '{}', '{}', '{}', '{}', '{}', 'Europe/Riga', "
                    "'2021-06-15 08:00:00', '2021-06-15 11:00:00', '[\"lv\"]', 'lv', "
                    "'scheduled', 0)"
                ),
                {"slug": slug},
            )
        for email, role in (
            ("a@example.org", "admin"),
            ("m@example.org", "moderator"),
            ("ž@example.org", "jury"),
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO users (email, role, password_hash, active, created_at) "
                    "VALUES (:email, :role, 'x', true, '2026-12-01 10:00:00')"
                ),
                {"email": email, "role": role},
            )
    upgrade(empty_database)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT users.email, events.slug, event_roles.role FROM event_roles "
                "JOIN users ON users.id = event_roles.user_id "
                "JOIN events ON events.id = event_roles.event_id ORDER BY 1, 2"
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("m@example.org", "cita-konference", "moderator"),
        ("m@example.org", "daugavpils-2021", "moderator"),
        ("ž@example.org", "cita-konference", "jury"),
        ("ž@example.org", "daugavpils-2021", "jury"),
    ]
