"""Before measuring: the Node packages, Redis, and a machine quiet enough to measure on."""

import os
import subprocess
import sys
import time
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent.parent / "node"


def log(text):
    print(f"[fanout] {text}", file=sys.stderr, flush=True)


def ensure_node_modules():
    """`npm ci` when node_modules is missing or older than the committed lock file."""
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    log("installing the Node packages (npm ci)")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=300)


def redis_reachable(url):
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=3).ping())
    except Exception:  # noqa: BLE001 - any failure means: no cluster run
        return False


def machine_busy_seconds():
    """CPU seconds all cores have been busy since boot (/proc/stat, as loadgen's stats.js)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(max_seconds, threshold_percent, window=2.0):
    """Wait (bounded) until other programs use less than threshold_percent of all cores.

    Returns the share seen last, in percent. On a machine shared with test suites and
    browsers every figure would otherwise measure them as much as the server.
    """
    started = time.monotonic()
    cores = os.cpu_count() or 1
    while True:
        before = machine_busy_seconds()
        time.sleep(window)
        busy_percent = 100 * (machine_busy_seconds() - before) / (window * cores)
        waited = time.monotonic() - started
        if busy_percent < threshold_percent or waited >= max_seconds:
            if waited > 1.5 * window:
                log(
                    f"waited {waited:.0f} s for a quiet machine; other programs now use {busy_percent:.0f} %"
                )
            return busy_percent
        if waited <= window:
            log(
                f"other programs use {busy_percent:.0f} % of {cores} cores; waiting up to {max_seconds:.0f} s"
            )
