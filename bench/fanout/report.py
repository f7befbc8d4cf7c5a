"""What the fan-out figures are measured on, and the markdown section they are written as.

The section lists the date, the machine, every version that matters and the exact command,
then per run (N attendees, one process or a cluster) a table of the figures and a table of
each contender's ratios to both baselines (a ratio above 1 means slower, bigger or costlier
than that baseline).
"""

import json
import os
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

FANOUT_DIR = Path(__file__).resolve().parent
NODE_DIR = FANOUT_DIR.parent / "node"
PYTHON_PACKAGES = (
    "Flask",
    "Flask-SocketIO",
    "python-socketio",
    "python-engineio",
    "gevent",
    "gevent-websocket",
    "simple-websocket",
    # The other servers (`--ws-servers`), listed when installed (the `bench` extra).
    "gunicorn",
    "eventlet",
    "uvicorn",
    "uvloop",
    "httptools",
    "websockets",
    "wsproto",
    "conference",
)
NODE_PACKAGES = ("socket.io", "socket.io-client", "ws")
BASELINES = ("flask", "node")
# Above this share of the cores used by other programs, a run is flagged as not clean.
BUSY_WARNING_PERCENT = 20
RATIO_FIGURES = (
    ("snapshot_all_ms", "connect all"),
    ("p50_ms", "p50"),
    ("p99_ms", "p99"),
    ("last_attendee_ms", "last attendee"),
    ("rss_per_attendee_kb", "RSS/attendee"),
    ("cpu_per_broadcast_ms", "CPU/broadcast"),
)


def _read(path):
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def machine():
    """CPU model, cores, RAM, kernel and the limits that bound the attendee count."""
    cpuinfo = _read("/proc/cpuinfo")
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    meminfo = _read("/proc/meminfo")
    mem_kb = next(
        (int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0
    )
    import resource

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": f"{platform.system()} {platform.release()}",
        "nofile_hard": resource.getrlimit(resource.RLIMIT_NOFILE)[1],
        "clk_tck": os.sysconf("SC_CLK_TCK"),
    }


def versions(with_redis=False):
    found = {"Python": platform.python_version()}
    for name in PYTHON_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    try:
        found["Node"] = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        found["Node"] = "unavailable"
    for name in NODE_PACKAGES:
        package = NODE_DIR / "node_modules" / name / "package.json"
        if package.exists():
            found[name] = json.loads(package.read_text(encoding="utf-8"))["version"]
    try:
        # The app is measured from this working tree: name the commit, and say if it was edited.
        found["repository"] = (
            subprocess.run(
                ["git", "describe", "--always", "--dirty"],
                capture_output=True,
                text=True,
                timeout=10,
                cwd=FANOUT_DIR,
            ).stdout.strip()
            or "unknown"
        )
    except (OSError, subprocess.TimeoutExpired):
        found["repository"] = "unknown"
    if with_redis:
        try:
            info = subprocess.run(
                ["redis-cli", "info", "server"], capture_output=True, text=True, timeout=10
            ).stdout
            found["Redis"] = next(
                line.split(":", 1)[1].strip()
                for line in info.splitlines()
                if line.startswith("redis_version")
            )
        except (OSError, subprocess.TimeoutExpired, StopIteration):
            found["Redis"] = "unavailable"
    return found


def exact_command():
    """The command line as typed (interpreter included), for the reader to repeat it."""
    return " ".join(shlex.quote(arg) for arg in getattr(sys, "orig_argv", sys.argv))


def _fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _ratio(value, base):
    if value is None or not base:
        return "–"
    return f"{value / base:.2f}×"


def lost_updates(r):
    """Updates that some attendee never got: N × K minus the (attendee, update) pairs received.

    None for results of a generator that did not count them.
    """
    received = r["latency"].get("deliveries_received")
    if received is None:
        return None
    return r["n"] * r["k"] - received


