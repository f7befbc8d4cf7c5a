"""The event as a TOML file: upload one to import it, download one to export it."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _

from conference.admin.blueprint import bp
from conference.admin.forms.events import ImportForm
from conference.admin.services.events import event_by_slug, export_event_file, import_event_file
from conference.admin.views.common import current_actor, form_page
from conference.db import db
from conference.errors import ServiceError


@bp.route("/import", methods=["GET", "POST"])
def import_event():
    """Upload a TOML file; a refused one comes back with every problem, field and line."""
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            event = import_event_file(form.file.data.read(), form.replace.data, current_actor())
        except ServiceError as error:
            db.session.rollback()
            form.file.errors.append(str(error.message))
            problems = error.extra.get("problems") or []
        else:
            flash(_("Imported."), "success")
            return redirect(url_for("admin.event", slug=event.slug))
    return form_page(
        form,
        _("Import an event (TOML)"),
        url_for("admin.index"),
        template="admin/import.html",
        submit_label=_("Import"),
        problems=problems if len(problems) > 1 else [],
    )


@bp.get("/events/<slug>/export.toml")
def export_event(slug: str):
    """The whole event, winners included (the event's organisers and admins), as ``<slug>.toml``."""
    event = event_by_slug(slug)
    return Response(
        export_event_file(event),
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.toml"'},
    )
