# ruff: noqa: F811  (pytest fixtures imported by name, then named as arguments)
"""Pictures uploaded in the admin: checked, upright, without EXIF, at a few widths, served."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conference.db import db
from conference.demo import DEMO_FILE
from conference.events.exchange import import_event
from conference.events.models import Event
from conference.images import storage
from conference.people.models import Organisation, Person
from tests.admin.browser import (  # noqa: F401  (fixtures: a signed-in admin's browser)
    admin,
    admin_client,
    browser_clients,
    client,
    csrf_of,
    make_user,
    post_form,
)
from tests.images.pictures import (
    FORTY_MP,
    camera_jpeg,
    exif_of,
    forty_megapixel_jpeg,
    transparent_png,
)

SLUG = "daugavpils-2021"


@pytest.fixture
def demo(app):
    import_event(DEMO_FILE.read_text(encoding="utf-8"))
    return SLUG


@pytest.fixture(scope="session")
def forty_mp_file(tmp_path_factory) -> Path:
    return forty_megapixel_jpeg(tmp_path_factory.mktemp("big") / "forty.jpg")


def person(name: str) -> Person:
    db.session.expire_all()
    return db.session.scalar(sa.select(Person).where(Person.name == name))


def organisation(name: str) -> Organisation:
    db.session.expire_all()
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def send_files(client, path: str, fields: dict):
    """Post ``fields`` (files as ``(bytes, filename)``) as multipart/form-data with the page's
    CSRF token. The body is encoded in memory: Werkzeug's EnvironBuilder spools bodies over
    500 KB to a temporary file it never closes (a ResourceWarning, an error in these tests)."""
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    fields = {"csrf_token": csrf_of(page.text), **fields}
    multipart = {
        name: FileStorage(io.BytesIO(value[0]), filename=value[1])
        if isinstance(value, tuple)
        else value
        for name, value in fields.items()
    }
    boundary, body = encode_multipart(multipart)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, path: str, data: bytes, filename: str, field: str = "file"):
    return send_files(client, path, {field: (data, filename)})


def served(client, picture: dict) -> list[bytes]:
    bodies = []
    for name in storage.file_names(picture):
        response = client.get(f"/media/images/{name}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["ETag"]
        etag = response.headers["ETag"]
        bodies.append(response.data)
        response.close()
        again = client.get(f"/media/images/{name}", headers={"If-None-Match": "W/" + etag})
        assert again.status_code == 304
        again.close()
    return bodies


def stored_files() -> set[str]:
    folder = storage.images_dir()
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def test_a_phone_photo_is_upright_at_three_widths_without_exif_or_gps(demo, admin_client):
    source = camera_jpeg()
    assert exif_of(source)[2] == (55.0, 52.0, 12.0)  # the source does carry GPS
    speaker = person("Ingrīda Brokāne")
    path = f"/admin/events/{SLUG}/people/{speaker.id}/picture"
    response = upload(admin_client, path, source, "IMG_0001.jpg")
    assert response.status_code == 302, response.text[:800]
    photo = person("Ingrīda Brokāne").photo
    assert photo["widths"] == [160, 320, 640] and photo["ext"] == "jpg"
    for width, body in zip(photo["widths"], served(admin_client, photo), strict=True):
        assert exif_of(body) == {}, "EXIF (orientation, camera, GPS) must not survive"
        with Image.open(io.BytesIO(body)) as image:
            assert image.format == "JPEG" and image.size == (width, width)
            # Stored sideways with orientation 6: the yellow corner was top left of the
            # stored pixels, so upright it is at the top right.
            top_right = image.getpixel((width - 3, 2))
            top_left = image.getpixel((2, 2))
            assert top_right[0] > 200 and top_left[2] > 120, (top_left, top_right)
    assert stored_files() == set(storage.file_names(photo))
    page = admin_client.get(f"/events/{SLUG}/speakers")
    assert f'srcset="{storage.srcset(photo)}"' in page.text


def test_a_png_logo_keeps_its_transparency_and_the_old_files_go(demo, admin_client):
    partner = organisation("Daugavpils tehnikums")
    path = f"/admin/events/{SLUG}/organisations/{partner.id}/picture"
    assert upload(admin_client, path, transparent_png(), "logo.png").status_code == 302
    first = organisation("Daugavpils tehnikums").logo_image
    assert first["ext"] == "png" and first["widths"] == [160, 320, 640]
    for body in served(admin_client, first):
        with Image.open(io.BytesIO(body)) as image:
            assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0
            assert image.size[0] == 2 * image.size[1]
            assert exif_of(body) == {}
    assert upload(admin_client, path, transparent_png(640, 640), "new.png").status_code == 302
    second = organisation("Daugavpils tehnikums").logo_image
    assert stored_files() == set(storage.file_names(second)), "the replaced files are deleted"
    partners = admin_client.get(f"/events/{SLUG}/partners")
    assert storage.url(second, 160) in partners.text
    audit = admin_client.get(f"/api/v1/events/{SLUG}/audit").get_json()
    assert [entry["action"] for entry in audit if entry["action"] == "organisation.picture"]


def test_a_forty_megapixel_photo_is_taken_and_made_small(demo, admin_client, forty_mp_file):
    speaker = person("Staņislavs Hilčuks")
    path = f"/admin/events/{SLUG}/people/{speaker.id}/picture"
    response = upload(admin_client, path, forty_mp_file.read_bytes(), "DSC_4000.JPG")
    assert response.status_code == 302, response.text[:800]
    photo = person("Staņislavs Hilčuks").photo
    assert photo["widths"] == [160, 320, 640] and (photo["width"], photo["height"]) == (640, 640)


# What decoding the 40-megapixel photo whole would take: 4 bytes a pixel (Pillow keeps RGB in
# 32 bits) = 152 MiB, and the reductions after it about as much again. Measured (2 cores,
# Pillow 13): with Image.draft (decoded at 1/8) the peak grew by 7.7 MiB; with the draft line
# taken out, by 309 MiB. 64 MiB leaves room for another libjpeg or allocator and still fails
# at once if the whole photo is decoded.
PEAK_BOUND_MIB = 64

MEASURE = r"""
import resource, sys
from pathlib import Path
from conference.images.processing import Shape, make_renditions
source = open(sys.argv[1], "rb")
source.read(); source.seek(0)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
picture = make_renditions(source, Shape((160, 320, 640)), Path(sys.argv[2]), "a" * 32)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024, picture["widths"])
"""


def test_resizing_forty_megapixels_needs_little_memory(forty_mp_file, tmp_path):
    """The peak resident memory of a fresh process grows by less than PEAK_BOUND_MIB (Linux
    reports ru_maxrss in KiB); decoding the whole picture would grow it by 152 MiB."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(forty_mp_file), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    grown_mib, widths = result.stdout.split(" ", 1)
    whole = FORTY_MP[0] * FORTY_MP[1] * 4 / 2**20
    assert float(grown_mib) < PEAK_BOUND_MIB, (
        f"peak memory grew by {float(grown_mib):.1f} MiB resizing 40 megapixels "
        f"(bound {PEAK_BOUND_MIB} MiB; the whole picture decoded is {whole:.0f} MiB)"
    )
    assert widths.strip() == "[160, 320, 640]"


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "This file is not a picture. Please upload a JPEG, PNG or WebP image."),
        ("lv", "Šis fails nav attēls. Lūdzu, augšupielādējiet JPEG, PNG vai WebP attēlu."),
    ],
)
def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_stored(
    demo, admin_client, lang, sentence
):
    speaker = person("Ingrīda Brokāne")
    path = f"/admin/events/{SLUG}/people/{speaker.id}/picture?lang={lang}"
    fake = b"%PDF-1.4\n% not a picture at all\n" * 20
    response = upload(admin_client, path, fake, "portrets.jpg")
    assert response.status_code == 422
    assert sentence in response.text
    assert "Traceback" not in response.text
    assert person("Ingrīda Brokāne").photo is None
    assert stored_files() == set()


