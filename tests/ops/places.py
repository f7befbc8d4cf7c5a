"""A "place" where the service lives: a database (SQLite file or a PostgreSQL database of its
own) and an instance folder; the ``conference`` console script run against it as a separate
process (as an operator runs it), and servers started on it."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import sqlalchemy as sa

from conference.db import make_engine
from tests.conftest import PG_ADMIN_URL
from tests.live.servers import ServerProcess, conference_command


class Place:
    def __init__(self, kind: str, folder: Path, secret_key: str = "") -> None:
        self.kind, self.folder = kind, Path(folder)
        self.instance = self.folder / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.secret_key = secret_key
        self.pg_name = None
        if kind == "sqlite":
            self.url = f"sqlite:///{self.folder / 'conference.db'}"
        else:
            self.pg_name = f"conference_ops_{os.getpid()}_{secrets.token_hex(3)}"
            _admin(f'CREATE DATABASE "{self.pg_name}" TEMPLATE template0')
            self.url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.pg_name
        self.servers: list[ServerProcess] = []

    def env(self, **extra) -> dict:
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CONFERENCE_") or k == "CONFERENCE_SOCKETIO_FAST_PATH"
        }
        environment.update(
            CONFERENCE_DATABASE_URL=self.url,
            CONFERENCE_SERVER_INSTANCE_DIR=str(self.instance),
            CONFERENCE_SERVER_SECRET_KEY=self.secret_key,
        )
        environment.update(extra)
        return environment

    def run(self, *args: str, stdin: str | None = None, env: dict | None = None):
        """``conference ARGS`` in its own process; returns the CompletedProcess."""
        return subprocess.run(
            [*conference_command(), *args],
            env=env or self.env(),
            cwd=self.folder,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def check(self, *args: str, stdin: str | None = None) -> str:
        done = self.run(*args, stdin=stdin)
        assert done.returncode == 0, f"conference {' '.join(args)}: {done.stderr}"
        return done.stdout

    def serve(self, **settings) -> ServerProcess:
        server = ServerProcess(
            self.url, self.instance, self.secret_key, tasks_backend="sqlite", **settings
        )
        self.servers.append(server)
        return server.start()

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        if self.pg_name:
            _admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def _admin(statement: str) -> None:
    engine = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()
