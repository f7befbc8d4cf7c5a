"""The attendance chart of the report: an SVG drawn on the server from the per-minute samples.

The same markup goes into the page and the PDF (WeasyPrint draws inline SVG itself), so the
chart needs no script and looks the same on paper. It is a step line (a sample counts who was
online during its minute), the time axis in the event's own zone, the peak marked and named.
For screen readers the SVG carries a ``<title>`` and ``<desc>`` (the peak, the span); the page
adds the samples as a table beside it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from markupsafe import Markup, escape

from conference.events.formatting import clock, in_event_zone

WIDTH, HEIGHT = 680, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 28, 34
TIME_STEPS = (5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440)  # minutes between time ticks
MAX_TIME_TICKS = 9
MAX_COUNT_TICKS = 5


def count_step(peak: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50, …) that needs at most MAX_COUNT_TICKS steps to peak."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor * MAX_COUNT_TICKS >= max(peak, 1):
                return step * factor
        step *= 10


def time_ticks(first: datetime, minutes: int, event) -> list[int]:
    """Minute offsets from ``first`` of ticks on round local times (every 5, 10, 15, … min)."""
    step = next((s for s in TIME_STEPS if minutes / s <= MAX_TIME_TICKS - 1), TIME_STEPS[-1])
    local = in_event_zone(first, event)
    past = (local.hour * 60 + local.minute) % step
    offset = (step - past) % step
    return list(range(offset, minutes + 1, step))


def attendance_chart(samples: list[tuple[datetime, int]], event) -> Markup:
    """The ``<svg>`` of ``samples`` [(minute, online)]; empty markup when there are none."""
    if not samples:
        return Markup("")
    first = samples[0][0]
    span = max(len(samples), 1)  # each sample is one minute wide
    peak = max(online for _minute, online in samples)
    step = count_step(peak)
    top_value = max(step, -(-peak // step) * step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(minute: float) -> float:
        return round(LEFT + plot_w * minute / span, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    points = []
    for index, (_minute, online) in enumerate(samples):
        points += [f"{x(index)},{y(online)}", f"{x(index + 1)},{y(online)}"]
    line = " ".join(points)
    area = f"{x(0)},{y(0)} {line} {x(span)},{y(0)}"
    peak_index = next(i for i, (_minute, online) in enumerate(samples) if online == peak)
    peak_time = clock(samples[peak_index][0], event)
    last_time = clock(first + timedelta(minutes=span), event)
    title = _("Attendance over time")
    desc = _(
        "People online each minute from %(start)s to %(end)s; the peak was %(peak)s at %(time)s.",
        start=clock(first, event),
        end=last_time,
        peak=peak,
        time=peak_time,
    )
    parts = [
        f'<svg class="attendance-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for value in range(0, top_value + 1, step):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" y2="{y(value)}" '
            f'stroke="#d0d5da" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4}" text-anchor="end" fill="#333">{value}</text>'
        )
    for minute in time_ticks(first, span, event):
        label = escape(clock(first + timedelta(minutes=minute), event))
        parts.append(
            f'<line x1="{x(minute)}" x2="{x(minute)}" y1="{y(0)}" y2="{y(0) + 5}" '
            f'stroke="#333" stroke-width="1"/>'
            f'<text x="{x(minute)}" y="{y(0) + 18}" text-anchor="middle" fill="#333">{label}</text>'
        )
    parts.append(f'<polygon points="{area}" fill="#00778a" fill-opacity="0.18" stroke="none"/>')
    parts.append(f'<polyline points="{line}" fill="none" stroke="#00778a" stroke-width="2"/>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0)}" y2="{y(0)}" stroke="#333"/>')
    peak_x, peak_y = x(peak_index + 0.5), y(peak)
    anchor = "start" if peak_x < LEFT + plot_w / 2 else "end"
    nudge = 8 if anchor == "start" else -8
    peak_label = escape(_("Peak: %(peak)s at %(time)s", peak=peak, time=peak_time))
    parts.append(
        f'<circle cx="{peak_x}" cy="{peak_y}" r="4" fill="#b3261e"/>'
        f'<text x="{peak_x + nudge}" y="{max(peak_y - 8, 12)}" text-anchor="{anchor}" '
        f'fill="#b3261e" font-weight="bold">{peak_label}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
