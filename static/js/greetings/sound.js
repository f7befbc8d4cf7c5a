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
