"""Attendance's cost to the fan-out, one command: the app with attendance on, against it off.

    .venv/bin/python -m bench.attendance            # N = 5,000, 3 runs of each, alternating
    .venv/bin/python -m bench.attendance --quick    # N = 200, one run of each: does it work?

The same fan-out as ``bench/fanout`` (loadgen.js: N attendees open a WebSocket at once, K
announcements reach every one, then they all leave) against ``conference serve --demo`` with
the demo event started, once with ``[attendance] enabled = false`` and once with it on and a
short ``flush_seconds`` (5, not the production 30, so that several flushes land among the
measured broadcasts). The runs alternate (off, on, on, off, …) so neither always follows the
other; each figure is the median over the runs. After each "on" run the servers have stopped
(SIGTERM writes the last stretches) and the bench counts the intervals in the database: one
per attendee (the generator's attendees have no cookie: each is its own ``connection:`` key),
so the run really recorded what it claims to cost. The section appended to
docs/benchmarks.md (not with --quick) has the figures, the on ÷ off ratios and whether the
fan-out figures changed by less than --limit-percent (10).
"""

import argparse
import json
import signal
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.fanout import contenders, report  # noqa: E402
from bench.fanout.combine import combine  # noqa: E402
from bench.fanout.preflight import ensure_node_modules, log, wait_for_quiet  # noqa: E402
from bench.fanout.run import run_loadgen  # noqa: E402

REPO_ROOT = contenders.REPO_ROOT
# The fan-out figures the limit applies to (the issue: "changes by less than 10 %").
JUDGED = (("latency", "p50_ms", "p50"), ("latency", "last_attendee_ms", "last attendee"))
SHOWN = (
    ("connect", "snapshot_all_ms", "connect all"),
    ("latency", "p50_ms", "p50"),
    ("latency", "p95_ms", "p95"),
    ("latency", "p99_ms", "p99"),
    ("latency", "last_attendee_ms", "last attendee"),
    ("server", "cpu_per_broadcast_ms", "CPU/broadcast"),
    ("server", "rss_per_attendee_kb", "RSS/attendee KiB"),
)


