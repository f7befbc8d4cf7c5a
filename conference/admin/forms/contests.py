"""Forms for contests, their entries (with authors) and their awards (with the secret winners)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, IntegerField, SelectField, StringField, URLField
from wtforms.validators import URL, Length, NumberRange, Optional

from conference.admin.forms.base import AdminForm, SubForm
from conference.admin.forms.fields import (
    MultiCheckboxField,
    options,
    strip,
    texts,
    translated_field,
)
from conference.admin.forms.programme import optional_int
from conference.admin.services.ordering import next_position
from conference.admin.templating import AWARD_KIND_NAMES, VOTE_MODE_NAMES
from conference.awards.models import AWARD_KINDS, VOTE_MODES
from conference.i18n import translate

MEDIA_KINDS = ("image", "video", "pdf", "link")
MEDIA_KIND_NAMES = {
    "image": _l("Picture"),
    "video": _l("Video"),
    "pdf": _l("PDF document"),
    "link": _l("Link"),
}
SPARE_AUTHOR_ROWS = 2


def contest_form(event, contest=None) -> AdminForm:
    languages, default = event.languages, event.default_language

    class ContestForm(AdminForm):
        title = translated_field(_l("Title"), languages, required_language=default)
        description = translated_field(
            _l("Description"), languages, multiline=True, max_length=5000
        )
        vote_mode = SelectField(
            _l("Audience vote"),
            choices=options((mode, VOTE_MODE_NAMES[mode]) for mode in VOTE_MODES),
        )

        def values(self) -> dict:
            return {
                "title": texts(self.title.data),
                "description": texts(self.description.data),
                "vote_mode": self.vote_mode.data,
            }

    data = {"vote_mode": "open"}
    if contest is not None:
        data = {
            "title": dict(contest.title),
            "description": dict(contest.description or {}),
            "vote_mode": contest.vote_mode,
        }
    return ContestForm(data=data)


class AuthorForm(SubForm):
    name = StringField(_l("Name"), validators=[Length(max=200)], filters=[strip])
    group = StringField(
        _l("Group"),
        validators=[Length(max=40)],
        filters=[strip],
        description=_l("Class code such as LMT-21, if any"),
    )


def entry_form(event, contest, entry=None) -> AdminForm:
    languages, default = event.languages, event.default_language
    stored_authors = (
        [{"name": a.name, "group": a.group or ""} for a in entry.authors] if entry else []
    )

    class EntryForm(AdminForm):
        title = translated_field(_l("Title"), languages, required_language=default)
        description = translated_field(
            _l("Description"), languages, multiline=True, max_length=5000
        )
        authors = FieldList(
            FormField(AuthorForm, separator="-"),
            label=_l("Authors"),
            min_entries=len(stored_authors) + SPARE_AUTHOR_ROWS,
            max_entries=50,
            separator="-",
        )
        media_kind = SelectField(
            _l("Attachment"),
            choices=options([("", "—"), *((kind, MEDIA_KIND_NAMES[kind]) for kind in MEDIA_KINDS)]),
            default="",
        )
        media_url = URLField(
            _l("Attachment address"),
            validators=[Optional(), URL(), Length(max=500)],
            filters=[strip],
        )

        def values(self) -> dict:
            rows = [row for row in self.authors.data if row["name"] or row["group"]]
            return {
                "title": texts(self.title.data),
                "description": texts(self.description.data),
                "authors": [{"name": row["name"], "group": row["group"] or None} for row in rows],
                "media_kind": self.media_kind.data or None,
                "media_url": self.media_url.data or None,
            }

    data = {}
    if entry is not None:
        data = {
            "title": dict(entry.title),
            "description": dict(entry.description or {}),
            "authors": stored_authors,
            "media_kind": entry.media_kind or "",
            "media_url": entry.media_url,
        }
    return EntryForm(data=data)


def award_form(event, contest, award=None, winner_ids=()) -> AdminForm:
    languages, default = event.languages, event.default_language
    entry_choices = [
        (entry.id, translate(entry.title, fallback=default) + author_names(entry))
        for entry in contest.entries
    ]

    class AwardForm(AdminForm):
        kind = SelectField(
            _l("Kind"), choices=options((kind, AWARD_KIND_NAMES[kind]) for kind in AWARD_KINDS)
        )
        rank = SelectField(
            _l("Place"),
            coerce=optional_int,
            choices=options([(None, "—"), (1, "1"), (2, "2"), (3, "3")]),
            description=_l("Only for the 1st, 2nd and 3rd place."),
        )
        title = translated_field(_l("Title"), languages, required_language=default)
        ceremony_order = IntegerField(
            _l("Order in the ceremony"), validators=[Optional(), NumberRange(min=0, max=1000)]
        )
        winners = MultiCheckboxField(
            _l("Winners (secret until revealed)"),
            coerce=int,
            choices=options(entry_choices),
            description=_l("Only the admin sees this until the award is revealed."),
        )

        def values(self) -> dict:
            return {
                "kind": self.kind.data,
                "rank": self.rank.data,
                "title": texts(self.title.data),
                "ceremony_order": self.ceremony_order.data,
                "winner_ids": list(self.winners.data),
            }

    data = {"kind": "place", "ceremony_order": next_position(contest.awards, "ceremony_order")}
    if award is not None:
        data = {
            "kind": award.kind,
            "rank": award.rank,
            "title": dict(award.title),
            "ceremony_order": award.ceremony_order,
            "winners": list(winner_ids),
        }
    return AwardForm(data=data)


def author_names(entry) -> str:
    names = ", ".join(author.name for author in entry.authors)
    return f" ({names})" if names else ""
