"""What one connected attendee costs in memory, by the line that allocated it (tracemalloc).

    .venv/bin/python -m bench.fanout.memory              # N = 2,000 attendees of the demo event
    .venv/bin/python -m bench.fanout.memory --n 500 --no-append

It runs the app in this process, exactly as ``conference serve`` does (gevent's patched
standard library, the demo event on a fresh SQLite file, the server and its tuning from
``conference.server.build_server``),
starts ``tracemalloc``, lets the load generator of ``bench.fanout`` connect N attendees, and
compares two snapshots: before the first attendee, and once all N have their snapshot and
the server is idle. What is still allocated, divided by N, is what an attendee costs; it is
grouped by allocation site and listed largest first. A greenlet's saved stack is charged to
the line where the greenlet last switched out (``self._wait(self._read_event)``: the attendee's
reader, waiting for a frame; ``self.queue.get(``: its writer, waiting for an update).

tracemalloc sees what Python allocates (objects, buffers, saved greenlet stacks), not the
allocator's own overhead, so its total is below the RSS per attendee that ``bench.fanout``
reads from /proc; that difference is the allocator's (pools, fragmentation) and libev's.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import linecache  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

if __package__ in (None, ""):  # run as a file: make `bench.fanout` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import gevent  # noqa: E402

from bench.fanout import contenders, report  # noqa: E402
from bench.fanout.preflight import ensure_node_modules, log  # noqa: E402

REPO_ROOT = contenders.REPO_ROOT
SLUG = contenders.SLUG


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="attendees (default 2,000)")
    parser.add_argument("--top", type=int, default=15, help="allocation sites listed")
    parser.add_argument("--output", default=str(REPO_ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-append", action="store_true", help="print, do not append")
    return parser.parse_args(argv)


def rss_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_app(data_dir):
    """The app on a free loopback port, as `conference serve --demo` runs it; returns its port."""
    os.environ.update(
        CONFERENCE_DATABASE_URL=f"sqlite:///{data_dir}/memory.db",
        CONFERENCE_SERVER_INSTANCE_DIR=str(data_dir),
        CONFERENCE_SERVER_SECRET_KEY="bench-memory-" + os.urandom(8).hex(),
    )
    from conference.app import create_app
    from conference.server import build_server

    server = build_server(create_app(async_mode="gevent"), "127.0.0.1", 0, demo=True)
    server.start()
    return server.server_port


def cli(*args, stdin_text=None):
    completed = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "conference"), *args],
        input=stdin_text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return completed.stdout


def measure(n):
    data_dir = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    port = start_app(data_dir)
    email = "bench-memory@example.org"
    cli("user", "add", email, "--role", "moderator", "--password-stdin", stdin_text="x" * 16 + "\n")
    token = cli("token", "create", email).strip().splitlines()[-1]
    from conference.extensions import socketio

    engine_io = socketio.server.eio
    url = f"http://127.0.0.1:{port}"
    argv = [
        "node",
        str(contenders.FANOUT_DIR / "loadgen.js"),
        "--url",
        url,
        "--n",
        str(n),
        "--k",
        "1",
        "--warmup",
        "0",
        # The generator holds every attendee until its one update has been sent; the pause
        # after it leaves time to take the second snapshot while all are connected.
        "--gap-ms",
        "30000",
        "--workers",
        "1",
        "--trigger-url",
        f"{url}{contenders.COMMANDS_PATH}",
        "--trigger-token",
        token,
    ]
    gc.collect()
    tracemalloc.start(1)
    before, rss_before = tracemalloc.take_snapshot(), rss_kib()
    generator = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, cwd=REPO_ROOT, preexec_fn=contenders.raise_file_limit
    )
    try:
        deadline = time.monotonic() + 120
        while len(engine_io.sockets) < n:
            if generator.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"only {len(engine_io.sockets)} of {n} attendees connected")
            gevent.sleep(0.2)
        gevent.sleep(3.0)  # the update has gone out; the server is idle
        gc.collect()
        connected = len(engine_io.sockets)
        after, rss_after = tracemalloc.take_snapshot(), rss_kib()
    finally:
        generator.kill()
        generator.wait()
        tracemalloc.stop()
    stats = after.compare_to(before, "lineno")
    return {
        "n": connected,
        "traced_per_attendee": sum(s.size_diff for s in stats) / connected,
        "rss_per_attendee_kib": (rss_after - rss_before) / connected,
        "sites": [
            (s.size_diff / connected, s.count_diff / connected, s.traceback[0]) for s in stats
        ],
    }


def section(args, result):
    m = report.machine()
    lines = [
        "",
        f"## Memory per attendee (`bench/fanout/memory.py`), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `{report.exact_command()}`",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['kernel']}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in report.versions().items()),
        f"- {result['n']:,} attendees connected; Python allocations still held per attendee: "
        f"**{result['traced_per_attendee'] / 1024:.1f} KiB** (RSS grew by "
        f"{result['rss_per_attendee_kib']:.1f} KiB per attendee here, tracemalloc's own "
        "bookkeeping included; `bench.fanout` measures RSS without it).",
        "",
        "| bytes per attendee | objects | allocated at |",
        "|---|---|---|",
    ]
    for size, count, frame in result["sites"][: args.top]:
        filename = frame.filename
        for prefix in (f"{REPO_ROOT}/", "site-packages/"):
            if prefix in filename:
                filename = filename.split(prefix, 1)[1]
        source = linecache.getline(frame.filename, frame.lineno).strip().replace("|", "\\|")
        lines.append(f"| {size:,.0f} | {count:.1f} | `{filename}:{frame.lineno}` `{source}` |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    ensure_node_modules()
    log(f"memory: {args.n} attendees of the app in this process, tracemalloc on")
    result = measure(args.n)
    text = section(args, result)
    print(text)
    if not args.no_append:
        with open(args.output, "a", encoding="utf-8") as handle:
            handle.write(text)
        log(f"appended to {args.output}")
    # The server greenlets and the thread pool would keep the process alive.
    os._exit(0)


if __name__ == "__main__":
    main()
