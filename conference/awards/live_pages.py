"""What the attendee page and the screen view need for the vote panel and the reveal stage.

Only public facts: the contests' entries and authors (the gallery shows them anyway), the vote
mode, the reveal pause, and the sentences the scripts show. Never a winner, a score or a count:
revealed awards reach the pages through the live snapshot and its ``award.revealed`` updates.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from conference.awards.ceremony import authors_text
from conference.events.models import Event, pick
from conference.events.schemas import author_json


def awards_page_data(event: Event) -> dict:
    """The ``#awards-page`` JSON block of the live pages."""
    lang = str(get_locale() or event.default_language)
    pause = float(current_app.config["SETTINGS"]["ceremony"]["reveal_pause_s"])
    return {
        "slug": event.slug,
        "lang": lang,
        "default_language": event.default_language,
        "second_language": next((code for code in event.languages if code != lang), None),
        "vote_url": f"/api/v1/events/{event.slug}/votes?lang={lang}",
        "results_url": f"/events/{event.slug}/results",
        "reveal_pause_ms": round(max(0.0, pause) * 1000),
        "contests": [
            {
                "id": contest.id,
                "title": pick(contest.title, lang, event.default_language),
                "vote_mode": contest.vote_mode,
                "entries": [
                    {
                        "id": entry.id,
                        "title": pick(entry.title, lang, event.default_language),
                        "authors": authors_text([author_json(a) for a in entry.authors]),
                    }
                    for entry in contest.entries
                ],
            }
            for contest in event.contests
        ],
        "phrases": _phrases(),
    }


def _phrases() -> dict[str, str]:
    """The scripts' sentences in the page's language ({placeholders} filled in by the script)."""
    return {
        "your_vote": _(
            "Your vote: %(title)s, you can change it until the vote closes.", title="{title}"
        ),
        "vote_sent": _("Thank you, your vote is counted."),
        "choose": _("Choose an entry first."),
        "code_needed": _("Enter your personal join code."),
        "unreachable": _("The vote could not be sent. Check the connection and try again."),
        "vote_closed": _("The vote has closed. The result is revealed at the award ceremony."),
        "sending": _("Sending…"),
        "revealing": _("And the award goes to…"),
        "say_award": _("%(award)s: %(winners)s", award="{award}", winners="{winners}"),
        "say_title": _("Award: %(award)s", award="{award}"),
    }
