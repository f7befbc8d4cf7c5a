"""Contests (a :class:`Part` of the event), and each contest's page with its entries and awards.

The awards table shows the winners: this page is the admin's, and the only page that does
until the award is revealed in the ceremony.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.admin.blueprint import bp
from conference.admin.forms.contests import award_form, contest_form, entry_form
from conference.admin.services import contests as services
from conference.admin.services.events import event_by_slug
from conference.admin.services.ordering import move_in_event
from conference.admin.views.common import current_actor, form_page, run_action, submit
from conference.admin.views.parts import Part, register, title_in
from conference.awards.models import Award, Contest, Entry
from conference.db import db

register(
    Part(
        name="contests",
        model=Contest,
        siblings=lambda event: event.contests,
        form=contest_form,
        save=services.save_contest,
        delete=services.delete_contest,
        list_title=lambda: _("Contests"),
        new_title=lambda: _("New contest"),
        edit_title=lambda: _("Contest"),
        label=lambda event, contest: title_in(event, contest.title),
    )
)

CONTEST = "/events/<slug>/contests/<int:contest_id>"


def event_and_contest(slug: str, contest_id: int):
    event = event_by_slug(slug)
    contest = db.session.get(Contest, contest_id)
    if contest is None or contest.event_id != event.id:
        abort(404)
    return event, contest


def of_contest(model, contest, thing_id: int):
    thing = db.session.get(model, thing_id)
    if thing is None or thing.contest_id != contest.id:
        abort(404)
    return thing


def contest_page(slug: str, contest_id: int):
    return redirect(url_for("admin.contest", slug=slug, contest_id=contest_id))


@bp.get(f"{CONTEST}/")
def contest(slug: str, contest_id: int):
    """The contest's entries and awards, with each award's (secret) winners."""
    event, contest = event_and_contest(slug, contest_id)
    entries_by_id = {entry.id: entry for entry in contest.entries}
    winners = {
        award.id: [entries_by_id[i] for i in services.winner_ids(award) if i in entries_by_id]
        for award in contest.awards
    }
    return render_template(
        "admin/contest.html",
        event=event,
        contest=contest,
        winners=winners,
        title=title_in(event, contest.title),
    )


@bp.route(f"{CONTEST}/entries/new", methods=["GET", "POST"])
def entry_new(slug: str, contest_id: int):
    event, contest = event_and_contest(slug, contest_id)
    form = entry_form(event, contest)
    if (
        submit(
            form, lambda values: services.save_entry(event, contest, values, actor=current_actor())
        )
        is not None
    ):
        return contest_page(slug, contest_id)
    back = url_for("admin.contest", slug=slug, contest_id=contest_id)
    return form_page(form, _("New entry"), back, event=event)


@bp.route(f"{CONTEST}/entries/<int:entry_id>/edit", methods=["GET", "POST"])
def entry_edit(slug: str, contest_id: int, entry_id: int):
    event, contest = event_and_contest(slug, contest_id)
    entry = of_contest(Entry, contest, entry_id)
    form = entry_form(event, contest, entry)
    if (
        submit(
            form, lambda values: services.save_entry(event, contest, values, entry, current_actor())
        )
        is not None
    ):
        return contest_page(slug, contest_id)
    back = url_for("admin.contest", slug=slug, contest_id=contest_id)
    return form_page(form, _("Entry"), back, event=event)


@bp.post(f"{CONTEST}/entries/<int:entry_id>/delete")
def entry_delete(slug: str, contest_id: int, entry_id: int):
    _event, contest = event_and_contest(slug, contest_id)
    entry = of_contest(Entry, contest, entry_id)
    run_action(lambda: services.delete_entry(entry, current_actor()), _("Deleted."))
    return contest_page(slug, contest_id)


@bp.post(f"{CONTEST}/entries/<int:entry_id>/move")
def entry_move(slug: str, contest_id: int, entry_id: int):
    event, contest = event_and_contest(slug, contest_id)
    entry = of_contest(Entry, contest, entry_id)
    direction = request.form.get("direction", "")
    run_action(
        lambda: move_in_event(event, lambda: contest.entries, entry, direction, current_actor())
    )
    return redirect(
        url_for("admin.contest", slug=slug, contest_id=contest_id) + f"#entry-{entry.id}"
    )


@bp.route(f"{CONTEST}/awards/new", methods=["GET", "POST"])
def award_new(slug: str, contest_id: int):
    event, contest = event_and_contest(slug, contest_id)
    form = award_form(event, contest)
    if (
        submit(
            form, lambda values: services.save_award(event, contest, values, actor=current_actor())
        )
        is not None
    ):
        return contest_page(slug, contest_id)
    back = url_for("admin.contest", slug=slug, contest_id=contest_id)
    return form_page(form, _("New award"), back, event=event)


@bp.route(f"{CONTEST}/awards/<int:award_id>/edit", methods=["GET", "POST"])
def award_edit(slug: str, contest_id: int, award_id: int):
    event, contest = event_and_contest(slug, contest_id)
    award = of_contest(Award, contest, award_id)
    form = award_form(event, contest, award, services.winner_ids(award))
    if (
        submit(
            form, lambda values: services.save_award(event, contest, values, award, current_actor())
        )
        is not None
    ):
        return contest_page(slug, contest_id)
    back = url_for("admin.contest", slug=slug, contest_id=contest_id)
    return form_page(form, _("Award"), back, event=event)


@bp.post(f"{CONTEST}/awards/<int:award_id>/delete")
def award_delete(slug: str, contest_id: int, award_id: int):
    _event, contest = event_and_contest(slug, contest_id)
    award = of_contest(Award, contest, award_id)
    run_action(lambda: services.delete_award(award, current_actor()), _("Deleted."))
    return contest_page(slug, contest_id)


@bp.post(f"{CONTEST}/awards/<int:award_id>/move")
def award_move(slug: str, contest_id: int, award_id: int):
    event, contest = event_and_contest(slug, contest_id)
    award = of_contest(Award, contest, award_id)
    direction = request.form.get("direction", "")
    run_action(
        lambda: move_in_event(
            event, lambda: contest.awards, award, direction, current_actor(), "ceremony_order"
        )
    )
    return redirect(
        url_for("admin.contest", slug=slug, contest_id=contest_id) + f"#award-{award.id}"
    )
