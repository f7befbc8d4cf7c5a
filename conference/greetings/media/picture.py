"""Picture geometry: upright, square pixels, at most the output box; and the poster JPEG.

Phones record portrait video as landscape pictures plus a "display rotation" note; a
browser honours that note only for the stream it is in, so whenever pictures are decoded
and encoded again the rotation is applied to the pixels themselves. Likewise anamorphic
video (non-square pixels) is scaled to square pixels.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import av.filter
from av.video.frame import VideoFrame

# FFmpeg's lambda scale for a fixed JPEG quantiser (FF_QP2LAMBDA); q=3 is visually clean.
_QP2LAMBDA = 118
_POSTER_QUANTISER = 3


def upright_rotation(frame: VideoFrame) -> int:
    """Clockwise quarter turn (0, 90, 180 or 270) that shows ``frame`` upright."""
    # frame.rotation is the display matrix's counter-clockwise angle, in -180..180.
    return round(-frame.rotation / 90) % 4 * 90


def fit_size(
    width: int,
    height: int,
    sample_aspect_ratio: Fraction | None,
    rotation: int,
    max_width: int,
    max_height: int,
) -> tuple[int, int]:
    """Even width and height of the upright, square-pixel picture, shrunk to fit the box."""
    display_width = width * float(sample_aspect_ratio) if sample_aspect_ratio else width
    display_height = float(height)
    if rotation in (90, 270):
        display_width, display_height = display_height, display_width
    scale = min(1.0, max_width / display_width, max_height / display_height)
    # H.264 in 4:2:0 needs even sides; never below 2 pixels.
    return (
        max(2, round(display_width * scale / 2) * 2),
        max(2, round(display_height * scale / 2) * 2),
    )


def _build_graph(
    frame: VideoFrame,
    sample_aspect_ratio: Fraction | None,
    rotation: int,
    size: tuple[int, int],
    scale_options: dict[str, str],
    pix_fmt: str,
) -> av.filter.Graph:
    graph = av.filter.Graph()
    sar = sample_aspect_ratio or Fraction(1, 1)
    chain = [
        graph.add(
            "buffer",
            video_size=f"{frame.width}x{frame.height}",
            pix_fmt=frame.format.name,
            time_base=str(frame.time_base or Fraction(1, 1000)),
            pixel_aspect=f"{sar.numerator}/{sar.denominator}",
        )
    ]
    if rotation == 90:
        chain.append(graph.add("transpose", dir="clock"))
    elif rotation == 270:
        chain.append(graph.add("transpose", dir="cclock"))
    elif rotation == 180:
        chain += [graph.add("hflip"), graph.add("vflip")]
    chain += [
        graph.add("scale", w=str(size[0]), h=str(size[1]), **scale_options),
        graph.add("setsar", sar="1"),
        graph.add("format", pix_fmts=pix_fmt),
        graph.add("buffersink"),
    ]
    graph.link_nodes(*chain)
    graph.configure()
    return graph


class PictureConformer:
    """Makes decoded frames upright, square-pixel, ``size`` and yuv420p (BT.709) for x264.

    The filter graph is rebuilt when the input changes size mid-stream, as recordings
    from video calls and browsers do; the output size stays the same.
    """

    def __init__(
        self, size: tuple[int, int], rotation: int, sample_aspect_ratio: Fraction | None
    ) -> None:
        self.size = size
        self._rotation = rotation
        self._sar = sample_aspect_ratio
        self._graph: av.filter.Graph | None = None
        self._input_shape: tuple | None = None

    def process(self, frame: VideoFrame | None) -> list[VideoFrame]:
        """Converted frames; ``None`` flushes the end."""
        if frame is None:
            return self._flush()
        shape = (frame.width, frame.height, frame.format.name)
        out: list[VideoFrame] = []
        if shape != self._input_shape:
            out = self._flush()
            self._graph = _build_graph(
                frame,
                self._sar,
                self._rotation,
                self.size,
                {"out_color_matrix": "bt709", "out_range": "tv"},
                "yuv420p",
            )
            self._input_shape = shape
        self._graph.push(frame)
        return out + self._drain()

    def _flush(self) -> list[VideoFrame]:
        if self._graph is None:
            return []
        self._graph.push(None)
        frames = self._drain()
        self._graph = None
        return frames

    def _drain(self) -> list[VideoFrame]:
        frames = []
        while True:
            try:
                frames.append(self._graph.pull())
            except (av.BlockingIOError, av.EOFError):
                return frames


def write_poster(
    frame: VideoFrame,
    path: Path,
    *,
    rotation: int,
    sample_aspect_ratio: Fraction | None,
    size: tuple[int, int],
) -> None:
    """Write ``frame`` as a baseline JPEG of ``size``, upright, to ``path``."""
    graph = _build_graph(
        frame,
        sample_aspect_ratio,
        rotation,
        size,
        # JPEG (JFIF) means BT.601 colours over the full 0-255 range.
        {"out_color_matrix": "bt601", "out_range": "pc"},
        "yuvj420p",
    )
    graph.push(frame)
    picture = graph.pull()
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = size
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.qscale = True
    encoder.global_quality = _POSTER_QUANTISER * _QP2LAMBDA
    picture.pts = 0
    packets = encoder.encode(picture) + encoder.encode(None)
    path.write_bytes(b"".join(bytes(packet) for packet in packets))


def poster_size(video_size: tuple[int, int], max_width: int) -> tuple[int, int]:
    """The poster is the video's picture, narrowed to ``max_width`` if wider."""
    width, height = video_size
    if width <= max_width:
        return video_size
    return max_width, max(2, round(height * max_width / width / 2) * 2)
