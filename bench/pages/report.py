"""The table of figures, printed and appended to docs/benchmarks.md with machine and versions."""

from __future__ import annotations

import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path

from bench.fanout.report import machine

BENCHMARKS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
PACKAGES = ("Flask", "Werkzeug", "gevent", "gevent-websocket", "Flask-SocketIO", "SQLAlchemy")


def rows(measured: list[dict]) -> list[str]:
    hello = measured[0]["result"]["rps"]
    lines = [
        "| URL | answer | bytes/answer | req/s | p50 ms | p99 ms | errors | req/s ÷ hello |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for target in measured:
        result = target["result"]
        encoding = "" if target["encoding"] == "identity" else f", {target['encoding']}"
        errors = result["bad_status"] + result["socket_errors"]
        lines.append(
            f"| {target['name']} | {target['status']}{encoding} | {result['bytes_per_response']:,.0f} "
            f"| {result['rps']:,.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} "
            f"| {errors} | {result['rps'] / hello:.2f}× |"
        )
    return lines


def print_table(measured: list[dict]) -> None:
    print("\n".join(rows(measured)))


def versions() -> str:
    found = [f"Python {platform.python_version()}"]
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    found.append((wrk.stdout or wrk.stderr).split(" [")[0].strip())
    return ", ".join(found)


def append_report(measured: list[dict], args, argv: list[str]) -> None:
    box = machine()
    command = ".venv/bin/python -m bench.pages" + "".join(f" {a}" for a in argv[1:])
    text = [
        "",
        f"## Pages (`bench/pages`), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"- Command: `{command}`",
        f"- Machine: {box['cpu']}, {box['cores']} cores, {box['ram_gib']} GiB RAM, "
        f"{box['kernel']}; wrk and the servers share these cores.",
        f"- Versions: {versions()}",
        f"- Load: wrk, {args.threads} threads, {args.connections} connections kept alive, "
        f"{args.duration} s per URL, one URL after the other"
        + (
            f", {args.rounds} rounds (each URL once a round; the table shows each URL's median "
            "round)"
            if getattr(args, "rounds", 1) > 1
            else ""
        )
        + ", loopback. The app is "
        "`conference serve --demo` (one gevent process, SQLite); *hello* is a bare Flask "
        "route on the same server (`bench/pages/hello_app.py`). *bytes/answer* is what wrk "
        "read per answer, headers included.",
        "",
        *rows(measured),
        "",
    ]
    with BENCHMARKS.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(text) + "\n")
