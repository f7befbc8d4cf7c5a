"""conference.images.processing on its own (no app): formats, refusals, widths."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conference.images.processing import ImageRejected, Shape, make_renditions
from tests.images.pictures import camera_jpeg, exif_of

SMALL = Shape((160, 320, 640))


def encoded(image: Image.Image, fmt: str, **options) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    out.seek(0)
    return out


def test_webp_with_transparency_becomes_png_and_opaque_webp_jpeg(tmp_path):
    clear = Image.new("RGBA", (700, 350), (0, 0, 0, 0))
    clear.paste((200, 30, 30, 255), (100, 100, 300, 250))
    picture = make_renditions(encoded(clear, "WEBP", lossless=True), SMALL, tmp_path, "a" * 32)
    assert picture["ext"] == "png" and picture["widths"] == [160, 320, 640]
    opaque = Image.new("RGB", (700, 350), (10, 120, 60))
    picture = make_renditions(encoded(opaque, "WEBP"), SMALL, tmp_path, "b" * 32)
    assert picture["ext"] == "jpg"
    with Image.open(tmp_path / f"{'b' * 32}-320.jpg") as image:
        assert image.size == (320, 160)


def test_a_small_picture_is_never_enlarged(tmp_path):
    picture = make_renditions(
        encoded(Image.new("RGB", (120, 90)), "PNG"), SMALL, tmp_path, "c" * 32
    )
    assert picture["widths"] == [120] and (picture["width"], picture["height"]) == (120, 90)


def test_a_square_crop_for_portraits_keeps_no_metadata(tmp_path):
    picture = make_renditions(
        io.BytesIO(camera_jpeg(1600, 900)), Shape((160, 320), square=True), tmp_path, "d" * 32
    )
    assert (picture["width"], picture["height"]) == (320, 320)
    for width in (160, 320):
        assert exif_of((tmp_path / f"{'d' * 32}-{width}.jpg").read_bytes()) == {}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"GIF89a" + b"\0" * 64, "not_an_image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not_an_image"),
        (camera_jpeg()[:2000], "damaged"),
    ],
    ids=["empty", "gif", "svg", "truncated-jpeg"],
)
def test_refusals_leave_no_file(tmp_path, data, code):
    folder = tmp_path / "images"
    with pytest.raises(ImageRejected) as refused:
        make_renditions(io.BytesIO(data), SMALL, folder, "e" * 32)
    assert refused.value.code == code
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_cut_off_upload_is_refused_after_a_pdf_was_made(tmp_path):
    """WeasyPrint (reports, certificates) turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole
    process when imported; uploads made after the first PDF must still refuse cut-off files."""
    import weasyprint  # noqa: F401  the import is what flips the switch
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint leaves it, whatever ran before
    with pytest.raises(ImageRejected) as refused:
        make_renditions(io.BytesIO(camera_jpeg()[:2000]), SMALL, tmp_path / "images", "f" * 32)
    assert refused.value.code == "damaged"
