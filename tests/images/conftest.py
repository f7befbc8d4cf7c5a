"""Fixtures of the admin tests (defined in :mod:`tests.admin.browser`)."""

from tests.admin.browser import (  # noqa: F401
    admin,
    admin_client,
    browser_clients,
    client,
    make_user,
)
