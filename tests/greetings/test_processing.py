"""Processing uploads end to end: tus upload, the queued task, the greeting's files and state.

Videos are generated in the tests with PyAV. The task function runs directly here; one test
runs it through Huey's immediate mode and the last ones through a real consumer thread.
"""

from __future__ import annotations

import os
import time

import av
import pytest
import sqlalchemy as sa

from conference.db import db
from conference.greetings import storage
from conference.greetings.models import Greeting
from conference.greetings.processing import process_greeting

from .media_samples import write_video
from .tus_client import upload

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def uploaded_greeting(client, token, data: bytes, **meta) -> Greeting:
    upload(client, token, data, **meta)
    greeting = db.session.scalars(sa.select(Greeting).order_by(Greeting.id.desc())).first()
    db.session.refresh(greeting)
    return greeting


def processed(client, token, data: bytes, **meta) -> Greeting:
    greeting = uploaded_greeting(client, token, data, **meta)
    assert greeting.status == "processing"
    process_greeting(greeting.id, greeting.upload_key)
    db.session.refresh(greeting)
    return greeting


def partner_greetings(client, token, lang="en") -> list[dict]:
    return client.get(f"/api/v1/invites/{token}?lang={lang}").get_json()["greetings"]


def leftovers(app) -> list[str]:
    """Files in the media folder other than published greetings."""
    found = []
    for folder in (storage.UPLOADS, storage.WORK):
        path = storage.media_dir() / folder
        if path.is_dir():
            found += os.listdir(path)
    return found


def streams_of(path) -> dict:
    with av.open(str(path)) as container:
        return {
            "format": container.format.name,
            "video": container.streams.video[0].codec_context.name,
            "size": (container.streams.video[0].width, container.streams.video[0].height),
            "audio": [s.codec_context.name for s in container.streams.audio],
        }


def test_an_h264_clip_keeps_its_picture_and_becomes_ready(app, client, invite_token, tmp_path):
    clip = write_video(tmp_path / "sveiciens.mp4", duration_s=2.0)
    started = time.monotonic()
    greeting = processed(client, invite_token, clip.read_bytes(), title="Sveiki no Tartu!")
    elapsed = time.monotonic() - started
    assert greeting.status == "ready"
    assert greeting.duration_s == pytest.approx(2.0, abs=0.1)
    video = storage.media_dir() / greeting.video_file
    poster = storage.media_dir() / greeting.poster_file
    assert streams_of(video)["video"] == "h264"
    assert streams_of(video)["size"] == (160, 120)
    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert leftovers(app) == []
    shown = partner_greetings(client, invite_token)[0]
    assert shown["status"] == "ready"
    assert shown["title"] == "Sveiki no Tartu!"
    assert shown["review"] == "pending"
    assert shown["failure_reason"] is None
    assert elapsed < 30


def test_a_vp9_webm_is_transcoded_to_h264_mp4(app, client, invite_token, tmp_path):
    clip = write_video(
        tmp_path / "browser.webm",
        video_codec="libvpx-vp9",
        audio_codec="libopus",
        container_format="webm",
        duration_s=1.0,
        video_options={"deadline": "realtime", "cpu-used": "8"},
    )
    greeting = processed(client, invite_token, clip.read_bytes(), filename="browser.webm")
    assert greeting.status == "ready"
    found = streams_of(storage.media_dir() / greeting.video_file)
    assert "mp4" in found["format"]
    assert found["video"] == "h264"
    assert found["audio"] == ["aac"]


def test_random_bytes_named_mp4_fail_with_the_reason_in_the_partners_language(
    app, client, invite_token
):
    greeting = processed(client, invite_token, os.urandom(4096), filename="sveiciens.mp4")
    assert greeting.status == "failed"
    assert greeting.failure_code == "not_a_video"
    assert greeting.video_file is None
    assert leftovers(app) == []
    english = partner_greetings(client, invite_token, "en")[0]["failure_reason"]
    latvian = partner_greetings(client, invite_token, "lv")[0]["failure_reason"]
    estonian = partner_greetings(client, invite_token, "et")[0]["failure_reason"]
    assert english.startswith("This file is not a video")
    assert latvian.startswith("Šis fails nav video, ko varam nolasīt.")
    assert estonian.startswith("See fail ei ole video, mida saame lugeda.")


