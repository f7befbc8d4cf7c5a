"""WTForms' own messages that our forms can show, marked so that extraction finds them.

WTForms has no Latvian catalogue; listing its messages here puts them into ours, where the
admin's fragment translates them (:class:`conference.admin.forms.base.InterfaceTranslations`
looks there first). The strings must stay exactly as WTForms writes them.
"""

from flask_babel import lazy_ngettext


def N_(message: str) -> str:
    """The usual gettext "no-op" marker: returns ``message`` as it is."""
    return message


MESSAGES = (
    N_("This field is required."),
    N_("Invalid URL."),
    N_("Invalid input."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid integer value."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Field must be equal to %(other_name)s."),
    lazy_ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    lazy_ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
)
