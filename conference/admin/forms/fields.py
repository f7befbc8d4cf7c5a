"""Field types the admin forms share: text per language, times in the event's zone, choices."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from babel import Locale
from flask_babel import get_locale
from wtforms import FormField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from conference.admin.forms.base import SubForm
from conference.i18n import LANGUAGE_NAMES

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms

    def SelectChoice(value, label):  # noqa: N802
        return (value, label)


# Region codes Babel knows that are not countries (EU, UN, "unknown region", ...).
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


def strip(value):
    return value.strip() if isinstance(value, str) else value


def translated_field(
    label,
    languages: list[str],
    required_language: str | None = None,
    multiline: bool = False,
    max_length: int = 500,
    description: str = "",
) -> FormField:
    """One input per language, side by side; only ``required_language`` must be filled in.

    Its ``data`` is ``{"lv": "…", "en": "…"}`` with every language (empty ones as ``""``).
    """
    field_class = TextAreaField if multiline else StringField
    inputs = {}
    for lang in languages:
        needed = InputRequired() if lang == required_language else Optional()
        inputs[lang] = field_class(
            LANGUAGE_NAMES.get(lang, lang),
            validators=[needed, Length(max=max_length)],
            filters=[strip],
            render_kw={"lang": lang, **({"rows": 4} if multiline else {})},
        )
    texts_form = type("TranslatedTexts", (SubForm,), inputs)
    return FormField(texts_form, label=label, separator="-", description=description)


def texts(data: dict[str, str] | None) -> dict[str, str]:
    """Translated form data as the model stores it: filled-in languages only."""
    return {lang: text for lang, text in (data or {}).items() if text}


def options(pairs) -> list:
    """``(value, label)`` pairs as the select fields' choices, in the form WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, easier to use than a multi-select (keyboard and phone alike)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes, named and sorted in the admin's language."""
    locale = get_locale() or Locale("en")
    names = {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }
    return sorted(((code, f"{name} ({code})") for code, name in names.items()), key=_by_name)


def _by_name(choice: tuple[str, str]) -> str:
    return choice[1].casefold()


def timezone_choices() -> list[tuple[str, str]]:
    """IANA zone names such as ``Europe/Riga``, without the legacy aliases."""
    zones = {
        zone
        for zone in zoneinfo.available_timezones()
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "posix", "right"))
    }
    return [(zone, zone.replace("_", " ")) for zone in sorted(zones | {"UTC"})]


def local_to_aware(moment: datetime | None, timezone: str) -> datetime | None:
    """A wall-clock time typed in the event's zone, as an aware datetime."""
    if moment is None:
        return None
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(timezone))


def aware_to_local(moment: datetime | None, timezone: str) -> datetime | None:
    """An aware datetime as the wall-clock time in the event's zone (for the input's value)."""
    if moment is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(timezone)).replace(tzinfo=None)