class AttendanceApp(contenders.ConferenceApp):
    """The app with attendance on or off; the demo event started before anyone connects."""

    def __init__(self, attendance, flush_seconds, **kwargs):
        super().__init__(**kwargs)
        self.attendance = attendance
        self.flush_seconds = flush_seconds
        self.name = f"attendance-{'on' if attendance else 'off'}"

    def env(self):
        return dict(
            super().env(),
            CONFERENCE_ATTENDANCE_ENABLED="true" if self.attendance else "false",
            CONFERENCE_ATTENDANCE_FLUSH_SECONDS=str(self.flush_seconds),
        )

    def after_first_ready(self, index):
        super().after_first_ready(index)
        if index == 0:
            status, body = self.post_command({"type": "start_event"})
            if status not in (200, 422):  # 422: already live (check_trigger started it)
                raise RuntimeError(f"could not start the demo event: {status} {body[:300]}")

    def intervals(self):
        """(rows, distinct keys) in the SQLite database, read after the servers stopped."""
        path = self.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            return connection.execute(
                "SELECT count(*), count(DISTINCT attendee_key) FROM attendance_intervals"
            ).fetchone()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.attendance", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--n", type=int, default=5000, help="attendees (default %(default)s)")
    parser.add_argument("--k", type=int, default=20, help="measured broadcasts per run")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--gap-ms", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="load generator threads")
    parser.add_argument("--client", default="raw", choices=("raw", "socket.io-client"))
    parser.add_argument("--flush-seconds", type=float, default=5.0)
    parser.add_argument("--limit-percent", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="N = 200, K = 5, one run each")
    parser.add_argument("--output", default=str(REPO_ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--quiet-percent", type=float, default=15.0)
    parser.add_argument("--quiet-wait-s", type=float, default=90.0)
    parser.add_argument("--timeout-min", type=float, default=30.0)
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.k, args.warmup, args.repeat = 200, 5, 1, 1
    return args


def measure(attendance, args, deadline, log_dir, label):
    wait_for_quiet(
        min(args.quiet_wait_s, max(0.0, deadline - time.monotonic() - 60)), args.quiet_percent
    )
    app = AttendanceApp(attendance, args.flush_seconds, processes=1, log_dir=log_dir)
    try:
        app.start(label)
        log(f"{app.name}: {args.n} attendees on {app.urls[0]}")
        result = run_loadgen(app, args.n, args, deadline - time.monotonic())
        result["flushes"] = flush_figures(app.urls[0])
    finally:
        app.stop()
    result["intervals"] = app.intervals()
    lat = result["latency"]
    log(
        f"{app.name}: flushes {result['flushes']}, connect all {result['connect']['snapshot_all_ms']} ms, p50 {lat['p50_ms']} ms, "
        f"last attendee {lat['last_attendee_ms']} ms, intervals {result['intervals']}"
    )
    return result


def flush_figures(url):
    """(flushes, mean ms) of the server's ``conference_attendance_flush_seconds`` so far."""
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=10) as answer:
            text = answer.read().decode()
    except (urllib.error.URLError, OSError):
        return None
    values = {}
    for line in text.splitlines():
        for name in ("_count", "_sum"):
            if line.startswith("conference_attendance_flush_seconds" + name + " "):
                values[name] = float(line.split()[-1])
    count = int(values.get("_count", 0))
    return (count, round(1000 * values["_sum"] / count, 1) if count else None)


def _value(result, section, key):
    return result[section][key] if section in result else result.get(key)


def section_markdown(off, on, args, intervals, flushes, skipped):
    m, v = report.machine(), report.versions()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Attendance on against off (`bench/attendance`), {now}",
        "",
        f"- Command: `{report.exact_command()}`",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['kernel']}; "
        "server and load generator share these cores.",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- N = {args.n:,} attendees without cookies (each its own interval), K = {args.k} "
        f"broadcasts (+{args.warmup} warm-up), {args.repeat} run(s) of each, alternating; "
        f"medians. On: `flush_seconds = {args.flush_seconds:g}`. Intervals written per on-run "
        f"(rows, keys): {', '.join(str(tuple(i)) for i in intervals)}; flushes while loaded "
        f"(count, mean ms, from `conference_attendance_flush_seconds`): "
        f"{', '.join(str(f) for f in flushes)}.",
        "",
        "| figure | off | on | on ÷ off |",
        "|---|---|---|---|",
    ]
    verdicts = []
    for section, key, label in SHOWN:
        a, b = _value(off, section, key), _value(on, section, key)
        ratio = (b / a) if a and b is not None else None
        lines.append(
            f"| {label} | {report._fmt(a, 1)} | {report._fmt(b, 1)} "
            f"| {'–' if ratio is None else f'{ratio:.3f}'} |"
        )
        if (section, key, label) in JUDGED and ratio is not None:
            change = 100 * (ratio - 1)
            verdicts.append(
                f"{label} {change:+.1f} % ({'within' if abs(change) < args.limit_percent else 'OVER'}"
                f" the {args.limit_percent:g} % limit)"
            )
    lines += ["", "- Fan-out change with attendance on: " + "; ".join(verdicts) + "."]
    for name, result in (("off", off), ("on", on)):
        lines += [f"- {note}" for note in report.problems(name, result)]
    if skipped:
        lines += [f"- Not measured: {reason}" for reason in skipped]
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    deadline = time.monotonic() + args.timeout_min * 60
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_dir = REPO_ROOT / "bench" / "results" / f"attendance-{stamp}"
    log_dir.mkdir(parents=True, exist_ok=True)
    ensure_node_modules()
    results = {False: [], True: []}
    skipped = []
    order = [False, True]
    for repetition in range(args.repeat):
        for attendance in order if repetition % 2 == 0 else order[::-1]:
            name = "on" if attendance else "off"
            if time.monotonic() > deadline - 30:
                skipped.append(f"{name}, run {repetition + 1}: the time budget was used up")
                continue
            try:
                results[attendance].append(
                    measure(attendance, args, deadline, log_dir, f"{name}-{repetition}")
                )
            except (RuntimeError, OSError, ValueError, json.JSONDecodeError) as error:
                log(f"{name}, run {repetition + 1} failed: {error}")
                skipped.append(f"{name}, run {repetition + 1}: {str(error).splitlines()[0][:300]}")
    (log_dir / "results.json").write_text(
        json.dumps({"off": results[False], "on": results[True], "skipped": skipped}, indent=1),
        encoding="utf-8",
    )
    if not results[False] or not results[True]:
        log("nothing to compare: " + "; ".join(skipped))
        return 1
    intervals = [result["intervals"] for result in results[True]]
    flushes = [result.get("flushes") for result in results[True]]
    markdown = section_markdown(
        combine(results[False]), combine(results[True]), args, intervals, flushes, skipped
    )
    print(markdown)
    if not args.quick:
        with Path(args.output).open("a", encoding="utf-8") as doc:
            doc.write("\n" + markdown)
        log(f"appended to {args.output}")
    recorded = all(rows >= args.n and keys >= args.n for rows, keys in intervals)
    if not recorded:
        log(f"attendance on recorded fewer intervals than attendees: {intervals}")
    return 0 if recorded and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
