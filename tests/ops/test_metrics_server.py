"""``/metrics`` of a real server: real followers, and an upload in progress while its bytes
are still arriving."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conference.demo import DEMO_SLUG
from tests.live.servers import Follower, ServerProcess, send_command
from tests.ops import event_day
from tests.ops.places import Place

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def value(server_url: str, name: str, **labels) -> float:
    text = requests.get(server_url + "/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def wait_for_value(server_url: str, expected: float, name: str, **labels) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if value(server_url, name, **labels) == expected:
            return
        time.sleep(0.05)
    found = value(server_url, name, **labels)
    raise AssertionError(f"{name}{labels} is {found}, not {expected}")


def test_followers_and_an_upload_in_progress(tmp_path):
    place = Place("sqlite", tmp_path / "place", secret_key="")
    _token, invite_token = event_day.prepare(place)
    try:
        server = place.serve()
        followers = [Follower(server.url, DEMO_SLUG).connect() for _ in range(2)]
        wait_for_value(server.url, 2, "conference_followers", event=DEMO_SLUG)
        followers[0].close()
        wait_for_value(server.url, 1, "conference_followers", event=DEMO_SLUG)

        uploads = f"{server.url}/api/v1/invites/{invite_token}/uploads"
        created = requests.post(
            uploads, headers={"Tus-Resumable": "1.0.0", "Upload-Length": "100000"}, timeout=10
        )
        assert created.status_code == 201, created.text
        path = urlsplit(created.headers["Location"]).path
        head = (
            f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
            "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
            "Content-Length: 100000\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as partner:
            partner.sendall(head + b"\x00" * 40000)  # the rest is still on its way
            wait_for_value(server.url, 1, "conference_uploads_in_progress")
            partner.sendall(b"\x00" * 60000)
            assert partner.recv(200).startswith(b"HTTP/1.1 204")
        wait_for_value(server.url, 0, "conference_uploads_in_progress")
        followers[1].close()
        wait_for_value(server.url, 0, "conference_followers", event=DEMO_SLUG)
    finally:
        place.close()


def test_processes_sharing_a_multiprocess_folder_answer_for_all(tmp_path):
    """Two servers on one machine with one PROMETHEUS_MULTIPROC_DIR: either one's /metrics
    counts the followers and commands of both."""
    place = Place("sqlite", tmp_path / "place", secret_key="gemeinsam-" + "k" * 20)
    token, _ = event_day.prepare(place)
    folder = tmp_path / "prometheus"
    folder.mkdir()
    try:
        servers = []
        for name in ("a", "b"):
            server = ServerProcess(
                place.url, tmp_path / name, place.secret_key, tasks_in_process_worker="false"
            )
            server.env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
            servers.append(server.start())
        a, b = servers
        followers = [Follower(a.url, DEMO_SLUG).connect(), Follower(b.url, DEMO_SLUG).connect()]
        followers.append(Follower(b.url, DEMO_SLUG).connect())
        for server in servers:
            wait_for_value(server.url, 3, "conference_followers", event=DEMO_SLUG)
        assert send_command(a.url, DEMO_SLUG, token, {"type": "start_event"}).status_code == 200
        labels = {"event": DEMO_SLUG, "type": "start_event", "status": "applied"}
        assert value(b.url, "conference_commands_total", **labels) == 1
        b.stop()  # a process that ends is no longer counted
        wait_for_value(a.url, 1, "conference_followers", event=DEMO_SLUG)
        for follower in followers:
            follower.close()
    finally:
        for server in servers:
            server.stop()
        place.close()
