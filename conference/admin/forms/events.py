"""The event form, and the TOML import form."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    URLField,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, Regexp

from conference.admin.forms.base import AdminForm
from conference.admin.forms.fields import (
    MultiCheckboxField,
    aware_to_local,
    local_to_aware,
    options,
    strip,
    texts,
    timezone_choices,
    translated_field,
)
from conference.events.models import DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS
from conference.i18n import LANGUAGE_NAMES

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TRANSLATED = ("title", "description", "venue", "organiser_note", "funding_note")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def event_form(event=None, **kwargs) -> AdminForm:
    """The form for a new event, or for ``event``; texts offered in every configured language.

    Every configured language gets its inputs (the page hides the unticked ones), because the
    admin chooses the event's languages in this same form.
    """
    offered = current_app.config["LANGUAGES"]
    language_choices = options((code, LANGUAGE_NAMES.get(code, code)) for code in offered)

    class EventForm(AdminForm):
        slug = StringField(
            _l("Short name in addresses (slug)"),
            validators=[
                InputRequired(),
                Length(max=80),
                Regexp(SLUG_PATTERN, message=_l("Use lower-case letters a-z, digits and hyphens.")),
            ],
            filters=[strip],
            description=_l("For example daugavpils-2021; it appears in every shared link."),
        )
        title = translated_field(_l("Title"), offered)
        description = translated_field(_l("Description"), offered, multiline=True, max_length=5000)
        languages = MultiCheckboxField(
            _l("Languages of the event"), choices=language_choices, validators=[InputRequired()]
        )
        default_language = SelectField(_l("Default language"), choices=language_choices)
        timezone = SelectField(
            _l("Time zone"), choices=options(timezone_choices()), default="Europe/Riga"
        )
        starts_at = DateTimeLocalField(
            _l("Starts"),
            format=DATETIME_FORMAT,
            validators=[InputRequired()],
            description=_l("The time at the event, in the time zone chosen above."),
        )
        ends_at = DateTimeLocalField(
            _l("Ends"), format=DATETIME_FORMAT, validators=[InputRequired()]
        )
        venue = translated_field(_l("Venue"), offered)
        online_url = URLField(
            _l("Online meeting link"),
            validators=[Optional(), URL(), Length(max=500)],
            filters=[strip],
        )
        logo_url = URLField(
            _l("Logo address"), validators=[Optional(), URL(), Length(max=500)], filters=[strip]
        )
        funding_note = translated_field(
            _l("Funding acknowledgement"), offered, multiline=True, max_length=2000
        )
        organiser_note = translated_field(_l("Organiser note"), offered, multiline=True)
        registration = SelectField(
            _l("Registration of participants"),
            choices=options(
                [
                    ("off", _l("Off: nobody registers")),
                    ("optional", _l("Optional: the live page offers it")),
                    ("required", _l("Required: the live page asks for it first")),
                ]
            ),
            default="off",
            description=_l(
                "Name, organisation and country of each participant, for the event's evidence."
            ),
        )
        certificate_min_minutes = IntegerField(
            _l("Minutes attended for a certificate"),
            validators=[Optional(), NumberRange(min=0, max=1440)],
            default=0,
            description=_l("0: any attendance is enough."),
        )
        certificate_signer_name = StringField(
            _l("Certificates signed by"),
            validators=[Optional(), Length(max=200)],
            filters=[strip],
            description=_l("A name, e.g. the director; empty: the organiser organisation."),
        )
        certificate_signer_role = translated_field(_l("Their function"), offered)
        participants_retention_days = IntegerField(
            _l("Keep the participants' personal data for (days after the event)"),
            validators=[Optional(), NumberRange(min=0, max=MAX_RETENTION_DAYS)],
            default=DEFAULT_RETENTION_DAYS,
            description=_l(
                "Then names, organisations, countries and e-mail addresses are erased "
                "automatically; the counts stay."
            ),
        )

        def values(self) -> dict:
            """What :func:`conference.admin.services.events.save_event` takes."""
            zone = self.timezone.data
            values = {name: texts(getattr(self, name).data) for name in TRANSLATED}
            values.update(
                slug=self.slug.data,
                languages=list(self.languages.data),
                default_language=self.default_language.data,
                timezone=zone,
                starts_at=local_to_aware(self.starts_at.data, zone),
                ends_at=local_to_aware(self.ends_at.data, zone),
                online_url=self.online_url.data or None,
                logo_url=self.logo_url.data or None,
                registration=self.registration.data,
                certificate_min_minutes=self.certificate_min_minutes.data or 0,
                certificate_signer_name=self.certificate_signer_name.data or None,
                certificate_signer_role=texts(self.certificate_signer_role.data),
            )
            if self.participants_retention_days.data is not None:  # empty: as it was
                values["participants_retention_days"] = self.participants_retention_days.data
            return values

    return EventForm(data=_event_data(event) if event is not None else _new_event_data(), **kwargs)


def _new_event_data() -> dict:
    default = current_app.config["DEFAULT_LANGUAGE"]
    languages = [default] + (["en"] if default != "en" else [])
    return {
        "languages": languages,
        "default_language": default,
        "timezone": "Europe/Riga",
        "registration": "off",
        "certificate_min_minutes": 0,
        "participants_retention_days": DEFAULT_RETENTION_DAYS,
    }


def _event_data(event) -> dict:
    """The stored event as form data, times as wall-clock times in its zone."""
    data = {name: dict(getattr(event, name) or {}) for name in TRANSLATED}
    data.update(
        slug=event.slug,
        languages=list(event.languages),
        default_language=event.default_language,
        timezone=event.timezone,
        starts_at=aware_to_local(event.starts_at, event.timezone),
        ends_at=aware_to_local(event.ends_at, event.timezone),
        online_url=event.online_url,
        logo_url=event.logo_url,
        registration=event.registration,
        certificate_min_minutes=event.certificate_min_minutes,
        certificate_signer_name=event.certificate_signer_name,
        certificate_signer_role=dict(event.certificate_signer_role or {}),
        participants_retention_days=event.participants_retention_days,
    )
    return data


class ImportForm(AdminForm):
    """Upload an event as TOML; ``replace`` lets it overwrite the event with the same slug."""

    file = FileField(_l("TOML file"), validators=[FileRequired()])
    replace = BooleanField(_l("Replace the event with the same slug if there is one"))


class DeleteEventForm(AdminForm):
    """Deleting a whole event: the admin types its short name, as a check of intent."""

    slug = StringField(
        _l("Type the event's short name to confirm"),
        validators=[InputRequired(), Length(max=100)],
        filters=[strip],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

    def values(self) -> dict:
        return {"slug": self.slug.data}
