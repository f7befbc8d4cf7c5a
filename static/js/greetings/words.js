// The greeting player's words: the partner's title, organisation and message under the video,
// the sentence for screen readers, and the time shown beside the label. There are no captions,
// so these are what a listener without sound has.

import { phrase } from "../live/live-client.js";

const knownGreetings = new Map(); // id -> the public greeting (title, message, organisation_id)

export function formatTime(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

async function details(url, id) {
  if (!knownGreetings.has(id)) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) for (const greeting of await response.json()) knownGreetings.set(greeting.id, greeting);
    } catch {
      // Without the words the video still plays; the next greeting asks again.
    }
  }
  return knownGreetings.get(id) || null;
}

/** Fill in the words of `greeting` unless `stillPlaying()` says it is gone by then. */
export async function describe(root, data, greeting, stillPlaying) {
  const info = await details(data.greetings_url, greeting.id);
  if (!stillPlaying()) return;
  const field = (name) => root.querySelector(`[data-field="${name}"]`);
  const organisation = info ? data.organisations[String(info.organisation_id)] || "" : "";
  field("title").textContent = info?.title || data.phrases.untitled;
  field("organisation").textContent = organisation;
  field("message").textContent = info?.message || "";
  field("message").hidden = !info?.message;
  field("video").setAttribute("aria-label", info?.title || data.phrases.untitled);
  const announcer = document.getElementById("greeting-player-announcer");
  announcer.textContent = "";
  const sentence = phrase(data.phrases, "playing", { organisation: organisation || info?.title || "" });
  setTimeout(() => (announcer.textContent = sentence), 50);
}
