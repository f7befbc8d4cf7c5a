"""Why an uploaded greeting video was refused, as a stable code the caller can translate.

Processing runs in a background task with no request and so no user language. It raises
:class:`MediaRejected` with a snake_case ``code`` and plain parameters; whoever shows the
reason to the partner looks the code up in :data:`REJECTION_MESSAGES` and formats the
translated template with the parameters, inside ``force_locale(partner_language)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

REJECTION_MESSAGES = {
    # partner: the uploaded greeting file has no bytes
    "empty_file": _l("The file is empty. Please upload the video again."),
    # partner: the uploaded file is no video format we read
    "not_a_video": _l(
        "This file is not a video we can read. Please upload an MP4, MOV or WebM video."
    ),
    # partner: the upload or export of the video was cut short
    "truncated": _l(
        "The video file is incomplete: it ends before the video does. The upload or the "
        "export was probably cut short; please upload it again."
    ),
    # partner: damaged video; position is m:ss into the video
    "decode_failed": _l(
        "The video is damaged and cannot be played (the error comes at %(position)s). "
        "Please export it again and upload the new file."
    ),
    # partner: codec is a technical name such as prores
    "unsupported_codec": _l(
        "The video uses a format (%(codec)s) that we cannot convert. "
        "Please export it as MP4 (H.264) and upload it again."
    ),
    # partner: the file has no picture track
    "no_video_stream": _l("The file contains no video picture."),
    # partner: the file has sound but no picture
    "audio_only": _l("The file contains only sound. Please upload a video with a picture."),
    # partner: a photo was uploaded instead of a video
    "still_image": _l("This is a still image, not a video. Please upload a video."),
    # partner: duration and limit are m:ss, e.g. 12:30 and 10:00
    "too_long": _l("The video is %(duration)s long; the limit is %(limit)s."),
}
"""English message templates by rejection code, lazily translated (``_l``).

Each template names the parameters it uses; :class:`MediaRejected` always carries them.
"""


class MediaRejected(Exception):
    """The upload cannot become a greeting; ``code`` says why and ``params`` fill the message.

    ``code`` is one of the keys of :data:`REJECTION_MESSAGES` and is stable: store it, and
    translate it only when it is shown. ``params`` holds plain, language-neutral strings
    (durations as ``m:ss``) plus raw numbers under ``*_s`` names for programs.
    """

    def __init__(self, code: str, params: dict[str, object] | None = None) -> None:
        if code not in REJECTION_MESSAGES:
            raise ValueError(f"unknown rejection code {code!r}")
        params = dict(params or {})
        # Both go to Exception.args so the error survives pickling between task workers.
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        # For logs and tracebacks; partners see rejection_message() instead.
        return f"{self.code} {self.params}"


def rejection_message(code: str, params: Mapping[str, object] | None = None) -> str:
    """The reason for ``code`` in the current locale, filled in with ``params``.

    Takes what :class:`MediaRejected` carries (and what is stored of it), so a failure
    recorded in the background can be shown later in each reader's language. Outside a
    request or ``force_locale`` the text is English.
    """
    return str(REJECTION_MESSAGES[code]) % dict(params or {})


def format_duration(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``), rounded to the nearest second, the same in every language."""
    total = max(0, math.floor(seconds + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
