"""What every Python baseline of the fan-out benchmark shares: payloads, the command, the clock.

No imports with side effects (no gevent, no eventlet): each baseline monkey-patches, or not,
before it imports this.
"""

import json
import resource
from datetime import UTC, datetime
from pathlib import Path

PAYLOADS = json.loads((Path(__file__).with_name("payloads.json")).read_text(encoding="utf-8"))
SLUG = PAYLOADS["slug"]
COMMANDS_PATH = f"/api/v1/events/{SLUG}/commands"
# A private channel keeps the baselines' Redis traffic apart from any app sharing the server.
REDIS_CHANNEL = "bench-fanout-baseline"
UNSUPPORTED = {"error": {"code": "unsupported_command", "message": "only announce"}}


def raise_file_limit():
    """Every attendee is one socket; the default soft limit (often 1024) is far too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def iso_now():
    """Milliseconds and a 'Z', like JavaScript's toISOString, so all baselines send equal bytes."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def refuse(auth):
    """The refusal message for a connection whose auth is not {"event": SLUG}, else None."""
    if not isinstance(auth, dict) or auth.get("event") != SLUG:
        return "unknown event"
    return None


def snapshot(seq):
    return dict(PAYLOADS["snapshot"], seq=seq)


def announcement(body, state):
    """The update to broadcast for a command body, or None if it is not an announce.

    state["seq"] is the event's counter; only one process receives commands, so a local
    counter gives a cluster one order.
    """
    if not isinstance(body, dict):
        return None
    if body.get("type") != "announce" or not isinstance(body.get("text"), dict):
        return None
    state["seq"] += 1
    at = iso_now()
    return {
        "seq": state["seq"],
        "type": "announcement.shown",
        "at": at,
        "data": {"text": body["text"], "at": at},
    }
