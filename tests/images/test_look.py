"""The event's face on its pages: theme.css, link previews, the demo's pictures, now and next."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import html as lxml_html

from conference.db import db, utcnow
from conference.demo import install_demo
from conference.events.models import Event
from conference.images import colours, storage

SLUG = "daugavpils-2021"


@pytest.fixture
def demo(app):
    install_demo()
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


def meta(document, key: str) -> list[str]:
    return document.xpath(f"//meta[@property='{key}' or @name='{key}']/@content")


def test_the_demo_brings_its_own_pictures(demo, client):
    assert demo.logo_image and demo.banner_image and demo.accent_color == "#00778a"
    assert all(person.photo for person in demo.people)
    assert all(organisation.logo_image for organisation in demo.organisations)
    for picture in storage_pictures(demo):
        for name in storage.file_names(picture):
            assert (storage.images_dir() / name).is_file()
    speakers = client.get(f"/events/{SLUG}/speakers?lang=en").text
    assert speakers.count('class="speaker__photo"') == 2
    partners = client.get(f"/events/{SLUG}/partners?lang=en").text
    assert partners.count('class="organisation__logo"') == len(demo.organisations)


def storage_pictures(event):
    from conference.images.services import pictures_of

    return pictures_of(event)


@pytest.mark.parametrize(("lang", "locale"), [("lv", "lv_LV"), ("en", "en_GB")])
def test_link_previews_name_the_page_with_absolute_addresses(demo, client, lang, locale):
    for page in ("", "/agenda", "/speakers", "/partners"):
        link_preview_of(demo, client, page, lang, locale)


def link_preview_of(demo, client, page, lang, locale):
    response = client.get(
        f"/events/{SLUG}{page}?lang={lang}", base_url="https://konference.example"
    )
    document = lxml_html.fromstring(response.data)
    image = meta(document, "og:image")
    assert image == [
        storage.url(demo.banner_image, 1280).replace(
            "/media", "https://konference.example/media", 1
        )
    ]
    assert meta(document, "og:url") == [f"https://konference.example/events/{SLUG}{page}"]
    assert meta(document, "og:locale") == [locale]
    assert meta(document, "og:locale:alternate") == ["en_GB" if lang == "lv" else "lv_LV"]
    assert meta(document, "og:title") == [document.findtext(".//title").strip()]
    assert meta(document, "og:description")[0]
    assert meta(document, "twitter:card") == ["summary_large_image"]
    assert meta(document, "twitter:image") == image
    assert (meta(document, "og:image:width"), meta(document, "og:image:height")) == (
        ["1280"],
        ["427"],
    )
    with client.get(image[0].removeprefix("https://konference.example")) as picture:
        assert picture.status_code == 200


def test_without_a_banner_the_preview_is_the_default_picture(app, client):
    from conference.demo import DEMO_FILE
    from conference.events.exchange import import_event

    import_event(DEMO_FILE.read_text(encoding="utf-8"))
    document = lxml_html.fromstring(client.get(f"/events/{SLUG}/agenda").data)
    (image,) = meta(document, "og:image")
    assert re.fullmatch(r"http://localhost/static/og-default\.png\?v=[0-9a-f]+", image)
    with client.get(image.removeprefix("http://localhost")) as picture:
        assert picture.status_code == 200


def test_public_url_makes_the_preview_addresses(demo, app, client):
    app.config["PUBLIC_URL"] = "https://konference.daugavpils.example/"
    document = lxml_html.fromstring(client.get(f"/events/{SLUG}").data)
    assert meta(document, "og:image")[0].startswith(
        "https://konference.daugavpils.example/media/images/"
    )
    assert meta(document, "og:url") == [f"https://konference.daugavpils.example/events/{SLUG}"]


def test_theme_css_keeps_text_readable_and_answers_304(demo, client):
    page = client.get(f"/events/{SLUG}").text
    (href,) = re.findall(r'<link rel="stylesheet" href="([^"]*theme\.css[^"]*)"', page)
    assert href == f"/events/{SLUG}/theme.css?v=00778a"
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "--event-accent: #00778a;" in response.text
    brand = re.search(r"--brand: (#[0-9a-f]{6});", response.text).group(1)
    assert colours.contrast(colours.rgb(brand), colours.WHITE) >= 4.5
    etag = response.headers["ETag"]
    assert client.get(href, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert "max-age=300" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "colour", ["#ffff00", "#ffffff", "#00ff00", "#000000", "#777777", "#c8102e"]
)
def test_every_accent_colour_gets_aa_contrast(colour):
    css = colours.theme_css(colour)
    brand = colours.rgb(re.search(r"--brand: (#[0-9a-f]{6});", css).group(1))
    dark = colours.rgb(re.search(r"--brand-dark: (#[0-9a-f]{6});", css).group(1))
    text = colours.rgb(re.search(r"--event-accent-text: (#[0-9a-f]{6});", css).group(1))
    tint = colours.rgb(re.search(r"--brand-tint: (#[0-9a-f]{6});", css).group(1))
    assert colours.contrast(brand, colours.WHITE) >= 4.5  # white on the navigation, links on white
    assert colours.contrast(brand, tint) >= 4.5  # links in info boxes
    assert colours.contrast(dark, colours.WHITE) >= 4.5  # the header
    assert colours.contrast(text, colours.rgb(colour)) >= 4.5  # text on the accent itself


@pytest.mark.parametrize("typed", ["red", "#12345", "#gggggg", "#fff; } body { x", "url(x)"])
def test_a_colour_that_is_not_one_is_refused(typed):
    from conference.errors import Invalid

    with pytest.raises(Invalid):
        colours.parse_colour(typed)
    assert colours.parse_colour("#ABC") == "#aabbcc"


def test_the_agenda_marks_now_next_and_done(app, demo, client):
    first, second, third = demo.items[:3]
    demo.status, demo.started_at = "live", utcnow() - timedelta(minutes=30)
    first.status, first.actual_start, first.actual_end = (
        "done",
        utcnow() - timedelta(minutes=30),
        utcnow() - timedelta(minutes=10),
    )
    second.status, second.actual_start = "live", utcnow() - timedelta(minutes=10)
    demo.current_item_id = second.id
    demo.last_seq += 1
    db.session.commit()
    for lang, words in (
        ("lv", ("Noslēdzies", "Tagad", "Nākamais")),
        ("en", ("Finished", "Now", "Next")),
    ):
        document = lxml_html.fromstring(client.get(f"/events/{SLUG}/agenda?lang={lang}").data)
        marks = document.xpath("//li[contains(@class,'agenda-item')]/@data-mark")
        assert marks == ["done", "live", "next"] + [""] * (len(demo.items) - 3)
        row = {
            mark: document.xpath(
                f"//li[@data-mark='{mark}']//span[contains(@class,'agenda-mark')]"
            )[0].text_content()
            for mark in ("done", "live", "next")
        }
        assert [row["done"], row["live"], row["next"]] == list(words), lang
        assert document.xpath("//li[@data-mark='live']/@aria-current") == ["true"]
        live = lxml_html.fromstring(client.get(f"/events/{SLUG}?lang={lang}").data)
        classes = live.xpath("//li[contains(@class,'live-agenda__item')]/@class")
        assert "is-done" in classes[0] and "is-live" in classes[1] and "is-next" in classes[2]
        assert "is-next" not in " ".join(classes[3:])
    static = Path(app.static_folder) / "css"
    for sheet in ("live.css", "site.css"):
        assert "line-through" not in (static / sheet).read_text(), "done is not cancelled"


def test_the_event_title_stands_once_at_the_top(demo, client):
    for page in ("", "/agenda", "/speakers", "/partners"):
        body = client.get(f"/events/{SLUG}{page}?lang=lv").text.split("<body", 1)[1]
        title = demo.title["lv"]
        assert body.count(f">{title}<") == 1, page


def test_the_favicon_is_the_event_logo_and_static_otherwise(demo, client):
    page = client.get(f"/events/{SLUG}").text
    assert f'<link rel="icon" href="{storage.url(demo.logo_image, 160)}" type="image/png">' in page
    index = client.get("/login").text
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg\?v=[0-9a-f]+"', index)
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype in (
            "image/x-icon",
            "image/vnd.microsoft.icon",
        )


def test_a_partners_upload_page_has_no_link_preview(demo, client):
    """Its address is the partner's secret upload link: nothing invites a crawler to it."""
    from conference.greetings.invites import create_invite

    partner = next(o for o in demo.organisations if o.role == "partner")
    _, token = create_invite(demo, partner)
    page = client.get(f"/partner/{token}?lang=et")
    assert page.status_code == 200
    assert "og:" not in page.text and "twitter:" not in page.text
    assert storage.url(demo.logo_image, 160) in page.text
