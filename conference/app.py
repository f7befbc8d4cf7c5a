"""The application factory: configuration, extensions, domains and their blueprints."""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, has_request_context, request

from conference import attendees, edge, http_rules, i18n, security
from conference.config import load_config
from conference.edge.engineio_sessions import GoneSessionIsBadRequest
from conference.edge.sockets import SocketJSON
from conference.errors import register_error_handlers
from conference.extensions import babel, csrf, db, limiter, socketio
from conference.live import acknowledged, fast_pages, fastpath
from conference.sessions import SessionWhenSent
from conference.static_gzip import register_static_gzip

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

# Each domain package may define init_app(app) to register its blueprints and Socket.IO handlers.
DOMAINS = (
    "conference.users",
    "conference.events",
    "conference.people",
    "conference.live",
    "conference.greetings",
    "conference.awards",
    "conference.audience",
    "conference.participants",
    "conference.reports",
    "conference.admin",
    "conference.audit",
    "conference.ops",
    "conference.api",
    "conference.images",
)


def asset_folder(name: str) -> str:
    """``templates``/``static``: inside the installed package, else at the repository's top."""
    packaged = PACKAGE_DIR / name
    return str(packaged if packaged.is_dir() else REPO_DIR / name)


def _secret_key(configured: str, instance: Path) -> str:
    if configured:
        return configured
    key_file = instance / "secret_key"
    if key_file.is_file():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    os.chmod(key_file, 0o600)
    return key


def database_url(url: str, instance: Path) -> str:
    """Relative SQLite paths are relative to the instance folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite://" and not url.startswith("sqlite:////"):
        return prefix + str(instance / url.removeprefix(prefix))
    return url


STATIC_VERSIONED_MAX_AGE = 365 * 24 * 3600
STATIC_PLAIN_MAX_AGE = 600


class ConferenceFlask(Flask):
    """Flask with cache lifetimes for static files that survive a deploy.

    ``url_for('static', …)`` adds ``?v=<content hash>``: those URLs never change content and
    are cached for a year (``immutable``). Files fetched without it (ES modules imported by
    other modules, whose URLs carry no query) are cached for ten minutes and revalidated by
    ETag, so a deploy reaches every browser within minutes.
    """

    def ensure_sync(self, func):
        """Flask asks this, for each hook and the view of every request (17 times for the
        state endpoint), and ``inspect`` unwraps the function each time to see whether it is a
        coroutine function; the answer never changes for a function, so it is kept."""
        known = self.__dict__.setdefault("_sync_functions", {})
        try:
            return known[func]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
        synced = super().ensure_sync(func)
        if len(known) < 4096:  # hooks, views and error handlers: a few hundred
            known[func] = synced
        return synced

    def get_send_file_max_age(self, filename):
        if has_request_context() and request.args.get("v"):
            return STATIC_VERSIONED_MAX_AGE
        return STATIC_PLAIN_MAX_AGE


@functools.lru_cache(maxsize=512)
def static_version(folder: str, filename: str) -> str | None:
    """A short hash of a static file's content (cached for the life of the process)."""
    path = Path(folder, filename)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None


def register_static_versions(app: Flask) -> None:
    @app.url_defaults
    def _add_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _immutable(response):
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.immutable = True
        return response


def create_app(test_config: dict | None = None, config_path: str | None = None, async_mode=None):
    """Build the app. ``test_config`` overrides settings; ``async_mode`` is for Socket.IO."""
    settings = load_config(config_path)
    instance = Path(settings["server"]["instance_dir"]).resolve()
    if test_config and "INSTANCE_DIR" in test_config:
        instance = Path(test_config["INSTANCE_DIR"])
    instance.mkdir(parents=True, exist_ok=True)

    app = ConferenceFlask(
        __name__,
        instance_path=str(instance),
        template_folder=asset_folder("templates"),
        static_folder=asset_folder("static"),
    )
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=_secret_key(settings["server"]["secret_key"], instance),
        DATABASE_URL=database_url(settings["database"]["url"], instance),
        LANGUAGES=list(settings["i18n"]["languages"]),
        DEFAULT_LANGUAGE=settings["i18n"]["default_language"],
        BABEL_TRANSLATION_DIRECTORIES=str(PACKAGE_DIR / "translations"),
        BABEL_DEFAULT_LOCALE=settings["i18n"]["default_language"],
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        RATELIMIT_STORAGE_URI=settings["security"]["ratelimit_storage"],
        # A Redis that holds the limits and goes away must not turn sign-ins and votes into
        # 500s: limits are counted in memory, per process, until it is back.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        MEDIA_DIR=str(instance / settings["greetings"]["media_dir"]),
        PUBLIC_URL=settings["server"]["public_url"],
        PROXY_FIX=settings["server"]["proxy_fix"],
        FAST_PAGES=settings["server"]["fast_pages"],
        JSON_SORT_KEYS=False,
    )
    app.session_interface = SessionWhenSent()
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if test_config:
        app.config.update(test_config)

    from conference.translations import ensure_compiled

    ensure_compiled()
    db.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    # Redis pub/sub channels are shared by every Redis database number: name the queue's channel
    # after the database the processes share, so two deployments on one Redis never mix.
    queue_channel = (
        "flask-socketio-" + hashlib.sha256(app.config["DATABASE_URL"].encode()).hexdigest()[:16]
    )
    queue_url = settings["socketio"]["message_queue"] or None
    socketio.init_app(
        app,
        message_queue=queue_url,
        client_manager=acknowledged.client_manager(queue_url, queue_channel),
        async_mode=async_mode,
        json=SocketJSON,
        max_http_buffer_size=settings["socketio"]["max_message_bytes"],
    )
    fastpath.install(socketio.server, enabled=settings["socketio"]["fast_path"])
    http_rules.init_app(app)
    app.before_request(attendees.load_attendee)
    app.after_request(attendees.give_attendee_cookie)
    app.after_request(i18n.remember_language)
    register_template_helpers(app)
    register_static_versions(app)
    register_static_gzip(app)
    register_error_handlers(app)
    security.init_app(app)
    edge.init_app(app)

    for name in DOMAINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        if hasattr(module, "init_app"):
            module.init_app(app)
    # In front of Socket.IO's middleware and Flask, behind ProxyFix and the Secure cookies.
    fast_pages.install(app)
    app.wsgi_app = GoneSessionIsBadRequest(app.wsgi_app)
    app.wsgi_app = security.SecureCookiesOverHttps(app.wsgi_app)
    # Outermost, after Socket.IO's middleware: Socket.IO handlers see the real address too,
    # and the cookie middleware sees the scheme the browser used.
    trust_proxy_headers(app, app.config["PROXY_FIX"])
    return app


def trust_proxy_headers(app: Flask, proxies: int) -> None:
    """Behind ``proxies`` reverse proxies, take the client's address and scheme from their headers.

    Only the last ``proxies`` entries of X-Forwarded-For are believed: anything further left was
    written by the client and could be forged to dodge the per-address rate limits. The Host
    header is the proxy's to pass on (nginx: ``proxy_set_header Host $host``), so
    X-Forwarded-Host is not read.
    """
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)


def register_template_helpers(app: Flask) -> None:
    """Functions every template can call."""
    from flask_babel import get_locale

    from conference.users.auth import session_user

    @app.context_processor
    def _helpers():
        return {
            "t": i18n.translate,
            "current_locale": lambda: str(get_locale()),
            "language_names": i18n.LANGUAGE_NAMES,
            "current_user": session_user,
        }
