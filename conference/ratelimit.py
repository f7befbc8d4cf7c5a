"""Keys for rate limits.

A whole school room often shares one address, so fairness limits are keyed by attendee (the
signed attendee cookie) and per-address limits are kept high, for abuse only. Limits against
one machine posing as many (new voters, :mod:`conference.awards.votes`) count IPv6 addresses
per /64, the block one home or school is given.
"""

import ipaddress

from flask import g, request


def client_address() -> str:
    """The client's address as the server sees it (a proxy in front must set REMOTE_ADDR right)."""
    return request.remote_addr or "unknown"


def attendee_key() -> str:
    """The attendee identity of this request, falling back to the address when there is none."""
    attendee_id = getattr(g, "attendee_id", None)
    return f"attendee:{attendee_id}" if attendee_id else f"address:{client_address()}"


def address_block(address: str) -> str:
    """``address`` itself for IPv4, its /64 network for IPv6 (one subscriber has a whole /64)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 address itself
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
