"""Unbound extension objects, bound to the application in :func:`conference.app.create_app`."""

from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

from conference.db import db
from conference.ratelimit import RouteLimiter, client_address

socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
limiter = RouteLimiter(key_func=client_address, default_limits=[], headers_enabled=True)

__all__ = ["babel", "csrf", "db", "limiter", "socketio"]
