"""``conference backup -o FILE``: one archive with everything needed to bring the service back.

The archive is a tar file (greeting videos are compressed already; gzip would spend minutes of
CPU on the event day to save little):

```
database/conference.sqlite3   SQLite: a copy made with SQLite's online backup API
database/conference.dump      PostgreSQL: pg_dump --format=custom
media/greetings/…             the processed greeting videos and posters
secret_key                    the key that signs sessions, attendee cookies and join codes
manifest.json                 last: versions, dialect, schema revision, row counts, checksums,
                              and the personal data it carries (participants not yet erased,
                              askers' names, staff accounts)
```

Consistent while the server runs: the database copy is one snapshot (SQLite's backup API holds
a read transaction, which in WAL mode never blocks writers; on PostgreSQL the row counts and
pg_dump read one exported snapshot). Media files are copied after it: a greeting in the copy
has its files already (they are written before the row says ``ready``), and a file newer than
the copy is harmless. Unfinished uploads (``media/uploads``) are not kept: the partner's
client resumes or starts again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa

FORMAT = "conference-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
SQLITE_MEMBER = "database/conference.sqlite3"
PG_MEMBER = "database/conference.dump"
MEDIA_PREFIX = "media/greetings/"
PUBLISHED = "greetings"  # the media folder's subfolder of processed files (greetings.storage)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something a one-line message explains (a missing tool, an unreadable file)."""


@dataclass
class Manifest:
    database: dict
    files: dict = field(default_factory=dict)

    def as_json(self) -> bytes:
        body = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "versions": versions(),
            "database": self.database,
            "files": self.files,
        }
        return json.dumps(body, indent=2, ensure_ascii=False).encode()


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in ("conference", "SQLAlchemy", "alembic"):
        try:
            found[package.lower()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package.lower()] = None
    return found


def libpq_environment(url: str) -> dict:
    """PG* variables for pg_dump / pg_restore: no password on any command line (``ps``)."""
    parsed = sa.engine.make_url(url)
    values = {
        "PGHOST": parsed.host,
        "PGPORT": parsed.port,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update({key: str(value) for key, value in values.items() if value is not None})
    return environment


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on the PATH: install the PostgreSQL client programs "
            f"(Debian/Ubuntu: apt-get install postgresql-client, the server's major version or newer)"
        )
    return path


def sqlite_path(url: str) -> Path:
    return Path(sa.engine.make_url(url).database or "")


# What in the database is personal data: its table and the rows of it that hold some.
PERSONAL_DATA = {
    "participants": ("participants", "erased_at IS NULL"),
    "question_names": ("questions", "name IS NOT NULL"),
    "staff_accounts": ("users", "1 = 1"),
}


def personal_data(connection) -> dict:
    """How many rows of personal data the copy holds, and ``included``: whether any does.

    Participants erased (by themselves or the retention purge) are not counted: their rows
    keep no personal field.
    """
    present = set(sa.inspect(connection).get_table_names())
    found = {}
    for name, (table, where) in PERSONAL_DATA.items():
        found[name] = (
            connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one()
            if table in present
            else 0
        )
    return {"included": any(found.values()), **found}


def table_counts(connection) -> dict[str, int]:
    """Rows in each of our tables that exists (and ``alembic_version`` excluded)."""
    import conference.models  # noqa: F401  (registers every table)
    from conference.db import Base

    present = set(sa.inspect(connection).get_table_names())
    counts = {}
    for table in Base.metadata.sorted_tables:
        if table.name in present:
            counts[table.name] = connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
    return counts


def schema_revision(connection) -> str | None:
    if "alembic_version" not in sa.inspect(connection).get_table_names():
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_copy(url: str, target: Path) -> dict:
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"the SQLite database {source_path} does not exist")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            info = {
                "counts": table_counts(connection),
                "personal_data": personal_data(connection),
                "schema_revision": schema_revision(connection),
            }
    finally:
        engine.dispose()
    return {"dialect": "sqlite", "file": SQLITE_MEMBER, **info}


def _postgres_dump(url: str, target: Path) -> dict:
    from conference.db import make_engine

    pg_dump = require_tool("pg_dump")
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            info = {
                "counts": table_counts(connection),
                "personal_data": personal_data(connection),
                "schema_revision": schema_revision(connection),
            }
            server = connection.exec_driver_sql("SHOW server_version").scalar_one()
            # The exported snapshot lives as long as this transaction: dump inside it.
            finished = subprocess.run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                env=libpq_environment(url),
                capture_output=True,
                text=True,
            )
    finally:
        engine.dispose()
    if finished.returncode != 0:
        lines = finished.stderr.strip().splitlines() or [f"exit status {finished.returncode}"]
        raise BackupError(f"pg_dump failed: {lines[-1]}")
    return {"dialect": "postgresql", "file": PG_MEMBER, "server_version": server, **info}


def _add_file(archive: tarfile.TarFile, manifest: Manifest, path: Path, name: str) -> None:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        info = archive.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        archive.addfile(info, _Hashing(handle, digest))
        size = info.size
    manifest.files[name] = {"sha256": digest.hexdigest(), "size": size}


class _Hashing(io.RawIOBase):
    """A file read once: into the archive and into the checksum."""

    def __init__(self, handle, digest) -> None:
        self.handle, self.digest = handle, digest

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_bytes(archive: tarfile.TarFile, manifest: Manifest | None, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))
    if manifest is not None:
        manifest.files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def take_backup(database_url: str, media_dir: Path, secret_key: str, output: Path) -> dict:
    """Write the archive to ``output`` (atomically: a partial file is never left under its
    name) and return its manifest as a dict."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as staging:
        database_file = Path(staging) / "database"
        if database_url.startswith("sqlite"):
            database = _sqlite_copy(database_url, database_file)
        elif database_url.startswith("postgresql"):
            database = _postgres_dump(database_url, database_file)
        else:
            raise BackupError(f"cannot back up a {database_url.split(':')[0]} database")
        manifest = Manifest(database)
        partial = Path(staging) / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            _add_file(archive, manifest, database_file, database["file"])
            published = Path(media_dir) / PUBLISHED
            if published.is_dir():
                for path in sorted(published.rglob("*")):
                    if path.is_file():
                        name = MEDIA_PREFIX + path.relative_to(published).as_posix()
                        _add_file(archive, manifest, path, name)
            _add_bytes(archive, manifest, SECRET_KEY, secret_key.encode())
            _add_bytes(archive, None, MANIFEST, manifest.as_json())
        os.chmod(partial, 0o600)  # it holds the secret key and personal data
        os.replace(partial, output)
    return json.loads(manifest.as_json())
