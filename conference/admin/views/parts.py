"""The pages every part of an event has: list, new, edit, delete, move up or down.

A :class:`Part` names the form builder and the service functions; :func:`register` adds the
five routes under ``/admin/events/<slug>/<name>/`` with endpoints ``admin.<name>``,
``admin.<name>_new``, ``admin.<name>_edit``, ``admin.<name>_delete`` and ``admin.<name>_move``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.admin.blueprint import bp
from conference.admin.services.events import event_by_slug
from conference.admin.services.ordering import move_in_event
from conference.admin.views.common import current_actor, form_page, run_action, submit
from conference.db import db
from conference.i18n import translate


@dataclass
class Part:
    name: str  # in the address and the endpoints, e.g. "items"
    model: type
    siblings: Callable  # event -> the ordered list this part lives in
    form: Callable  # (event, thing or None) -> form
    save: Callable  # (event, values, thing or None, actor) -> thing
    delete: Callable  # (thing, actor) -> None
    list_title: Callable[[], str]
    new_title: Callable[[], str]
    edit_title: Callable[[], str]
    label: Callable  # (event, thing) -> its name in lists and on buttons


def title_in(event, texts: dict) -> str:
    """A translated title in the admin's language, else the event's default language."""
    return translate(texts, fallback=event.default_language)


def find(part: Part, event, thing_id: int):
    """The part's row ``thing_id``, 404 unless it belongs to ``event``."""
    thing = db.session.get(part.model, thing_id)
    if thing is None or thing.event_id != event.id:
        abort(404)
    return thing


def register(part: Part) -> None:
    base = f"/events/<slug>/{part.name}"
    list_endpoint = f"{part.name}"

    def listing(slug: str):
        event = event_by_slug(slug)
        return render_template(
            f"admin/{part.name}.html",
            event=event,
            things=part.siblings(event),
            labels={thing.id: part.label(event, thing) for thing in part.siblings(event)},
            part=part.name,
            title=part.list_title(),
            new_title=part.new_title(),
        )

    def new(slug: str):
        event = event_by_slug(slug)
        form = part.form(event, None)
        if submit(form, lambda values: part.save(event, values, None, current_actor())) is not None:
            return redirect(url_for(f"admin.{list_endpoint}", slug=slug))
        back = url_for(f"admin.{list_endpoint}", slug=slug)
        return form_page(form, part.new_title(), back, event=event)

    def edit(slug: str, thing_id: int):
        event = event_by_slug(slug)
        thing = find(part, event, thing_id)
        form = part.form(event, thing)
        if (
            submit(form, lambda values: part.save(event, values, thing, current_actor()))
            is not None
        ):
            return redirect(url_for(f"admin.{list_endpoint}", slug=slug))
        back = url_for(f"admin.{list_endpoint}", slug=slug)
        return form_page(form, part.edit_title(), back, event=event)

    def delete(slug: str, thing_id: int):
        event = event_by_slug(slug)
        thing = find(part, event, thing_id)
        run_action(lambda: part.delete(thing, current_actor()), _("Deleted."))
        return redirect(url_for(f"admin.{list_endpoint}", slug=slug))

    def move_one(slug: str, thing_id: int):
        event = event_by_slug(slug)
        thing = find(part, event, thing_id)
        direction = request.form.get("direction", "")
        siblings = lambda: part.siblings(event)  # noqa: E731  (read in the locked change)
        run_action(lambda: move_in_event(event, siblings, thing, direction, current_actor()))
        anchor = f"#{part.name}-{thing.id}"
        return redirect(url_for(f"admin.{list_endpoint}", slug=slug) + anchor)

    bp.add_url_rule(f"{base}/", list_endpoint, listing, methods=["GET"])
    bp.add_url_rule(f"{base}/new", f"{part.name}_new", new, methods=["GET", "POST"])
    bp.add_url_rule(
        f"{base}/<int:thing_id>/edit", f"{part.name}_edit", edit, methods=["GET", "POST"]
    )
    bp.add_url_rule(
        f"{base}/<int:thing_id>/delete", f"{part.name}_delete", delete, methods=["POST"]
    )
    bp.add_url_rule(f"{base}/<int:thing_id>/move", f"{part.name}_move", move_one, methods=["POST"])
