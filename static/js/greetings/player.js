// The greeting player of the attendee page and the screen view: every page plays the greeting
// the moderator started from the same moment, the server's `started_at`.
//
// Position = server now (clock.js, NTP-style over the socket) - started_at. To start (also
// late, mid-greeting) the page seeks a little ahead, waits for the moment, then plays, so the
// seek's own cost does not show; one that comes after the end plays nothing. Every second it
// compares the video with where it should be: off by more than 0.5 s it seeks again, less than
// that it plays a little faster or slower until the gap is gone. The player hides itself at
// started_at + duration_s, and at once on greeting.stopped.
//
// Catching up holds in every state a page can be in (e2e: test_greeting_playback_browser.py):
// stalled (no data: the position stops, the offset grows, it seeks), paused by anyone but us
// (it seeks and plays), ended early (it seeks back unless the greeting is really over), a media
// error (it loads the file again, a few times), a seek or play() that never finishes (a check
// after ALIGN_GIVE_UP_MS starts over from where the greeting is by then), a better clock
// estimate (checked at once), timers throttled in a hidden or frozen tab (checked when it is
// shown or resumed). Only a page the browser will not let play even muted waits, for the tap.
// What it measured and did is in data- attributes and, with ?debug=sync, an overlay
// (sync-report.js).
//
// Browsers let a page start a video by itself only muted, so it starts muted with a large
// "Tap for sound" button; whoever turns the sound on is remembered (localStorage), and the
// next greeting starts with sound if the browser allows it (else muted with the button again).

import { readJson, startLiveClient } from "../live/live-client.js";
import { ServerClock } from "./clock.js";
import { seekTo } from "./seek.js";
import { soundPreference, wireSoundControls } from "./sound.js";
import { SyncReport } from "./sync-report.js";
import { describe, formatTime } from "./words.js";

// Once a second: a page that falls behind (a busy machine that decodes late, data that does
// not come) is caught within about 1.5 s; a check costs a few property reads.
const CHECK_EVERY_MS = 1000;
const SEEK_OVER_S = 0.5; // farther off than this: seek
const NUDGE_OVER_S = 0.04; // between this and SEEK_OVER_S: adjust the rate
const MAX_RATE_CHANGE = 0.1;
const FIRST_LEAD_S = 0.3; // seek this far ahead, then wait for the moment to play
const SEEK_TIMEOUT_MS = 5000;
const SEEK_ATTEMPTS = 2;
// An alignment normally ends within a second; one still running after two seek timeouts is
// stuck (a seek the browser dropped, a play() that never settles) and no longer holds off
// the checks: the next one seeks afresh to where the greeting is by then.
const ALIGN_GIVE_UP_MS = 2 * SEEK_TIMEOUT_MS;
const RELOADS_AFTER_ERROR = 3;

const { client, page } = startLiveClient();
const data = readJson("greeting-player-data");
const clock = new ServerClock(client.socket, { serverNowAtLoad: page.server_now });
const sound = soundPreference();
const root = document.getElementById("greeting-player");
const field = (name) => root.querySelector(`[data-field="${name}"]`);
const video = field("video");
const report = new SyncReport(root, clock, data.phrases);

let playing = null; // {greeting, startMs, endMs, timers, aligning: {since} | null, blocked, reloads}
let seekLead = FIRST_LEAD_S;
let renderSound = () => {}; // set by wire(): shows the sound button that fits

if (page.page === "screen") {
  // The screen's whole 16:9 stage; the stage is shown only while a greeting plays.
  document.getElementById("greeting-stage").append(root);
}

/** Where the greeting is now on every screen, in seconds from its start. */
function positionOf(current) {
  return (clock.now() - current.startMs) / 1000;
}

/** Where the picture ends: the greeting's length, or the file's if that is shorter. */
function endOf(current) {
  return Math.min(current.greeting.duration_s, video.duration || Infinity);
}

