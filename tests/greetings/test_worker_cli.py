"""``conference worker``: the queue consumed by a separate process, as in a multi-process setup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .media_samples import write_video
from .tus_client import upload

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


def test_a_separate_worker_process_processes_what_the_server_queued(
    app, client, db_url, invite_token, tmp_path
):
    clip = write_video(tmp_path / "clip.mp4", duration_s=1.0).read_bytes()
    upload(client, invite_token, clip, title="Sveiki no darbinieka")  # queued in tasks.db
    environment = {
        **os.environ,
        "CONFERENCE_DATABASE_URL": db_url,
        "CONFERENCE_SERVER_INSTANCE_DIR": app.instance_path,
        "CONFERENCE_TASKS_IN_PROCESS_WORKER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "conference.cli", "worker"],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            status = client.get(f"/api/v1/invites/{invite_token}").get_json()["greetings"][0][
                "status"
            ]
            if status in ("ready", "failed"):
                break
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.2)
        assert status == "ready"
    finally:
        worker.send_signal(signal.SIGINT)  # Ctrl-C: finish the task at hand, then stop
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Traceback" not in output
