"""The app's own CPU per request, without a server or a socket: microseconds, against hello.

    .venv/bin/python -m bench.pages.inprocess              # 3 rounds of 2,000 requests per URL
    .venv/bin/python -m bench.pages.inprocess --n 5000 --rounds 5

wrk against a server (``bench.pages``) is what an attendee sees, but on two cores shared with
other work its figures move by a third from one run to the next. This calls the WSGI
applications directly (the demo app on an in-memory SQLite database and the bare Flask hello of
``hello_app.py``, one process) with the same requests ``bench.pages`` sends, and reports the
best round's CPU time per request (``time.process_time``: other programs do not count) and its
ratio to hello. What it leaves out is the server's share (reading the request, writing the
answer), which is the same for every route. Prints only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from werkzeug.test import EnvironBuilder

SLUG = "daugavpils-2021"


def _demo_app():
    """The demo app, logging as ``conference serve`` does (one line per request), to nowhere."""
    from conference.app import create_app
    from conference.db import db
    from conference.demo import install_demo
    from conference.ops.logs import configure_logging

    app = create_app({"INSTANCE_DIR": tempfile.mkdtemp(prefix="bench-inprocess-")})
    with app.app_context():
        db.create_all()
        install_demo()
    stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115 (for the process)
    try:
        configure_logging(app.config["SETTINGS"]["logging"])
    finally:
        sys.stderr = stderr
    return app


def _call(app, environ: dict) -> tuple[str, int]:
    status = []

    def start_response(line, headers, exc_info=None):
        status.append(line)

    body = app(dict(environ), start_response)
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    return status[0], size


def per_request_us(app, environ: dict, n: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(n):
            _call(app, environ)
        best = min(best, (time.process_time() - started) / n * 1e6)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, "bench/pages")
    from hello_app import make_app

    app = _demo_app()
    hello = make_app()
    state = f"/api/v1/events/{SLUG}/state"

    def environ(path, headers=None):
        return EnvironBuilder(path=path, headers=headers or {}).get_environ()

    with app.test_client() as client:
        etag = client.get(state).headers["ETag"]
        attendee = client.get_cookie("attendee").value
    cookie = {"Cookie": f"attendee={attendee}"}
    cases = [
        ("bare Flask hello", hello, environ("/hello")),
        ("live page, new browser", app, environ(f"/events/{SLUG}", {"Accept-Encoding": "gzip"})),
        ("live page, attendee cookie", app, environ(f"/events/{SLUG}", cookie)),
        ("state, new browser", app, environ(state)),
        ("state, attendee cookie", app, environ(state, cookie)),
        ("state, If-None-Match → 304", app, environ(state, {"If-None-Match": etag, **cookie})),
    ]
    rows = []
    for name, target, env in cases:
        status, size = _call(target, env)  # warm: the page cache, the snapshot
        rows.append((name, status, size, per_request_us(target, env, args.n, args.rounds)))
    base = rows[0][3]
    print("| request | answer | body bytes | CPU µs/request | ÷ hello (hello's rate ÷ this) |")
    print("|---|---|---|---|---|")
    for name, status, size, us in rows:
        print(f"| {name} | {status} | {size:,} | {us:,.0f} | {base / us:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
