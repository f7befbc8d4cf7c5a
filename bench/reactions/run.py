"""Reaction storm benchmark, one command (issue 13): N attendees clap while the moderator speaks.

    .venv/bin/python -m bench.reactions                # N = 2,000, 5 reacts/s each for 20 s
    .venv/bin/python -m bench.reactions --n 500 --quick   # prints only, writes no docs

One `conference serve --demo` process on a fresh SQLite database (127.0.0.1, free port), or
with --processes P, P of them sharing it and Redis (the ticker sums claps across them);
storm.js (Node) holds the attendees: announce commands are timed to the last follower before
the storm (quiet) and during it, in the same run; every attendee's `reactions` are recorded
and checked against the acknowledged reacts. Bounded: 60 s to connect, 10 s per announce,
--timeout-s for the whole generator; the server is always stopped. Figures are appended to
docs/benchmarks.md (not with --quick); the raw JSON goes to bench/results/.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.fanout import contenders  # noqa: E402
from bench.fanout.preflight import ensure_node_modules  # noqa: E402
from bench.fanout.profile import cpu_seconds  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO_ROOT = contenders.REPO_ROOT


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.reactions", description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="attendees (default %(default)s)")
    parser.add_argument("--rate", type=int, default=5, help="reacts a second each")
    parser.add_argument("--seconds", type=int, default=20, help="length of the storm")
    parser.add_argument("--quiet", type=int, default=8, help="announces before the storm")
    parser.add_argument("--during", type=int, default=8, help="announces during the storm")
    parser.add_argument("--timeout-s", type=int, default=240, help="generator time limit")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes sharing Redis (attendees spread over them; commands to the first)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--quick", action="store_true", help="print only, no docs")
    return parser.parse_args(argv)


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, Python {platform.python_version()}, Node {node}"


class CpuDuringStorm:
    """The server's and the generator's CPU time between storm.js's "storm start" and "storm
    end" lines (read from its stderr as they come): what one clap costs the server, a figure
    that the machine's other work disturbs far less than the latencies do."""

    def __init__(self, server_pids, generator):
        self.server_pids, self.generator = server_pids, generator
        self.start = self.end = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _sample(self):
        return (
            time.monotonic(),
            sum(cpu_seconds(pid) for pid in self.server_pids),
            cpu_seconds(self.generator.pid),
        )

    def _read(self):
        for line in self.generator.stderr:
            sys.stderr.write(line)
            if line.startswith("[storm] storm start"):
                self.start = self._sample()
            elif line.startswith("[storm] storm end"):
                self.end = self._sample()
                self.reacts = int(line.split()[-1])

    def figures(self):
        if self.start is None or self.end is None:
            return {}
        wall = self.end[0] - self.start[0]
        server = self.end[1] - self.start[1]
        generator = self.end[2] - self.start[2]
        return {
            "storm_wall_s": round(wall, 2),
            "server_cpu_share": round(server / wall, 3),
            "generator_cpu_share": round(generator / wall, 3),
            "server_cpu_us_per_react": round(server / max(self.reacts, 1) * 1e6, 1),
        }


def run(args):
    ensure_node_modules()
    results_dir = REPO_ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    app = contenders.ConferenceApp(
        processes=args.processes, log_dir=results_dir, redis_url=args.redis_url
    )
    try:
        app.start("reactions")
        argv = [
            "node",
            str(HERE / "storm.js"),
            *("--n", str(args.n), "--rate", str(args.rate), "--seconds", str(args.seconds)),
            *("--quiet", str(args.quiet), "--during", str(args.during)),
            *("--url", ",".join(app.urls), "--trigger-url", app.trigger_url, "--token", app.token),
        ]
        generator = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=contenders.raise_file_limit,
        )
        # stderr is read line by line by CpuDuringStorm's thread, stdout (the summary) by
        # another; not communicate(), which would read stderr too and take lines from it.
        cpu = CpuDuringStorm(app.pids, generator)
        output = []
        reader = threading.Thread(target=lambda: output.append(generator.stdout.read()))
        reader.start()
        try:
            generator.wait(timeout=args.timeout_s)
        except subprocess.TimeoutExpired:
            generator.kill()
            raise
        finally:
            reader.join(timeout=5)
            cpu.thread.join(timeout=5)
        stdout = output[0] if output else ""
        if generator.returncode != 0:
            raise RuntimeError(f"storm.js failed ({generator.returncode})")
        summary = json.loads(stdout.strip().splitlines()[-1])
        summary.update(cpu.figures(), processes=args.processes)
    finally:
        app.stop()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results_dir / f"reactions-{stamp}.json").write_text(json.dumps(summary, indent=1))
    return summary


