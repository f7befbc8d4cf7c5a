// Whether this browser's listener wants the greetings' sound, and how loud: kept in
// localStorage, so that the choice made at one greeting holds for the next (and after a
// reload). Storage may be unavailable (private modes, blocked cookies): then the choice lasts
// as long as the page.

const SOUND_KEY = "conference.greetings.sound";
const VOLUME_KEY = "conference.greetings.volume";

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function soundPreference() {
  const memory = {};
  const read = (key) => {
    try {
      return storage()?.getItem(key) ?? memory[key] ?? null;
    } catch {
      return memory[key] ?? null;
    }
  };
  const write = (key, value) => {
    memory[key] = value;
    try {
      storage()?.setItem(key, value);
    } catch {
      // Full or forbidden: the in-page memory above still holds it.
    }
  };
  return {
    /** True when the listener turned the sound on last time. */
    wanted: () => read(SOUND_KEY) === "on",
    remember: (on) => write(SOUND_KEY, on ? "on" : "off"),
    /** The volume chosen last time (0-1), 1 if none. */
    volume: () => {
      const value = Number.parseFloat(read(VOLUME_KEY));
      return Number.isFinite(value) && value >= 0 && value <= 1 ? value : 1;
    },
    rememberVolume: (value) => write(VOLUME_KEY, String(value)),
  };
}

/** Wire the player's sound buttons and volume slider. `onUnmute()` runs on a tap of "Tap for
 * sound" (a tap is what lets a page the browser refused play). Returns render(), which shows
 * the button that fits: "Tap for sound" while silent, "Mute" and the volume while audible. */
export function wireSoundControls(root, video, sound, onUnmute) {
  const unmute = root.querySelector('[data-action="unmute"]');
  const mute = root.querySelector('[data-action="mute"]');
  const volume = root.querySelector('[data-field="volume"]');
  const render = () => {
    const audible = !video.muted && video.volume > 0;
    unmute.hidden = audible;
    root.querySelector('[data-field="sound"]').hidden = !audible;
    volume.value = String(video.volume);
    root.dataset.sound = audible ? "on" : "off";
  };
  unmute.addEventListener("click", () => {
    video.muted = false;
    if (video.volume === 0) video.volume = 1;
    sound.remember(true);
    onUnmute();
    render();
    // The button just pressed is gone: keep the keyboard user's place on its opposite.
    mute.focus();
  });
  mute.addEventListener("click", () => {
    video.muted = true;
    sound.remember(false);
    render();
    unmute.focus();
  });
  volume.addEventListener("input", (event) => {
    video.volume = Number(event.target.value);
    sound.rememberVolume(video.volume);
  });
  video.volume = sound.volume();
  video.addEventListener("volumechange", render);
  return render;
}
