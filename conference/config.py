"""Configuration: built-in defaults, then ``config.toml`` (or ``--config FILE``), then the environment.

Every key can be overridden by ``CONFERENCE_<SECTION>_<KEY>`` (for example
``CONFERENCE_DATABASE_URL``). Environment values are parsed as TOML values where they parse
(numbers, booleans, lists) and taken as plain strings otherwise. Unknown keys in the file or the
environment are reported with a warning and ignored, so a typo never passes silently.
"""

from __future__ import annotations

import copy
import os
import tomllib
import warnings
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, dict[str, Any]] = {
    "server": {
        "host": "127.0.0.1",
        "port": 5000,
        "secret_key": "",
        "public_url": "",
        "instance_dir": "instance",
        "proxy_fix": 0,
        "backlog": 4096,
        "gc_freeze": True,
        "gc_threshold": 50000,
        "max_body_bytes": 1024 * 1024,
        "fast_pages": True,
    },
    "database": {"url": "sqlite:///conference.db"},
    "socketio": {
        "message_queue": "",
        "presence_interval": 1.0,
        "max_message_bytes": 64 * 1024,
        "events_per_second": 10.0,
        "events_burst": 30,
        "fast_path": True,
        "fast_react": True,
    },
    "i18n": {
        "default_language": "lv",
        "languages": ["lv", "en", "et", "it", "es", "pt", "de"],
    },
    "security": {
        "login_limit": "10 per minute",
        "vote_limit_attendee": "30 per minute",
        "vote_limit_address": "3000 per minute",
        "vote_new_voters_address": "60 per minute; 150 per hour",
        "ratelimit_storage": "memory://",
        "screen_frame_ancestors": [],
        "hsts_max_age": 31536000,
    },
    "greetings": {
        "media_dir": "media",
        "max_upload_bytes": 2 * 1024**3,
        "max_duration_s": 600,
        "invite_days": 30,
        "invite_max_uploads": 5,
        "invite_max_bytes": 5 * 1024**3,
        "accel_redirect_prefix": "",
    },
    "tasks": {"backend": "sqlite", "in_process_worker": True},
    "ceremony": {"reveal_pause_s": 3.0},
    "health": {"timeout_seconds": 2.0, "cache_seconds": 1.0},
    "metrics": {"allow": ["127.0.0.0/8", "::1"], "token": ""},
    "logging": {"format": "text", "level": "info"},
    "backup": {"every_minutes": 0, "keep": 12, "dir": "backups"},
    "attendance": {"enabled": True, "flush_seconds": 30.0},
}

ENV_PREFIX = "CONFERENCE_"


class ConfigError(Exception):
    """A configuration file that cannot be read, or a value of the wrong type."""


class UnknownConfigKey(UserWarning):
    """A key in the configuration file or environment that the application does not know."""


def _parse_env_value(raw: str, default: Any) -> Any:
    if isinstance(default, str):
        return raw
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _check_type(section: str, key: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{section}.{key} must be true or false, not {value!r}")
    elif isinstance(default, (int, float)) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{section}.{key} must be a number, not {value!r}")
        return type(default)(value) if isinstance(default, float) else value
    elif isinstance(default, list) and not isinstance(value, list):
        raise ConfigError(f"{section}.{key} must be a list, not {value!r}")
    elif isinstance(default, str) and not isinstance(value, str):
        raise ConfigError(f"{section}.{key} must be a string, not {value!r}")
    return value


def load_config(path: str | os.PathLike | None = None, environ=None) -> dict[str, dict[str, Any]]:
    """Return the merged configuration as ``{section: {key: value}}``.

    ``path`` None means ``config.toml`` in the working directory when it exists. A path that is
    given but missing, or a file that is not valid TOML, raises ``ConfigError``.
    """
    environ = os.environ if environ is None else environ
    config = copy.deepcopy(DEFAULTS)
    if path is None:
        candidate = Path("config.toml")
        path = candidate if candidate.is_file() else None
    if path is not None:
        try:
            with open(path, "rb") as handle:
                from_file = tomllib.load(handle)
        except FileNotFoundError as exc:
            raise ConfigError(f"configuration file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        for section, values in from_file.items():
            if section not in config or not isinstance(values, dict):
                warnings.warn(
                    f"{path}: unknown section [{section}]", UnknownConfigKey, stacklevel=2
                )
                continue
            for key, value in values.items():
                if key not in config[section]:
                    warnings.warn(
                        f"{path}: unknown key {section}.{key}", UnknownConfigKey, stacklevel=2
                    )
                    continue
                config[section][key] = _check_type(section, key, value, DEFAULTS[section][key])
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        section, _, key = rest.partition("_")
        if section not in config or key not in config[section]:
            warnings.warn(f"unknown configuration variable {name}", UnknownConfigKey, stacklevel=2)
            continue
        default = DEFAULTS[section][key]
        config[section][key] = _check_type(section, key, _parse_env_value(raw, default), default)
    return config
