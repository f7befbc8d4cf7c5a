"""``conference restore FILE``: fill an empty database and media folder from a backup archive.

In order, stopping at the first problem with nothing changed: read the archive into a staging
folder, check every file against the manifest's SHA-256 and size (and that nothing is missing
or extra), check the schema revision is one this release knows (an archive from a newer
release is refused), check the database is of the archive's kind and holds no rows and the
media folder holds no greeting files. Then: the database (SQLite: the backup API copies the
file in; PostgreSQL: pg_restore in one transaction), its row counts checked against the
manifest, the migrations applied when the archive's schema is older, the media files, and the
secret key (``instance/secret_key``), so that sessions and attendee cookies signed before the
backup stay valid.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

from conference.ops.backup import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    PUBLISHED,
    SECRET_KEY,
    BackupError,
    libpq_environment,
    require_tool,
    schema_revision,
    sqlite_path,
    table_counts,
)


@dataclass
class Restored:
    counts: dict
    media_files: int
    revision: str | None
    migrated_to: str | None
    key_warning: str | None


def _extract(archive_path: Path, staging: Path) -> dict:
    try:
        archive = tarfile.open(archive_path, "r:")
    except (OSError, tarfile.TarError):
        raise BackupError(f"cannot read {archive_path}: it is not a tar archive") from None
    with archive:
        names = []
        for member in archive:
            name = PurePosixPath(member.name)
            if not member.isfile() or name.is_absolute() or ".." in name.parts:
                raise BackupError(f"{archive_path}: unexpected entry {member.name!r}")
            archive.extract(member, staging, filter="data")
            names.append(member.name)
    if MANIFEST not in names:
        raise BackupError(f"{archive_path} is not a conference backup (no {MANIFEST})")
    try:
        manifest = json.loads((staging / MANIFEST).read_text("utf-8"))
    except ValueError:
        raise BackupError(f"{archive_path}: {MANIFEST} is not JSON") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive_path} is not a conference backup of format {FORMAT_VERSION}")
    listed = set(manifest.get("files", {}))
    present = set(names) - {MANIFEST}
    if listed != present:
        odd = sorted(listed ^ present)[0]
        raise BackupError(f"{archive_path}: {odd} is {'missing' if odd in listed else 'extra'}")
    for name, expected in manifest["files"].items():
        digest = hashlib.sha256()
        with (staging / name).open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        if (
            digest.hexdigest() != expected["sha256"]
            or (staging / name).stat().st_size != expected["size"]
        ):
            raise BackupError(f"{archive_path}: {name} does not match its checksum (damaged?)")
    return manifest


def _check_revision(revision: str | None) -> str | None:
    """The head revision when the archive's is older; refuse one this release does not know."""
    from alembic.script import ScriptDirectory

    from conference.migrations import alembic_config, head_revision

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = head_revision()
    if revision is None or revision == head:
        return None
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"the archive's schema revision {revision} is unknown to this release "
            f"(head {head}): restore it with the release that made it, or a newer one"
        )
    return head


def _check_empty(engine, media_dir: Path) -> None:
    with engine.connect() as connection:
        for table, count in table_counts(connection).items():
            if count:
                raise BackupError(
                    f"the database is not empty ({table}: {count} rows); restore needs an "
                    "empty database"
                )
    published = media_dir / PUBLISHED
    if published.is_dir() and any(path.is_file() for path in published.rglob("*")):
        raise BackupError(f"{published} holds files; restore needs an empty media folder")


def _restore_sqlite(url: str, staged: Path) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    copy = sqlite3.connect(target, timeout=30)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _restore_postgres(engine, url: str, staged: Path) -> None:
    pg_restore = require_tool("pg_restore")
    # Empty tables (checked) made by `db upgrade` or create_all would clash with the dump's.
    with engine.begin() as connection:
        existing = sa.MetaData()
        existing.reflect(connection)
        existing.drop_all(connection)
    finished = subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            sa.engine.make_url(url).database,
            str(staged),
        ],
        env=libpq_environment(url),
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        lines = finished.stderr.strip().splitlines() or [f"exit status {finished.returncode}"]
        raise BackupError(f"pg_restore failed: {lines[-1]}")


def restore_backup(
    archive_path: Path, database_url: str, media_dir: Path, instance: Path, configured_key: str
) -> Restored:
    """Restore the archive (module docstring); BackupError with one line when it cannot."""
    from conference.db import make_engine
    from conference.migrations import upgrade

    instance.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=instance) as folder:
        staging = Path(folder)
        manifest = _extract(Path(archive_path), staging)
        database = manifest["database"]
        migrate_to = _check_revision(database.get("schema_revision"))
        dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        if database["dialect"] != dialect:
            raise BackupError(
                f"the archive holds a {database['dialect']} database; the configured one is "
                f"{dialect} (restore into the same kind)"
            )
        engine = make_engine(database_url)
        try:
            _check_empty(engine, media_dir)
            if dialect == "sqlite":
                engine.dispose()
                _restore_sqlite(database_url, staging / database["file"])
            else:
                _restore_postgres(engine, database_url, staging / database["file"])
            engine.dispose()
            with engine.connect() as connection:
                counts = table_counts(connection)
                revision = schema_revision(connection)
        finally:
            engine.dispose()
        if counts != database["counts"]:
            differing = sorted(
                name for name in counts if counts[name] != database["counts"].get(name)
            )
            raise BackupError(f"restored row counts differ from the manifest: {differing}")
        if migrate_to is not None:
            upgrade(database_url)
        media_files = 0
        for name in manifest["files"]:
            if name.startswith(MEDIA_PREFIX):
                target = media_dir / PUBLISHED / name.removeprefix(MEDIA_PREFIX)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staging / name, target)
                media_files += 1
        key = (staging / SECRET_KEY).read_text()
        key_file = instance / SECRET_KEY
        key_file.write_text(key)
        os.chmod(key_file, 0o600)
        warning = None
        if configured_key and configured_key != key:
            warning = (
                "server.secret_key (configuration or CONFERENCE_SERVER_SECRET_KEY) differs from "
                f"the archive's key, now in {key_file}: set it to that key, or sessions and "
                "attendee cookies from before the backup are not accepted"
            )
    return Restored(counts, media_files, revision, migrate_to, warning)
