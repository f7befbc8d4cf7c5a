"""Forms for pictures: the event's look (accent colour, logo, banner) and one picture of a
person or an organisation. The files are checked by :mod:`conference.images`, not here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from conference.admin.forms.base import AdminForm
from conference.admin.forms.fields import strip

PICTURE_HINT = _l("JPEG, PNG or WebP, up to 25 MB. Location and camera data are removed.")
PICTURE_FILES = {"accept": "image/jpeg,image/png,image/webp"}


class LookForm(AdminForm):
    accent_color = StringField(
        _l("Accent colour"),
        description=_l(
            "As #rrggbb, e.g. #0b4aa2. The pages darken it where text needs it to stay readable."
        ),
        validators=[Optional(), Length(max=7)],
        filters=[strip],
        render_kw={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"},
    )
    logo_image = FileField(_l("Logo"), description=PICTURE_HINT, render_kw=PICTURE_FILES)
    remove_logo = BooleanField(_l("Remove the logo"))
    banner_image = FileField(
        _l("Banner"),
        description=_l("A wide picture, at least 1280 pixels across."),
        render_kw=PICTURE_FILES,
    )
    remove_banner = BooleanField(_l("Remove the banner"))


class PictureForm(AdminForm):
    file = FileField(_l("Picture"), description=PICTURE_HINT, render_kw=PICTURE_FILES)
    remove = BooleanField(_l("Remove the picture"))
