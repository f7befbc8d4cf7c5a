// The greeting player of the attendee page and the screen view: every page plays the greeting
// the moderator started from the same moment, the server's `started_at`.
//
// Position = server now (clock.js, NTP-style over the socket) - started_at. To start (also
// late, mid-greeting) the page seeks a little ahead, waits for the moment, then plays, so the
// seek's own cost does not show; one that comes after the end plays nothing. Every 2 s it compares
// the video with where it should be: off by more than 0.5 s it seeks again, less than that
// it plays a little faster or slower until the gap is gone. The player hides itself at
// started_at + duration_s, and at once on greeting.stopped.
//
// Browsers let a page start a video by itself only muted, so it starts muted with a large
// "Tap for sound" button; whoever turns the sound on is remembered (localStorage), and the
// next greeting starts with sound if the browser allows it (else muted with the button again).

import { phrase, readJson, startLiveClient } from "../live/live-client.js";
import { ServerClock } from "./clock.js";
import { soundPreference } from "./sound.js";

const CHECK_EVERY_MS = 2000;
const SEEK_OVER_S = 0.5; // farther off than this: seek
const NUDGE_OVER_S = 0.04; // between this and SEEK_OVER_S: adjust the rate
const MAX_RATE_CHANGE = 0.1;
const FIRST_LEAD_S = 0.3; // seek this far ahead, then wait for the moment to play
const SEEK_TIMEOUT_MS = 5000;
const SEEK_ATTEMPTS = 2;

const { client, page } = startLiveClient();
const data = readJson("greeting-player-data");
const clock = new ServerClock(client.socket, { serverNowAtLoad: page.server_now });
const sound = soundPreference();
const root = document.getElementById("greeting-player");
const field = (name) => root.querySelector(`[data-field="${name}"]`);
const video = field("video");
const unmuteButton = root.querySelector('[data-action="unmute"]');
const announcer = document.getElementById("greeting-player-announcer");
const knownGreetings = new Map(); // id -> the public greeting (title, message, organisation_id)

let playing = null; // {greeting, startMs, endMs, timers, aligning, blocked}
let seekLead = FIRST_LEAD_S;

if (page.page === "screen") {
  // The screen's whole 16:9 stage; the stage is shown only while a greeting plays.
  document.getElementById("greeting-stage").append(root);
}

/** Where the greeting is now on every screen, in seconds from its start. */
function positionOf(current) {
  return (clock.now() - current.startMs) / 1000;
}

function formatTime(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function say(sentence) {
  announcer.textContent = "";
  setTimeout(() => (announcer.textContent = sentence), 50);
}

async function details(id) {
  if (!knownGreetings.has(id)) {
    try {
      const response = await fetch(data.greetings_url, { credentials: "same-origin" });
      if (response.ok) for (const greeting of await response.json()) knownGreetings.set(greeting.id, greeting);
    } catch {
      // Without the words the video still plays; the next greeting asks again.
    }
  }
  return knownGreetings.get(id) || null;
}

async function describe(current) {
  const info = await details(current.greeting.id);
  if (playing !== current) return;
  const organisation = info ? data.organisations[String(info.organisation_id)] || "" : "";
  field("title").textContent = info?.title || data.phrases.untitled;
  field("organisation").textContent = organisation;
  field("message").textContent = info?.message || "";
  field("message").hidden = !info?.message;
  video.setAttribute("aria-label", info?.title || data.phrases.untitled);
  say(phrase(data.phrases, "playing", { organisation: organisation || info?.title || "" }));
}

function showStage(visible) {
  root.hidden = !visible;
  if (page.page === "screen") document.getElementById("greeting-stage").hidden = !visible;
}

function renderSound() {
  const audible = !video.muted && video.volume > 0;
  unmuteButton.hidden = audible;
  field("sound").hidden = !audible;
  field("volume").value = String(video.volume);
  root.dataset.sound = audible ? "on" : "off";
}

function renderProgress() {
  if (!playing) return;
  const position = Math.min(positionOf(playing), playing.greeting.duration_s);
  field("time").textContent = `${formatTime(position)} / ${formatTime(playing.greeting.duration_s)}`;
  field("bar").style.width = `${(100 * position) / playing.greeting.duration_s}%`;
}

/** play(), with sound if wanted and allowed; a refusal of sound falls back to muted.
 * False when even muted playing was refused (a power saver): the button then starts it. */
async function startPlaying(current) {
  video.muted = !sound.wanted();
  let started = true;
  try {
    await video.play();
  } catch (error) {
    if (error.name !== "NotAllowedError") return true; // AbortError: a new source came
    video.muted = true;
    started = await video.play().then(() => true, () => false);
  }
  current.blocked = !started;
  renderSound();
  return started;
}

/** Resolves once `event` fires on the video (or after SEEK_TIMEOUT_MS: never hang). */
function once(event) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, SEEK_TIMEOUT_MS);
    video.addEventListener(event, () => resolve(clearTimeout(timer)), { once: true });
  });
}

/** Seek, and wait until the picture there is decoded and enough follows to play on. */
async function seekTo(seconds) {
  const seeked = once("seeked");
  video.currentTime = seconds;
  await seeked;
  if (video.readyState < HTMLMediaElement.HAVE_FUTURE_DATA) await once("canplay");
}

/** Seek a little ahead of where the greeting is, wait until it gets there, then play: the
 * picture starts at the same moment as everywhere else, whatever the seek cost here. */
