"""Events: the list, a new event, an event's overview, its settings, deleting it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from conference.admin.blueprint import bp
from conference.admin.forms.events import DeleteEventForm, event_form
from conference.admin.services.events import delete_event, event_by_slug, list_events, save_event
from conference.admin.views.common import current_actor, form_page, run_action, submit
from conference.events import rehearsal
from conference.users.access import events_where
from conference.users.auth import session_user


@bp.get("/")
def index():
    """Every event (an organiser: theirs), with links to create one and to import one."""
    user = session_user()
    events = list_events() if user.is_admin else events_where(user, "organiser")
    return render_template("admin/index.html", events=events)


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    form = event_form()
    event = submit(form, lambda values: save_event(values, None, current_actor()))
    if event is not None:
        return redirect(url_for("admin.event", slug=event.slug))
    return form_page(form, _("New event"), url_for("admin.index"), template="admin/event_form.html")


@bp.get("/events/<slug>/")
def event(slug: str):
    """One event: its parts, each with a link to its page."""
    event = event_by_slug(slug)
    return render_template(
        "admin/event.html",
        event=event,
        rehearsal=rehearsal.rehearsal_of(event),
        rehearsed=rehearsal.rehearsed_event(event),
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def edit_event(slug: str):
    event = event_by_slug(slug)
    form = event_form(event)
    saved = submit(form, lambda values: save_event(values, event, current_actor()))
    if saved is not None:
        return redirect(url_for("admin.event", slug=saved.slug))
    return form_page(
        form,
        _("Event settings"),
        url_for("admin.event", slug=slug),
        template="admin/event_form.html",
        event=event,
    )


@bp.route("/events/<slug>/delete", methods=["GET", "POST"])
def delete_event_page(slug: str):
    """Delete the whole event, once the admin has typed its short name."""
    event = event_by_slug(slug)
    form = DeleteEventForm()
    done = _("The event %(slug)s is deleted.", slug=slug)
    if (
        submit(form, lambda values: delete_event(event, values, current_actor()), done_message=done)
        is not None
    ):
        return redirect(url_for("admin.index"))
    return form_page(
        form,
        _("Delete the event %(slug)s", slug=slug),
        url_for("admin.event", slug=slug),
        template="admin/event_delete.html",
        event=event,
    )


# The event's rehearsal (conference.events.rehearsal): buttons on the event's page, each a
# POST (CSRF) that answers with the event's page and a message saying what happened.


@bp.post("/events/<slug>/rehearsal/make")
def rehearsal_make(slug: str):
    def make():
        made.append(rehearsal.make_rehearsal(slug, current_actor()))

    made = []
    if run_action(make):
        flash(_("The rehearsal %(slug)s is made.", slug=made[0].slug), "success")
    return redirect(url_for("admin.event", slug=slug, _anchor="rehearsal"))


@bp.post("/events/<slug>/rehearsal/reset")
def rehearsal_reset(slug: str):
    done = _(
        "The rehearsal starts again: not started, with everything from the event as it is now."
    )
    run_action(lambda: rehearsal.reset_rehearsal(slug, current_actor()), done)
    return redirect(url_for("admin.event", slug=slug, _anchor="rehearsal"))


@bp.post("/events/<slug>/rehearsal/delete")
def rehearsal_delete(slug: str):
    done = _("The rehearsal is deleted.")
    run_action(lambda: rehearsal.delete_rehearsal(slug, current_actor()), done)
    return redirect(url_for("admin.event", slug=slug, _anchor="rehearsal"))
