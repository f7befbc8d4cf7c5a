"""The admin's pages, one module per part of an event; importing this registers them all."""

from conference.admin import templating  # noqa: F401  (the templates' helpers)
from conference.admin.views import (  # noqa: F401
    audit,
    contests,
    events,
    exchange,
    pictures,
    programme,
    team,
    users,
)
