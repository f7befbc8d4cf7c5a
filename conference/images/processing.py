"""Pictures checked and resized with Pillow; no Flask here.

:func:`make_renditions` takes an uploaded file (a JPEG, PNG or WebP), refuses anything else,
and writes the picture at a few widths, upright (its EXIF orientation applied) and without
any metadata (EXIF, GPS, XMP, comments are never copied). Memory stays small for big photos:

- only the header is read before the size is checked (:data:`MAX_PIXELS`), so a
  "decompression bomb" (a tiny file that declares a huge picture) is refused before decoding;
- a JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that still covers the largest width
  (``Image.draft``: libjpeg skips the detail, a 40-megapixel photo needs about 10 MB instead
  of 160 MB), then reduced by whole factors (``Image.reduce``) before the final resampling.

Outputs are JPEG (quality 85, progressive) for opaque pictures and PNG where the picture has
transparency (logos).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
# 50 megapixels: a 40-megapixel camera photo passes, a declared 100-megapixel bomb does not.
MAX_PIXELS = 50_000_000
MAX_BYTES = 25 * 1024 * 1024
JPEG_QUALITY = 85


class ImageRejected(Exception):
    """The upload is not a picture we take; ``code`` names why (see ``images.errors``)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Shape:
    """What a slot wants: the widths to write, and whether to crop to a square (portraits)."""

    widths: tuple[int, ...]
    square: bool = False


def _open_checked(source: BinaryIO) -> Image.Image:
    """The picture opened lazily (header only), after Pillow has verified the whole file."""
    source.seek(0, io.SEEK_END)
    size = source.tell()
    if size == 0:
        raise ImageRejected("empty")
    if size > MAX_BYTES:
        raise ImageRejected("too_large", megabytes=MAX_BYTES // (1024 * 1024))
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            source.seek(0)
            with Image.open(source, formats=list(FORMATS)) as probe:
                _check_header(probe)
                probe.verify()
            source.seek(0)
            image = Image.open(source, formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected("too_many_pixels", megapixels=MAX_PIXELS // 1_000_000) from exc
        except UnidentifiedImageError as exc:
            raise ImageRejected("not_an_image") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageRejected("damaged") from exc
    _check_header(image)
    return image


def _check_header(image: Image.Image) -> None:
    if image.format not in FORMATS:
        raise ImageRejected("not_an_image")
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageRejected("damaged")
    if width * height > MAX_PIXELS:
        raise ImageRejected("too_many_pixels", megapixels=MAX_PIXELS // 1_000_000)


def _decoded(image: Image.Image, largest: int, square: bool) -> Image.Image:
    """The picture decoded at the smallest size that still gives ``largest`` pixels across."""
    width, height = image.size
    side = min(width, height) if square else width
    scale = max(1, side // largest)
    if image.format == "JPEG" and scale > 1:
        # draft keeps at least the requested size: ask for the whole picture / scale.
        image.draft("RGB", (width // scale, height // scale))
    # Pillow's process-wide switch: WeasyPrint turns it on when it is imported (the first
    # report or certificate), and then a cut-off upload would load with a grey tail instead of
    # being refused. Nothing here wants it on.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected("damaged") from exc
    image = ImageOps.exif_transpose(image) or image
    side = min(image.size) if square else image.size[0]
    factor = side // largest
    if factor >= 2:
        image = image.reduce(factor)
    return image


def _flattened(image: Image.Image) -> tuple[Image.Image, str]:
    """RGB (saved as JPEG) or RGBA (PNG) when some pixel is at least partly transparent."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema()[0] < 255:
            return image, "png"
    return image.convert("RGB"), "jpg"


def make_renditions(source: BinaryIO, shape: Shape, folder: Path, stem: str) -> dict:
    """Write ``<stem>-<width>.<ext>`` into ``folder`` for each width of ``shape`` that the
    picture covers (never enlarged; a picture narrower than the smallest width is written once
    at its own width). Returns ``{key, ext, widths, width, height}`` (``width``/``height``:
    the largest file's size). Raises :class:`ImageRejected`; on a refusal nothing is left."""
    image = _open_checked(source)
    largest = max(shape.widths)
    try:
        image = _decoded(image, largest, shape.square)
        if shape.square:
            side = min(image.size)
            image = ImageOps.fit(
                image, (side, side), Image.Resampling.LANCZOS, centering=(0.5, 0.4)
            )
        image, ext = _flattened(image)
        image.info.clear()
        across = image.size[0]
        widths = [width for width in sorted(shape.widths) if width <= across] or [across]
        folder.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        size = image.size
        try:
            for width in widths:
                height = max(1, round(image.size[1] * width / across))
                resized = (
                    image
                    if width == across
                    else image.resize((width, height), Image.Resampling.LANCZOS)
                )
                path = folder / f"{stem}-{width}.{ext}"
                _save(resized, path, ext)
                written.append(path)
                size = (width, height)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    finally:
        image.close()
    return {"key": stem, "ext": ext, "widths": widths, "width": size[0], "height": size[1]}


def _save(image: Image.Image, path: Path, ext: str) -> None:
    with open(path, "xb") as out:
        if ext == "jpg":
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        else:
            image.save(out, "PNG", compress_level=6)
