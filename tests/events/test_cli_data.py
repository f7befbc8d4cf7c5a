"""``conference import`` / ``conference export`` and the demo installer, as an admin uses them:
success prints a line, every failure exits non-zero with one line and no traceback."""

from __future__ import annotations

import tomllib

from conference.demo import DEMO_FILE, install_demo
from tests.events.conftest import row_counts


def assert_one_line_failure(result, *words: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("conference: ")
    for word in words:
        assert word in lines[0]


def test_import_then_export_to_stdout_and_file(conference, tmp_path):
    imported = conference("import", str(DEMO_FILE))
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.startswith("imported daugavpils-2021: 6 items")

    exported = conference("export", "daugavpils-2021")
    assert exported.exit_code == 0
    data = tomllib.loads(exported.stdout)
    assert data["event"]["slug"] == "daugavpils-2021"
    assert data["contests"][0]["entries"][2]["authors"] == [{"name": "Angelika Paškeviča"}]
    assert len(data["secret"]["winners"]) == 5

    target = tmp_path / "event.toml"
    assert conference("export", "daugavpils-2021", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == exported.stdout
    public = conference("export", "daugavpils-2021", "--without-winners").stdout
    assert "secret" not in tomllib.loads(public)

    replaced = conference("import", str(target), "--replace")
    assert replaced.exit_code == 0 and replaced.stdout.startswith("replaced daugavpils-2021")


def test_importing_an_existing_slug_fails_in_one_line(conference):
    assert conference("import", str(DEMO_FILE)).exit_code == 0
    assert_one_line_failure(conference("import", str(DEMO_FILE)), "daugavpils-2021")


def test_malformed_toml_fails_in_one_line_naming_the_line(conference, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\n[event\nslug = "x"\n', encoding="utf-8")
    assert_one_line_failure(conference("import", str(bad)), "bad.toml", " 2")


def test_a_missing_field_fails_in_one_line_naming_field_and_line(conference, tmp_path):
    text = DEMO_FILE.read_text(encoding="utf-8").replace('name = "Ingrīda Brokāne"\n', "")
    bad = tmp_path / "missing.toml"
    bad.write_text(text, encoding="utf-8")
    header = [n for n, line in enumerate(text.splitlines(), 1) if line == "[[people]]"][0]
    assert_one_line_failure(conference("import", str(bad)), "people[1].name", str(header))
    assert_one_line_failure(conference("export", "daugavpils-2021"), "daugavpils-2021")


def test_an_unreadable_file_fails_in_one_line(conference, tmp_path):
    assert_one_line_failure(conference("import", str(tmp_path / "nowhere.toml")), "nowhere.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes("title = 'Brok\u0101ne'".encode("utf-16"))
    assert_one_line_failure(conference("import", str(latin)), "UTF-8")


def test_an_unknown_slug_fails_in_one_line(conference):
    assert_one_line_failure(conference("export", "no-such-event"), "no-such-event")


def test_an_unreachable_database_fails_in_one_line(conference):
    nowhere = "postgresql://nobody@127.0.0.1:1/x"
    assert_one_line_failure(
        conference("export", "daugavpils-2021", CONFERENCE_DATABASE_URL=nowhere), "database"
    )
    assert_one_line_failure(
        conference("import", str(DEMO_FILE), CONFERENCE_DATABASE_URL=nowhere), "database"
    )


def test_install_demo_only_into_an_empty_database(app):
    from conference.users.auth import check_password
    from conference.users.services import find_user

    email, password = install_demo()
    admin = find_user(email)
    assert email == "admin@demo.invalid" and admin.role == "admin"
    assert check_password(admin, password)
    counts = row_counts()
    assert counts["events"] == 1 and counts["agenda_items"] == 6 and counts["entries"] == 6
    assert install_demo() is None
    assert row_counts() == counts
