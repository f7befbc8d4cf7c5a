"""Database: the declarative base, the shared column types and the Flask-SQLAlchemy object.

Times are stored as UTC. SQLite keeps no offset, so :class:`UTCDateTime` stores naive UTC and
hands back aware datetimes on every database; code never sees a naive datetime.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware datetime stored as naive UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Translated(sa.TypeDecorator):
    """Text per language, ``{"lv": "…", "en": "…"}``; missing languages are absent, never ``""``."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: dict[str, str] | None, dialect) -> dict[str, str] | None:
        if value is None:
            return None
        return {lang: text for lang, text in value.items() if text}


class Base(DeclarativeBase):
    """Base of every model; constraint names are deterministic so migrations stay portable."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime, dict[str, str]: Translated}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("__table__")
        if table is not None:
            # Text read back is repaired where invalid, never a 500 (conference.edge.stored).
            from conference.edge.stored import guard_columns

            guard_columns(table)


class Database:
    """The engine and a session per thread (per greenlet under gevent), removed after each request.

    ``db.session`` is the session of the current request, Socket.IO handler or CLI command.
    """

    def __init__(self) -> None:
        self.engine: sa.Engine | None = None
        self._factory = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self._new_session)

    def _new_session(self, **kwargs):
        # Mark the application context that made a session, so that its teardown removes it.
        if has_app_context():
            g._database_session = True
        return self._factory(**kwargs)

    def init_app(self, app) -> None:
        """Create the engine from ``DATABASE_URL`` and remove the session at each context's end."""
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session.remove()
        self._factory.configure(bind=self.engine)
        app.extensions["database"] = self
        app.teardown_appcontext(self._teardown)

    def _teardown(self, exc=None) -> None:
        """Remove the session the context made, and touch nothing if it made none.

        Asking the scoped session whether there is one (``remove()`` does) creates the
        greenlet's local storage under gevent, which an attendee's connection greenlet then
        kept for hours: ~0.5 KiB per attendee for a session nobody used (Socket.IO connects
        are served from the snapshot cache, without the database).
        """
        if g.pop("_database_session", False):
            self.session.remove()

    def create_all(self) -> None:
        """Create every table (tests; real databases use ``conference db upgrade``)."""
        import conference.models  # noqa: F401  (registers every table)

        Base.metadata.create_all(self.engine)


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout for concurrency.

    ``hide_parameters``: a database error (logged with its traceback) names the statement but
    not its values, which may be a participant's name, an e-mail address or a token's hash.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            from conference.edge.stored import decode_sqlite_text

            dbapi_connection.text_factory = decode_sqlite_text
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # Python's sqlite3 opens a transaction only before the first write, so reads before
            # it see no stable snapshot and two writers can both act on what they read. A
            # transaction that asks for it (execution option ``sqlite_begin``: "IMMEDIATE" takes
            # the write lock now, waiting out the busy timeout; "DEFERRED" gives a consistent
            # read) begins explicitly; sqlite3 then adds no BEGIN of its own. Everything else
            # keeps the default, so ordinary read-then-write requests never fail on a stale
            # read snapshot (SQLITE_BUSY_SNAPSHOT) under load.
            mode = connection.get_execution_options().get("sqlite_begin")
            if mode in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
                connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
    )


db = Database()


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with an explicit offset (``Z`` for UTC), as the protocol wants."""
    if moment is None:
        return None
    spec = "seconds" if moment.microsecond == 0 else "milliseconds"
    return moment.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")
