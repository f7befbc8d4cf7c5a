"""The organisers' certificates ZIP: time to make N certificates, laid out together (what
``certificates_zip`` does) against one layout per certificate (the baseline), same run.

    .venv/bin/python -m bench.certificates            # N = 40 (the reference event), 3 runs
    .venv/bin/python -m bench.certificates 200 --runs 1

Prints one line per run and the median ratio; SQLite in a temporary folder, no server.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    from conference.app import create_app
    from conference.db import db
    from conference.events.models import Event
    from conference.participants import certificates
    from conference.participants.models import AttendanceInterval, Participant

    folder = tempfile.mkdtemp(prefix="bench-certificates-")
    app = create_app(
        test_config={
            "INSTANCE_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench",
            "MEDIA_DIR": f"{folder}/media",
        },
        async_mode="threading",
    )
    start = datetime(2021, 6, 15, 11, 0, tzinfo=UTC)
    with app.app_context(), app.test_request_context("/?lang=lv"):
        db.create_all()
        event = Event(
            slug="bench",
            title={"lv": "Erasmus+ projektu rezultātu izvērtēšanas starptautiskā konference"},
            timezone="Europe/Riga",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            languages=["lv", "en"],
            default_language="lv",
            status="ended",
            started_at=start,
            ended_at=start + timedelta(hours=3),
        )
        db.session.add(event)
        db.session.flush()
        for number in range(options.count):
            key = f"a{number}"
            db.session.add(
                Participant(
                    event_id=event.id, attendee_id=key, name=f"Jānis Bērziņš-Ķēniņš {number}",
                    organisation="Daugavpils tehnikums", country="LV",
                )
            )  # fmt: skip
            db.session.add(
                AttendanceInterval(
                    event_id=event.id, attendee_key=key, started_at=start,
                    ended_at=start + timedelta(minutes=60 + number % 100),
                )
            )  # fmt: skip
        db.session.commit()
        certificates.certificates_zip(event, "lv")  # warm up: fonts, imports
        chosen = certificates.qualifying_participants(event)
        ratios = []
        for run in range(1, options.runs + 1):
            began = time.perf_counter()
            archive = certificates.certificates_zip(event, "lv")
            together = time.perf_counter() - began
            began = time.perf_counter()
            for one in chosen:
                certificates.write_pdf(certificates.certificate_html(event, [one], "lv"))
            alone = time.perf_counter() - began
            ratios.append(alone / together)
            print(
                f"run {run}: {options.count} certificates: ZIP {together:.2f} s "
                f"({len(archive) / 1024:.0f} KiB); one layout each {alone:.2f} s; "
                f"{alone / together:.1f}x"
            )
        print(
            f"median ratio {statistics.median(ratios):.1f}x; {platform.processor() or '?'}, "
            f"Python {platform.python_version()}"
        )


if __name__ == "__main__":
    main()
