"""Where a page request's time goes: py-spy on `conference serve --demo` under wrk, one URL.

    .venv/bin/python -m bench.pages.profile                       # the state endpoint, 5 s
    .venv/bin/python -m bench.pages.profile --path /events/daugavpils-2021 --duration 8
    .venv/bin/python -m bench.pages.profile --path /hello --hello  # the bare Flask baseline

Starts the server as ``bench.pages`` does (fresh SQLite in a temporary folder), attaches py-spy
(sampling, ``--nonblocking``: the server is never paused) while wrk loads one URL, and prints
the functions with the most samples *including* their callees (where a request's time goes)
and the lines with the most samples of their *own*. Nothing is written to docs/; the raw
collapsed stacks are kept with ``--keep``.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.fanout.profile import read_stacks
from bench.pages.run import CONFERENCE, PYTHON, REPO, free_port, start, stop, wait_for
from bench.pages.wrk import run_wrk


def summarise(path: Path, top: int) -> str:
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    for frames, count in read_stacks(path):
        total += count
        own[frames[-1]] += count
        # A function counted once per stack, however deep it recurses.
        for function in {re.sub(r":\d+\)$", ")", frame) for frame in frames}:
            inclusive[function] += count
    lines = [f"{total} samples", "", "inclusive (function and its callees):"]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "own (the line itself):"]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/api/v1/events/daugavpils-2021/state")
    parser.add_argument("--header", action="append", default=[], help='"Name: value" for wrk')
    parser.add_argument("--hello", action="store_true", help="profile hello_app.py instead")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--keep", help="copy the raw py-spy file here")
    args = parser.parse_args(argv)
    args.duration = max(1, min(args.duration, 60))
    spy_binary = REPO / ".venv" / "bin" / "py-spy"
    if not spy_binary.is_file() or shutil.which("wrk") is None:
        print("needs py-spy (.venv/bin/pip install py-spy) and wrk", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-profile-"))
    port = free_port()
    env = dict(os.environ, CONFERENCE_SERVER_INSTANCE_DIR=str(folder / "instance"))
    env.pop("CONFERENCE_DATABASE_URL", None)
    if args.hello:
        command = [str(PYTHON), "bench/pages/hello_app.py", "--port", str(port)]
    else:
        command = [str(CONFERENCE), "serve", "--demo", "--host", "127.0.0.1"]
        command += ["--port", str(port)]
    server = start(command, folder / "server.log", env)
    raw = folder / "profile.txt"
    try:
        url = f"http://127.0.0.1:{port}{args.path}"
        wait_for(url)
        headers = dict(h.split(": ", 1) for h in args.header)
        run_wrk(url, headers, 2, args.connections, 1)  # warm-up, not profiled
        spy = subprocess.Popen(
            [str(spy_binary), "record", "--pid", str(server.pid), "--rate", str(args.rate)]
            + ["--nonblocking", "--format", "raw", "--output", str(raw)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            result = run_wrk(url, headers, 2, args.connections, args.duration)
        finally:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=30)
    finally:
        stop(server)
    print(f"{args.path}: {result['rps']:,.0f} req/s under py-spy, p50 {result['p50_ms']} ms")
    print(summarise(raw, args.top))
    if args.keep:
        shutil.copy(raw, args.keep)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
