"""Decode every picture and every sound sample of the upload once, before anything is kept.

A header can promise ten minutes while the file holds two (an upload or export cut short
keeps its index but loses data), and a damaged frame makes players stall. Only a full
decode proves the file plays to the end. The same pass measures the loudness and picks
the poster frame, so nothing is decoded twice for that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import av
from av.container import InputContainer
from av.video.frame import VideoFrame

from .errors import MediaRejected, format_duration
from .loudness import Loudness, LoudnessMeter
from .picture import upright_rotation
from .probe import SourceInfo, check_duration

POSTER_AT_S = 1.0


@dataclass
class DecodeReport:
    """What a complete decode found."""

    video_frames: int
    duration_s: float
    rotation: int
    poster_frame: VideoFrame
    loudness: Loudness | None


def check_index_within_file(container: InputContainer, file_size: int) -> None:
    """Raise ``truncated`` if the index (MP4/MOV) points at data past the end of the file."""
    for stream in container.streams:
        entries = stream.index_entries
        if len(entries) and max(entry.pos + entry.size for entry in entries) > file_size:
            raise MediaRejected("truncated")


def decode_everything(
    container: InputContainer,
    info: SourceInfo,
    *,
    path: str | os.PathLike,
    max_duration_s: float,
) -> DecodeReport:
    """Decode the chosen video and audio streams to the end.

    Raises :class:`MediaRejected`: ``truncated`` (data ends before the declared duration),
    ``decode_failed`` (a decoder error inside the file), ``too_long`` (for files that
    declared no duration), ``still_image`` (one picture) or ``no_video_stream`` (none).
    """
    file_size = os.path.getsize(path)
    video_stream = container.streams[info.video.index]
    video_stream.thread_type = "AUTO"  # frame threads: decoding is most of this pass
    streams = [video_stream]
    meter = None
    if info.audio is not None:
        streams.append(container.streams[info.audio.index])
        meter = LoudnessMeter()

    video_frames = 0
    first_frame = poster_frame = None
    end_s = 0.0
    read_to_byte = 0
    try:
        for packet in container.demux(*streams):
            if packet.pos is not None and packet.pos >= 0:
                read_to_byte = max(read_to_byte, packet.pos + packet.size)
            for frame in packet.decode():
                if frame.time is None:
                    continue
                end_s = max(end_s, _frame_end_s(frame) - info.start_time_s)
                check_duration(end_s, max_duration_s)
                if isinstance(frame, VideoFrame):
                    video_frames += 1
                    if first_frame is None:
                        first_frame = poster_frame = frame
                    elif (
                        poster_frame is first_frame
                        and frame.time - info.start_time_s >= POSTER_AT_S
                    ):
                        poster_frame = frame
                else:
                    meter.push(frame)
    except av.FFmpegError:
        # Failing at the very end of the file (a demuxer may drop the last partial packet,
        # hence the margin) means the data simply stopped: a cut-short file.
        if read_to_byte >= file_size - max(64 * 1024, file_size // 100):
            raise MediaRejected("truncated") from None
        raise MediaRejected("decode_failed", {"position": format_duration(end_s)}) from None

    declared = info.declared_duration_s
    if declared is not None and end_s < declared - max(0.5, 0.01 * declared):
        raise MediaRejected("truncated", {"decoded_s": round(end_s, 3), "declared_s": declared})
    if first_frame is None:
        raise MediaRejected("no_video_stream")
    if video_frames == 1:
        raise MediaRejected("still_image")
    return DecodeReport(
        video_frames=video_frames,
        duration_s=end_s,
        rotation=upright_rotation(first_frame),
        poster_frame=poster_frame,
        loudness=meter.result() if meter is not None else None,
    )


def _frame_end_s(frame) -> float:
    if isinstance(frame, VideoFrame):
        length = frame.duration * frame.time_base if frame.duration and frame.time_base else 0
    else:
        length = frame.samples / frame.sample_rate
    return frame.time + float(length)
