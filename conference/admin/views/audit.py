"""The event's audit log in the admin: who changed what, when, before -> after, newest first."""

from __future__ import annotations

import json

from flask import render_template

from conference.admin.blueprint import bp
from conference.admin.services.events import event_by_slug
from conference.audit.log import entries_of
from conference.db import db


def as_json(value) -> str:
    """Before/after as readable JSON (Latvian letters as they are)."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@bp.get("/events/<slug>/audit")
def audit(slug: str):
    """Every change of the event, newest first (commands included)."""
    event = event_by_slug(slug)
    entries = list(reversed(entries_of(db.session, event.id)))
    return render_template("admin/audit.html", event=event, entries=entries, as_json=as_json)
