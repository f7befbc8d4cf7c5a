"""What ``conference restore`` refuses (and leaves untouched), an older archive migrated
forward, and ``conference backup`` on PostgreSQL without ``pg_dump``."""

from __future__ import annotations

import io
import os
import shutil
import tarfile
from pathlib import Path

import pytest

from conference.migrations import current_revision, head_revision, upgrade
from tests.ops.event_day import DEMO_FILE
from tests.ops.places import Place

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def place_factory(request, tmp_path):
    if request.param == "postgresql":
        request.getfixturevalue("postgres_url")
    made = []

    def make(name: str) -> Place:
        place = Place(request.param, tmp_path / name, secret_key="")
        made.append(place)
        return place

    yield make
    for place in made:
        place.close()


def one_line_failure(done) -> str:
    assert done.returncode != 0
    assert done.stderr.startswith("conference: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def backed_up(place: Place, archive: Path, media: bytes = b"\x00video") -> Path:
    """A place with the demo event and one media file, backed up to ``archive``."""
    place.check("db", "upgrade")
    place.check("import", str(DEMO_FILE))
    folder = place.instance / "media" / "greetings"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "abc.mp4").write_bytes(media)
    place.check("backup", "-o", str(archive))
    return archive


def test_a_damaged_archive_is_refused_and_nothing_is_restored(place_factory, tmp_path):
    archive = backed_up(place_factory("source"), tmp_path / "b.tar", media=b"A" * 4096)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "media/greetings/abc.mp4":
                data = b"B" + data[1:]  # one byte changed, same size
            copy.addfile(member, io.BytesIO(data))
    target = place_factory("target")
    message = one_line_failure(target.run("restore", str(damaged)))
    assert "media/greetings/abc.mp4" in message and "checksum" in message
    assert not (target.instance / "media" / "greetings" / "abc.mp4").exists()
    # The database stayed empty: the intact archive restores into it.
    done = target.run("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert (target.instance / "media" / "greetings" / "abc.mp4").read_bytes() == b"A" * 4096


def test_a_non_empty_database_is_refused(place_factory, tmp_path):
    archive = backed_up(place_factory("source"), tmp_path / "b.tar")
    target = place_factory("target")
    target.check("db", "upgrade")
    target.check("import", str(DEMO_FILE))
    message = one_line_failure(target.run("restore", str(archive)))
    assert "not empty" in message
    assert not (target.instance / "media" / "greetings").exists()


def test_a_file_that_is_no_backup_is_refused(place_factory, tmp_path):
    target = place_factory("target")
    not_an_archive = tmp_path / "notes.tar"
    not_an_archive.write_text("ne arhīvs")
    assert "cannot read" in one_line_failure(target.run("restore", str(not_an_archive)))
    assert "there is no file" in one_line_failure(target.run("restore", str(tmp_path / "nav.tar")))


def test_an_archive_of_an_older_schema_is_migrated_forward(place_factory, tmp_path):
    source = place_factory("source")
    upgrade(source.url, "0003")  # the release before server-side sessions
    source.check("backup", "-o", str(tmp_path / "old.tar"))
    target = place_factory("target")
    done = target.run("restore", str(tmp_path / "old.tar"))
    assert done.returncode == 0, done.stderr
    assert f"schema 0003, migrated to {head_revision()}" in done.stdout
    assert current_revision(target.url) == head_revision()


def test_backup_without_pg_dump_says_what_to_install(tmp_path, postgres_url):
    place = Place("postgresql", tmp_path / "pg", secret_key="")
    try:
        place.check("db", "upgrade")
        bare = tmp_path / "bin"
        bare.mkdir()  # a PATH with the Python of the venv and nothing else
        os.symlink(shutil.which("sh") or "/bin/sh", bare / "sh")
        done = place.run("backup", "-o", str(tmp_path / "x.tar"), env=place.env(PATH=str(bare)))
        message = one_line_failure(done)
        assert "pg_dump" in message and "postgresql-client" in message
        assert not (tmp_path / "x.tar").exists()
    finally:
        place.close()


def test_an_empty_database_with_the_schema_in_place_is_filled(place_factory, tmp_path):
    """``conference db upgrade`` run first (as many will) leaves empty tables: still empty."""
    archive = backed_up(place_factory("source"), tmp_path / "b.tar")
    target = place_factory("target")
    target.check("db", "upgrade")
    done = target.run("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert f"1 events, 1 media files, schema {head_revision()}" in done.stdout
    assert "daugavpils-2021" in target.check("export", "daugavpils-2021")
