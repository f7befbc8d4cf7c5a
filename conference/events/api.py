"""JSON API of events: list, detail, and the schedule exports (iCalendar, frab/c3voc JSON)."""

from flask import Blueprint

bp = Blueprint("events_api", __name__, url_prefix="/api/v1")
