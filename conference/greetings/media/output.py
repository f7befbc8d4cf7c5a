"""Write the browser-playable MP4: streams copied where they already play, else re-encoded.

Video that browsers already play (H.264, 8-bit 4:2:0, within the size box) is copied bit
for bit; anything else is encoded with x264. Audio is copied only when it is AAC and
already at the target loudness; otherwise it is re-encoded as 48 kHz stereo AAC with the
loudness gain applied. The moov index goes to the front (``+faststart``) so playback
starts before the whole file has arrived. Source metadata (such as a phone's GPS
position) is not carried over.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer

from .loudness import OUTPUT_LAYOUT, OUTPUT_SAMPLE_RATE, AudioConformer
from .picture import PictureConformer

X264_OPTIONS = {"preset": "veryfast", "crf": "23", "profile": "high"}
AAC_BIT_RATE = 128_000
AAC_FRAME_SIZE = 1024
_OUTPUT_TIME_BASE = Fraction(1, OUTPUT_SAMPLE_RATE)


@dataclass(frozen=True)
class OutputPlan:
    """How each stream gets into the output: copied, or re-encoded and how."""

    copy_video: bool
    size: tuple[int, int]
    rotation: int
    sample_aspect_ratio: Fraction | None
    audio: str | None  # None (no sound), "copy" or "encode"
    gain_db: float | None
    peak_dbtp: float


def write_mp4(
    source: InputContainer,
    video_index: int,
    audio_index: int | None,
    plan: OutputPlan,
    destination: Path,
) -> None:
    """Read ``source`` from the start and write the greeting MP4 to ``destination``."""
    in_video = source.streams[video_index]
    in_audio = source.streams[audio_index] if plan.audio else None
    with av.open(str(destination), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video = _VideoWriter(out, in_video, plan)
        audio = _AudioWriter(out, in_audio, plan) if in_audio is not None else None
        streams = [in_video] + ([in_audio] if in_audio is not None else [])
        for packet in source.demux(*streams):
            writer = video if packet.stream.index == video_index else audio
            writer.write(packet)
        video.finish()
        if audio is not None:
            audio.finish()


class _VideoWriter:
    def __init__(self, out, in_stream, plan: OutputPlan) -> None:
        self._out = out
        self._copy = plan.copy_video
        if self._copy:
            # The template carries the codec parameters, rotation note included.
            self._stream = out.add_stream_from_template(in_stream)
            return
        rate = in_stream.average_rate or in_stream.guessed_rate or Fraction(25)
        self._stream = out.add_stream("libx264", rate=rate, options=dict(X264_OPTIONS))
        self._stream.width, self._stream.height = plan.size
        self._stream.pix_fmt = "yuv420p"
        context = self._stream.codec_context
        context.time_base = in_stream.time_base
        context.colorspace = 1  # AVCOL_SPC_BT709, what PictureConformer converts to
        context.color_range = 1  # AVCOL_RANGE_MPEG (limited "TV" range)
        in_stream.thread_type = "AUTO"
        self._pictures = PictureConformer(plan.size, plan.rotation, plan.sample_aspect_ratio)

    def write(self, packet) -> None:
        if self._copy:
            if packet.dts is not None:  # demux ends with empty flush packets
                packet.stream = self._stream
                self._out.mux(packet)
            return
        for frame in packet.decode():
            self._encode(self._pictures.process(frame))

    def finish(self) -> None:
        if not self._copy:
            self._encode(self._pictures.process(None))
            self._out.mux(self._stream.encode(None))

    def _encode(self, frames) -> None:
        for frame in frames:
            # libx264 obeys the picture type a frame carries; the source's GOP is no
            # reason to force I, P or B frames in the new encoding.
            frame.pict_type = 0
            self._out.mux(self._stream.encode(frame))


class _AudioWriter:
    def __init__(self, out, in_stream, plan: OutputPlan) -> None:
        self._out = out
        self._copy = plan.audio == "copy"
        if self._copy:
            self._stream = out.add_stream_from_template(in_stream)
            return
        self._stream = out.add_stream("aac", rate=OUTPUT_SAMPLE_RATE, layout=OUTPUT_LAYOUT)
        self._stream.bit_rate = AAC_BIT_RATE
        self._stream.codec_context.time_base = _OUTPUT_TIME_BASE
        self._conformer = AudioConformer(plan.gain_db, plan.peak_dbtp, AAC_FRAME_SIZE)

    def write(self, packet) -> None:
        if self._copy:
            if packet.dts is not None:
                packet.stream = self._stream
                self._out.mux(packet)
            return
        for frame in packet.decode():
            self._encode(self._conformer.process(frame))

    def finish(self) -> None:
        if not self._copy:
            self._encode(self._conformer.process(None))
            self._out.mux(self._stream.encode(None))

    def _encode(self, frames) -> None:
        for frame in frames:
            # Without resampling the filter keeps the source's time base (1/1000 in WebM).
            if frame.time_base != _OUTPUT_TIME_BASE and frame.pts is not None:
                frame.pts = round(frame.pts * frame.time_base / _OUTPUT_TIME_BASE)
                frame.time_base = _OUTPUT_TIME_BASE
            self._out.mux(self._stream.encode(frame))
