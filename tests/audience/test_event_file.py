"""The demo's questions and poll, and the event file's round trip of both."""

from __future__ import annotations

import pytest

from conference.demo import DEMO_FILE
from conference.events.exchange import EventFileError, export_event, import_event

SLUG = "daugavpils-2021"
BANNER = "# ====="


def test_the_demo_moderates_questions_and_has_a_single_choice_poll(app):
    import_event(DEMO_FILE.read_text(encoding="utf-8"))
    detail = app.test_client().get(f"/api/v1/events/{SLUG}").get_json()
    assert detail["questions"] == "moderated"
    [poll] = detail["polls"]
    assert poll["multiple"] is False
    assert poll["question"]["lv"] == "Kurā partnervalstī jūs vēlētos doties mobilitātē?"
    assert [option["text"]["en"] for option in poll["options"]] == [
        "Estonia",
        "Italy",
        "Spain",
        "Portugal",
        "Germany",
    ]
    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    assert state["questions"] == "moderated"
    assert state["polls"] == [{"poll_id": poll["id"], "status": "not_opened", "results": None}]


def test_export_and_import_give_the_same_polls_back(app):
    import_event(DEMO_FILE.read_text(encoding="utf-8"))
    exported = export_event(SLUG)
    assert 'questions = "moderated"' in exported and "[[polls]]" in exported
    changed = exported.replace(
        'key = "mobility-country"', 'key = "mobility-country"\nmultiple = true'
    )
    import_event(changed, replace=True)
    again = export_event(SLUG)
    assert "multiple = true" in again
    import_event(again, replace=True)
    # The same file back, up to the change log (which the replacement itself adds to).
    assert export_event(SLUG).split(BANNER)[0] == again.split(BANNER)[0]
    detail = app.test_client().get(f"/api/v1/events/{SLUG}").get_json()
    assert detail["polls"][0]["multiple"] is True


@pytest.mark.parametrize(
    "poll, complaint",
    [
        ('key = "p"\nquestion = { lv = "Jā?" }\noptions = [{ lv = "Jā" }]', "polls[1].options"),
        (
            'key = "p"\nquestion = { lv = "Jā?" }\noptions = [{ lv = "Jā" }, { lv = "Nē" }]\nmultiple = "jā"',
            "polls[1].multiple",
        ),
        ('key = "p"\noptions = [{ lv = "Jā" }, { lv = "Nē" }]', "polls[1].question"),
        (  # the demo's own poll key again: refused at its second use
            'key = "mobility-country"\nquestion = { lv = "Jā?" }\noptions = [{ lv = "Jā" }, { lv = "Nē" }]',
            "polls[2].key",
        ),
    ],
)
def test_a_bad_poll_in_the_file_is_refused_with_its_place(app, poll, complaint):
    text = DEMO_FILE.read_text(encoding="utf-8")
    text = text.replace(
        '[[polls]]\nkey = "mobility-country"',
        f'[[polls]]\n{poll}\n\n[[polls]]\nkey = "mobility-country"',
    )
    with pytest.raises(EventFileError) as refused:
        import_event(text)
    assert [problem["path"] for problem in refused.value.problems] == [complaint]
