"""JSON API of the live state: the snapshot and moderator commands."""

from flask import Blueprint

bp = Blueprint("live_api", __name__, url_prefix="/api/v1")
