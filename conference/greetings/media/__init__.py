"""Greeting videos: check an upload and turn it into a browser-playable MP4 and a poster.

Pure media work with PyAV (FFmpeg's libraries); no Flask app, request or database is
needed, so a background task can call it::

    from conference.greetings.media import MediaRejected, process_video, rejection_message

    # In the background task (minutes for a long 1080p clip that must be re-encoded):
    try:
        result = process_video(upload_path, greeting_dir)
    except MediaRejected as rejected:
        # Store the stable code and its JSON-safe parameters, not a translated sentence.
        greeting.failure_code, greeting.failure_params = rejected.code, rejected.params

    # Wherever the reason is shown, in the reader's language:
    with force_locale(partner_language):
        reason = rejection_message(greeting.failure_code, greeting.failure_params)

The steps, each in its own module: :mod:`.probe` (open safely, read the declared streams
and duration), :mod:`.decode` (decode everything once: truncation, damage, loudness,
poster frame), :mod:`.output` (copy or re-encode into MP4 with the index in front),
:mod:`.picture` (rotation, size, poster JPEG), :mod:`.loudness` (EBU R128).
"""

from .errors import REJECTION_MESSAGES, MediaRejected, format_duration, rejection_message
from .pipeline import ProcessedVideo, process_video

__all__ = [
    "REJECTION_MESSAGES",
    "MediaRejected",
    "ProcessedVideo",
    "format_duration",
    "process_video",
    "rejection_message",
]
