"""How the greeting tests measure whether pages play in step, and say why when they do not.

Each page is sampled for its video position (``video.currentTime``) together with two clocks:
``performance.timeOrigin + performance.now()`` (``at``), one clock for every page of this
browser, to compare pages with each other; and ``Date.now()`` (``wall``), this machine's clock
and so the server's, to compare a page with the server's position (``started_at`` -> now). A
page whose ``Date`` is shifted on purpose (the phone) names its shift.

With every sample comes the player's own report (static/js/greetings/sync-report.js): its
offset, drift, clock offset, state and last corrections, so that a failure says which page,
how far off, and what that page did about it.

At the end, how a test disturbs a page on purpose: :class:`MediaValve` starves its video of
data for a while (a network stall), ``PAUSE`` pauses its video behind the player's back.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field

from playwright.sync_api import Error as PlaywrightError

# Samples this close to the greeting's end do not count: the player may be finishing there.
ENDING_S = 1.0
SAMPLE = """() => {
    const root = document.querySelector('#greeting-player');
    const video = root.querySelector('video');
    const d = root.dataset;
    return {at: performance.timeOrigin + performance.now(), wall: Date.now(),
            time: video.currentTime, paused: video.paused, muted: video.muted,
            state: d.state || '', sync: d.sync || '', offset: d.offset ?? null,
            drift: d.drift ?? null, clock_offset: d.clockOffset ?? null,
            clock_round_trip: d.clockRoundTrip ?? null, corrections: d.corrections || '[]',
            hidden: root.hidden, ready: video.readyState, network: video.networkState,
            seeking: video.seeking, error: video.error ? video.error.code : null,
            buffered: Array.from({length: video.buffered.length},
                (_, i) => [video.buffered.start(i), video.buffered.end(i)])};
}"""


@dataclass
class Watched:
    """A page under test, its name in messages, and how far its ``Date`` is shifted (ms)."""

    name: str
    page: object
    shift_ms: float = 0


@dataclass
class Sample:
    name: str
    raw: dict
    elapsed_s: float  # the server's position of the greeting at the sample
    error_s: float  # the video's position minus the server's (< 0: behind)

    def why(self, duration_s: float) -> str:
        """One line: how far off, in which state, and what the page last did about it."""
        raw = self.raw
        parts = [
            f"{self.name}: {self.error_s:+.3f} s from the server's position "
            f"({self.elapsed_s:.2f} s into the {duration_s:g} s greeting; video at "
            f"{raw['time']:.3f} s{', paused' if raw['paused'] else ''}; player "
            f"{raw['state'] or '?'}/{raw['sync'] or '?'}{', hidden' if raw['hidden'] else ''})"
        ]
        if self.elapsed_s >= duration_s:
            parts.append("the greeting had ended before this sample: the test came too late")
        return ", ".join([*parts, player_report(raw)])


def player_report(raw: dict) -> str:
    """What a sampled player says of itself: its figures, its media, its last corrections."""
    buffered = " ".join(f"{start:.1f}-{end:.1f}" for start, end in raw["buffered"])
    corrections = [
        f"{c['kind']} from {c['offset']:+.3f} s ({c['why']}) at {c['at_s']:.2f} s"
        for c in json.loads(raw["corrections"])
    ]
    return (
        f"its own offset {raw['offset']} s, drift {raw['drift']} s/s, clock offset "
        f"{raw['clock_offset']} ms (round trip {raw['clock_round_trip']} ms), "
        f"media readyState {raw['ready']} networkState {raw['network']}"
        f"{' seeking' if raw['seeking'] else ''}"
        f"{' error ' + str(raw['error']) if raw['error'] else ''} buffered [{buffered}], "
        f"last corrections: {'; '.join(corrections) if corrections else 'none'}"
    )


def describe_player(page) -> str:
    """One line about the page's player, for a failure that has no server position at hand."""
    raw = page.evaluate(SAMPLE)
    return (
        f"player {raw['state'] or '?'}/{raw['sync'] or '?'}, video at {raw['time']:.3f} s"
        f"{' paused' if raw['paused'] else ''}, {player_report(raw)}"
    )


@dataclass
class Round:
    samples: list[Sample]
    spread_s: float  # max - min of the positions, brought to one moment


@dataclass
class Figures:
    duration_s: float
    rounds: list[Round] = field(default_factory=list)
    too_late: Round | None = None  # the round that came too near the end, if any

    @property
    def worst_spread(self) -> float:
        return max(round_.spread_s for round_ in self.rounds)

    def errors(self) -> dict[str, list[float]]:
        by_page: dict[str, list[float]] = {}
        for round_ in self.rounds:
            for sample in round_.samples:
                by_page.setdefault(sample.name, []).append(round(sample.error_s, 3))
        return by_page

    def worst(self) -> Sample:
        return max(
            (sample for round_ in self.rounds for sample in round_.samples),
            key=lambda sample: abs(sample.error_s),
        )

    def explain(self) -> str:
        """Every page's figures of the round with the worst page, one page a line."""
        worst = self.worst()
        round_ = next(r for r in self.rounds if worst in r.samples)
        lines = [f"pages apart by up to {round_.spread_s:.3f} s in that round; per page:"]
        lines += ["  " + sample.why(self.duration_s) for sample in round_.samples]
        lines.append(f"errors per round: {self.errors()}")
        return "\n".join(lines)


