// The console's greeting card: "Now playing: <title> (<organisation>) 0:42 / 1:30" with Stop,
// and "Next greeting: …" from the playlist with Play. The buttons carry data-command, so the
// console's own sender (static/js/live/console.js) sends them with expected_seq and a
// command_id, and shows refusals like for every other button; this module only keeps the
// card in step with the live state and the playlist (the moderators' greetings API).

import { phrase, readJson, startLiveClient } from "../live/live-client.js";
import { ServerClock } from "./clock.js";

const REFRESH_PLAYLIST_MS = 60_000;

const { client, page } = startLiveClient();
const data = readJson("greeting-console-data");
const clock = new ServerClock(client.socket, { serverNowAtLoad: page.server_now });
const card = document.getElementById("console-greeting");
const part = (name) => card.querySelector(`[data-greeting="${name}"]`);
const stopButton = card.querySelector('[data-command="stop_greeting"]');
const playButton = card.querySelector('[data-command="play_greeting"]');
const lastPlayedKey = `conference.greetings.last-played.${page.slug}`;

let playlist = []; // approved, ready greetings in playing order

function formatTime(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function label(greeting, key) {
  const info = playlist.find((known) => known.id === greeting.id) || greeting;
  return phrase(data.phrases, key, {
    title: info.title || data.phrases.untitled,
    organisation: data.organisations[String(info.organisation_id)] || "",
  });
}

/** The greeting on screens now, or null once its time is over (the server's stop follows). */
function nowPlaying(state) {
  const greeting = state.greeting;
  if (!greeting) return null;
  const position = (clock.now() - Date.parse(greeting.started_at)) / 1000;
  return position < greeting.duration_s ? { greeting, position } : null;
}

function rememberPlayed(id) {
  try {
    sessionStorage.setItem(lastPlayedKey, String(id));
  } catch {
    // Without storage "next" follows the playing greeting only.
  }
}

function lastPlayedId() {
  try {
    return Number(sessionStorage.getItem(lastPlayedKey)) || null;
  } catch {
    return null;
  }
}

/** The greeting after the one playing (or after the last one played), else the first. */
function nextGreeting(state) {
  const afterId = state.greeting?.id ?? lastPlayedId();
  const index = playlist.findIndex((greeting) => greeting.id === afterId);
  if (index < 0) return playlist[0] || null;
  return playlist[index + 1] || null;
}

function render() {
  const state = client.state;
  const now = nowPlaying(state);
  part("now").hidden = !now;
  if (now) {
    part("now-text").textContent = label(now.greeting, "now_playing");
    part("now-time").textContent = `${formatTime(now.position)} / ${formatTime(now.greeting.duration_s)}`;
    part("now-bar").style.width = `${(100 * now.position) / now.greeting.duration_s}%`;
    stopButton.dataset.greetingId = now.greeting.id;
  }
  const next = nextGreeting(state);
  part("next").hidden = !next;
  if (next) {
    part("next-text").textContent = label(next, "next");
    part("next-duration").textContent = formatTime(next.duration_s);
    playButton.dataset.greetingId = next.id;
  }
  part("empty").hidden = Boolean(next);
  part("empty").textContent = playlist.length ? data.phrases.no_more : data.phrases.empty;
}

async function loadPlaylist() {
  try {
    const response = await fetch(data.greetings_url, { credentials: "same-origin" });
    if (!response.ok) return;
    const greetings = await response.json();
    // Moderators get every greeting; the playlist is the approved, ready ones, in order.
    playlist = greetings.filter((greeting) => (greeting.status ?? "ready") === "ready" && (greeting.review ?? "approved") === "approved");
    render();
  } catch {
    // The card keeps what it had; the next refresh tries again.
  }
}

client.onChange((state, previous, cause) => {
  if (cause.kind === "presence") return;
  const type = cause.update?.type;
  if (type === "greeting.started") rememberPlayed(state.greeting.id);
  if (type === "greeting.started" || type === "greeting.stopped" || cause.kind === "snapshot") loadPlaylist();
  else render();
});
if (client.state.greeting) rememberPlayed(client.state.greeting.id);
render();
loadPlaylist();
setInterval(render, 1000);
setInterval(loadPlaylist, REFRESH_PLAYLIST_MS);