def test_sound_without_picture_fails_as_audio_only(app, client, invite_token, tmp_path):
    voice = write_video(tmp_path / "voice.m4a", video_codec=None, container_format="mp4")
    greeting = processed(client, invite_token, voice.read_bytes())
    assert greeting.failure_code == "audio_only"
    reason = partner_greetings(client, invite_token)[0]["failure_reason"]
    assert reason == "The file contains only sound. Please upload a video with a picture."


def test_a_truncated_video_fails_and_leaves_nothing(app, client, invite_token, tmp_path):
    whole = write_video(tmp_path / "whole.mp4", faststart=True, duration_s=2.0).read_bytes()
    greeting = processed(client, invite_token, whole[: len(whole) // 2])
    assert greeting.status == "failed"
    assert greeting.failure_code == "truncated"
    assert leftovers(app) == []


def test_a_replaced_upload_is_not_overwritten_by_the_old_task(app, client, invite_token, tmp_path):
    """The queue may still hold the first upload's task when the partner replaces it."""
    clip = write_video(tmp_path / "first.mp4", duration_s=1.0).read_bytes()
    first = processed(client, invite_token, os.urandom(100))
    assert first.status == "failed"
    old_key = first.upload_key
    upload(client, invite_token, clip, replaces=str(first.id))
    assert process_greeting(first.id, old_key) == "skipped"
    db.session.refresh(first)
    assert first.status == "processing"
    assert process_greeting(first.id, first.upload_key) == "ready"
    assert db.session.scalar(sa.select(sa.func.count(Greeting.id))) == 1


def test_the_task_runs_the_processing_in_immediate_mode(app, client, invite_token, tmp_path):
    """Unit test of the task function itself: Huey runs it on enqueue, in this thread."""
    tasks = app.extensions["greetings_tasks"]
    tasks.huey.immediate = True
    try:
        clip = write_video(tmp_path / "clip.mp4", duration_s=1.0).read_bytes()
        greeting = uploaded_greeting(client, invite_token, clip)  # enqueued on the last byte
    finally:
        tasks.huey.immediate = False
    db.session.refresh(greeting)
    assert greeting.status == "ready"


def wait_for(client, token, statuses, timeout_s=60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        shown = partner_greetings(client, token)
        if shown and shown[-1]["status"] in statuses:
            return shown[-1]
        time.sleep(0.1)
    raise AssertionError(f"still {shown[-1]['status'] if shown else 'nothing'} after {timeout_s}s")


def test_a_real_consumer_processes_the_queued_upload(app, client, invite_token, consumer, tmp_path):
    clip = write_video(tmp_path / "clip.mp4", duration_s=1.0).read_bytes()
    upload(client, invite_token, clip)
    shown = wait_for(client, invite_token, {"ready", "failed"})
    assert shown["status"] == "ready"
    assert shown["duration_s"] == pytest.approx(1.0, abs=0.1)
    with client.get(shown["poster_url"]) as poster:
        assert poster.status_code == 200
        assert poster.mimetype == "image/jpeg"


@pytest.fixture
def redis_queue(app_config, redis_url):
    app_config["TASKS_BACKEND"] = redis_url


def test_the_redis_queue_carries_a_task_to_the_consumer(
    redis_queue, app, client, invite_token, consumer
):
    from huey import RedisHuey

    assert isinstance(app.extensions["greetings_tasks"].huey, RedisHuey)
    upload(client, invite_token, os.urandom(64))
    shown = wait_for(client, invite_token, {"ready", "failed"})
    assert shown["status"] == "failed"
    assert shown["failure_reason"].startswith("This file is not a video")