function showStage(visible) {
  root.hidden = !visible;
  if (page.page === "screen") document.getElementById("greeting-stage").hidden = !visible;
}

function renderProgress() {
  if (!playing) return;
  const position = Math.min(positionOf(playing), playing.greeting.duration_s);
  if (video.readyState >= HTMLMediaElement.HAVE_METADATA) report.measure(video.currentTime - position);
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
  if (current.blocked) report.state("blocked");
  renderSound();
  return started;
}

/** Seek a little ahead of where the greeting is, wait until it gets there, then play: the
 * picture starts at the same moment as everywhere else, whatever the seek cost here.
 * `why` says what called for it (the report's codes). */
async function align(current, why) {
  if (current.aligning) return;
  const run = { since: performance.now() };
  current.aligning = run;
  // A newer alignment (after ALIGN_GIVE_UP_MS) or another greeting takes over from this one.
  const superseded = () => playing !== current || current.aligning !== run;
  report.state("aligning");
  report.correction("seek", why, video.currentTime - positionOf(current), positionOf(current));
  try {
    video.pause();
    let early = 0;
    // A cold seek costs a download; the second one, near what just came, costs little.
    for (let attempt = 0; attempt < SEEK_ATTEMPTS; attempt += 1) {
      const seekStarted = performance.now();
      const target = Math.max(0, positionOf(current) + seekLead);
      if (target >= endOf(current)) return;
      await seekTo(video, target, SEEK_TIMEOUT_MS);
      if (superseded()) return;
      // What this seek cost decides the next lead: enough to be early, not much more.
      const cost = (performance.now() - seekStarted) / 1000;
      seekLead = Math.min(2, Math.max(0.15, 1.5 * cost + 0.1));
      early = video.currentTime - positionOf(current);
      if (early > -NUDGE_OVER_S) break;
    }
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early * 1000));
    if (superseded()) return;
    video.playbackRate = 1;
    if (await startPlaying(current)) setTimeout(check, CHECK_EVERY_MS / 4);
    if (superseded()) return;
    // Only now: a check may have begun the first alignment before start() got to it.
    root.dataset.state = "playing";
    if (!current.blocked) report.state("playing");
  } finally {
    if (current.aligning === run) current.aligning = null;
  }
}

/** Where the video is against where the greeting is: finish, seek, nudge the speed, or wait. */
function check() {
  const current = playing;
  if (!current) return;
  const expected = positionOf(current);
  if (expected >= current.greeting.duration_s) return finish(current, "time");
  let retry = false;
  if (current.aligning) {
    if (performance.now() - current.aligning.since < ALIGN_GIVE_UP_MS) return;
    current.aligning = null; // the stuck one sees it is superseded and stops
    retry = true;
  }
  if (video.readyState < HTMLMediaElement.HAVE_METADATA || current.blocked) return;
  if (video.paused) return align(current, retry ? "retry" : "paused");
  const offset = video.currentTime - expected; // > 0: ahead
  report.measure(offset);
  const stalled = video.readyState < HTMLMediaElement.HAVE_FUTURE_DATA;
  report.state(stalled ? "stalled" : "playing");
  if (Math.abs(offset) > SEEK_OVER_S) {
    return align(current, retry ? "retry" : stalled ? "stalled" : offset < 0 ? "behind" : "ahead");
  }
  // Close the gap within about one check period: behind plays faster, ahead slower.
  const change = Math.abs(offset) > NUDGE_OVER_S ? -offset / (CHECK_EVERY_MS / 1000) : 0;
  const rate = 1 + Math.max(-MAX_RATE_CHANGE, Math.min(MAX_RATE_CHANGE, change));
  if (video.playbackRate === 1 && rate !== 1) report.correction("rate", "nudge", offset, expected);
  video.playbackRate = rate;
}

/** The video ended by itself: the greeting is over, or this page ran ahead (seek back). */
function videoEnded() {
  const current = playing;
  if (!current) return;
  if (positionOf(current) >= endOf(current) - SEEK_OVER_S) return finish(current, "video-ended");
  align(current, "ended-early");
}

