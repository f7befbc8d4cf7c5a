"""Loudness by EBU R128, and the audio filter that brings a greeting to the common level.

Greetings are played one after another on the same loudspeakers, so each is measured
(integrated loudness, true peak) and then amplified or attenuated by one constant gain:
a linear change keeps the partner's sound as recorded, only louder or quieter. A limiter
guards the peaks when the gain would push them above -1 dBTP.

Everything is measured on 48 kHz stereo, the layout the processed greeting is encoded in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import av
import av.filter
from av.audio.frame import AudioFrame

OUTPUT_SAMPLE_RATE = 48000
OUTPUT_LAYOUT = "stereo"
TRUE_PEAK_CEILING_DBTP = -1.0
# ebur128 reports -70 LUFS (its gate) for silence; below -60 there is nothing worth
# amplifying, and +30 dB is already hiss turned into noise.
SILENCE_LUFS = -60.0
MAX_GAIN_DB = 30.0
# Closer than this to the target, the audio is left untouched (and may be copied as it is).
GAIN_TOLERANCE_LU = 1.0


@dataclass(frozen=True)
class Loudness:
    """Integrated loudness (LUFS) and true peak (dBTP) of a whole programme."""

    integrated_lufs: float
    true_peak_dbtp: float

    @property
    def is_silent(self) -> bool:
        return self.integrated_lufs < SILENCE_LUFS


def _drain(graph: av.filter.Graph):
    """Every frame the graph can give now."""
    while True:
        try:
            yield graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return


def _conform_to_output(graph: av.filter.Graph, frame: AudioFrame):
    """Add abuffer (shaped like ``frame``) and the conversion to 48 kHz stereo float."""
    source = graph.add_abuffer(
        sample_rate=frame.sample_rate,
        format=frame.format.name,
        layout=frame.layout.name,
        time_base=frame.time_base,
    )
    conform = graph.add(
        "aformat",
        sample_fmts="fltp",
        sample_rates=str(OUTPUT_SAMPLE_RATE),
        channel_layouts=OUTPUT_LAYOUT,
    )
    return source, conform


class LoudnessMeter:
    """Feed decoded audio frames with :meth:`push`; :meth:`result` gives the loudness."""

    def __init__(self) -> None:
        self._graph: av.filter.Graph | None = None
        self._integrated: float | None = None
        self._peak_linear = 0.0

    def push(self, frame: AudioFrame) -> None:
        if self._graph is None:
            self._graph = av.filter.Graph()
            source, conform = _conform_to_output(self._graph, frame)
            meter = self._graph.add("ebur128", metadata="1", peak="true")
            self._graph.link_nodes(source, conform, meter, self._graph.add("abuffersink"))
            self._graph.configure()
        self._graph.push(frame)
        self._collect()

    def result(self) -> Loudness | None:
        """The whole programme's loudness; None when no audio was pushed."""
        if self._graph is None:
            return None
        self._graph.push(None)
        self._collect()
        integrated = self._integrated if self._integrated is not None else -70.0
        peak = 20 * math.log10(self._peak_linear) if self._peak_linear > 0 else -math.inf
        return Loudness(integrated_lufs=integrated, true_peak_dbtp=peak)

    def _collect(self) -> None:
        # ebur128 writes its running figures into the metadata of the frames that close a
        # 100 ms block; the last integrated value seen is the one for the whole programme.
        for frame in _drain(self._graph):
            metadata = frame.metadata
            if "lavfi.r128.I" in metadata:
                self._integrated = float(metadata["lavfi.r128.I"])
            if "lavfi.r128.true_peak" in metadata:
                self._peak_linear = max(self._peak_linear, float(metadata["lavfi.r128.true_peak"]))


def gain_to_target_db(loudness: Loudness | None, target_lufs: float) -> float | None:
    """The gain that brings ``loudness`` to ``target_lufs``; None if none is needed.

    Silence and audio already within :data:`GAIN_TOLERANCE_LU` of the target stay as they are.
    """
    if loudness is None or loudness.is_silent:
        return None
    gain = target_lufs - loudness.integrated_lufs
    if abs(gain) <= GAIN_TOLERANCE_LU:
        return None
    return min(gain, MAX_GAIN_DB)


class AudioConformer:
    """Turns decoded frames into 48 kHz stereo AAC-sized frames, with the loudness gain applied."""

    def __init__(self, gain_db: float | None, peak_dbtp: float, frame_size: int) -> None:
        self._gain_db = gain_db
        self._peak_dbtp = peak_dbtp
        self._frame_size = frame_size
        self._graph: av.filter.Graph | None = None

    def process(self, frame: AudioFrame | None) -> list[AudioFrame]:
        """Filtered frames ready for the encoder; ``None`` flushes the end."""
        if frame is None:
            if self._graph is None:
                return []
            self._graph.push(None)
            return list(_drain(self._graph))
        if self._graph is None:
            self._graph = self._build(frame)
        self._graph.push(frame)
        return list(_drain(self._graph))

    def _build(self, frame: AudioFrame) -> av.filter.Graph:
        graph = av.filter.Graph()
        source, conform = _conform_to_output(graph, frame)
        chain = [source, conform]
        if self._gain_db is not None:
            chain.append(graph.add("volume", volume=f"{self._gain_db:.2f}dB"))
            if self._peak_dbtp + self._gain_db > TRUE_PEAK_CEILING_DBTP:
                # level=0: no automatic make-up gain, only the peaks are held down.
                limit = 10 ** (TRUE_PEAK_CEILING_DBTP / 20)
                chain.append(graph.add("alimiter", limit=f"{limit:.4f}", level="0", latency="1"))
        # The limiter works in doubles; the AAC encoder wants planar float again.
        chain.append(graph.add("aformat", sample_fmts="fltp"))
        chain.append(graph.add("abuffersink"))
        graph.link_nodes(*chain)
        graph.configure()
        graph.set_audio_frame_size(self._frame_size)
        return graph
