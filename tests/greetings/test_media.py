"""process_video on real, tiny videos: what the partner and the audience end up with."""

from __future__ import annotations

import json
import pickle
import random

import av
import pytest

from conference.greetings.media import (
    REJECTION_MESSAGES,
    MediaRejected,
    process_video,
    rejection_message,
)
from conference.greetings.media.loudness import LoudnessMeter

from .media_samples import mean_luma, top_level_boxes, write_video

X265_QUIET = {"preset": "ultrafast", "x265-params": "log-level=error"}
VP9_FAST = {"deadline": "realtime", "cpu-used": "8"}

pytestmark = pytest.mark.unit


def streams_of(path):
    """(video codec, audio codec or None, decoded video frames) of a file a browser gets."""
    with av.open(str(path)) as container:
        video = container.streams.video[0].codec_context.name
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        frames = sum(1 for _ in container.decode(video=0))
    return video, audio, frames


def measure(path):
    """EBU R128 integrated loudness and true peak of a file's sound."""
    meter = LoudnessMeter()
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            meter.push(frame)
    return meter.result()


def loudness_of(path) -> float:
    return measure(path).integrated_lufs


def video_packets(path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


def assert_browser_ready(result, *, frames: int, has_audio: bool = True) -> None:
    video, audio, decoded = streams_of(result.video_path)
    assert (video, audio) == ("h264", "aac" if has_audio else None)
    assert decoded == frames
    boxes = top_level_boxes(result.video_path)
    assert boxes.index("moov") < boxes.index("mdat"), "index must come first (+faststart)"
    poster = result.poster_path.read_bytes()
    assert poster[:3] == b"\xff\xd8\xff" and poster[-2:] == b"\xff\xd9"
    with av.open(str(result.poster_path)) as image:
        context = image.streams.video[0].codec_context
        assert context.name == "mjpeg"
        expected_width = min(result.width, 1280)
        assert (context.width, context.height) == (
            expected_width,
            round(result.height * expected_width / result.width / 2) * 2,
        )
    if has_audio:
        assert abs(result.loudness_after_lufs - -16) <= 1.5
        assert abs(loudness_of(result.video_path) - -16) <= 1.5


def test_h264_mp4_keeps_its_picture_and_gets_normalised_sound(tmp_path):
    source = write_video(tmp_path / "phone.mp4", tone_lufs=-30)  # index at the end

    result = process_video(source, tmp_path / "out")

    assert result.transcoded is False
    assert video_packets(result.video_path) == video_packets(source)
    assert (result.width, result.height) == (160, 120)
    assert result.duration_s == pytest.approx(2.0, abs=0.1)
    assert result.loudness_before_lufs == pytest.approx(-30, abs=0.5)
    assert_browser_ready(result, frames=50)


def test_sound_already_at_the_target_is_copied_untouched(tmp_path):
    source = write_video(tmp_path / "loud-enough.mp4", tone_lufs=-16, faststart=True)

    result = process_video(source, tmp_path / "out")

    with av.open(str(source)) as before, av.open(str(result.video_path)) as after:
        assert [bytes(p) for p in before.demux(audio=0) if p.size] == [
            bytes(p) for p in after.demux(audio=0) if p.size
        ]
    assert result.transcoded is False
    assert_browser_ready(result, frames=50)


def test_loud_sound_is_turned_down_without_clipping(tmp_path):
    source = write_video(tmp_path / "loud.mp4", tone_lufs=-4)

    result = process_video(source, tmp_path / "out")

    assert result.loudness_before_lufs == pytest.approx(-4, abs=0.5)
    assert_browser_ready(result, frames=50)


def test_quiet_speech_with_loud_peaks_is_raised_without_clipping(tmp_path):
    source = write_video(tmp_path / "peaks.mp4", clicks=True)
    assert measure(source).true_peak_dbtp > -5  # raising it by 4 dB or more would clip

    result = process_video(source, tmp_path / "out")

    assert result.loudness_after_lufs > result.loudness_before_lufs + 2
    assert measure(result.video_path).true_peak_dbtp < -0.5
    assert_browser_ready(result, frames=50)


@pytest.mark.parametrize(
    ("name", "video_codec", "audio_codec", "options"),
    [
        ("sveiciens no Rīgas.webm", "libvpx-vp9", "libopus", VP9_FAST),
        ("iphone.mov", "libx265", "aac", X265_QUIET),
        ("camera.mov", "mpeg4", "aac", {}),
    ],
)
def test_other_formats_are_transcoded_to_h264_and_aac(
    tmp_path, name, video_codec, audio_codec, options
):
    source = write_video(
        tmp_path / name, video_codec=video_codec, audio_codec=audio_codec, video_options=options
    )

    result = process_video(source, tmp_path / "sveicieni-ļ")

    assert result.transcoded is True
    assert result.video_path.parent.name == "sveicieni-ļ"
    assert (result.width, result.height) == (160, 120)
    assert result.duration_s == pytest.approx(2.0, abs=0.1)
    assert_browser_ready(result, frames=50)


def test_portrait_phone_video_comes_out_upright(tmp_path):
    # Stored landscape with a "turn 90 degrees clockwise" note, as phones record portrait;
    # the white left half of the stored picture must end up at the top.
    source = write_video(
        tmp_path / "portrait.mov",
        video_codec="libx265",
        video_options=X265_QUIET,
        size=(192, 108),
        rotation=-90,
        half_white=True,
    )

    result = process_video(source, tmp_path / "out")

    assert (result.width, result.height) == (108, 192)
    for path in (result.video_path, result.poster_path):
        with av.open(str(path)) as container:
            frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (108, 192)
        assert frame.rotation == 0
        assert mean_luma(frame, slice(0, 80)) > 200
        assert mean_luma(frame, slice(112, 192)) < 50


def test_tall_video_is_scaled_down_to_1080_lines_and_silent_video_is_accepted(tmp_path):
    source = write_video(tmp_path / "big.mp4", size=(1920, 1440), duration_s=0.4, audio_codec=None)

    result = process_video(source, tmp_path / "out")

    assert result.transcoded is True
    assert (result.width, result.height) == (1440, 1080)
    assert result.has_audio is False
    assert result.loudness_before_lufs is None and result.loudness_after_lufs is None
    assert_browser_ready(result, frames=10, has_audio=False)


def rejection(source, tmp_path, **limits) -> MediaRejected:
    out = tmp_path / "out"
    with pytest.raises(MediaRejected) as caught:
        process_video(source, out, **limits)
    assert list(out.iterdir()) == [], "a refused upload leaves no files behind"
    return caught.value


def test_sound_without_picture_is_refused_as_audio_only(tmp_path):
    source = write_video(tmp_path / "voice.m4a", video_codec=None, container_format="mp4")
    assert rejection(source, tmp_path).code == "audio_only"


def test_still_images_are_refused(tmp_path):
    picture = tmp_path / "greeting.png"
    with av.open("testsrc2=size=160x120:rate=1:duration=1", format="lavfi") as source:
        next(source.decode(video=0)).save(str(picture))
    one_frame = write_video(tmp_path / "one-frame.mp4", duration_s=0.04, audio_codec=None)

    assert rejection(picture, tmp_path).code == "still_image"
    assert rejection(one_frame, tmp_path).code == "still_image"


def test_upload_cut_short_is_refused_as_truncated(tmp_path):
    index_first = write_video(tmp_path / "faststart.mp4", faststart=True).read_bytes()
    index_last = write_video(tmp_path / "plain.mp4").read_bytes()
    webm = write_video(
        tmp_path / "call.webm",
        video_codec="libvpx-vp9",
        audio_codec="libopus",
        video_options=VP9_FAST,
    ).read_bytes()
    cut_cases = {
        "index-kept.mp4": index_first[: len(index_first) * 6 // 10],
        "index-lost.mp4": index_last[: len(index_last) * 6 // 10],
        "cut.webm": webm[: len(webm) * 6 // 10],
    }
    for name, data in cut_cases.items():
        (tmp_path / name).write_bytes(data)
        assert rejection(tmp_path / name, tmp_path).code == "truncated", name


def test_damaged_middle_is_refused_with_the_position(tmp_path):
    data = bytearray(write_video(tmp_path / "ok.mp4", faststart=True).read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4000] = random.Random(7).randbytes(4000)
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))

    error = rejection(damaged, tmp_path)

    assert error.code == "decode_failed"
    assert error.params["position"] in ("0:00", "0:01", "0:02")


def test_random_bytes_and_empty_files_are_refused(tmp_path):
    noise = tmp_path / "video.mp4"
    noise.write_bytes(random.Random(1).randbytes(100_000))
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    playlist = tmp_path / "sneaky.mp4"  # must not make FFmpeg read other files
    playlist.write_text("#EXTM3U\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n")

    assert rejection(noise, tmp_path).code == "not_a_video"
    assert rejection(empty, tmp_path).code == "empty_file"
    assert rejection(playlist, tmp_path).code == "not_a_video"


def test_too_long_names_the_duration_and_the_limit(tmp_path):
    source = write_video(tmp_path / "long.mp4", duration_s=3)

    error = rejection(source, tmp_path, max_duration_s=2)

    assert error.code == "too_long"
    assert error.params["duration"] == "0:03" and error.params["limit"] == "0:02"
    assert rejection_message(error.code, error.params) == (
        "The video is 0:03 long; the limit is 0:02."
    )
    assert json.loads(json.dumps(error.params)) == error.params  # storable as JSON
    copy = pickle.loads(pickle.dumps(error))  # crosses task-queue process boundaries
    assert (copy.code, copy.params) == (error.code, error.params)


def test_every_rejection_code_has_a_message_that_formats():
    params = {"position": "0:07", "codec": "prores", "duration": "12:00", "limit": "10:00"}
    for code in REJECTION_MESSAGES:
        message = rejection_message(code, params)
        assert message and "%(" not in message
    with pytest.raises(ValueError):
        MediaRejected("no_such_code")
