"""Public pages of an event: programme, speakers, partners, projects, contest, results."""

from flask import Blueprint

bp = Blueprint("events", __name__)
