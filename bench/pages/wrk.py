"""Running wrk once and reading its summary (requests/s, latency percentiles, errors)."""

from __future__ import annotations

import re
import subprocess

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
SIZE_BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse(output: str) -> dict:
    """The figures of ``wrk --latency`` output."""
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(re.search(r"\n\s+50%\s+(\S+)", output).group(1)),
        "p99_ms": _ms(re.search(r"\n\s+99%\s+(\S+)", output).group(1)),
    }
    total = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+)(B|KB|MB|GB) read", output)
    result["requests"] = int(total.group(1))
    read = float(total.group(3)) * SIZE_BYTES[total.group(4)]
    result["bytes_per_response"] = read / max(1, result["requests"])
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["bad_status"] = int(bad.group(1)) if bad else 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = sum(int(n) for n in errors.groups()) if errors else 0
    return result


def run_wrk(url: str, headers: dict, threads: int, connections: int, duration: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip()}")
    return parse(done.stdout)
