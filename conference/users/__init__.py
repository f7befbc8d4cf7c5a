"""Users, roles, passwords, API tokens and signing in."""
