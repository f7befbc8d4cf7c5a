"""Partner video greetings: uploads, processing into browser-playable video, review, playlist."""
