"""Pictures in the admin: the event's look (accent colour, logo, banner) and the picture of a
person (photo) or an organisation (logo). The files go to :mod:`conference.images.services`,
the one writer of pictures; these views parse, call and answer."""

from __future__ import annotations

from flask import redirect, url_for
from flask_babel import gettext as _

from conference.admin.blueprint import bp
from conference.admin.forms.pictures import LookForm, PictureForm
from conference.admin.services.events import event_by_slug
from conference.admin.views.common import current_actor, form_page, submit
from conference.admin.views.parts import find
from conference.admin.views.programme import ORGANISATIONS, PEOPLE
from conference.images.services import save_look, set_picture


def _upload(field):
    """The uploaded file's stream, or None when no file was chosen."""
    data = field.data
    if data is None or not getattr(data, "filename", ""):
        return None
    return data.stream


@bp.route("/events/<slug>/look", methods=["GET", "POST"], endpoint="look")
def look(slug: str):
    """Accent colour, logo and banner of the event."""
    event = event_by_slug(slug)
    form = LookForm(data={"accent_color": event.accent_color})
    form.values = lambda: {
        "accent_colour": form.accent_color.data,
        "uploads": {
            "event-logo": _upload(form.logo_image),
            "event-banner": _upload(form.banner_image),
        },
        "remove": tuple(
            slot
            for slot, wanted in (
                ("event-logo", form.remove_logo.data),
                ("event-banner", form.remove_banner.data),
            )
            if wanted
        ),
    }
    saved = submit(form, lambda values: save_look(slug, actor=current_actor(), **values) or True)
    if saved:
        return redirect(url_for("admin.look", slug=slug))
    back = url_for("admin.event", slug=slug)
    return form_page(
        form, _("Look of the event"), back, template="admin/look.html", event=event, multipart=True
    )


def _picture_page(part, slot: str, column: str, slug: str, thing_id: int, title: str):
    event = event_by_slug(slug)
    thing = find(part, event, thing_id)
    form = PictureForm()
    form.values = lambda: {"upload": _upload(form.file), "remove": form.remove.data}

    def save(values):
        if values["upload"] is None and not values["remove"]:
            return True  # nothing chosen: nothing to change
        return set_picture(slug, slot, thing.id, values["upload"], current_actor()) or True

    if submit(form, save):
        return redirect(url_for(f"admin.{part.name}", slug=slug) + f"#{part.name}-{thing.id}")
    back = url_for(f"admin.{part.name}", slug=slug)
    return form_page(
        form,
        title,
        back,
        template="admin/picture.html",
        event=event,
        picture=getattr(thing, column),
        owner_name=thing.name,
        multipart=True,
    )


@bp.route(
    "/events/<slug>/people/<int:thing_id>/picture",
    methods=["GET", "POST"],
    endpoint="people_picture",
)
def person_picture(slug: str, thing_id: int):
    return _picture_page(PEOPLE, "person-photo", "photo", slug, thing_id, _("Photo"))


@bp.route(
    "/events/<slug>/organisations/<int:thing_id>/picture",
    methods=["GET", "POST"],
    endpoint="organisations_picture",
)
def organisation_picture(slug: str, thing_id: int):
    return _picture_page(
        ORGANISATIONS, "organisation-logo", "logo_image", slug, thing_id, _("Logo")
    )
