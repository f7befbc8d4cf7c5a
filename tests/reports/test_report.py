"""The organisers' report after the demo conference was run by scripts (tests/reports/conftest):
the PDF's text in lv and en, the page, the participants' CSV and XLSX, consent and erasure,
and who may read it."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from conference.db import db
from conference.users.models import User
from conference.users.services import create_token_for, create_user
from conference.users.sessions import SESSION_KEY, open_session
from tests.conftest import join_team
from tests.reports.conftest import ERASED, NOT_CONSENTING, SLUG

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LISTED = ["Jānis Bērziņš", "Ģirts Ķēniņš", "Dace Ozoliņa", "Līga Žūriņa", "Maria Rossi"]
PDF = f"/events/{SLUG}/report.pdf"


def pdf_text(data: bytes) -> str:
    """The PDF's text, its whitespace (line and cell breaks) folded to single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def fetch_pdf(client, headers: dict, lang: str) -> bytes:
    answer = client.get(f"{PDF}?lang={lang}", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "application/pdf"
    assert f"{SLUG}-report-{lang}.pdf" in answer.headers["Content-Disposition"]
    return answer.data


def signed_in(app, email: str):
    """A browser signed in as ``email`` (its session opened as the sign-in form would)."""
    client = app.test_client()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    with client.session_transaction() as browser:
        browser[SESSION_KEY] = open_session(user)
    return client


def screenshots(data: bytes, name: str) -> list[Path]:
    """Each page as a PNG in test-artifacts/screenshots (pdftoppm), to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(source), str(SCREENSHOTS / name)],
        check=True,
        timeout=60,
    )
    return sorted(SCREENSHOTS.glob(f"{name}-*.png"))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "lv",
            [
                "Pārskats par pasākumu",
                "2021. gada 15. jūnijs",
                "Programma, kā tā noritēja",
                "Organizators 2 1",
                "Partneris 1 1",
                "Asociētais partneris 1 1",
                "Citas organizācijas 3 3",
                "Latvija 5",
                "Igaunija 1",
                "Itālija 1",
                "14:55–15:35 +10 min 15:07–15:47",
                "Sveicieni no Tallinas",
                "Kā pieteikties mobilitātei Itālijā?",
                "Itālija 3 60",
                "Skatītāju simpātija",
                "Dmitrijs Sirotko",
                "Apliecinājums",
                "Inese Kalniņa",
                "Paraksts",
            ],
        ),
        (
            "en",
            [
                "Report on the event",
                "June 15, 2021",
                "The agenda as held",
                "Organiser 2 1",
                "Partner 1 1",
                "Associated partner 1 1",
                "Other organisations 3 3",
                "Latvia 5",
                "Estonia 1",
                "Italy 1",
                "14:55–15:35 +10 min 15:07–15:47",
                "Sveicieni no Tallinas",
                "Kā pieteikties mobilitātei Itālijā?",
                "Italy 3 60",
                "Audience favourite",
                "Dmitrijs Sirotko",
                "Declaration",
                "Inese Kalniņa",
                "Signature",
            ],
        ),
    ],
)
def test_the_pdf_is_the_event_as_held_in_each_language(app, held, lang, expected):
    data = fetch_pdf(app.test_client(), held.organiser, lang)
    text = pdf_text(data)
    missing = [phrase for phrase in [*expected, *LISTED] if phrase not in text]
    assert not missing, f"not in the {lang} PDF: {missing}\n{text[:3000]}"
    assert NOT_CONSENTING not in text
    assert ERASED not in text
    assert "Vārds Uzvārds" not in text  # an asker's typed name is no consent to be listed
    assert "Jautājums, ko neviens neapstiprina" not in text  # never approved
    pages = screenshots(data, f"report-{lang}")
    assert len(pages) >= 4


def test_the_page_shows_the_same_report_with_the_chart_and_its_table(app, held):
    client = signed_in(app, held.organiser_email)
    page = client.get(f"/events/{SLUG}/report?lang=lv")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert "Ģirts Ķēniņš" in html and ERASED not in html and NOT_CONSENTING not in html
    assert '<svg class="attendance-chart"' in html and '<desc id="chart-desc">' in html
    assert "Maksimums: 41 plkst. 15:22" in html  # the peak, marked on the chart
    assert f"/events/{SLUG}/report.pdf?lang=en" in html
    assert f"/api/v1/events/{SLUG}/participants.xlsx" in html
    english = client.get(f"/events/{SLUG}/report?lang=en").get_data(as_text=True)
    assert "Peak: 41 at 15:22" in english and "The agenda as held" in english
    signed = client.get(f"/events/{SLUG}/report?signer=Anna+Liepiņa&signer_role=Direktore")
    assert "Anna Liepiņa" in signed.get_data(as_text=True)
    bad = client.get(f"/events/{SLUG}/report?signer=%00")
    assert bad.status_code == 422


def test_the_participants_as_csv_and_xlsx(app, held):
    client = app.test_client()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/api/v1/events/{SLUG}/participants.csv", headers=held.organiser).text
            )
        )
    )
    assert [row["name"] for row in rows] == ["Jānis Bērziņš", "Ģirts Ķēniņš", "Dace Ozoliņa",
                                             "Līga Žūriņa", "Maria Rossi", "Uldis Ūdris"]  # fmt: skip
    kinds = {row["name"]: row["organisation_kind"] for row in rows}
    assert kinds["Dace Ozoliņa"] == "associated_partner" and kinds["Maria Rossi"] == "other"
    answer = client.get(f"/api/v1/events/{SLUG}/participants.xlsx", headers=held.organiser)
    assert answer.status_code == 200
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:4] == ["id", "name", "organisation", "organisation_kind"]
    assert [row[1] for row in table[1:]] == [row["name"] for row in rows]
    every_cell = " ".join(str(cell) for row in table for cell in row)
    assert ERASED not in every_cell and NOT_CONSENTING not in every_cell


def test_a_formula_from_a_participant_stays_text_in_the_xlsx(app, held):
    from tests.audience.conftest import attendee

    formula = '=HYPERLINK("http://x.invalid","Ā")'
    registered = attendee(app, "a-formula").post(
        f"/api/v1/events/{SLUG}/participants",
        json={"name": formula, "organisation": "@SUM(1)", "country": "LV", "consent_list": True},
    )
    assert registered.status_code == 201
    answer = app.test_client().get(
        f"/api/v1/events/{SLUG}/participants.xlsx", headers=held.organiser
    )
    sheet = load_workbook(io.BytesIO(answer.data)).active
    row = next(row for row in sheet.iter_rows() if row[1].value == formula)
    assert row[1].data_type == "s" and row[2].value == "@SUM(1)"


def test_who_may_read_the_report(app, held):
    client = app.test_client()
    create_user("moderatore@example.org", "moderator", "drošā parole ļoti")
    join_team("moderatore@example.org", "moderator", SLUG)
    moderator = {"Authorization": f"Bearer {create_token_for('moderatore@example.org')}"}
    admin_email = "admine@example.org"
    create_user(admin_email, "admin", "drošā parole ļoti")
    admin = {"Authorization": f"Bearer {create_token_for(admin_email)}"}

    nobody = client.get(f"{PDF}?lang=lv")
    assert nobody.status_code == 401 and nobody.headers["WWW-Authenticate"].startswith("Bearer")
    browser = client.get(f"{PDF}?lang=lv", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 302 and "/login" in browser.location
    wrong = client.get(f"{PDF}?lang=lv", headers={"Authorization": "Bearer nav-tads"})
    assert wrong.status_code == 401
    assert client.get(f"{PDF}?lang=lv", headers=moderator).status_code == 403
    assert client.get("/events/nav-tada/report.pdf", headers=held.organiser).status_code == 404
    assert client.get(f"{PDF}?lang=en", headers=admin).status_code == 200
    assert client.get(f"/events/{SLUG}/report").status_code == 302  # the sign-in page


def test_an_event_not_held_has_a_report_without_attendance(app, held):
    held.event.started_at = held.event.ended_at = None
    db.session.commit()
    text = pdf_text(fetch_pdf(app.test_client(), held.organiser, "en"))
    assert "No attendance was measured" in text
