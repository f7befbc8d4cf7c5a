"""Contests, jury, audience vote and the award ceremony."""