def sample_once(watched: list[Watched], started_ms: float) -> Round:
    samples = []
    for one in watched:
        raw = one.page.evaluate(SAMPLE)
        elapsed = (raw["wall"] - one.shift_ms - started_ms) / 1000
        samples.append(Sample(one.name, raw, elapsed, raw["time"] - elapsed))
    moment = samples[0].raw["at"]
    # Each page plays on at normal speed between its sample and the first page's.
    positions = [s.raw["time"] + (moment - s.raw["at"]) / 1000 for s in samples]
    return Round(samples, max(positions) - min(positions))


def measure(
    watched: list[Watched], started_ms: float, duration_s: float, rounds: int = 4
) -> Figures:
    """``rounds`` rounds of samples of every page, 0.4 s apart, while the greeting plays.

    A round with a sample within ENDING_S of the end stops the measuring (a busy machine can
    take seconds per round): it is kept aside to explain, not counted.
    """
    figures = Figures(duration_s)
    for number in range(rounds):
        if number:
            time.sleep(0.4)
        round_ = sample_once(watched, started_ms)
        if any(s.elapsed_s >= duration_s - ENDING_S for s in round_.samples):
            figures.too_late = round_
            break
        figures.rounds.append(round_)
    return figures


def assert_in_step(figures: Figures, within_s: float, slip_s: float) -> None:
    """Every page in step, or say why: its middle (median) error from the server's position and
    the middle spread of the pages within ``within_s``; no single sample beyond ``slip_s`` (a
    slip between two checks that the next one corrects)."""
    if not figures.rounds:
        late = figures.too_late
        lines = [sample.why(figures.duration_s) for sample in late.samples] if late else []
        raise AssertionError(
            "no round of samples before the greeting's end: the test, not a page, was too "
            "slow\n  " + "\n  ".join(lines)
        )
    middle = {name: statistics.median(errors) for name, errors in figures.errors().items()}
    spread = statistics.median(round_.spread_s for round_ in figures.rounds)
    worst = figures.worst()
    assert all(abs(error) <= within_s for error in middle.values()) and spread <= within_s, (
        f"not in step within {within_s} s: middle errors {middle}, middle spread "
        f"{spread:.3f} s\n{figures.explain()}"
    )
    assert abs(worst.error_s) <= slip_s and figures.worst_spread <= slip_s, (
        f"a slip beyond {slip_s} s: {worst.name} was {worst.error_s:+.3f} s off the server's "
        f"position, pages up to {figures.worst_spread:.3f} s apart\n{figures.explain()}"
    )


# Disturbing a page on purpose: its media requests, its video.


class MediaValve:
    """One page's video requests: the first answer brings only the first ``share`` of the file
    (a 206 that ends early, as a connection that stops would); later requests wait while the
    valve is closed, and go on to the server once it is opened."""

    def __init__(self, share: float):
        self.share, self.closed, self.served, self.held = share, True, False, []

    def handle(self, route) -> None:
        if not self.served:
            self.served = True
            answer = route.fetch(headers={**route.request.headers, "range": "bytes=0-"})
            body = answer.body()
            cut = int(len(body) * self.share)
            route.fulfill(
                status=206,
                headers={
                    "Content-Type": "video/mp4",
                    "Accept-Ranges": "bytes",
                    "Content-Range": f"bytes 0-{cut - 1}/{len(body)}",
                },
                body=body[:cut],
            )
        elif self.closed:
            self.held.append(route)
        else:
            route.continue_()

    def open(self) -> None:
        self.closed = False
        for route in self.held:
            try:
                route.continue_()
            except PlaywrightError:
                pass  # the browser dropped that request meanwhile (a newer seek)
        self.held.clear()


# Pause the video once the player is settled (no alignment under way, which would play it
# again by itself), in the same task as that look, so nothing comes in between; answers
# whether it paused and how many seeks the player had made by then.
PAUSE = """() => new Promise((resolve) => {
    const root = document.querySelector('#greeting-player');
    const video = root.querySelector('video');
    const tick = () => {
        if (root.dataset.sync !== 'playing' || video.paused) return setTimeout(tick, 50);
        video.pause();
        resolve({paused: video.paused, seeks: Number(root.dataset.seeks)});
    };
    tick();
})"""
SEEKS = "() => Number(document.querySelector('#greeting-player').dataset.seeks)"
# The page's own report says it is this far behind (data-offset, from its clock estimate).
BEHIND_BY = (
    """(seconds) => Number(document.querySelector('#greeting-player').dataset.offset) < -seconds"""
)
