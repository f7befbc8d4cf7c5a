"""The processed greetings play in a real browser, with their poster, the right way up."""

from __future__ import annotations

from pathlib import Path

import pytest

from conference.greetings.media import process_video
from tests.greetings.media_samples import write_video

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html><meta charset="utf-8">
<video src="{video}" poster="{poster}" muted playsinline></video><img src="{poster}" alt="">"""
PLAY = """() => new Promise(resolve => {
  const video = document.querySelector("video"), image = document.querySelector("img");
  const report = extra => resolve(Object.assign({
    width: video.videoWidth, height: video.videoHeight, duration: video.duration,
    time: video.currentTime, error: video.error && video.error.code,
    posterWidth: image.naturalWidth,
  }, extra));
  video.onerror = () => report({});
  video.ontimeupdate = () => { if (video.currentTime > 0.5) report({}); };
  video.play().catch(error => report({refused: String(error)}));
  setTimeout(() => report({timedOut: true}), 8000);
})"""


def play_in_browser(browser, result, folder: Path) -> dict:
    page_path = folder / "page.html"
    page_path.write_text(
        PAGE.format(video=result.video_path.name, poster=result.poster_path.name),
        encoding="utf-8",
    )
    page = browser.new_page()
    try:
        page.goto(page_path.as_uri())
        return page.evaluate(PLAY)
    finally:
        page.close()


@pytest.mark.parametrize(
    ("name", "codecs", "rotation", "shown_size"),
    [
        ("kept.mp4", {}, None, (160, 120)),
        ("portrait-kept.mp4", {}, -90, (120, 160)),
        ("browser.webm", {"video_codec": "libvpx-vp9", "audio_codec": "libopus"}, None, (160, 120)),
        ("portrait-iphone.mov", {"video_codec": "libx265"}, -90, (120, 160)),
    ],
)
def test_processed_greeting_plays_in_chromium(
    browser, tmp_path, name, codecs, rotation, shown_size
):
    options = {"libx265": {"x265-params": "log-level=error"}, "libvpx-vp9": {"cpu-used": "8"}}
    source = write_video(
        tmp_path / name,
        rotation=rotation,
        video_options=options.get(codecs.get("video_codec"), {}),
        **codecs,
    )
    # The page sits next to the greeting and poster, as they would be served.
    result = process_video(source, tmp_path / "media")

    played = play_in_browser(browser, result, tmp_path / "media")

    assert played.get("error") is None and "refused" not in played, played
    assert "timedOut" not in played, played
    assert (played["width"], played["height"]) == shown_size
    assert played["duration"] == pytest.approx(2.0, abs=0.1)
    assert played["posterWidth"] == shown_size[0]
