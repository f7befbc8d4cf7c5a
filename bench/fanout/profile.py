"""Where a server's time goes under the fan-out load: py-spy profiles, one command.

    .venv/bin/python -m bench.fanout.profile                      # the app, N = 5,000, K = 40
    .venv/bin/python -m bench.fanout.profile --contender flask    # the bare Flask-SocketIO baseline
    .venv/bin/python -m bench.fanout.profile --n 2000 --k 20 --no-append

It starts one server process of the contender (as ``bench.fanout`` does), attaches py-spy
(``pip install -e '.[bench]'``; sampling, ``--nonblocking``, so the server is never paused) and runs the
same load generator: first every attendee connects at once, then K broadcasts. The two phases
get a profile each (py-spy is restarted when the generator reports the last snapshot). The
samples are sorted into the parts of the path an update or a connection takes (see
``CATEGORIES``), and the lines with the most samples of their own are listed.

Garbage-collector pauses are counted inside the server (``gcstats/sitecustomize.py`` on
``PYTHONPATH``): py-spy cannot unwind native frames through greenlet stacks, so without this a
collection would be charged to whichever Python line allocated when it started.

Appends a section to docs/benchmarks.md (unless ``--no-append``); the raw py-spy files go to
bench/results/.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `bench.fanout` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.fanout import contenders, report  # noqa: E402
from bench.fanout.preflight import ensure_node_modules, log  # noqa: E402
from bench.fanout.run import CONTENDERS, loadgen_argv  # noqa: E402

REPO_ROOT = contenders.REPO_ROOT
RESULTS = REPO_ROOT / "bench" / "results"
GCSTATS_DIR = Path(__file__).resolve().parent / "gcstats"

CONNECT = "Socket.IO connect: handshake, upgrade, the CONNECT packet, join, snapshot"

# (label, patterns): a sample belongs to the first category one of whose patterns occurs in
# its stack (function names as py-spy prints them, with the file). Order matters: a broadcast
# runs inside the moderator's HTTP request, so "emit" is tried before "command".
CATEGORIES = [
    (
        "fast path: one loop writes the pre-encoded frame to every idle attendee",
        ["FastPath.broadcast (conference/live/fastpath.py"],
    ),
    (
        "writer greenlets: encode, WebSocket frame, send (one per attendee and message)",
        [
            "_websocket_handler.<locals>.writer (engineio/socket.py",
            "LazyWriter.run (conference/live/fastpath.py",
            "WebSocket.send_frame (geventwebsocket/websocket.py",
        ],
    ),
    (
        "emit: one queue entry per attendee",
        ["Manager.emit (socketio/manager.py"],
    ),
    (
        "command: the moderator's request, validation, database transaction",
        ["commands (conference/live/api.py", "command (bench/fanout/baseline_flask.py"],
    ),
    (
        "presence counting",
        ["(conference/live/presence.py"],
    ),
    (
        CONNECT,
        [
            # The CONNECT packet (our on_connect: join, snapshot); engineio's own
            # Server._handle_connect holds a WebSocket-only session for its whole life.
            "Server._handle_connect (socketio/server.py",
            "Server._handle_eio_connect (socketio/server.py",
            "WebSocketHandler.upgrade_connection",
        ],
    ),
    (
        "reading attendees' frames (pings; resync and clock requests)",
        ["websocket_wait (engineio/socket.py", "Socket.receive (engineio/socket.py"],
    ),
    # A WebSocket's reader runs inside the request that opened it: what is left of those
    # stacks after the frames above is the upgrade itself.
    (CONNECT, ["Socket._upgrade_websocket", "Server.handle_request (engineio/server.py"]),
    (
        "HTTP: accept, read and parse request heads (handshakes, the moderator's POST)",
        [
            "BaseServer._do_read (gevent/baseserver.py",
            "WSGIHandler.read_request",
            "WSGIHandler.get_environ",
            "WSGIServer.handle (gevent/pywsgi.py",
        ],
    ),
    (
        "gevent hub: event loop, timers, switching greenlets",
        ["(gevent/hub.py", "(gevent/_hub_primitives.py", "(gevent/timeout.py"],
    ),
    (
        # py-spy reads a running greenlet's frames from its own start: a send whose caller it
        # did not see still is a send on an attendee's socket.
        "socket sends seen without their caller",
        ["sendall (gevent/_socketcommon.py", "SocketMixin.send (gevent/_socketcommon.py"],
    ),
]
NO_FRAME = "no Python frame (C code between greenlets: switching, libev)"
OTHER = "other"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contender", default="conference", choices=["conference", "flask"])
    parser.add_argument("--n", type=int, default=5000, help="attendees (default 5,000)")
    parser.add_argument("--k", type=int, default=40, help="measured broadcasts (default 40)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--gap-ms", type=int, default=250)
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--client", default="raw", choices=["raw", "socket.io-client"])
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=12, help="lines listed per phase")
    parser.add_argument("--py-spy", default=None, help="py-spy binary (default: .venv, PATH)")
    parser.add_argument("--output", default=str(REPO_ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-append", action="store_true", help="print, do not append")
    args = parser.parse_args(argv)
    args.py_spy = args.py_spy or find_py_spy()
    if args.py_spy is None:
        parser.error("py-spy not found: .venv/bin/pip install -e '.[bench]'")
    return args


def find_py_spy():
    local = REPO_ROOT / ".venv" / "bin" / "py-spy"
    return str(local) if local.is_file() else shutil.which("py-spy")


class Spy:
    """One py-spy recording of a process into a raw (collapsed stacks) file."""

    def __init__(self, binary, pid, rate, path):
        self.path = path
        self.stopped = False
        self.proc = subprocess.Popen(
            [binary, "record", "--pid", str(pid), "--rate", str(rate), "--nonblocking"]
            + ["--format", "raw", "--output", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def stop(self):
        if self.stopped:
            return
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        if not self.path.is_file():
            raise RuntimeError(f"py-spy wrote no profile: {err.strip()[-400:]}")


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_gc(path):
    try:
        return json.loads(Path(path).read_text())["generations"]
    except (OSError, ValueError, KeyError):
        return None


def gc_delta(after, before):
    if after is None:
        return None
    out = {}
    for gen, entry in after.items():
        base = (before or {}).get(gen, {"count": 0, "total_ms": 0.0})
        out[gen] = {
            "count": entry["count"] - base["count"],
            "total_ms": entry["total_ms"] - base["total_ms"],
            "max_ms": entry["max_ms"],
        }
    return out


def _normalise(frame):
    frame = re.sub(r"\(\S*/site-packages/", "(", frame)
    frame = frame.replace(f"({REPO_ROOT}/", "(")
    return frame


def read_stacks(path):
    """``(frames, count)`` of each stack of a raw py-spy file, paths made short."""
    for raw in Path(path).read_text().splitlines():
        stack, _, count = raw.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        yield [_normalise(frame) for frame in stack.split(";")], int(count)


def summarise(path):
    """{"samples", "categories": {label: n}, "lines": [(n, frame)]} of a raw py-spy file."""
    categories = collections.Counter()
    lines = collections.Counter()
    total = 0
    for frames, count in read_stacks(path):
        total += count
        joined = ";".join(frames)
        label = next(
            (name for name, patterns in CATEGORIES if any(p in joined for p in patterns)),
            OTHER if joined.strip() else NO_FRAME,
        )
        categories[label] += count
        lines[frames[-1]] += count
    return {"samples": total, "categories": categories, "lines": lines.most_common()}


def run(args):
    ensure_node_modules()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    log_dir = RESULTS / f"profile-{stamp}"
    log_dir.mkdir()
    gc_file = log_dir / "gc.json"
    contender = CONTENDERS[args.contender](processes=1, log_dir=log_dir)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(GCSTATS_DIR), env_path) if p)
    os.environ["BENCH_GC_STATS"] = str(gc_file)
    phases = {}
    try:
        contender.start("profile")
        pid = contender.pids[0]
        log(
            f"{args.contender} on {contender.urls[0]} (pid {pid}): {args.n} attendees, K = {args.k}"
        )
        argv = loadgen_argv(contender, args.n, args)
        connect_path = log_dir / f"{args.contender}-connect.txt"
        broadcast_path = log_dir / f"{args.contender}-broadcast.txt"
        gc_start, cpu_start = read_gc(gc_file), cpu_seconds(pid)
        spy = Spy(args.py_spy, pid, args.rate, connect_path)
        time.sleep(0.5)  # py-spy attached before the first connection
        generator = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
            preexec_fn=contenders.raise_file_limit,
        )
        stdout_lines = []
        reader = threading.Thread(target=lambda: stdout_lines.extend(generator.stdout), daemon=True)
        reader.start()
        boundary = None
        deadline = time.monotonic() + 600
        end = None
        for line in generator.stderr:
            if boundary is None and "have a snapshot" in line:
                spy.stop()
                boundary = (read_gc(gc_file), cpu_seconds(pid))
                spy = Spy(args.py_spy, pid, args.rate, broadcast_path)
            elif end is None and "broadcasts done" in line:
                # Before the generator closes its connections: the goodbyes are not broadcasts.
                end = (read_gc(gc_file), cpu_seconds(pid))
                spy.stop()
            if time.monotonic() > deadline:
                generator.kill()
                raise RuntimeError("the load generator ran for more than 10 minutes")
        generator.wait(timeout=60)
        reader.join(timeout=10)
        spy.stop()
        if generator.returncode != 0 or boundary is None or end is None:
            raise RuntimeError("the load generator failed; see its output above")
        result = json.loads(stdout_lines[-1])
    finally:
        contender.stop()
        os.environ["PYTHONPATH"] = env_path
    phases["connect"] = {
        "profile": summarise(connect_path),
        "gc": gc_delta(boundary[0], gc_start),
        "cpu_s": boundary[1] - cpu_start,
    }
    phases["broadcast"] = {
        "profile": summarise(broadcast_path),
        "gc": gc_delta(end[0], boundary[0]),
        "cpu_s": end[1] - boundary[1],
    }
    (log_dir / "summary.json").write_text(
        json.dumps({"result": result, "phases": phases}, default=list, indent=1)
    )
    return result, phases, log_dir


def phase_table(title, phase, top):
    profile = phase["profile"]
    total = profile["samples"] or 1
    gc_info = phase["gc"]
    gc_ms = sum(g["total_ms"] for g in gc_info.values()) if gc_info else None
    out = [f"#### {title}", ""]
    cpu = phase["cpu_s"]
    line = f"Server CPU {cpu:.1f} s, {profile['samples']:,} samples."
    if gc_ms is not None:
        per_gen = ", ".join(
            f"gen {gen}: {g['count']:,} × (max {g['max_ms']:.0f} ms) = {g['total_ms']:,.0f} ms"
            for gen, g in gc_info.items()
        )
        share = f" ({100 * gc_ms / 1000 / cpu:.0f} % of the CPU)" if cpu > 0 else ""
        line += f" Garbage collector: {gc_ms:,.0f} ms{share}; {per_gen}."
    out += [line, "", "| part of the path | share of samples |", "|---|---|"]
    for label, count in sorted(profile["categories"].items(), key=lambda item: -item[1]):
        out.append(f"| {label} | {100 * count / total:.1f} % |")
    out += ["", "| line (own samples, not its callees) | share |", "|---|---|"]
    for frame, count in profile["lines"][:top]:
        out.append(f"| `{frame}` | {100 * count / total:.1f} % |")
    return out + [""]


def section(args, result, phases, log_dir):
    lat = result["latency"]
    server = result["server"]
    connect = result["connect"]
    m = report.machine()
    lines = [
        "",
        f"## Profile (`bench/fanout/profile.py`), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `{report.exact_command()}`",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['kernel']}; "
        "server, load generator and py-spy share these cores.",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in report.versions().items()),
        f"- Contender `{args.contender}`, N = {args.n:,}, K = {args.k} broadcasts; py-spy "
        f"{args.rate} Hz, non-blocking (it slows the server a little: compare with `bench.fanout`).",
        f"- This run: connect all {connect['snapshot_all_ms']:,.0f} ms; last attendee "
        f"{lat['last_attendee_ms']} ms, p50 {lat['p50_ms']} ms; CPU per broadcast "
        f"{server['cpu_per_broadcast_ms']} ms; RSS per attendee {server['rss_per_attendee_kb']} KiB.",
        f"- Raw profiles: `{log_dir.relative_to(REPO_ROOT)}/` (not committed).",
        "",
    ]
    lines += phase_table("Connection storm (all attendees at once)", phases["connect"], args.top)
    lines += phase_table("Broadcasts", phases["broadcast"], args.top)
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    result, phases, log_dir = run(args)
    text = section(args, result, phases, log_dir)
    print(text)
    if not args.no_append:
        with open(args.output, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
        log(f"appended to {args.output}")


if __name__ == "__main__":
    main()
