"""Keys for rate limits.

A whole school room often shares one address, so fairness limits are keyed by attendee (the
signed attendee cookie) and per-address limits are kept high, for abuse only.
"""

from flask import g, request


def client_address() -> str:
    """The client's address as the server sees it (a proxy in front must set REMOTE_ADDR right)."""
    return request.remote_addr or "unknown"


def attendee_key() -> str:
    """The attendee identity of this request, falling back to the address when there is none."""
    attendee_id = getattr(g, "attendee_id", None)
    return f"attendee:{attendee_id}" if attendee_id else f"address:{client_address()}"
