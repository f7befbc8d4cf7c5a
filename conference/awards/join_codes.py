"""Personal join codes for the stricter vote mode: only holders of a code may vote.

A code is derived from the app's secret key and the code's row id (HMAC-SHA256), and only its
SHA-256 is stored: the database alone does not give the codes away, yet the moderator can print
the list again at any time. Changing ``server.secret_key`` makes every issued code invalid
(issue new ones then). A vote cast with a code belongs to the code, whichever browser sends it,
so one code is one vote (a new vote with it replaces the earlier one).

The printed card carries the code and a QR code of the event's page with ``?code=…``; the vote
panel reads the code from there and keeps it in the browser.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import segno
import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from conference.audit.log import SYSTEM, Actor
from conference.awards.models import JoinCode
from conference.awards.votes import hash_join_code
from conference.db import db
from conference.errors import Invalid
from conference.events.models import Event
from conference.live.change import live_change

# No 0/O, 1/I/L: codes are read off paper and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODES_PER_ISSUE = 500
LABEL_MAX_CHARS = 200


def code_for(event: Event, join_code_id: int) -> str:
    """The code of row ``join_code_id``, e.g. ``K7QXM-4PAZR`` (recomputed, never stored)."""
    digest = hmac.new(
        current_app.secret_key.encode(),
        f"join-code:{event.id}:{join_code_id}".encode(),
        hashlib.sha256,
    ).digest()
    letters = "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:CODE_LENGTH])
    return f"{letters[:5]}-{letters[5:]}"


def issue_codes(event: Event, labels: list[str], actor: Actor = SYSTEM) -> list[JoinCode]:
    """Issue one code per label (a participant's name, or a number); returns the new rows.

    Blank labels are skipped; 1 to ``MAX_CODES_PER_ISSUE`` per call, else 422. One change of
    the event (:func:`conference.live.change.live_change`), audited with how many were issued
    (not the names, nor the codes).
    """
    labels = [label.strip()[:LABEL_MAX_CHARS] for label in labels if label.strip()]
    if not labels:
        raise Invalid(_("Give at least one name or a number of codes."), code="no_labels")
    if len(labels) > MAX_CODES_PER_ISSUE:
        raise Invalid(
            ngettext(
                "At most %(num)s code at a time.",
                "At most %(num)s codes at a time.",
                MAX_CODES_PER_ISSUE,
            ),
            code="too_many_codes",
        )
    rows = []
    with live_change(event.slug, actor, diff=False) as change:
        for label in labels:
            # A random placeholder keeps the unique hash column valid until the id is known.
            row = JoinCode(event_id=change.event.id, label=label, code_hash=secrets.token_hex(32))
            db.session.add(row)
            db.session.flush()
            row.code_hash = hash_join_code(code_for(change.event, row.id))
            rows.append(row)
        change.audit(
            "join_codes.issued",
            "event",
            change.event.id,
            None,
            None,
            {"count": len(rows), "first_id": rows[0].id, "last_id": rows[-1].id},
        )
    return rows


def numbered_labels(count: int, start: int) -> list[str]:
    """``["Dalībnieks 1", …]``-style labels for codes issued without names."""
    return [_("Participant %(n)s", n=number) for number in range(start, start + count)]


def event_codes(event: Event) -> list[JoinCode]:
    return list(
        db.session.scalars(
            sa.select(JoinCode).where(JoinCode.event_id == event.id).order_by(JoinCode.id)
        )
    )


@dataclass
class PrintedCode:
    label: str
    code: str
    url: str
    qr_svg: Markup


def vote_url(event: Event, code: str) -> str:
    """The event's page with the code, as the QR code carries it."""
    base = current_app.config.get("PUBLIC_URL") or (
        request.host_url if has_request_context() else ""
    )
    return f"{base.rstrip('/')}/events/{event.slug}?code={code.replace('-', '')}"


def printable_codes(event: Event) -> list[PrintedCode]:
    """Every code of the event with its QR code (inline SVG), in the order they were issued."""
    printed = []
    for row in event_codes(event):
        code = code_for(event, row.id)
        url = vote_url(event, code)
        svg = segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#000", light="#fff")
        printed.append(PrintedCode(row.label or "", code, url, Markup(svg)))
    return printed
