"""Live pages: the attendee's live page (the event home), the screen view, the moderator console."""

from flask import Blueprint

bp = Blueprint("live", __name__)
