// Seeking a video and waiting until it can play on from there, without ever hanging: a seek
// the browser drops, or data that does not come, ends the wait after `timeoutMs`.

/** Resolves once `event` fires on `video`, or after `timeoutMs`. */
function once(video, event, timeoutMs) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      video.removeEventListener(event, done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    video.addEventListener(event, done);
  });
}

/** Seek, and wait until the picture there is decoded and enough follows to play on. */
export async function seekTo(video, seconds, timeoutMs) {
  const seeked = once(video, "seeked", timeoutMs);
  video.currentTime = seconds;
  await seeked;
  if (video.readyState < HTMLMediaElement.HAVE_FUTURE_DATA) await once(video, "canplay", timeoutMs);
}