def test_a_declared_huge_picture_is_refused_before_decoding(demo, admin_client):
    """A PNG header that declares 20000 × 20000 pixels (a decompression bomb) is refused."""
    image = Image.new("1", (20000, 20000))
    out = io.BytesIO()
    image.save(out, "PNG")  # 400 megapixels in about 50 KB
    speaker = person("Ingrīda Brokāne")
    path = f"/admin/events/{SLUG}/people/{speaker.id}/picture?lang=en"
    response = upload(admin_client, path, out.getvalue(), "bomb.png")
    assert response.status_code == 422
    assert "more than 50 megapixels" in response.text
    assert stored_files() == set()


def test_the_look_page_sets_colour_logo_and_banner_in_one_change(demo, admin_client):
    path = f"/admin/events/{SLUG}/look"
    response = send_files(
        admin_client,
        path,
        {
            "accent_color": "#C8102E",
            "logo_image": (transparent_png(), "logo.png"),
            "banner_image": (camera_jpeg(2400, 1600), "banner.jpg"),
        },
    )
    assert response.status_code == 302, response.text[:800]
    db.session.expire_all()
    event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
    assert event.accent_color == "#c8102e"
    assert event.banner_image["widths"] == [640, 1280] and event.banner_image["height"] == 1920
    answer = admin_client.get(f"/api/v1/events/{SLUG}").get_json()
    assert answer["banner"] == storage.url(event.banner_image)
    assert answer["accent_color"] == "#c8102e"
    refused = post_form(admin_client, path, {"accent_color": "red; }"})
    assert refused.status_code == 422 and "#rrggbb" in refused.text
    assert storage.url(event.logo_image) in admin_client.get(f"/events/{SLUG}/agenda").text
    db.session.expire_all()
    assert db.session.get(Event, event.id).accent_color == "#c8102e"


def test_deleting_a_speaker_or_replacing_the_event_file_cleans_up_files(demo, admin_client):
    """Pictures are not in the event file: a replace keeps the pictures of rows it keeps and
    deletes the files of rows it drops; deleting a person in the admin deletes theirs."""
    from conference.admin.services.programme import delete_part
    from conference.events.exchange import export_event

    brokane, hilcuks = person("Ingrīda Brokāne"), person("Staņislavs Hilčuks")
    for who in (brokane, hilcuks):
        path = f"/admin/events/{SLUG}/people/{who.id}/picture"
        assert upload(admin_client, path, camera_jpeg(), "p.jpg").status_code == 302
    kept, dropped = person("Ingrīda Brokāne").photo, person("Staņislavs Hilčuks").photo
    text = export_event(SLUG)
    assert "\nphoto =" not in text and "/media/images/" not in text
    # The same file without Hilčuks (his item keeps no speaker).
    lines = text.replace('speakers = ["stanislavs-hilcuks"]', "speakers = []").split("\n")
    start = lines.index('key = "stanislavs-hilcuks"') - 1
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("["))
    import_event("\n".join(lines[:start] + lines[end:]), replace=True)
    assert person("Staņislavs Hilčuks") is None
    assert person("Ingrīda Brokāne").photo == kept
    assert stored_files() == set(storage.file_names(kept))
    delete_part(person("Ingrīda Brokāne"))
    assert stored_files() == set()
    assert dropped  # it had one
