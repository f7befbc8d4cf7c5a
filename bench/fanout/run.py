"""Fan-out benchmark, one command: every contender, every N, one markdown section.

    .venv/bin/python -m bench.fanout            # N = 500, 2000, 5000 on both baselines
    .venv/bin/python -m bench.fanout --quick    # N = 200, 5 broadcasts: does it all work?
    .venv/bin/python -m bench.fanout --app      # ... and the conference app as a third contender
    .venv/bin/python -m bench.fanout --cluster  # ... and N = 10,000 on 3 processes with Redis
    .venv/bin/python -m bench.fanout --cluster-only --app --cluster-n 20000 --cluster-processes 4 --nginx
                                                # 20,000 on 4 processes + Redis behind nginx

For each N and contender it starts fresh server process(es) on free 127.0.0.1 ports, runs
loadgen.js against them (which samples the servers' RSS and CPU from /proc), stops them
(always, also after an error or Ctrl-C), and finally appends the figures to
docs/benchmarks.md (not with --quick). Raw results go to bench/results/ (git-ignored).
Every step is bounded; the whole run stops starting new measurements at --timeout-min.
"""

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `bench.fanout` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.fanout import contenders, proxy, report  # noqa: E402
from bench.fanout.combine import combine  # noqa: E402
from bench.fanout.preflight import (  # noqa: E402
    ensure_node_modules,
    log,
    redis_reachable,
    wait_for_quiet,
)

