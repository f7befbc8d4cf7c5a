"""When 5,000 attendees open the live page at once: requests per second, on loopback, with wrk.

    .venv/bin/python -m bench.pages                 # 10 s per URL, 2 threads, 100 connections
    .venv/bin/python -m bench.pages --duration 3 --no-write   # a quick look, printed only

Starts, on free ports of 127.0.0.1, ``conference serve --demo`` on a fresh SQLite instance in a
temporary folder and the bare Flask "hello" of ``hello_app.py`` on the same gevent server, then
runs wrk against each URL in turn, and appends the table to ``docs/benchmarks.md``. Both
servers are stopped at the end, also after an error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.pages.report import append_report, print_table
from bench.pages.wrk import run_wrk

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
CONFERENCE = REPO / ".venv" / "bin" / "conference"
SLUG = "daugavpils-2021"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                answer.read()
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def fetch(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers), answer.read()


def wait_while_other_benchmarks_run(max_minutes: float) -> None:
    """Two load tests on two cores measure each other: wait for bench.fanout to finish."""
    deadline = time.monotonic() + max_minutes * 60
    while True:
        # A running fan-out bench, not one waiting for the bench lock (``flock … -m
        # bench.fanout``, ``timeout … bench.fanout``): those wait for this one.
        busy = (
            subprocess.run(
                ["pgrep", "-f", r"^\S*python\S* (\S+ )*-m bench\.fanout"], capture_output=True
            ).returncode
            == 0
        )
        if not busy:
            return
        if time.monotonic() > deadline:
            raise RuntimeError("bench.fanout is still running; try again later")
        print("bench.fanout is running; waiting 30 s", flush=True)
        time.sleep(30)


def start(command: list[str], log: Path, env: dict) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(
        command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def targets(app_base: str, hello_base: str) -> list[dict]:
    """The URLs to measure, with the headers a returning browser would send."""
    status, _headers, page = fetch(f"{app_base}/events/{SLUG}")
    if status != 200:
        raise RuntimeError(f"the live page answered {status}")
    css = re.search(rb"/static/css/site\.css\?v=[0-9a-f]+", page)
    if css is None:
        raise RuntimeError("no versioned site.css link in the live page")
    state_url = f"{app_base}/api/v1/events/{SLUG}/state"
    etag = fetch(state_url)[1].get("ETag")
    if not etag:
        raise RuntimeError("the state endpoint sent no ETag")
    gzip = {"Accept-Encoding": "gzip"}
    return [
        {"name": "bare Flask hello", "url": f"{hello_base}/hello", "headers": {}},
        {"name": "live page (HTML)", "url": f"{app_base}/events/{SLUG}", "headers": gzip},
        {"name": "state, full", "url": state_url, "headers": gzip},
        {
            "name": "state, If-None-Match → 304",
            "url": state_url,
            "headers": {"If-None-Match": etag},
        },
        {"name": "site.css?v=…", "url": app_base + css.group().decode(), "headers": gzip},
    ]


def describe(target: dict) -> None:
    """Status and size of one answer, as a browser would get it (recorded beside the figures)."""
    status, headers, body = fetch(target["url"], target["headers"])
    target["status"] = status
    target["encoding"] = headers.get("Content-Encoding", "identity")
    target["body_bytes"] = len(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (default 10)")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every URL this many times, the URLs in turn each round, and report the "
        "median round of each (on a shared machine the load moves: interleaving lets the "
        "ratios to hello see the same load)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--wait-min", type=float, default=15, help="wait for bench.fanout")
    args = parser.parse_args(argv)
    args.duration = max(1, min(args.duration, 60))
    if shutil.which("wrk") is None:
        print("bench.pages: wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    wait_while_other_benchmarks_run(args.wait_min)
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    app_port, hello_port = free_port(), free_port()
    env = dict(os.environ, CONFERENCE_SERVER_INSTANCE_DIR=str(folder / "instance"))
    env.pop("CONFERENCE_DATABASE_URL", None)
    servers = []
    try:
        servers.append(
            start(
                [
                    str(CONFERENCE),
                    "serve",
                    "--demo",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(app_port),
                ],
                folder / "conference.log",
                env,
            )
        )
        servers.append(
            start(
                [str(PYTHON), "bench/pages/hello_app.py", "--port", str(hello_port)],
                folder / "hello.log",
                env,
            )
        )
        app_base, hello_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{hello_port}"
        wait_for(f"{app_base}/events/{SLUG}")
        wait_for(f"{hello_base}/hello")
        measured = targets(app_base, hello_base)
        for target in measured:
            describe(target)
            target["runs"] = []
        for round_number in range(1, max(1, min(args.rounds, 9)) + 1):
            for target in measured:
                print(
                    f"wrk: {target['name']} ({args.duration} s, round {round_number})", flush=True
                )
                target["runs"].append(
                    run_wrk(
                        target["url"],
                        target["headers"],
                        args.threads,
                        args.connections,
                        args.duration,
                    )
                )
        for target in measured:
            runs = sorted(target["runs"], key=lambda run: run["rps"])
            target["result"] = runs[(len(runs) - 1) // 2]
            if len(runs) > 1:
                print(
                    f"{target['name']}: req/s per round "
                    + ", ".join(f"{run['rps']:,.0f}" for run in target["runs"])
                )
    finally:
        for server in servers:
            stop(server)
    print_table(measured)
    if not args.no_write:
        append_report(measured, args, sys.argv)
        print("appended to docs/benchmarks.md")
    shutil.rmtree(folder, ignore_errors=True)
    return 0
