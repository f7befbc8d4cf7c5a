"""Garbage-collector pauses, counted from inside a server (bench/fanout/profile.py).

Put this folder on ``PYTHONPATH`` and set ``BENCH_GC_STATS=/path/file.json``: Python imports
``sitecustomize`` at start, and every collection then adds its duration to its generation's
count, total and maximum. The totals are written to the file (replaced atomically) at most
every 0.05 s, after a collection, and at exit. Without ``BENCH_GC_STATS`` nothing happens.

py-spy cannot show these pauses in a gevent server (its native unwinder fails on greenlet
stacks), and without native frames a collection's time is charged to whatever Python line
allocated the object that triggered it.
"""

import gc
import json
import os
import time

_path = os.environ.get("BENCH_GC_STATS")

if _path:
    _totals = {str(g): {"count": 0, "total_ms": 0.0, "max_ms": 0.0} for g in range(3)}
    _state = {"start": 0.0, "written": 0.0}

    def _write():
        tmp = f"{_path}.{os.getpid()}.tmp"
        with open(tmp, "w") as handle:
            json.dump({"pid": os.getpid(), "generations": _totals}, handle)
        os.replace(tmp, _path)

    def _on_collect(phase, info):
        now = time.perf_counter()
        if phase == "start":
            _state["start"] = now
            return
        ms = (now - _state["start"]) * 1000
        entry = _totals[str(info["generation"])]
        entry["count"] += 1
        entry["total_ms"] += ms
        entry["max_ms"] = max(entry["max_ms"], ms)
        if now - _state["written"] > 0.05:
            _state["written"] = now
            _write()

    gc.callbacks.append(_on_collect)
    import atexit

    atexit.register(_write)