def figures_table(results):
    with_proxy = any(r.get("proxy") for r in results.values())
    head = (
        "| server | attendees | connect all ms | p50 ms | p95 ms | p99 ms | last attendee ms "
        "| max ms | updates lost | RSS/attendee KiB | CPU/broadcast ms "
        + ("| nginx RSS/attendee KiB | nginx CPU/broadcast ms " if with_proxy else "")
        + "| generator CPU/broadcast ms | other programs' CPU % | update bytes |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, r in results.items():
        lat, con, srv = r["latency"], r["connect"], r["server"]
        front = r.get("proxy") or {}
        lost = lost_updates(r)
        lost_cell = "–" if lost is None else f"{lost:,} of {r['n'] * r['k']:,}"
        lines.append(
            f"| {name} | {con['attendees_with_snapshot']:,}/{r['n']:,} | {_fmt(con['snapshot_all_ms'])} "
            f"| {_fmt(lat['p50_ms'], 1)} | {_fmt(lat['p95_ms'], 1)} | {_fmt(lat['p99_ms'], 1)} "
            f"| {_fmt(lat['last_attendee_ms'], 1)} | {_fmt(lat['max_ms'], 1)} "
            f"| {lost_cell} "
            f"| {_fmt(srv['rss_per_attendee_kb'], 1)} | {_fmt(srv['cpu_per_broadcast_ms'], 1)} "
            + (
                f"| {_fmt(front.get('rss_per_attendee_kb'), 1)} "
                f"| {_fmt(front.get('cpu_per_broadcast_ms'), 1)} "
                if with_proxy
                else ""
            )
            + f"| {_fmt(r['generator']['cpu_per_broadcast_ms'], 1)} | {_fmt(r.get('other_cpu_percent'))} "
            f"| {r['update_wire_bytes'] or '–'} |"
        )
    return lines


def ratios_table(results):
    """Each contender against each baseline present in the same run."""
    baselines = [b for b in BASELINES if b in results]
    if not baselines:
        return []
    head = (
        "| server | "
        + " | ".join(f"{label} ÷ {b}" for _key, label in RATIO_FIGURES for b in baselines)
        + " |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, r in results.items():
        flat = dict(r["latency"], **r["server"], snapshot_all_ms=r["connect"]["snapshot_all_ms"])
        cells = []
        for key, _label in RATIO_FIGURES:
            for b in baselines:
                base = results[b]
                base_flat = dict(
                    base["latency"],
                    **base["server"],
                    snapshot_all_ms=base["connect"]["snapshot_all_ms"],
                )
                cells.append(_ratio(flat.get(key), base_flat.get(key)))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def problems(name, r):
    """Anything that makes a row less than a clean measurement, in words."""
    notes = []
    con = r["connect"]
    if con["attendees_with_snapshot"] < r["n"]:
        errors = (
            ", ".join(f"{msg} ×{count}" for msg, count in con["connect_errors"].items())
            or "no error message"
        )
        notes.append(
            f"{name}: {r['n'] - con['attendees_with_snapshot']} attendees never got a snapshot ({errors})"
        )
    if con.get("listen_overflows"):
        notes.append(
            f"{name}: during the connection storm the kernel dropped {con['listen_overflows']:,} "
            "connection attempts at a full listen queue (TcpExt ListenOverflows, machine-wide); "
            "their clients retried after 1, 3, 7 … s"
        )
    if r["latency"]["updates_incomplete"]:
        notes.append(
            f"{name}: {r['latency']['updates_incomplete']} of {r['k']} updates missed some attendee"
        )
    if r.get("repetitions", 1) > 1:
        spread = r["spread"]
        notes.append(
            f"{name}: {r['repetitions']} runs, last attendee "
            f"{', '.join(_fmt(v) for v in spread['last_attendee_ms'])} ms, connect all "
            f"{', '.join(_fmt(v) for v in spread['snapshot_all_ms'])} ms (the table shows medians)"
        )
    if r.get("proxy_setup"):
        notes.append(f"{name}: nginx {r['proxy_setup']}")
    spread = r.get("upstream_spread")
    if spread:
        notes.append(
            f"{name}: WebSocket handshakes per process through nginx: "
            + ", ".join(f"{address} {count:,}" for address, count in sorted(spread.items()))
        )
    if r.get("disconnects_during_run"):
        notes.append(f"{name}: {r['disconnects_during_run']} attendees disconnected during the run")
    return notes


def section(runs, settings, skipped):
    """The markdown appended to docs/benchmarks.md. runs: [(title, {contender: result})]."""
    m = machine()
    v = versions(with_redis=settings.get("cluster", False))
    if settings.get("nginx"):
        from bench.fanout.proxy import nginx_version

        v["nginx"] = nginx_version()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"## Fan-out (`bench/fanout`), {now}",
        "",
        f"- Command: `{exact_command()}`",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['kernel']}, "
        f"open-files hard limit {m['nofile_hard']:,}; server and load generator share these cores.",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- Generator: {settings['client']} client, {settings['workers']} worker "
        f"{'process(es)' if settings.get('worker_kind') == 'process' else 'thread(s)'}, "
        f"K = {settings['k']} broadcasts (+{settings['warmup']} warm-up not counted) per run, "
        f"{settings.get('repeat', 1)} run(s) per server and N, "
        f"{settings['gap_ms']} ms pause after each. Latency: trigger sent → `update` handed to the "
        "attendee's code; per update the percentiles over attendees, then the median over the K "
        "updates; *max* is the worst single delivery. *connect all*: all N opened at once until "
        "the last `snapshot`. See `bench/README.md`.",
        *(
            [
                f"- nginx in front of every server (`--nginx`): deploy/nginx/conference.conf with "
                f"the upstreams made of the server's processes, worker_processes "
                f"{settings['nginx']}; attendees and the moderator's commands go through it (the bare "
                "Flask baseline's commands straight to its first process: it counts seq per process). "
                "Server RSS and CPU are the server processes' own; nginx's workers are counted "
                "in their own columns."
            ]
            if settings.get("nginx")
            else []
        ),
        "",
    ]
    for title, results in runs:
        out += [f"### {title}", ""] + figures_table(results) + [""]
        ratio_lines = ratios_table(results)
        if ratio_lines:
            out += ratio_lines + [""]
        notes = [note for name, r in results.items() for note in problems(name, r)]
        busiest = max((r.get("other_cpu_percent") or 0) for r in results.values())
        if busiest > BUSY_WARNING_PERCENT:
            notes.insert(
                0,
                f"**Shared machine**: other programs used up to {busiest:.0f} % of the cores "
                "during these broadcasts; latency and connect times are inflated by it "
                "(CPU and RSS per attendee much less), ratios less than absolute figures.",
            )
        out += [f"- {note}" for note in notes] + ([""] if notes else [])
    if skipped:
        out += ["Not measured in this run:", ""] + [f"- {reason}" for reason in skipped] + [""]
    return "\n".join(out) + "\n"
