"""Input at the edge: one layer between the outside and the domain (PROTOCOL 1.1, "Text from
outside"), and the repair of text that got into the database before it.

- :mod:`.text`: the text rule (valid Unicode, no control characters but tab and line breaks,
  NFC, lengths per field) and its repair (U+FFFD);
- :mod:`.bodies`: body size (413 before reading), JSON depth and numbers, form fields and query
  strings, ids in URLs;
- :mod:`.sockets`: Socket.IO payloads and a per-socket event rate;
- :mod:`.stored`: text read back from the database is shown with U+FFFD where it is invalid,
  and logged; ``conference db check-text`` lists and repairs such rows.
"""

from __future__ import annotations

from flask import Flask

from conference.edge import bodies


def init_app(app: Flask) -> None:
    """Install the edge on ``app``; call before blueprints are registered (the URL converter)."""
    settings = app.config["SETTINGS"]["server"]
    app.request_class = bodies.EdgeRequest
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = settings["max_body_bytes"]
    app.url_map.converters["int"] = bodies.IdConverter
    app.before_request(bodies.check_fields)
