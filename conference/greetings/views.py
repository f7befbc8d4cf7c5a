"""Pages: the partner's upload page, the moderators' greetings list, the admins' invites."""

from flask import Blueprint

bp = Blueprint("greetings", __name__)
