"""Pages of the audience: /events/<slug>/questions, and what the live pages include."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from markupsafe import Markup

from conference.events.schemas import detail_loading
from conference.events.services import get_event_or_404
from conference.live.page_cache import cached_page

bp = Blueprint("audience", __name__)

REACTION_SYMBOLS = (
    ("applause", "👏", lazy_gettext("Applause")),
    ("heart", "❤️", lazy_gettext("Heart")),
    ("laugh", "😂", lazy_gettext("Laugh")),
    ("wow", "😮", lazy_gettext("Wow")),
    ("thumbs_up", "👍", lazy_gettext("Thumbs up")),
)


def reaction_kinds():
    return [(kind, symbol, str(label)) for kind, symbol, label in REACTION_SYMBOLS]


def audience_page_data(event) -> dict:
    """What static/js/audience/*.js needs besides the snapshot: URLs and translated phrases."""
    from flask_babel import get_locale

    from conference.audience.polls import event_polls, poll_options
    from conference.db import db
    from conference.events.models import pick

    base = f"/api/v1/events/{event.slug}"
    lang = str(get_locale() or event.default_language)

    def text(texts) -> str:
        return pick(texts, lang, event.default_language) or ""

    polls = [
        {
            "id": poll.id,
            "question": text(poll.question),
            "multiple": poll.multiple,
            "options": [
                {"id": option.id, "text": text(option.text)}
                for option in poll_options(db.session, poll)
            ],
        }
        for poll in event_polls(db.session, event)
    ]
    return {
        "slug": event.slug,
        "polls": polls,
        "polls_url": f"{base}/polls",
        "questions_url": f"{base}/questions",
        "symbols": {kind: symbol for kind, symbol, _label in REACTION_SYMBOLS},
        "phrases": {
            "anonymous": _("Anonymous"),
            "answered": _("Answered"),
            "upvotes": _("upvotes"),
            "upvote": _("Upvote"),
            "pending": _("Thank you! Your question is shown once a moderator approves it."),
            "asked": _("Thank you! Your question is on the list."),
            "closed": _("Questions are closed at the moment."),
            "unreachable": _("Could not reach the server. Please try again."),
            "reconnecting": _("Connection lost. Reconnecting…"),
            "reaction_summary": _("The audience reacted %(n)s times.", n="{n}"),
            "approve": _("Approve"),
            "hide": _("Hide"),
            "block": _("Block the asker"),
            "mark_answered": _("Mark answered"),
            "highlight": _("Show on screen"),
            "status_pending": _("Waiting"),
            "status_visible": _("Visible"),
            "status_answered": _("Answered"),
            "status_hidden": _("Hidden"),
            "on_screen": _("On screen"),
            "mode_off": _("closed"),
            "mode_open": _("open"),
            "mode_moderated": _("open, moderated"),
            "question_from": _("Asked by %(name)s", name="{name}"),
            "poll": _("Poll"),
            "choose_one": _("Choose one answer."),
            "choose_many": _("Choose one or more answers."),
            "send_answer": _("Send my answer"),
            "answer_saved": _(
                "Thank you! Your answer is counted. You may change it while the poll is open."
            ),
            "choose_first": _("Choose an answer first."),
            "poll_closed": _("The poll has closed."),
            "results": _("Results"),
            "option": _("Answer"),
            "votes_heading": _("Votes"),
            "share": _("Share"),
            "respondents": _("%(n)s answered", n="{n}"),
            "open_poll": _("Open"),
            "close_poll": _("Close"),
            "show_results": _("Show results"),
            "poll_status_not_opened": _("Not opened"),
            "poll_status_open": _("Open"),
            "poll_status_closed": _("Closed"),
            "poll_open_now": _("Poll open: answer on your phone"),
        },
    }


@bp.get("/events/<slug>/questions")
def questions_page(slug: str):
    """The audience's questions: ask and upvote (the live page shows them too)."""
    from conference.live.views import _page_context

    def render() -> str:
        event = get_event_or_404(slug, detail_loading())
        return render_template("audience/questions.html", **_page_context(event, "attendee"))

    return cached_page("questions", slug, render)


def join_panel(event) -> dict:
    """The screen's join panel: the live page's URL, short for large type, and its QR code."""
    import segno

    base = current_app.config.get("PUBLIC_URL") or request.host_url
    url = f"{base.rstrip('/')}/events/{event.slug}"
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(
        scale=1,
        border=2,
        omitsize=True,
        dark="#000",
        light="#fff",
        title=_("QR code of %(url)s", url=url),
    )
    return {"url": url, "short": url.split("://", 1)[-1], "qr_svg": Markup(svg)}


def _poll_count(event) -> int:
    from conference.audience.admin_views import poll_count

    return poll_count(event)


@bp.app_context_processor
def _helpers():
    return {
        "reaction_kinds": reaction_kinds,
        "audience_page_data": audience_page_data,
        "audience_join_panel": join_panel,
        "poll_count": _poll_count,
    }