REPO_ROOT = contenders.REPO_ROOT
CONTENDERS = {
    "flask": contenders.FlaskBaseline,
    "flask-simple": contenders.FlaskSimpleBaseline,
    "flask-threading": contenders.FlaskThreadingBaseline,
    "flask-eventlet": contenders.FlaskEventletBaseline,
    "asgi": contenders.AsgiBaseline,
    "asgi-wsproto": contenders.AsgiWsprotoBaseline,
    "asgi-nodeflate": contenders.AsgiNoDeflateBaseline,
    "asgi-sansio": contenders.AsgiSansioBaseline,
    "node": contenders.NodeBaseline,
    "conference": contenders.ConferenceApp,
    "conference-plain": contenders.ConferenceAppPlain,
}
# The other WebSocket servers python-engineio / python-socketio support (docs/architecture.md,
# "Which WebSocket server"); their packages come with the `bench` extra.
WS_SERVERS = (
    "flask-threading",
    "flask-eventlet",
    "asgi",
    "asgi-wsproto",
    "asgi-nodeflate",
    "asgi-sansio",
)
CLUSTER_CAPABLE = ("flask", "flask-simple", "conference", "conference-plain")
CONNECT_TIMEOUT_MS = 60_000
UPDATE_TIMEOUT_MS = 10_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.fanout", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--n",
        default="500,2000,5000",
        help="attendee counts, comma-separated (default %(default)s)",
    )
    parser.add_argument(
        "--k", type=int, default=20, help="measured broadcasts per run (default %(default)s)"
    )
    parser.add_argument(
        "--warmup", type=int, default=3, help="broadcasts before those, not counted"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per contender and N, order rotated; the report shows medians (default %(default)s)",
    )
    parser.add_argument(
        "--gap-ms", type=int, default=250, help="pause after each broadcast has arrived"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="load generator threads (default: one per core, at most 4)",
    )
    parser.add_argument(
        "--worker-kind",
        choices=("auto", "thread", "process"),
        default="auto",
        help="generator workers as threads or child processes; auto: processes when one "
        "process may not open N sockets (the open-files hard limit)",
    )
    parser.add_argument(
        "--client",
        choices=("raw", "socket.io-client", "both"),
        default="raw",
        help="attendee implementation in the generator (see bench/README.md); both: every "
        "measurement with each, in one run",
    )
    parser.add_argument(
        "--baselines",
        default="flask,node",
        help="baselines to run (flask, flask-simple, flask-threading, flask-eventlet, asgi, "
        "asgi-wsproto, asgi-nodeflate, asgi-sansio, node)",
    )
    parser.add_argument(
        "--flask-simple", action="store_true", help="add the simple-websocket Flask baseline"
    )
    parser.add_argument(
        "--ws-servers",
        action="store_true",
        help="add the other servers python-engineio supports: " + ", ".join(WS_SERVERS),
    )
    parser.add_argument("--app", action="store_true", help="add the conference app as a contender")
    parser.add_argument(
        "--app-plain",
        action="store_true",
        help="add the app with the broadcast fast path off (conference-plain)",
    )
    parser.add_argument(
        "--app-command",
        default=None,
        help="the app's console script (default .venv/bin/conference)",
    )
    parser.add_argument("--app-config", default=None, help="--config FILE for `conference serve`")
    parser.add_argument(
        "--app-database-url", default=None, help="default: a fresh SQLite file per run"
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="also run --cluster-n attendees on 3 processes + Redis",
    )
    parser.add_argument("--cluster-only", action="store_true", help="only the cluster run")
    parser.add_argument("--cluster-n", type=int, default=10_000)
    parser.add_argument("--cluster-processes", type=int, default=3)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="put nginx in front of every contender, configured from deploy/nginx/conference.conf "
        "(upstreams: the contender's processes); attendees and commands go through it",
    )
    parser.add_argument(
        "--nginx-workers",
        default="auto",
        help="nginx worker_processes with --nginx (default %(default)s, as Debian's nginx.conf)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="N = 200, K = 5, one run; print, do not append"
    )
    parser.add_argument("--output", default=str(REPO_ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--quiet-percent",
        type=float,
        default=15.0,
        help="before each run, wait until other programs use less than this share of the cores",
    )
    parser.add_argument(
        "--quiet-wait-s", type=float, default=90.0, help="... but at most this long"
    )
    parser.add_argument(
        "--timeout-min", type=float, default=15.0, help="start no measurement after this"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.k, args.warmup, args.repeat = "200", 5, 1, 1
    args.cluster = args.cluster or args.cluster_only
    args.ns = [] if args.cluster_only else [int(n) for n in args.n.split(",") if n.strip()]
    names = [b.strip() for b in args.baselines.split(",") if b.strip()]
    if args.flask_simple and "flask-simple" not in names:
        names.append("flask-simple")
    if args.ws_servers:
        names += [name for name in WS_SERVERS if name not in names]
    if args.app:
        names.append("conference")
    if args.app_plain:
        names.append("conference-plain")
    unknown = set(names) - set(CONTENDERS)
    if unknown:
        parser.error(f"unknown contender(s): {', '.join(sorted(unknown))}")
    args.contenders = names
    return args


def loadgen_argv(contender, n, args):
    """The loadgen.js command line for a started contender (also used by profile.py)."""
    argv = [
        "node",
        str(contenders.FANOUT_DIR / "loadgen.js"),
        "--n",
        str(n),
        "--k",
        str(args.k),
        "--warmup",
        str(args.warmup),
        "--gap-ms",
        str(args.gap_ms),
        "--workers",
        str(args.workers),
        "--client",
        args.client,
        "--worker-kind",
        worker_kind(args, n),
        "--trigger-url",
        contender.trigger_url,
        "--connect-timeout-ms",
        str(CONNECT_TIMEOUT_MS),
        "--update-timeout-ms",
        str(UPDATE_TIMEOUT_MS),
    ]
    for url in contender.urls:
        argv += ["--url", url]
    for pid in contender.pids:
        argv += ["--server-pid", str(pid)]
    for pid in getattr(contender, "proxy_pids", ()):
        argv += ["--proxy-pid", str(pid)]
    if contender.token:
        argv += ["--trigger-token", contender.token]
    return argv


def open_files_limit():
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def worker_kind(args, n):
    """Threads share one process's open-files limit; beyond it, one child process per worker."""
    if args.worker_kind != "auto":
        return args.worker_kind
    return "process" if n + 1024 > open_files_limit() else "thread"


def run_loadgen(contender, n, args, seconds_left):
    """Run loadgen.js against a started contender; return its JSON result."""
    argv = loadgen_argv(contender, n, args)
    worst_case = (
        CONNECT_TIMEOUT_MS / 1000
        + (args.k + args.warmup) * (UPDATE_TIMEOUT_MS + args.gap_ms) / 1000
        + 30
    )
    completed = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=max(10.0, min(worst_case, seconds_left)),
        preexec_fn=contenders.raise_file_limit,
    )
    if completed.returncode != 0:
        # Its own messages, whole, without the stack frames (the report keeps the first line).
        said = [line for line in completed.stderr.splitlines() if line.startswith("[loadgen]")]
        raise RuntimeError(f"loadgen failed: {' / '.join(said[-3:])[-500:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(name, n, processes, args, deadline, log_dir):
    """Start one contender, load it, stop it. Returns the loadgen result."""
    options = {"processes": processes, "log_dir": log_dir, "redis_url": args.redis_url}
    if name in ("conference", "conference-plain"):
        options.update(
            app_command=args.app_command,
            config=args.app_config,
            database_url=args.app_database_url,
            behind_proxy=args.nginx,
        )
    busy_percent = wait_for_quiet(
        min(args.quiet_wait_s, max(0.0, deadline - time.monotonic() - 60)), args.quiet_percent
    )
    contender = CONTENDERS[name](**options)
    label = f"n{n}-p{processes}"
    front = None
    try:
        contender.start(label)
        target = contender
        if args.nginx:
            front = proxy.Nginx(
                contender.ports, n, args.nginx_workers, log_dir=log_dir, label=f"{label}-{name}"
            )
            front.start(contender.ready_path)
            target = proxy.BehindProxy(contender, front)
            log(
                f"nginx on {front.url} (workers {', '.join(map(str, front.worker_pids))}) "
                f"in front of {', '.join(contender.urls)}"
            )
        log(f"{name} x{processes} on {', '.join(target.urls)}: {n} attendees")
        result = run_loadgen(target, n, args, deadline - time.monotonic())
    finally:
        if front is not None:
            front.stop()
        contender.stop()
    if front is not None:
        # Which process each attendee's WebSocket went to (least_conn), from nginx's log.
        result["upstream_spread"] = front.upstream_spread()
        result["proxy_setup"] = front.note
    result["processes"] = processes
    result["busy_before_percent"] = round(busy_percent, 1)
    lat = result["latency"]
    log(
        f"{name} n={n}: snapshot-all {result['connect']['snapshot_all_ms']} ms, p50 {lat['p50_ms']} ms, "
        f"last attendee {lat['last_attendee_ms']} ms, CPU/broadcast {result['server']['cpu_per_broadcast_ms']} ms"
    )
    return result


def plan(args, skipped):
    """[(title, n, {contender name: processes})] in the order they run."""
    one = "one process behind nginx" if args.nginx else "one process"
    runs = [(f"N = {n:,}, {one}", n, dict.fromkeys(args.contenders, 1)) for n in args.ns]
    if args.cluster:
        # The Node reference has no Redis adapter here; one Node process at the same N is
        # still the figure a cluster has to beat.
        processes = {
            name: (args.cluster_processes if name in CLUSTER_CAPABLE else 1)
            for name in args.contenders
        }
        if not redis_reachable(args.redis_url):
            skipped.append(f"the cluster run: Redis at {args.redis_url} did not answer")
        else:
            runs.append(
                (
                    f"N = {args.cluster_n:,}, {args.cluster_processes} processes + Redis "
                    + ("behind nginx " if args.nginx else "")
                    + "(node: one process)",
                    args.cluster_n,
                    processes,
                )
            )
    return runs


def main(argv=None):
    args = parse_args(argv)
    # A SIGTERM from outside must still run the finally blocks that stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    deadline = time.monotonic() + args.timeout_min * 60
    # The generator holds N sockets, nginx and a single server as many again: raise this
    # process's open-files limit (hard too, as root); every child inherits it.
    largest = max(args.ns + ([args.cluster_n] if args.cluster else []), default=0)
    soft, _hard = proxy.raise_own_file_limit(proxy.file_limit_wanted(largest))
    if soft < largest + 1024:
        log(f"open-files limit {soft:,} is below {largest:,} attendees; expect connect errors")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_dir = REPO_ROOT / "bench" / "results" / f"fanout-{stamp}"
    log_dir.mkdir(parents=True, exist_ok=True)
    ensure_node_modules()
    skipped, runs = [], []
    raw_runs = []
    clients = ["raw", "socket.io-client"] if args.client == "both" else [args.client]
    planned = [
        (title if len(clients) == 1 else f"{title}, {client} generator", n, processes, client)
        for client in clients
        for title, n, processes in plan(args, skipped)
    ]
    for title, n, processes, client in planned:
        args.client = client
        names = []
        for name, count in processes.items():
            if n / count + 512 > open_files_limit():
                skipped.append(
                    f"{name} at {title}: {count} process(es) cannot hold {n:,} sockets under this "
                    f"machine's open-files limit of {open_files_limit():,}"
                )
            else:
                names.append(name)
        if not names:
            continue
        repeated = {name: [] for name in names}
        for repetition in range(args.repeat):
            # Rotate the order so no contender always runs right after the heaviest one.
            shift = repetition % len(names)
            for name in names[shift:] + names[:shift]:
                if time.monotonic() > deadline - 30:
                    skipped.append(
                        f"{name} at {title}, run {repetition + 1}: "
                        f"the {args.timeout_min:g}-minute budget was used up"
                    )
                    continue
                try:
                    repeated[name].append(
                        measure(name, n, processes[name], args, deadline, log_dir)
                    )
                except (
                    RuntimeError,
                    OSError,
                    ValueError,
                    subprocess.SubprocessError,
                    json.JSONDecodeError,
                ) as error:
                    log(f"{name} at {title} failed: {error}")
                    skipped.append(f"{name} at {title}: {str(error).splitlines()[0][:300]}")
        raw_runs.append((title, repeated))
        results = {name: combine(found) for name, found in repeated.items() if found}
        if results:
            runs.append((title, results))
    settings = {
        "client": " and ".join(clients),
        "workers": args.workers,
        "k": args.k,
        "warmup": args.warmup,
        "gap_ms": args.gap_ms,
        "cluster": args.cluster,
        "repeat": args.repeat,
        "nginx": args.nginx and args.nginx_workers,
        "worker_kind": ", ".join(sorted({worker_kind(args, n) for _t, n, _p, _c in planned})),
    }
    (log_dir / "results.json").write_text(
        json.dumps({"settings": settings, "runs": raw_runs, "skipped": skipped}, indent=1),
        encoding="utf-8",
    )
    markdown = report.section(runs, settings, skipped)
    print(markdown)
    if not args.quick and runs:
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if not output.exists():
            output.write_text(
                "# Benchmarks\n\nFigures appended by the commands in `bench/` "
                "(see `bench/README.md`), newest last.\n\n",
                encoding="utf-8",
            )
        with output.open("a", encoding="utf-8") as doc:
            doc.write("\n" + markdown)
        log(f"appended to {output}")
    return 0 if runs and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
