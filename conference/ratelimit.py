"""Keys for rate limits.

A whole school room often shares one address, so fairness limits are keyed by attendee (the
signed attendee cookie) and per-address limits are kept high, for abuse only. Limits against
one machine posing as many (new voters, :mod:`conference.awards.votes`) count IPv6 addresses
per /64, the block one home or school is given.
"""

import ipaddress
from functools import partial

from flask import g, request
from flask_limiter import Limiter


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


# In the request's environ (not ``g``, which tests share between requests): a limit was checked.
LIMITS_CHECKED = "conference.limits_checked"


class RouteLimiter(Limiter):
    """Flask-Limiter without its per-request work on requests that check no limit.

    Every limit of this app is a route's own (``@limiter.limit``), checked by the decorator when
    the view is called: after :func:`conference.attendees.load_attendee`, so attendee keys
    exist. Flask-Limiter's before-request check applies only application-wide, default and meta
    limits, a blueprint's limits (and the in-memory fallback's own), and when the app sets none it
    resolves, for every request, that there is nothing to check (~8 % of a state request's
    CPU). Its after-request hook (``deduct_when``, the ``X-RateLimit-*`` headers) and teardown
    act on what a check of this request left behind. So: the before-request check runs only
    when there are limits for it to apply, and the other two only after some check ran.
    """

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware and not self._limits_for_every_request():
            return
        request.environ[LIMITS_CHECKED] = True
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

    def _limits_for_every_request(self) -> bool:
        manager = self.limit_manager
        return bool(
            manager._application_limits
            or manager._default_limits
            or manager._blueprint_limits  # a blueprint's limits are checked there too
            or self._meta_limits
            or self._in_memory_fallback
        )

    def init_app(self, app) -> None:
        super().init_app(app)
        after = app.after_request_funcs.get(None, [])
        for index, hook in enumerate(after):
            if isinstance(hook, partial) and hook.args == (self,):
                after[index] = _after_a_check(hook)
        teardown = app.teardown_request_funcs.get(None, [])
        for index, hook in enumerate(teardown):
            if getattr(hook, "__self__", None) is self:
                teardown[index] = _after_a_check(hook)


def _after_a_check(hook):
    """``hook``, called only in a request in which a limit was checked (it returns the answer
    unchanged otherwise, as an after-request hook must)."""

    def when_checked(response=None):
        if request.environ.get(LIMITS_CHECKED):
            return hook(response)
        return response

    when_checked.__name__ = f"{getattr(hook, '__name__', 'limiter_hook')}_when_checked"
    return when_checked
