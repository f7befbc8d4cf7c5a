"""Open an uploaded file safely and read what it declares: container, streams, duration.

Nothing here decodes pictures; it only refuses files that are plainly not a greeting video
before any expensive work starts. Whatever a header declares is checked again by the
full decode in :mod:`.decode`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction

import av
from av.container import InputContainer
from av.stream import Disposition

from .errors import MediaRejected, format_duration

# Only demuxers for self-contained files: playlist and image-sequence demuxers (hls, concat,
# image2) could be steered by an upload into reading other files from the server.
ALLOWED_DEMUXERS = (
    "mov,matroska,avi,mpegts,mpeg,flv,asf,ogg,mxf,"  # video containers
    "mp3,wav,flac,aac,"  # audio files, to tell the partner "only sound" rather than "unreadable"
    "png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,tiff_pipe,gif"  # images, to say "still image"
)
IMAGE_DEMUXERS = frozenset({"png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe"})

# A declared or decoded duration may exceed the limit by less than half a second: the limit
# is shown rounded to the second, so a clip shown as "10:00" must not be refused as too long.
DURATION_GRACE_S = 0.5


@dataclass(frozen=True)
class VideoTrack:
    """The video stream that becomes the greeting's picture."""

    index: int
    codec: str
    width: int
    height: int
    pix_fmt: str | None
    profile: str | None
    sample_aspect_ratio: Fraction | None


@dataclass(frozen=True)
class AudioTrack:
    """The audio stream that becomes the greeting's sound."""

    index: int
    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class SourceInfo:
    """What the container says about itself, before anything is decoded."""

    format_name: str
    declared_duration_s: float | None
    start_time_s: float
    video: VideoTrack
    audio: AudioTrack | None

    @property
    def is_mp4_family(self) -> bool:
        """MP4, MOV, 3GP: containers whose H.264/AAC streams can be copied into MP4 as they are."""
        return "mov" in self.format_name.split(",")


def open_source(path: str | os.PathLike) -> InputContainer:
    """Open the upload for reading, refusing empty files and anything FFmpeg cannot demux.

    Raises :class:`MediaRejected` with ``empty_file``, ``truncated`` (an MP4/MOV whose index,
    written last, never arrived) or ``not_a_video``.
    """
    if os.path.getsize(path) == 0:
        raise MediaRejected("empty_file")
    try:
        return av.open(
            os.fspath(path),
            options={"format_whitelist": ALLOWED_DEMUXERS, "protocol_whitelist": "file"},
        )
    except av.FFmpegError:
        if _starts_like_mp4(path):
            raise MediaRejected("truncated") from None
        raise MediaRejected("not_a_video") from None


def _starts_like_mp4(path: str | os.PathLike) -> bool:
    # An ISO media file opens with an 'ftyp' box; if it still cannot be opened, the index
    # ('moov', which most cameras write at the very end) is missing: the file was cut short.
    with open(path, "rb") as file:
        head = file.read(12)
    return head[4:8] == b"ftyp"


def probe(container: InputContainer, *, max_duration_s: float) -> SourceInfo:
    """Describe the container, or raise :class:`MediaRejected` if it cannot be a greeting.

    Codes: ``audio_only``, ``no_video_stream``, ``still_image``, ``unsupported_codec``,
    ``too_long`` (with ``duration``, ``limit`` and their ``*_s`` numbers).
    """
    format_name = container.format.name
    video_stream = _pick(
        [s for s in container.streams.video if not s.disposition & Disposition.attached_pic]
    )
    audio_stream = _pick(list(container.streams.audio))
    if format_name in IMAGE_DEMUXERS:
        raise MediaRejected("still_image")
    if video_stream is None:
        raise MediaRejected("audio_only" if audio_stream is not None else "no_video_stream")
    for stream in (video_stream, audio_stream):
        # No decoder in this FFmpeg build; dropping the sound silently would be worse.
        if stream is not None and stream.codec_context is None:
            raise MediaRejected("unsupported_codec", {"codec": _codec_name(stream)})

    declared = _declared_duration_s(container)
    if declared is not None:
        check_duration(declared, max_duration_s)

    context = video_stream.codec_context
    audio = None
    if audio_stream is not None:
        audio = AudioTrack(
            index=audio_stream.index,
            codec=audio_stream.codec_context.name,
            channels=audio_stream.codec_context.channels,
            sample_rate=audio_stream.codec_context.sample_rate,
        )
    return SourceInfo(
        format_name=format_name,
        declared_duration_s=declared,
        start_time_s=(container.start_time or 0) / av.time_base,
        video=VideoTrack(
            index=video_stream.index,
            codec=context.name,
            width=context.width,
            height=context.height,
            pix_fmt=context.pix_fmt,
            profile=video_stream.profile,
            sample_aspect_ratio=video_stream.sample_aspect_ratio,
        ),
        audio=audio,
    )


def check_duration(duration_s: float, max_duration_s: float) -> None:
    """Raise ``too_long`` if ``duration_s`` is over the limit (by more than the rounding grace)."""
    if duration_s >= max_duration_s + DURATION_GRACE_S:
        raise MediaRejected(
            "too_long",
            {
                "duration": format_duration(duration_s),
                "limit": format_duration(max_duration_s),
                "duration_s": round(duration_s, 3),
                "limit_s": max_duration_s,
            },
        )


def _codec_name(stream) -> str:
    # Without a decoder PyAV has no codec context, and so no codec name, for the stream.
    return getattr(stream, "name", None) or "unknown"


def _pick(streams):
    """The stream marked default, else the first one, else None."""
    for stream in streams:
        if stream.disposition & Disposition.default:
            return stream
    return streams[0] if streams else None


def _declared_duration_s(container: InputContainer) -> float | None:
    # Browser recordings (MediaRecorder WebM) declare no duration at all; then only the
    # decode can tell, and it enforces the limit as it goes.
    if container.duration is None or container.duration <= 0:
        return None
    return container.duration / av.time_base