async function align(current) {
  if (current.aligning) return;
  current.aligning = true;
  try {
    video.pause();
    let early = 0;
    // A cold seek costs a download; the second one, near what just came, costs little.
    for (let attempt = 0; attempt < SEEK_ATTEMPTS; attempt += 1) {
      const seekStarted = performance.now();
      const target = Math.max(0, positionOf(current) + seekLead);
      if (target >= current.greeting.duration_s) return;
      await seekTo(target);
      if (playing !== current) return;
      // What this seek cost decides the next lead: enough to be early, not much more.
      const cost = (performance.now() - seekStarted) / 1000;
      seekLead = Math.min(2, Math.max(0.15, 1.5 * cost + 0.1));
      early = video.currentTime - positionOf(current);
      if (early > -NUDGE_OVER_S) break;
    }
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early * 1000));
    if (playing !== current) return;
    video.playbackRate = 1;
    if (await startPlaying(current)) setTimeout(check, CHECK_EVERY_MS / 4);
  } finally {
    current.aligning = false;
  }
}

function check() {
  const current = playing;
  if (!current || current.aligning || video.readyState < HTMLMediaElement.HAVE_METADATA) return;
  const expected = positionOf(current);
  if (expected >= current.greeting.duration_s) return finish(current);
  if (current.blocked) return;
  if (video.paused) return align(current);
  const drift = video.currentTime - expected; // > 0: ahead
  root.dataset.drift = drift.toFixed(3);
  if (Math.abs(drift) > SEEK_OVER_S) return align(current);
  // Close the gap within about one check period: behind plays faster, ahead slower.
  const change = Math.abs(drift) > NUDGE_OVER_S ? -drift / (CHECK_EVERY_MS / 1000) : 0;
  video.playbackRate = 1 + Math.max(-MAX_RATE_CHANGE, Math.min(MAX_RATE_CHANGE, change));
}

function finish(current) {
  if (playing !== current) return;
  clearTimeout(current.endTimer);
  current.timers.forEach(clearInterval);
  playing = null;
  video.pause();
  video.removeAttribute("src");
  video.removeAttribute("poster");
  video.load(); // lets go of the connection and the decoded frames
  root.dataset.state = "idle";
  delete root.dataset.greetingId;
  showStage(false);
}

function scheduleEnd(current) {
  clearTimeout(current.endTimer);
  const left = current.endMs - clock.now();
  current.endTimer = setTimeout(() => {
    // The clock may have been corrected since: end only when the time has really come.
    if (clock.now() >= current.endMs - 20) finish(current);
    else scheduleEnd(current);
  }, Math.max(0, left));
}

async function start(greeting) {
  const current = {
    greeting,
    startMs: Date.parse(greeting.started_at),
    endMs: Date.parse(greeting.started_at) + greeting.duration_s * 1000,
    aligning: false,
    blocked: false,
    timers: [],
  };
  if (playing) finish(playing);
  playing = current;
  await clock.ready();
  if (playing !== current) return;
  if (positionOf(current) >= greeting.duration_s) {
    playing = null; // over already: a page opened after the end plays nothing
    return;
  }
  root.dataset.greetingId = greeting.id;
  root.dataset.state = "loading";
  video.poster = greeting.poster_url || "";
  video.src = greeting.video_url;
  video.playbackRate = 1;
  showStage(true);
  renderSound();
  renderProgress();
  describe(current);
  scheduleEnd(current);
  current.timers.push(setInterval(renderProgress, 500), setInterval(check, CHECK_EVERY_MS));
  await new Promise((resolve) => {
    if (video.readyState >= HTMLMediaElement.HAVE_METADATA) resolve();
    else video.addEventListener("loadedmetadata", resolve, { once: true });
  });
  if (playing !== current) return;
  await align(current);
  if (playing === current) root.dataset.state = "playing";
}

/** Follow the state: a greeting that is not ours starts, no greeting stops ours. */
function follow(state) {
  const greeting = state.greeting;
  if (!greeting) {
    if (playing) finish(playing);
    return;
  }
  if (playing && playing.greeting.id === greeting.id && playing.greeting.started_at === greeting.started_at) return;
  start(greeting);
}

function wire() {
  unmuteButton.addEventListener("click", () => {
    video.muted = false;
    if (video.volume === 0) video.volume = 1;
    sound.remember(true);
    if (playing?.blocked) {
      playing.blocked = false;
      align(playing);
    }
    renderSound();
    // The button just pressed is gone: keep the keyboard user's place on its opposite.
    root.querySelector('[data-action="mute"]').focus();
  });
  root.querySelector('[data-action="mute"]').addEventListener("click", () => {
    video.muted = true;
    sound.remember(false);
    renderSound();
    unmuteButton.focus();
  });
  field("volume").addEventListener("input", (event) => {
    video.volume = Number(event.target.value);
    sound.rememberVolume(video.volume);
  });
  video.volume = sound.volume();
  video.addEventListener("volumechange", renderSound);
  video.addEventListener("ended", () => playing && finish(playing));
  // Nobody pauses or seeks the shared playback: no controls, no context menu.
  video.addEventListener("contextmenu", (event) => event.preventDefault());
  // A tab in the background gets few timers: catch up as soon as it is looked at again.
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && check());
  // A better clock estimate moves the expected position: check at once.
  clock.onChange(() => {
    if (!playing) return;
    scheduleEnd(playing);
    check();
  });
  client.onChange((state, previous, cause) => {
    if (cause.kind === "presence" || cause.kind === "connection") return;
    follow(state);
  });
}

wire();
follow(client.state);
