"""Thousands of raw attendees in one gevent process, for the 2,000-attendee order test.

The attendees of :mod:`tests.live.raw_attendees` are threads; two thousand of them in the test
process starve on a 2-core machine (their pongs come late and the server rightly closes their
sessions). Here the same classes run as greenlets (gevent's monkey patching turns their threads,
sockets and ``requests`` cooperative), in a process of their own::

    python -m tests.live.attendee_swarm PORT SLUG WEBSOCKETS POLLING RECONNECTING SEQ,SEQ CONTROL_DIR CATCH_UP_S

Protocol with the test, through files in CONTROL_DIR (a blocking read of stdin would stop every
greenlet): the swarm writes ``ready`` (a JSON count of attendees with their snapshot) once all
are connected; the test then sends its burst and writes ``final`` (the last seq); the swarm
waits until every attendee has it (bounded), writes ``result`` (JSON: per attendee its last seq,
connects, order problems and error) and exits. Attendees with index < RECONNECTING drop and
reconnect after the seqs given (plus their index), like the in-process test's.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

from tests.live.raw_attendees import (  # noqa: E402
    PollingAttendee,
    WebSocketAttendee,
    last_seq,
    order_problems,
    wait_for,
)

CONNECT_BATCH = 250
CONNECT_BOUND_S = 120.0
FINAL_BOUND_S = 300.0  # the test's own bound is shorter; this only ends a forgotten swarm


def write(control: Path, name: str, value) -> None:
    partial = control / f".{name}"
    partial.write_text(json.dumps(value))
    partial.rename(control / name)  # whole, or not there


def main(argv: list[str]) -> int:
    port, slug = int(argv[0]), argv[1]
    websockets, polling, reconnecting = (int(value) for value in argv[2:5])
    reconnect_at = [int(seq) for seq in argv[5].split(",") if seq]
    control = Path(argv[6])
    stop = threading.Event()
    attendees = [
        WebSocketAttendee(
            port,
            slug,
            stop,
            reconnect_at=[seq + index for seq in reconnect_at] if index < reconnecting else (),
        )
        for index in range(websockets)
    ]
    attendees += [PollingAttendee(port, slug, stop) for _ in range(polling)]
    for start_at in range(0, len(attendees), CONNECT_BATCH):
        batch = attendees[start_at : start_at + CONNECT_BATCH]
        for attendee in batch:
            attendee.start()
        wait_for(lambda batch=batch: all(a.records for a in batch), CONNECT_BOUND_S / 4)
    wait_for(lambda: all(a.records for a in attendees), CONNECT_BOUND_S / 2)
    write(control, "ready", sum(1 for a in attendees if a.records))
    if not wait_for(lambda: (control / "final").exists(), FINAL_BOUND_S):
        stop.set()
        return 1
    final = json.loads((control / "final").read_text())
    wait_for(lambda: all(last_seq(a) == final for a in attendees), float(argv[7]))
    stop.set()
    result = [
        {
            "last": last_seq(a),
            "connects": a.connects,
            "problems": order_problems(a.records, final, a.connects) if a.records else ["none"],
            "error": a.error,
            "polling": isinstance(a, PollingAttendee),
        }
        for a in attendees
    ]
    write(control, "result", result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
