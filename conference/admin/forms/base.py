"""Form base classes whose validation messages speak the admin's language.

WTForms ships no Latvian catalogue, so its messages are looked up first in the application's
own catalogue (the Latvian texts are in ``translations/fragments/admin.lv.po``, and
:mod:`conference.admin.forms.wtforms_messages` marks them for extraction), then in WTForms' own
catalogues (German, Spanish, ...), and stay English if neither has them.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import FieldList, Form, FormField


class InterfaceTranslations:
    """The ``gettext``/``ngettext`` pair WTForms asks its ``Meta`` for."""

    def gettext(self, string: str) -> str:
        translated = get_translations().ugettext(string)
        if translated != string:
            return translated
        return wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        translated = get_translations().ungettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        return wtforms_translations.ngettext(singular, plural, n)


interface_translations = InterfaceTranslations()


class AdminForm(FlaskForm):
    """A page form: CSRF-protected, messages in the request's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return interface_translations


class SubForm(Form):
    """A form nested in another (per-language texts, an author row): no CSRF token of its own."""

    class Meta:
        def get_translations(self, form):
            return interface_translations


def add_service_error(form, error) -> None:
    """Show a service's refusal next to the field it names (``field=``), else above the form."""
    field_name = error.extra.get("field") if hasattr(error, "extra") else None
    field = form._fields.get(field_name) if field_name else None
    message = str(error.message)
    if isinstance(field, FormField):
        field.form.form_errors.append(message)
    elif isinstance(field, FieldList):
        form.form_errors.append(message)
    elif field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
