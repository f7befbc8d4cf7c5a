"""The greetings' settings, read once from ``[greetings]`` and ``[tasks]`` into ``app.config``.

Tests (and embedders) may set the ``GREETINGS_*`` / ``TASKS_*`` keys directly in
``create_app(test_config=...)``; values given there win over the configuration file.
"""

from __future__ import annotations

from flask import current_app

# How long an unfinished upload is kept after its last byte arrived (tus "expiration").
UPLOAD_IDLE_LIFETIME_S = 24 * 3600
# Greetings are played one after another on the same loudspeakers: one common loudness.
TARGET_LOUDNESS_LUFS = -16.0
MAX_VIDEO_HEIGHT = 1080


def load_settings(app) -> None:
    """Copy the configured values into ``app.config`` unless a test already set them."""
    greetings = app.config["SETTINGS"]["greetings"]
    tasks = app.config["SETTINGS"]["tasks"]
    defaults = {
        "GREETINGS_MAX_UPLOAD_BYTES": greetings["max_upload_bytes"],
        "GREETINGS_MAX_DURATION_S": greetings["max_duration_s"],
        "GREETINGS_INVITE_DAYS": greetings["invite_days"],
        "GREETINGS_INVITE_MAX_UPLOADS": greetings["invite_max_uploads"],
        "GREETINGS_INVITE_MAX_BYTES": greetings["invite_max_bytes"],
        "GREETINGS_ACCEL_REDIRECT_PREFIX": greetings["accel_redirect_prefix"],
        "GREETINGS_UPLOAD_IDLE_LIFETIME_S": UPLOAD_IDLE_LIFETIME_S,
        "TASKS_BACKEND": tasks["backend"],
        "TASKS_IN_PROCESS_WORKER": tasks["in_process_worker"],
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)


def setting(name: str):
    """``GREETINGS_<NAME>`` of the current app, e.g. ``setting("max_upload_bytes")``."""
    return current_app.config[f"GREETINGS_{name.upper()}"]
