"""``process_video``: from an uploaded file to a checked, browser-playable greeting and poster."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import av

from .decode import DecodeReport, check_index_within_file, decode_everything
from .loudness import LoudnessMeter, gain_to_target_db
from .output import OutputPlan, write_mp4
from .picture import fit_size, poster_size, write_poster
from .probe import SourceInfo, open_source, probe

VIDEO_NAME = "greeting.mp4"
POSTER_NAME = "poster.jpg"
POSTER_MAX_WIDTH = 1280
# Profiles every browser's H.264 decoder plays; High 10, 4:2:2 and 4:4:4 are not among them.
PLAYABLE_H264_PROFILES = frozenset({"Baseline", "Constrained Baseline", "Main", "High"})
PLAYABLE_PIX_FMTS = frozenset({"yuv420p", "yuvj420p"})


@dataclass(frozen=True)
class ProcessedVideo:
    """A greeting ready to play: where its files are and what they hold."""

    video_path: Path
    poster_path: Path
    duration_s: float
    width: int
    height: int
    transcoded: bool  # False when the picture was copied from the upload untouched
    has_audio: bool
    loudness_before_lufs: float | None  # None without sound
    loudness_after_lufs: float | None


def process_video(
    source_path: str | os.PathLike,
    output_dir: str | os.PathLike,
    *,
    max_duration_s: float = 600,
    max_height: int = 1080,
    target_lufs: float = -16.0,
) -> ProcessedVideo:
    """Check the upload, then write ``greeting.mp4`` and ``poster.jpg`` into ``output_dir``.

    The picture fits a 16:9 box ``max_height`` lines high (1920x1080 by default), so
    portrait video comes out ``max_height`` tall; the sound is brought to ``target_lufs``
    (EBU R128 integrated loudness). A duration up to ``max_duration_s`` is accepted.

    Side effects: creates ``output_dir`` if needed and replaces the two files in it, both
    only once everything has succeeded; a failure changes nothing else in the folder.
    The upload is only read.
    Raises :class:`~.errors.MediaRejected` when the upload cannot become a greeting;
    any other exception is a fault of this machine (disk full, a bug), not of the file.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    video_path, poster_path = output_dir / VIDEO_NAME, output_dir / POSTER_NAME
    video_part = output_dir / f".{VIDEO_NAME}.part"
    poster_part = output_dir / f".{POSTER_NAME}.part"
    max_width = round(max_height * 16 / 9 / 2) * 2  # the 16:9 box "1080p" stands for

    try:
        with open_source(source_path) as source:
            info = probe(source, max_duration_s=max_duration_s)
            check_index_within_file(source, os.path.getsize(source_path))
            report = decode_everything(
                source, info, path=source_path, max_duration_s=max_duration_s
            )
            plan = _plan(info, report, max_width, max_height, target_lufs)
            write_poster(
                report.poster_frame,
                poster_part,
                rotation=report.rotation,
                sample_aspect_ratio=info.video.sample_aspect_ratio,
                size=poster_size(plan.size, POSTER_MAX_WIDTH),
            )
        # A fresh reader: the decoders of the checking pass have been drained to the end.
        with open_source(source_path) as source:
            write_mp4(
                source,
                info.video.index,
                info.audio.index if info.audio else None,
                plan,
                video_part,
            )
        duration_s, loudness_after = _inspect_output(video_part)
        os.replace(video_part, video_path)
        os.replace(poster_part, poster_path)
    finally:
        video_part.unlink(missing_ok=True)
        poster_part.unlink(missing_ok=True)

    return ProcessedVideo(
        video_path=video_path,
        poster_path=poster_path,
        duration_s=duration_s,
        width=plan.size[0],
        height=plan.size[1],
        transcoded=not plan.copy_video,
        has_audio=plan.audio is not None,
        loudness_before_lufs=report.loudness.integrated_lufs if report.loudness else None,
        loudness_after_lufs=loudness_after,
    )


def _plan(
    info: SourceInfo,
    report: DecodeReport,
    max_width: int,
    max_height: int,
    target_lufs: float,
) -> OutputPlan:
    video = info.video
    size = fit_size(
        video.width,
        video.height,
        video.sample_aspect_ratio,
        report.rotation,
        max_width,
        max_height,
    )
    unscaled = fit_size(
        video.width,
        video.height,
        video.sample_aspect_ratio,
        report.rotation,
        10**6,
        10**6,
    )
    copy_video = (
        info.is_mp4_family
        and video.codec == "h264"
        and video.pix_fmt in PLAYABLE_PIX_FMTS
        and video.profile in PLAYABLE_H264_PROFILES
        and size == unscaled
    )
    gain_db = gain_to_target_db(report.loudness, target_lufs)
    audio_mode = None
    if info.audio is not None:
        copy_audio = (
            info.is_mp4_family
            and info.audio.codec == "aac"
            and info.audio.channels <= 2
            and gain_db is None
        )
        audio_mode = "copy" if copy_audio else "encode"
    return OutputPlan(
        copy_video=copy_video,
        size=size,
        rotation=report.rotation,
        sample_aspect_ratio=video.sample_aspect_ratio,
        audio=audio_mode,
        gain_db=gain_db,
        peak_dbtp=report.loudness.true_peak_dbtp if report.loudness else 0.0,
    )


def _inspect_output(path: Path) -> tuple[float, float | None]:
    """Duration and measured loudness of the written file, as a player will find them."""
    with av.open(str(path)) as written:
        duration_s = (written.duration or 0) / av.time_base
        if not written.streams.audio:
            return duration_s, None
        meter = LoudnessMeter()
        for frame in written.decode(written.streams.audio[0]):
            meter.push(frame)
        loudness = meter.result()
    return duration_s, loudness.integrated_lufs if loudness else None
