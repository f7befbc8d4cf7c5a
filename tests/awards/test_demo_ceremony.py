"""The demo ceremony from start to end: the audience votes, the moderator reveals the six awards
in ceremony order through the commands API, and the results are exactly the article's."""

from __future__ import annotations

import re

from conference.awards.ceremony import next_to_reveal, winners_text
from conference.awards.models import Entry
from conference.db import db

SLUG = "daugavpils-2021"
COMMANDS = f"/api/v1/events/{SLUG}/commands"

# shared/seed/FACTS.md, "Results, as announced", in the article's order. The article writes
# "1.vieta" without a space and leaves out Valerija Greibo's group in the director's line; the
# product writes every line the same way ("1. vieta", the group wherever the author has one).
ARTICLE_LV = [
    "1. vieta: Dmitrijs Ivčeno, Dmitrijs Lukins, Maksims Romanovs (LMT-21)",
    "2. vieta: Valerija Greibo (LD-21)",
    "3. vieta: Angelika Paškeviča",
    "Pateicība par dalību: Oskars Alehno (ATS-21), Larisa Ostapko (KS-41), Dmitrijs Sirotko",
    "Skatītāju simpātija: Dmitrijs Sirotko",
    "Direktores simpātija: Valerija Greibo (LD-21)",
]
ARTICLE_EN = [
    "1st place: Dmitrijs Ivčeno, Dmitrijs Lukins, Maksims Romanovs (LMT-21)",
    "2nd place: Valerija Greibo (LD-21)",
    "3rd place: Angelika Paškeviča",
    "Thanks for taking part: Oskars Alehno (ATS-21), Larisa Ostapko (KS-41), Dmitrijs Sirotko",
    "Audience favourite: Dmitrijs Sirotko",
    "Director's favourite: Valerija Greibo (LD-21)",
]


def entry_by_author(event, name: str) -> Entry:
    return next(
        entry
        for contest in event.contests
        for entry in contest.entries
        if any(author.name == name for author in entry.authors)
    )


def summary_lines(html: str) -> list[str]:
    block = re.search(r'<div class="results-summary">(.*?)</div>', html, re.S).group(1)
    return [
        re.sub(r"\s+", " ", line).strip() for line in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def unescape(text: str) -> str:
    return text.replace("&#39;", "'").replace("&amp;", "&")


def test_the_audience_decides_and_six_reveals_give_the_article_results(app, demo, moderator):
    contest = demo.contests[0]
    favourite = entry_by_author(demo, "Dmitrijs Sirotko")
    others = [entry for entry in contest.entries if entry.id != favourite.id]
    opened = app.test_client().post(
        COMMANDS, json={"type": "open_vote", "contest_id": contest.id}, headers=moderator
    )
    assert opened.status_code == 200

    # 30 attendees, each a browser of its own: 17 for Sirotko, 13 spread over the others.
    choices = [favourite] * 17 + [others[n % len(others)] for n in range(13)]
    for choice in choices:
        browser = app.test_client()
        assert browser.get(f"/events/{SLUG}").status_code == 200  # the attendee cookie
        voted = browser.post(f"/api/v1/events/{SLUG}/votes", json={"entry_id": choice.id})
        assert voted.status_code == 200, voted.get_json()

    closed = app.test_client().post(
        COMMANDS, json={"type": "close_vote", "contest_id": contest.id}, headers=moderator
    )
    assert closed.status_code == 200

    revealed_kinds = []
    moderator_client = app.test_client()
    for _ in range(6):
        db.session.expire_all()
        award = next_to_reveal(demo)
        revealed_kinds.append((award.kind, award.rank))
        answer = moderator_client.post(
            COMMANDS, json={"type": "reveal_award", "award_id": award.id}, headers=moderator
        )
        assert answer.status_code == 200, answer.get_json()
    db.session.expire_all()
    assert next_to_reveal(demo) is None
    assert revealed_kinds == [
        ("mention", None),
        ("place", 3),
        ("place", 2),
        ("place", 1),
        ("director", None),
        ("audience", None),
    ]

    state = app.test_client().get(f"/api/v1/events/{SLUG}/state").get_json()
    announced = {award["title"]["lv"]: winners_text(award["entries"]) for award in state["awards"]}
    assert announced == dict(line.split(": ", 1) for line in ARTICLE_LV)

    reader = app.test_client()
    latvian = reader.get(f"/events/{SLUG}/results?lang=lv").get_data(as_text=True)
    assert summary_lines(latvian) == ARTICLE_LV
    english = reader.get(f"/events/{SLUG}/results?lang=en").get_data(as_text=True)
    assert [unescape(line) for line in summary_lines(english)] == ARTICLE_EN


def test_a_second_reveal_of_the_same_award_is_refused(app, demo, moderator):
    client = app.test_client()
    award = next_to_reveal(demo)
    body = {"type": "reveal_award", "award_id": award.id}
    assert client.post(COMMANDS, json=body, headers=moderator).status_code == 200
    again = client.post(f"{COMMANDS}?lang=lv", json=body, headers=moderator)
    assert again.status_code == 422
    assert again.get_json()["error"]["code"] == "already_revealed"
    state = client.get(f"/api/v1/events/{SLUG}/state").get_json()
    assert [a["id"] for a in state["awards"]] == [award.id]
