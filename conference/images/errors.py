"""Why an upload is not taken as a picture, as a sentence in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from conference.errors import Invalid


def message(code: str, params: dict) -> str:
    if code == "empty":
        return _("The file is empty.")
    if code == "not_an_image":
        return _("This file is not a picture. Please upload a JPEG, PNG or WebP image.")
    if code == "too_large":
        return _("The file is larger than %(megabytes)s MB.", megabytes=params["megabytes"])
    if code == "too_many_pixels":
        return _(
            "The picture has more than %(megapixels)s megapixels.",
            megapixels=params["megapixels"],
        )
    return _("The picture could not be read; the file may be damaged.")


def rejection(code: str, params: dict, field: str = "file") -> Invalid:
    """A 422 refusal for :class:`~conference.images.processing.ImageRejected`."""
    return Invalid(message(code, params), code=f"image_{code}", field=field)
