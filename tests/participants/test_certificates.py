"""Certificates of participation (issue 12 part 4): who gets one, what it says in lv and en,
the organisers' ZIP, and the live page's offer after the event."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from conference.db import db
from conference.live.publish import refresh_event
from conference.participants.models import AttendanceInterval
from tests.live.conftest import STARTS_AT
from tests.participants.conftest import OTHER_SLUG, SLUG, attendee

API = f"/api/v1/events/{SLUG}/participants"
PDF = f"/events/{SLUG}/certificate.pdf"
ZIP = f"/events/{SLUG}/certificates.zip"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, "a certificate is one page"
    return " ".join(reader.pages[0].extract_text().split())


def register(app, who: str, name: str, organisation: str = "Daugavpils tehnikums"):
    client = attendee(app, who)
    answer = client.post(API, json={"name": name, "organisation": organisation, "country": "LV"})
    assert answer.status_code == 201
    return client


def attended(event, who: str, minutes: int, after: int = 0) -> None:
    """``who`` was connected for ``minutes`` from ``after`` minutes into the event."""
    start = STARTS_AT + timedelta(minutes=after)
    db.session.add(
        AttendanceInterval(
            event_id=event.id,
            attendee_key=who,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
        )
    )
    db.session.commit()


def end(event, minimum: int = 30) -> None:
    event.status = "ended"
    event.started_at = STARTS_AT
    event.ended_at = STARTS_AT + timedelta(hours=3)
    event.certificate_min_minutes = minimum
    db.session.commit()
    refresh_event(event.slug)  # the live page reads the status from the live snapshot


@pytest.fixture
def held(app, event):
    """Jānis attended 95 minutes (in two stretches), Līga 12, Ēriks registered but never came."""
    janis = register(app, "janis", "Jānis Bērziņš")
    liga = register(app, "liga", "Līga Ķēniņa-Žuka", "Istituto Kārlis")
    eriks = register(app, "eriks", "Ēriks Čaks")
    attended(event, "janis", 50)
    attended(event, "janis", 45, after=80)
    attended(event, "liga", 12, after=10)
    end(event)
    return {"janis": janis, "liga": liga, "eriks": eriks}


@pytest.mark.parametrize(
    ("lang", "heading", "title", "minutes_line", "date"),
    [
        (
            "lv",
            "DALĪBAS APLIECINĀJUMS",
            "Erasmus+ projektu rezultātu izvērtēšanas konference",
            "Apmeklētās minūtes: 95",
            "2021. gada 15. jūnijs",
        ),
        ("en", "CERTIFICATE OF PARTICIPATION", "Erasmus+", "Minutes attended: 95", "June 15, 2021"),
    ],
)
def test_a_participant_who_attended_long_enough_downloads_their_certificate(
    held, lang, heading, title, minutes_line, date
):
    answer = held["janis"].get(f"{PDF}?lang={lang}")
    assert answer.status_code == 200, answer.text
    assert answer.mimetype == "application/pdf"
    assert (
        "filename*=UTF-8''daugavpils-2021-certificate-J%C4%81nis-B%C4%93rzi%C5%86%C5%A1.pdf"
        in (answer.headers["Content-Disposition"])
    )
    assert answer.headers["Cache-Control"] == "private, no-store"
    text = text_of(answer.data)
    assert "Jānis Bērziņš" in text  # the letters themselves, as text
    assert heading in text and title in text and minutes_line in text and date in text
    assert "Daugavpils tehnikums" in text  # the organiser signs when no signer is set


def test_the_signer_and_their_function_are_on_the_certificate(app, held, event):
    event.certificate_signer_name = "Ingrīda Brokāne"
    event.certificate_signer_role = {"lv": "direktore", "en": "Director"}
    db.session.commit()
    lv = text_of(held["janis"].get(f"{PDF}?lang=lv").data)
    en = text_of(held["janis"].get(f"{PDF}?lang=en").data)
    assert "Ingrīda Brokāne" in lv and "direktore" in lv
    assert "Ingrīda Brokāne" in en and "Director" in en


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("lv", "Jūs piedalījāties 12 minūtes; apliecinājumam vajag 30."),
        ("en", "You attended 12 minutes; a certificate needs 30."),
    ],
)
def test_too_few_minutes_is_refused_with_the_minutes_in_the_users_language(held, lang, reason):
    page = held["liga"].get(f"{PDF}?lang={lang}")
    assert page.status_code == 403
    assert reason in page.text and "<html" in page.text
    answer = held["liga"].get(f"{PDF}?lang={lang}", headers={"Accept": "application/json"})
    assert answer.status_code == 403
    assert answer.get_json()["error"] == {"code": "not_enough_attendance", "message": reason}


def test_never_seen_at_the_live_event_is_refused(held):
    answer = held["eriks"].get(f"{PDF}?lang=en", headers={"Accept": "application/json"})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "not_enough_attendance"
    assert "not seen at the live event" in answer.get_json()["error"]["message"]


def test_with_no_minimum_any_attendance_is_enough(app, held, event):
    end(event, minimum=0)
    assert held["liga"].get(PDF).status_code == 200
    assert held["eriks"].get(PDF).status_code == 403


def test_before_the_event_has_ended_there_is_no_certificate_yet(app, event):
    janis = register(app, "janis", "Jānis Bērziņš")
    event.status = "live"
    event.started_at = STARTS_AT
    db.session.commit()
    attended(event, "janis", 90)
    answer = janis.get(f"{PDF}?lang=lv", headers={"Accept": "application/json"})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "event_not_ended"
    assert "kad pasākums būs beidzies" in answer.get_json()["error"]["message"]


def test_an_unregistered_or_erased_attendee_gets_404(app, held, event):
    stranger = attendee(app, "svešinieks")
    attended(event, "svešinieks", 120)  # watched it all, but never registered
    answer = stranger.get(PDF, headers={"Accept": "application/json"})
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_registered"
    assert held["janis"].delete(f"{API}/me").status_code == 204
    assert held["janis"].get(PDF).status_code == 404
    assert (
        attendee(app, "other").get(f"/events/{OTHER_SLUG}-nav/certificate.pdf").status_code == 404
    )


def _zip(answer) -> dict[str, bytes]:
    assert answer.status_code == 200, answer.text
    assert answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        for info in archive.infolist():
            if not info.filename.isascii():
                assert info.flag_bits & 0x800, "non-ASCII names are marked UTF-8"
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_organisers_zip_has_one_certificate_per_qualifying_participant(
    app, held, event, organiser
):
    register(app, "anna", "Anna Ozola")
    attended(event, "anna", 40)
    register(app, "dubults", "Jānis Bērziņš")  # a namesake: both files kept
    attended(event, "dubults", 31)
    assert held["liga"].delete(f"{API}/me").status_code == 204  # erased: none (and too short)
    files = _zip(app.test_client().get(f"{ZIP}?lang=lv", headers=organiser))
    anna = "daugavpils-2021-certificate-Anna-Ozola.pdf"
    janis = "daugavpils-2021-certificate-Jānis-Bērziņš.pdf"
    (namesake,) = set(files) - {anna, janis}
    assert namesake.startswith("daugavpils-2021-certificate-Jānis-Bērziņš-")
    assert len(files) == 3  # not Līga (erased), not Ēriks (never came)
    assert "Jānis Bērziņš" in text_of(files[janis])
    assert "Apmeklētās minūtes: 95" in text_of(files[janis])
    assert "Apmeklētās minūtes: 31" in text_of(files[namesake])
    assert "Anna Ozola" in text_of(files[anna])


def test_an_erased_participant_gets_no_certificate_even_after_attending(
    app, held, event, organiser
):
    assert held["janis"].delete(f"{API}/me").status_code == 204
    files = _zip(app.test_client().get(ZIP, headers=organiser))
    assert files == {}
    assert held["janis"].get(PDF).status_code == 404


def test_the_zip_is_for_this_events_organisers_only(
    app, held, other_organiser, moderator, organiser
):
    client = app.test_client()
    assert client.get(ZIP, headers=other_organiser).status_code == 403
    assert client.get(ZIP, headers=moderator).status_code == 403
    unauthorised = client.get(ZIP, headers={"Accept": "application/json"})
    assert unauthorised.status_code == 401
    assert unauthorised.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(ZIP).status_code == 302  # a browser signed out: the sign-in page
    bad = client.get(ZIP, headers={"Authorization": "Bearer nav-derīgs"})
    assert bad.status_code == 401
    assert held["janis"].get(ZIP).status_code == 302  # an attendee is nobody's organiser
    assert client.get("/events/nav-tada/certificates.zip", headers=organiser).status_code == 404


def test_the_zip_before_the_end_is_empty(app, event, organiser):
    register(app, "janis", "Jānis Bērziņš")
    assert _zip(app.test_client().get(ZIP, headers=organiser)) == {}


@pytest.mark.parametrize(
    ("lang", "offer", "short"),
    [
        (
            "lv",
            "Lejupielādēt apliecinājumu",
            "Jūs piedalījāties 12 minūtes; apliecinājumam vajag 30.",
        ),
        ("en", "Download your certificate", "You attended 12 minutes; a certificate needs 30."),
    ],
)
def test_the_live_page_after_the_event_offers_the_certificate(held, lang, offer, short):
    page = held["janis"].get(f"/events/{SLUG}?lang={lang}")
    assert page.status_code == 200
    assert offer in page.text and f'href="{PDF}?lang={lang}"' in page.text
    page = held["liga"].get(f"/events/{SLUG}?lang={lang}")
    assert short in page.text and offer not in page.text


def test_the_live_page_offers_nothing_to_the_unregistered_or_before_the_end(app, held, event):
    stranger = attendee(app, "svešinieks").get(f"/events/{SLUG}?lang=en")
    assert "certificate" not in stranger.text
    event.status = "live"
    db.session.commit()
    refresh_event(event.slug)
    assert "Download your certificate" not in held["janis"].get(f"/events/{SLUG}?lang=en").text


def test_a_certificate_rendered_to_png_for_looking_at(app, held, event, tmp_path):
    """Renders a certificate with the event's logo to test-artifacts/screenshots (looked at)."""
    from conference.images.services import store_picture

    logo = Path(__file__).resolve().parents[2] / "conference/demo/pictures/event-logo.png"
    with logo.open("rb") as handle:
        event.logo_image = store_picture("event-logo", handle)
    event.certificate_signer_name = "Ingrīda Brokāne"
    event.certificate_signer_role = {"lv": "direktore", "en": "Director"}
    event.organisations[0].name = "Daugavpils tehnikums"
    db.session.commit()
    pdf = held["janis"].get(f"{PDF}?lang=lv").data
    assert "Ingrīda Brokāne" in text_of(pdf)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    target = ARTIFACTS / f"certificate-lv-{app.config['DATABASE_URL'].split(':')[0]}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(source), str(target)],
        check=True,
        timeout=60,
    )
    assert target.with_suffix(".png").stat().st_size > 10_000
