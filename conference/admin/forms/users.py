"""Forms for users: a new user, and a new password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from conference.admin.forms.base import AdminForm
from conference.admin.forms.fields import options, strip
from conference.admin.templating import ROLE_NAMES
from conference.users.models import EVENT_ROLES, ROLES
from conference.users.services import MIN_PASSWORD_LENGTH


def new_password_field() -> PasswordField:
    return PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH), Length(max=1000)],
        render_kw={"autocomplete": "new-password"},
    )


def password_again_field() -> PasswordField:
    return PasswordField(
        _l("Password again"),
        validators=[
            InputRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordForm(AdminForm):
    password = new_password_field()
    password_again = password_again_field()

    def values(self) -> dict:
        return {"password": self.password.data}


class UserForm(AdminForm):
    email = EmailField(
        # The address itself is checked by the service (WTForms' Email needs another package).
        _l("E-mail"),
        validators=[InputRequired(), Length(max=254)],
        filters=[strip],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)], filters=[strip])
    role = SelectField(_l("Role"), choices=options((role, ROLE_NAMES[role]) for role in ROLES))
    password = new_password_field()
    password_again = password_again_field()

    def values(self) -> dict:
        return {
            "email": self.email.data,
            "name": self.name.data or None,
            "role": self.role.data,
            "password": self.password.data,
        }


class TeamMemberForm(AdminForm):
    """Give a user (by e-mail) a role in the event."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)], filters=[strip])
    role = SelectField(
        _l("Role in this event"),
        choices=options((role, ROLE_NAMES[role]) for role in EVENT_ROLES),
    )

    def values(self) -> dict:
        return {"email": self.email.data, "role": self.role.data}
