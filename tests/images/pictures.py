"""Pictures made for the tests: a camera JPEG with EXIF orientation and GPS, a PNG with
transparency, a 40-megapixel photo, and a file that only calls itself a picture."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def camera_jpeg(width: int = 1200, height: int = 900) -> bytes:
    """A JPEG as a phone writes it: stored sideways with orientation 6 (turn 90° clockwise to
    show), and the place it was taken (Daugavpils, 55.87° N 26.53° E) in its GPS data."""
    image = Image.new("RGB", (width, height), (30, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 4, height // 4), fill=(250, 200, 0))  # marks the top left
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "Telefons"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (55.0, 52.0, 12.0), 3: "E", 4: (26.0, 31.0, 48.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def transparent_png(width: int = 800, height: int = 400) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 50, 700, 350), fill=(11, 74, 162, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


FORTY_MP = (7744, 5164)  # 39.99 megapixels, a 3:2 full-frame camera


def forty_megapixel_jpeg(path: Path) -> Path:
    """A 40-megapixel JPEG (a few MB: broad fields of colour compress well)."""
    image = Image.new("RGB", FORTY_MP, (200, 220, 240))
    draw = ImageDraw.Draw(image)
    for step in range(0, FORTY_MP[0], 400):
        draw.rectangle((step, 0, step + 200, FORTY_MP[1]), fill=(step % 255, 120, 60))
    image.save(path, "JPEG", quality=80)
    image.close()
    return path


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {**dict(exif), **dict(exif.get_ifd(GPS_IFD))}
