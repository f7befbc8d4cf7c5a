"""Draw the demo's own pictures with Pillow: no third-party artwork, same files on every run.

    .venv/bin/python scripts/draw_pictures.py

writes into ``conference/demo/pictures/``:

- ``event-logo.png``: the demo event's mark (a rounded square, a river's curve, "DT");
- ``event-banner.jpg``: a wide banner (the Daugava's waves under an evening sky, abstract);
- ``organisation-<key>.png``: a simple monogram mark for each organisation of the demo file
  (made-up marks: none is any organisation's real logo);
- ``person-<key>.jpg``: an abstract portrait (a head-and-shoulders shape and initials) for
  each speaker;

and into ``static/``: ``favicon-32.png``, ``apple-touch-icon.png``, ``favicon.ico`` and
``og-default.png`` (the link-preview picture of an event without a banner or logo). The demo
import (``conference.demo``) reads the first four kinds by these names; the files are
committed, so this script runs only when the pictures should change. Text uses DejaVu Sans
Bold when the system has it, else Pillow's own font.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "conference" / "demo"
OUT = DEMO / "pictures"
STATIC = ROOT / "static"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

BLUE = (11, 74, 162)
DARK = (8, 40, 82)
TEAL = (0, 119, 138)
GOLD = (255, 204, 0)
WHITE = (255, 255, 255)
PALETTE = [
    (0, 119, 138),
    (176, 58, 46),
    (46, 125, 50),
    (123, 31, 162),
    (191, 96, 0),
    (21, 101, 192),
    (69, 90, 100),
    (173, 20, 87),
]


def font(size: int) -> ImageFont.ImageFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size)


def centred_text(draw: ImageDraw.ImageDraw, box, text: str, size: int, fill) -> None:
    left, top, right, bottom = box
    draw.text(
        ((left + right) / 2, (top + bottom) / 2), text, font=font(size), fill=fill, anchor="mm"
    )


def initials(name: str) -> str:
    words = [word for word in name.replace("/", " ").split() if word[:1].isalpha()]
    return "".join(word[0] for word in words[:2]).upper()


def event_mark(size: int) -> Image.Image:
    """The event's mark: a blue rounded square, a gold river curve, "DT" in white."""
    scale = 4  # drawn large, then reduced: smooth edges without antialiasing support
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    points = [
        (x, big * 0.74 + math.sin(x / big * math.pi * 2.2) * big * 0.06)
        for x in range(0, big + 1, max(1, big // 64))
    ]
    draw.line(points, fill=GOLD, width=max(2, big // 22), joint="curve")
    centred_text(draw, (0, 0, big, big * 0.68), "DT", int(big * 0.4), WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def banner(width: int = 1920, height: int = 640) -> Image.Image:
    """An evening sky over waves: vertical gradient, a sun, five layers of waves."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (16, 52, 110), (0, 119, 138)
    for y in range(height):
        share = y / (height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    draw.ellipse((width * 0.68, height * 0.12, width * 0.68 + 220, height * 0.12 + 220), fill=GOLD)
    glow = image.filter(ImageFilter.GaussianBlur(30))
    image = Image.blend(image, glow, 0.35)
    draw = ImageDraw.Draw(image)
    for layer in range(5):
        base = height * (0.55 + layer * 0.09)
        shade = tuple(round(channel * (0.9 - layer * 0.12)) for channel in (20, 120, 150))
        points = [(0, height)]
        for x in range(0, width + 1, 16):
            wave = math.sin(x / width * math.pi * (3 + layer) + layer) * height * 0.03
            points.append((x, base + wave))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    return image


def monogram(organisation: dict) -> str:
    """The partners of the demo are unnamed ("Partner organisation in Estonia"): their country
    code, numbered where a country has two; others their initials."""
    key = organisation["key"]
    if key.startswith("partner-"):
        return organisation["country"] + key.rsplit("-", 1)[-1] * key[-1].isdigit()
    return initials(organisation["name"])


def organisation_mark(text: str, colour, width: int = 320, height: int = 160) -> Image.Image:
    """A monogram mark beside three bars: clearly a placeholder, in the organisation's colour."""
    scale = 2
    image = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    side = height * scale
    draw.ellipse((0, 0, side - 1, side - 1), fill=colour)
    centred_text(
        draw, (0, 0, side, side), text, int(side * (0.42 if len(text) < 3 else 0.32)), WHITE
    )
    bar = side * 0.14
    for row, length in enumerate((1.0, 0.78, 0.56)):
        y = side * 0.26 + row * bar * 1.6
        x0 = side * 1.12
        draw.rounded_rectangle(
            (x0, y, x0 + (width * scale - x0) * length * 0.95, y + bar),
            radius=bar / 2,
            fill=colour,
        )
    return image.resize((width, height), Image.Resampling.LANCZOS)


def portrait(name: str, colour, size: int = 640) -> Image.Image:
    """Abstract head and shoulders on a coloured ground, initials on the chest."""
    light = tuple(round(channel * 0.35 + 255 * 0.65) for channel in colour)
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.32, size * 0.16, size * 0.68, size * 0.52), fill=colour)
    draw.ellipse((size * 0.12, size * 0.56, size * 0.88, size * 1.3), fill=colour)
    centred_text(draw, (0, size * 0.62, size, size * 0.98), initials(name), size // 7, WHITE)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    spec = tomllib.loads((DEMO / "daugavpils-2021.toml").read_text(encoding="utf-8"))
    event_mark(640).save(OUT / "event-logo.png", optimize=True)
    banner().save(OUT / "event-banner.jpg", quality=88, optimize=True, progressive=True)
    for index, organisation in enumerate(spec.get("organisations", [])):
        colour = BLUE if organisation["role"] == "organiser" else PALETTE[index % len(PALETTE)]
        mark = organisation_mark(monogram(organisation), colour)
        mark.save(OUT / f"organisation-{organisation['key']}.png", optimize=True)
    for index, person in enumerate(spec.get("people", [])):
        picture = portrait(person["name"], PALETTE[(index * 3 + 1) % len(PALETTE)])
        picture.save(OUT / f"person-{person['key']}.jpg", quality=88, optimize=True)
    mark = event_mark(512)
    mark.resize((32, 32), Image.Resampling.LANCZOS).save(STATIC / "favicon-32.png", optimize=True)
    touch = Image.new("RGB", (180, 180), WHITE)
    touch.paste(
        mark.resize((160, 160), Image.Resampling.LANCZOS), (10, 10), mark.resize((160, 160))
    )
    touch.save(STATIC / "apple-touch-icon.png", optimize=True)
    mark.save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    preview = banner(1200, 630)
    logo = event_mark(300)
    preview.paste(logo, (90, 165), logo)
    preview.save(STATIC / "og-default.png", optimize=True)


if __name__ == "__main__":
    main()
