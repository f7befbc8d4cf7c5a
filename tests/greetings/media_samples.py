"""Tiny test videos made on the spot with PyAV from FFmpeg's built-in sources.

The picture is FFmpeg's ``testsrc2`` (moving, with a clock) or, where a test needs to know
which way is up, a frame whose left half is white and right half black. The sound is a
1 kHz sine at a chosen EBU R128 loudness.
"""

from __future__ import annotations

from pathlib import Path

import av

# The sine source's default amplitude is 1/8 (-18.06 dBFS); a mono 1 kHz sine of peak
# amplitude A, played as stereo, measures 20*log10(A) - 3.0 LUFS. Together: a source
# volume of (LUFS + 21.06) dB gives the wanted loudness.
_SINE_TO_LUFS_DB = 21.06


def _encode_all(source_description: str, output, stream) -> None:
    with av.open(source_description, format="lavfi") as source:
        for frame in source.decode(source.streams[0]):
            output.mux(stream.encode(frame))
    output.mux(stream.encode(None))


def write_video(
    path: Path,
    *,
    video_codec: str | None = "libx264",
    audio_codec: str | None = "aac",
    size: tuple[int, int] = (160, 120),
    duration_s: float = 2.0,
    rate: int = 25,
    tone_lufs: float = -30.0,
    faststart: bool = False,
    video_options: dict[str, str] | None = None,
    rotation: int | None = None,
    half_white: bool = False,
    clicks: bool = False,
    container_format: str | None = None,
) -> Path:
    """Write a test clip; ``rotation`` is a counter-clockwise display rotation note.

    ``clicks`` replaces the steady tone by a quiet one (about -20 LUFS) with a loud burst
    (about -4 dBTP) every half second: speech-like peaks that plain amplification would clip.
    """
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format=container_format, options=options) as output:
        # Every stream must exist before the first packet is written.
        sources = []
        if video_codec is not None:
            width, height = size
            if half_white:
                picture = (
                    f"color=c=black:s={width}x{height}:r={rate}:d={duration_s},"
                    f"drawbox=x=0:y=0:w={width // 2}:h={height}:color=white:t=fill"
                )
            else:
                picture = f"testsrc2=size={width}x{height}:rate={rate}:duration={duration_s}"
            video = output.add_stream(video_codec, rate=rate, options=video_options or {})
            video.width, video.height, video.pix_fmt = width, height, "yuv420p"
            if rotation is not None:
                video.set_display_rotation(rotation)
            sources.append((picture, video))
        if audio_codec is not None:
            tone = (
                f"sine=frequency=1000:sample_rate=48000:duration={duration_s},"
                f"volume={tone_lufs + _SINE_TO_LUFS_DB:.2f}dB"
            )
            if clicks:
                burst = r"0.85*lt(mod(t\,0.5)\,0.01)"
                tone = (
                    f"aevalsrc=exprs='(0.02+{burst})*sin(2*PI*1000*t)'"
                    f":sample_rate=48000:duration={duration_s}"
                )
            sources.append((tone, output.add_stream(audio_codec, rate=48000)))
        for description, stream in sources:
            _encode_all(description, output, stream)
    return path


def top_level_boxes(path: Path) -> list[str]:
    """The MP4 top-level box types in file order, e.g. ['ftyp', 'moov', 'free', 'mdat']."""
    data = path.read_bytes()
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        boxes.append(data[offset + 4 : offset + 8].decode("latin-1"))
        if size < 8:
            break
        offset += size
    return boxes


def mean_luma(frame, rows: slice) -> float:
    """Average brightness (0-255) of the given rows of a decoded yuv420p picture."""
    gray = frame.reformat(format="gray")
    plane = gray.planes[0]
    data = bytes(plane)
    values = [
        data[row * plane.line_size + column]
        for row in range(gray.height)[rows]
        for column in range(gray.width)
    ]
    return sum(values) / len(values)
