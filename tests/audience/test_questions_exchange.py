"""Questions (text, name, language, status, upvotes) in the event file: export and import."""

from __future__ import annotations

import pytest

from conference.events.exchange import EventFileError, export_event, import_event
from tests.audience.conftest import SLUG, attendee

QUESTIONS = f"/api/v1/events/{SLUG}/questions"


def questions_part(text: str) -> str:
    """The ``[[questions]]`` blocks of an exported file (they come before the change log)."""
    start = text.index("[[questions]]")
    return text[start:].split("# =====")[0].split("[[winners]]")[0]


def every_question(app, moderator):
    rows = app.test_client().get(QUESTIONS, headers=moderator).get_json()
    return sorted((row["text"], row.get("name"), row["status"], row["upvotes"]) for row in rows)


def test_questions_with_upvotes_and_status_round_trip(app, event, command, moderator):
    assert command("open_questions").status_code == 200
    first = (
        attendee(app, "ilze")
        .post(QUESTIONS, json={"text": "Kā ģimenes pieteiksies?", "name": "Ģirts Ķēniņš"})
        .get_json()
    )
    second = attendee(app, "juris").post(QUESTIONS, json={"text": "Vai būs ūdens?"}).get_json()
    for who in ("a", "b", "c"):
        assert attendee(app, who).post(f"{QUESTIONS}/{first['id']}/upvote").status_code in (
            200,
            201,
            204,
        )
    assert command("answer_question", question_id=first["id"]).status_code == 200
    assert command("hide_question", question_id=second["id"]).status_code == 200
    before = every_question(app, moderator)
    assert before == [
        ("Kā ģimenes pieteiksies?", "Ģirts Ķēniņš", "answered", 3),
        ("Vai būs ūdens?", None, "hidden", 0),
    ]

    exported = export_event(SLUG)
    assert "[[questions]]" in exported and 'status = "hidden"' in exported
    assert "upvotes = 3" in exported
    # The name an asker gave is personal data: only in an export that asks for it.
    assert "Ģirts Ķēniņš" not in exported
    assert 'name = "Ģirts Ķēniņš"' in export_event(SLUG, include_personal_data=True)

    # The same file again changes nothing (the questions are matched, not doubled).
    import_event(exported, replace=True)
    assert every_question(app, moderator) == before
    # Into a new event: the same questions, statuses and counts.
    import_event(exported.replace(f'slug = "{SLUG}"', 'slug = "kopija-2021"', 1))
    # (the moderator's role is in the first event only: the file shows every status and count)
    assert questions_part(export_event("kopija-2021")) == questions_part(exported)


@pytest.mark.parametrize(
    "question, complaint",
    [
        (
            'text = "Jā?"\nstatus = "lost"\nasked_at = 2021-06-15T10:00:00+03:00',
            "questions[1].status",
        ),
        ('text = "Jā?"', "questions[1].asked_at"),
        (
            'text = "Jā?"\nasked_at = 2021-06-15T10:00:00+03:00\nupvotes = -1',
            "questions[1].upvotes",
        ),
    ],
)
def test_a_bad_question_in_the_file_is_refused_with_its_place(app, event, question, complaint):
    exported = export_event(SLUG)
    with pytest.raises(EventFileError) as refused:
        import_event(exported.split("# =====")[0] + f"\n[[questions]]\n{question}\n", replace=True)
    assert complaint in str(refused.value)