/** A media error (the connection broke for good): load the file again, a few times. */
function mediaError() {
  const current = playing;
  if (!current || current.reloads >= RELOADS_AFTER_ERROR) return;
  current.reloads += 1;
  report.correction("reload", "error", 0, positionOf(current));
  setTimeout(() => {
    if (playing !== current) return;
    current.aligning = null;
    video.load(); // same src; once its metadata is there, the check finds it paused and aligns
  }, 1000);
}

/** Stop and hide; `why` (data-ended) says what ended it: time, video-ended, stopped, replaced. */
function finish(current, why) {
  if (playing !== current) return;
  root.dataset.ended = why;
  clearTimeout(current.endTimer);
  current.timers.forEach(clearInterval);
  playing = null;
  video.pause();
  video.removeAttribute("src");
  video.removeAttribute("poster");
  video.load(); // lets go of the connection and the decoded frames
  root.dataset.state = "idle";
  report.state("idle");
  delete root.dataset.greetingId;
  showStage(false);
}

function scheduleEnd(current) {
  clearTimeout(current.endTimer);
  const left = current.endMs - clock.now();
  current.endTimer = setTimeout(() => {
    // The clock may have been corrected since: end only when the time has really come.
    if (clock.now() >= current.endMs - 20) finish(current, "time");
    else scheduleEnd(current);
  }, Math.max(0, left));
}

async function start(greeting) {
  const current = {
    greeting,
    startMs: Date.parse(greeting.started_at),
    endMs: Date.parse(greeting.started_at) + greeting.duration_s * 1000,
    aligning: null,
    blocked: false,
    reloads: 0,
    timers: [],
  };
  if (playing) finish(playing, "replaced");
  playing = current;
  await clock.ready();
  if (playing !== current) return;
  if (positionOf(current) >= greeting.duration_s) {
    playing = null; // over already: a page opened after the end plays nothing
    return;
  }
  root.dataset.greetingId = greeting.id;
  root.dataset.state = "loading";
  report.reset();
  delete root.dataset.ended;
  video.poster = greeting.poster_url || "";
  video.src = greeting.video_url;
  video.playbackRate = 1;
  showStage(true);
  renderSound();
  renderProgress();
  describe(root, data, greeting, () => playing === current);
  scheduleEnd(current);
  current.timers.push(setInterval(renderProgress, 500), setInterval(check, CHECK_EVERY_MS));
  await new Promise((resolve) => {
    if (video.readyState >= HTMLMediaElement.HAVE_METADATA) resolve();
    else video.addEventListener("loadedmetadata", resolve, { once: true });
  });
  if (playing !== current) return;
  await align(current, "start"); // sets data-state="playing" once aligned and started
}

/** Follow the state: a greeting that is not ours starts, no greeting stops ours. */
function follow(state) {
  const greeting = state.greeting;
  if (!greeting) {
    if (playing) finish(playing, "stopped");
    return;
  }
  if (playing && playing.greeting.id === greeting.id && playing.greeting.started_at === greeting.started_at) return;
  start(greeting);
}

function wire() {
  renderSound = wireSoundControls(root, video, sound, () => {
    if (!playing?.blocked) return;
    playing.blocked = false;
    align(playing, "paused");
  });
  video.addEventListener("ended", videoEnded);
  video.addEventListener("error", mediaError);
  // Nobody pauses or seeks the shared playback: no controls, no context menu.
  video.addEventListener("contextmenu", (event) => event.preventDefault());
  // A tab in the background gets few timers: catch up as soon as it is looked at again.
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && check());
  document.addEventListener("resume", check); // a frozen tab (Page Lifecycle) runs again
  // A better clock estimate moves the expected position: check at once.
  clock.onChange((moved) => {
    if (!playing) return;
    report.correction("clock", "estimate", moved / 1000, positionOf(playing));
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
