"""Import and export of a whole event as TOML, from the admin."""

from __future__ import annotations

import io

import sqlalchemy as sa

from conference.awards.models import AwardWinner, Entry
from conference.db import db
from conference.events.models import Event
from tests.admin.browser import post_form
from tests.events.reference_event import SLUG, build_reference_event


def upload(admin_client, text: str, replace: bool = False, lang: str = "lv"):
    fields = {"file": (io.BytesIO(text.encode()), "event.toml")}
    if replace:
        fields["replace"] = "y"
    return post_form(
        admin_client, f"/admin/import?lang={lang}", fields, content_type="multipart/form-data"
    )


def test_export_then_import_gives_the_same_event_with_winners(app, admin_client):
    build_reference_event()
    first = db.session.scalar(sa.select(Entry).order_by(Entry.position).limit(1))
    award_id = db.session.scalar(sa.text("SELECT id FROM awards WHERE rank = 1"))
    db.session.add(AwardWinner(award_id=award_id, entry_id=first.id))
    db.session.commit()

    exported = admin_client.get(f"/admin/events/{SLUG}/export.toml")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{SLUG}.toml"'
    text = exported.get_data(as_text=True)
    assert "Ingrīda Brokāne" in text and "Paškeviča" in text

    changed = text.replace(SLUG, "daugavpils-2022", 1)
    response = upload(admin_client, changed)
    assert response.status_code == 302, response.text
    assert response.location == "/admin/events/daugavpils-2022/"
    copy = db.session.scalar(sa.select(Event).where(Event.slug == "daugavpils-2022"))
    assert copy.title["lv"].startswith("Erasmus+ projektu rezultātu")
    assert len(copy.items) == 6
    winners = db.session.scalar(sa.select(sa.func.count()).select_from(AwardWinner))
    assert winners == 2  # the original's and the copy's


def test_existing_slug_needs_replace(app, admin_client):
    build_reference_event()
    text = admin_client.get(f"/admin/events/{SLUG}/export.toml").get_data(as_text=True)
    refused = upload(admin_client, text)
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1
    assert upload(admin_client, text, replace=True).status_code == 302


def test_bad_file_names_field_and_line_in_latvian_and_changes_nothing(app, admin_client):
    build_reference_event()
    text = admin_client.get(f"/admin/events/{SLUG}/export.toml").get_data(as_text=True)
    broken = text.replace(SLUG, "daugavpils-2023", 1).replace(
        'timezone = "Europe/Riga"', 'timezone = "Eiropa/Rīga"'
    )
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if "Eiropa/Rīga" in row)
    response = upload(admin_client, broken)
    assert response.status_code == 422
    assert f"{line}" in response.text
    assert "timezone" in response.text
    assert 'id="file-errors"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1
    not_toml = upload(admin_client, "title = [")
    assert not_toml.status_code == 422
    assert "rinda" in not_toml.text.lower()


def test_file_that_is_not_utf8_is_refused(app, admin_client):
    fields = {"file": (io.BytesIO("nosaukums = 'ā'".encode("utf-16")), "event.toml")}
    response = post_form(
        admin_client, "/admin/import?lang=lv", fields, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Fails nav UTF-8 teksts." in response.text
