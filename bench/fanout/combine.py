"""Fold repeated measurements of one contender at one N into one row.

On a small shared machine one run of K broadcasts can land on a garbage collection or
the engine.io ping burst (all attendees connected at once, so their pings are due at
once); repeating the run and taking the median of each figure keeps one unlucky run from
deciding a ratio. The spread is kept so the report can show it.
"""

from statistics import median

# (section, key) of every figure the report prints; the rest of a result is bookkeeping.
FIGURES = (
    ("connect", "snapshot_all_ms"),
    ("connect", "connect_all_ms"),
    ("connect", "snapshot_p50_ms"),
    ("latency", "p50_ms"),
    ("latency", "p95_ms"),
    ("latency", "p99_ms"),
    ("latency", "last_attendee_ms"),
    ("server", "rss_per_attendee_kb"),
    ("server", "cpu_per_broadcast_ms"),
    ("generator", "cpu_per_broadcast_ms"),
    ("generator", "broadcast_wall_ms"),
)


def _median_of(values):
    present = [v for v in values if v is not None]
    return round(median(present), 1) if present else None


def combine(results):
    """One result shaped like loadgen's, each figure the median over `results`."""
    if len(results) == 1:
        return dict(results[0], repetitions=1, spread={})
    combined = {
        key: value for key, value in results[0].items() if key not in ("connect", "latency")
    }
    combined["connect"] = dict(results[0]["connect"])
    combined["latency"] = dict(results[0]["latency"])
    combined["server"] = dict(results[0]["server"])
    combined["generator"] = dict(results[0]["generator"])
    for section, key in FIGURES:
        combined[section][key] = _median_of([r[section][key] for r in results])
    # A missing attendee or update in any repetition must stay visible.
    combined["connect"]["attendees_with_snapshot"] = min(
        r["connect"]["attendees_with_snapshot"] for r in results
    )
    errors = {}
    for r in results:
        for message, count in r["connect"]["connect_errors"].items():
            errors[message] = errors.get(message, 0) + count
    combined["connect"]["connect_errors"] = errors
    combined["connect"]["listen_overflows"] = sum(
        r["connect"].get("listen_overflows") or 0 for r in results
    )
    combined["latency"]["updates_incomplete"] = sum(
        r["latency"]["updates_incomplete"] for r in results
    )
    if all("deliveries_received" in r["latency"] for r in results):
        combined["latency"]["deliveries_received"] = sum(
            r["latency"]["deliveries_received"] for r in results
        )
    if all(r.get("proxy") for r in results):
        combined["proxy"] = {
            key: _median_of([r["proxy"][key] for r in results])
            for key in ("rss_per_attendee_kb", "cpu_per_broadcast_ms")
        }
    combined["latency"]["max_ms"] = max((r["latency"]["max_ms"] or 0) for r in results)
    combined["disconnects_during_run"] = sum(r.get("disconnects_during_run", 0) for r in results)
    combined["other_cpu_percent"] = _median_of([r.get("other_cpu_percent") for r in results])
    combined["k"] = sum(r["k"] for r in results)
    combined["repetitions"] = len(results)
    combined["spread"] = {
        "last_attendee_ms": [r["latency"]["last_attendee_ms"] for r in results],
        "snapshot_all_ms": [r["connect"]["snapshot_all_ms"] for r in results],
    }
    return combined