def ms(value):
    return "timed out (10 s)" if value is None else f"{value:.1f} ms"


def section(summary, argv_text):
    s = summary
    ratio = s["ratio_median"]
    if ratio is None:
        verdict, ratio_text = "missed: announces during the storm timed out", "n/a"
    else:
        verdict = "met" if ratio <= 1.2 else f"missed: {ratio / 1.2:.1f} times over"
        ratio_text = f"{ratio:.2f}"
    lines = [
        "",
        f"## Reaction storm ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {machine()}; the generator (Node) and the server share the cores.",
        f"Server: {s['processes']} `conference serve` process"
        + (
            "es sharing Redis, attendees spread over them, commands to the first."
            if s["processes"] > 1
            else "."
        ),
        f"Command: `{argv_text}`",
        "",
        f"- Attendees: {s['live']} of {s['n']} live, {s['disconnects']} disconnects,"
        f" connect errors {s['connect_errors'] or 'none'}; connected in {s['connect_all_ms']} ms.",
        f"- Reacts sent: {s['reacts_sent']} of {s['reacts_target']} planned"
        f" ({s['send_rate_per_s']}/s; worst send lag {s['max_send_lag_ms']} ms);"
        f" acknowledged ok {s['acks_ok']}, refused (over 3/s) {s['acks_refused']},"
        f" unanswered {s['acks_missing']} (after waiting {s['ack_drain_ms']} ms for the backlog).",
        f"- Followers: sum of all `reactions` counts per follower {s['follower_totals_min']}"
        f"-{s['follower_totals_max']} (acknowledged ok: {s['acks_ok']}; the 3/s cap allows at"
        f" most {s['cap_bound']}); {s['reactions_messages_follower0']} `reactions` messages at"
        f" follower 0, at most {s['max_reactions_in_any_1s']} in any 950 ms, shortest gap"
        f" {s['min_gap_between_reactions_ms']} ms; one `reactions` message reached the"
        f" followers (as this one generator thread timed them) over"
        f" {s.get('reactions_arrival_spread_ms_median', '?')} ms (median),"
        f" {s.get('reactions_arrival_spread_ms_max', '?')} ms (longest).",
        f"- Announce, command to last follower: quiet median {ms(s['quiet_median_ms'])}"
        f" (max {ms(s['quiet_max_ms'])}), during the storm median {ms(s['storm_median_ms'])}"
        f" (max {ms(s['storm_max_ms'])}), {s['storm_announces']} sent during the storm:"
        f" ratio {ratio_text} (target 1.2: {verdict}).",
    ]
    if "server_cpu_us_per_react" in s:
        lines.append(
            f"- CPU during the storm ({s['storm_wall_s']} s): server {s['server_cpu_share']:.0%}"
            f" of one core, {s['server_cpu_us_per_react']} µs per react sent; generator"
            f" {s['generator_cpu_share']:.0%} of one core."
        )
    lines += [
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    summary = run(args)
    argv_text = ".venv/bin/python -m bench.reactions " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    text = section(summary, argv_text.strip())
    print(text)
    print(json.dumps({k: v for k, v in summary.items() if k != "follower0"}, indent=1))
    if not args.quick:
        with open(REPO_ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as docs:
            docs.write(text)


if __name__ == "__main__":
    main()
