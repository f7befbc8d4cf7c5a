"""An event's accent colour: checked, stored, and turned into a stylesheet that keeps AA contrast.

The accent colour an organiser picks may be any colour, light yellow included, but the pages
put white text on the brand colour (header, navigation, buttons) and brand-coloured links on
white. So the stylesheet (``/events/<slug>/theme.css``, :func:`theme_css`) does not use the
colour as it is for those: ``--brand`` is the accent darkened until white text on it (and it
as text on white and on ``--brand-tint``) reaches 4.5:1 (WCAG AA for normal text), ``--brand-dark`` darker still. The
colour itself is only used where it carries no text of its own (a stripe under the header, the
banner's edge), and for the rare text on it (``--event-accent-text``) white, near-black or
black is chosen, the first that reaches 4.5:1 (black or white always does).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from conference.errors import Invalid

COLOUR = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
WHITE = (255, 255, 255)
NEAR_BLACK = (0x1B, 0x1F, 0x24)  # the site's --ink
AA = 4.5


def parse_colour(text: str | None) -> str | None:
    """``#rrggbb`` (lower case) from ``#rgb``/``#rrggbb`` with or without ``#``; None for
    nothing; :class:`Invalid` (422 ``bad_colour``) for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    match = COLOUR.fullmatch(text)
    if not match:
        raise Invalid(
            _("Enter the colour as #rrggbb, for example #0b4aa2."),
            code="bad_colour",
            field="accent_color",
        )
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return "#" + digits


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def hex_of(value: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{channel:02x}" for channel in value)


def luminance(value: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG 2.x)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(channel) for channel in value)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(colour: str) -> str:
    """White, else the site's near-black, else black: the first that reaches 4.5:1 on
    ``colour`` (black or white always does: the worst case, a mid grey, gives 4.6:1 with black)."""
    value = rgb(colour)
    for candidate in (WHITE, NEAR_BLACK, (0, 0, 0)):
        if contrast(candidate, value) >= AA:
            return hex_of(candidate)
    return hex_of(WHITE if contrast(WHITE, value) > contrast((0, 0, 0), value) else (0, 0, 0))


def darkened(value: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(round(channel * factor) for channel in value)  # type: ignore[return-value]


def mixed_with_white(value: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    return tuple(round(channel * share + 255 * (1 - share)) for channel in value)  # type: ignore[return-value]


def tint_of(colour: str) -> str:
    """The accent as a light background (12 % of it on white): info boxes, the next item."""
    return hex_of(mixed_with_white(rgb(colour), 0.12))


def brand_from(colour: str) -> str:
    """The accent darkened in 2 % steps until it reaches 4.5:1 against white and against its
    own tint (links sit on both: the page, and the info boxes and the next item)."""
    value = rgb(colour)
    backgrounds = (WHITE, rgb(tint_of(colour)))
    factor = 1.0
    while min(contrast(darkened(value, factor), ground) for ground in backgrounds) < AA:
        factor -= 0.02
    return hex_of(darkened(value, factor))


def theme_css(colour: str) -> str:
    """The stylesheet for an event whose accent colour is ``colour`` (``#rrggbb``)."""
    brand = brand_from(colour)
    brand_dark = hex_of(darkened(rgb(brand), 0.72))
    tint = tint_of(colour)
    return (
        "/* The event's accent colour (conference.images.colours). */\n"
        ":root {\n"
        f"  --event-accent: {colour};\n"
        f"  --event-accent-text: {text_on(colour)};\n"
        f"  --brand: {brand};\n"
        f"  --brand-dark: {brand_dark};\n"
        f"  --brand-tint: {tint};\n"
        "}\n"
    )
