// What the greeting player knows about its own synchronisation, for people and for tests.
//
// Always, as data- attributes of #greeting-player (cheap: a few numbers per check):
//   data-offset        the video's position minus the greeting's on the server's clock, in s
//                      (< 0: behind)
//   data-drift         how fast that offset changes, in s per s, over the last second or more
//                      of playing without a correction (0 in step, -1 stalled, +0.1 nudged)
//   data-clock-offset  the server's clock minus this device's clock (Date.now()), in ms, and
//   data-clock-round-trip  the round trip of the sample it comes from ("" until measured)
//   data-sync          aligning | playing | stalled | blocked | idle
//   data-seeks         how many seeks this greeting took on this page (1: the start only)
//   data-ended         what ended the last greeting here (set by player.js): time (its end
//                      came), video-ended, stopped (greeting.stopped), replaced (another one)
//   data-corrections   JSON of the last corrections, newest last: {kind, why, offset, at_s}
//                      kind: seek | rate | clock | reload; why: start | paused | behind |
//                      ahead | stalled | retry | ended-early | error | nudge | estimate;
//                      offset: the offset before it (for clock: how far the estimate moved)
// With ?debug=sync in the page's address, an overlay on the player shows the same figures (its
// labels translated; kind and why stay the codes above). See docs/architecture.md.

import { phrase } from "../live/live-client.js";

const KEEP_CORRECTIONS = 5;
const DRIFT_WINDOW_MS = 1000;

const signed = (value, digits) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;

export class SyncReport {
  /**
   * @param root     the #greeting-player element
   * @param clock    the page's ServerClock
   * @param phrases  the translated labels (templates/greetings/_player.html)
   */
  constructor(root, clock, phrases) {
    this.root = root;
    this.clock = clock;
    this.phrases = phrases;
    this.corrections = [];
    this.since = null; // {offset, at}: the start of the current drift window
    this.overlay = new URLSearchParams(window.location.search).get("debug") === "sync" ? this.#build() : null;
  }

  /** A new greeting: forget the last one's corrections. */
  reset() {
    this.corrections = [];
    this.since = null;
    this.root.dataset.corrections = "[]";
    this.root.dataset.seeks = "0";
    this.state("aligning");
  }

  state(name) {
    this.root.dataset.sync = name;
    this.#render();
  }

  /** The offset measured now (s, video minus server position); the drift follows from two. */
  measure(offset) {
    const at = performance.now();
    this.root.dataset.offset = offset.toFixed(3);
    if (!this.since) this.since = { offset, at };
    else if (at - this.since.at >= DRIFT_WINDOW_MS) {
      this.root.dataset.drift = ((offset - this.since.offset) / ((at - this.since.at) / 1000)).toFixed(3);
      this.since = { offset, at };
    }
    this.#clockFigures();
    this.#render();
  }

  /** The player did something about the offset (see the header for kind and why). */
  correction(kind, why, offset, atSeconds) {
    const entry = { kind, why, offset: Number(offset.toFixed(3)), at_s: Number(atSeconds.toFixed(2)) };
    this.corrections.push({ ...entry, ms: performance.now() });
    if (this.corrections.length > KEEP_CORRECTIONS) this.corrections.shift();
    this.root.dataset.corrections = JSON.stringify(this.corrections.map(({ ms, ...rest }) => rest));
    if (kind === "seek") this.root.dataset.seeks = String(Number(this.root.dataset.seeks || 0) + 1);
    if (kind !== "rate") this.since = null; // a jump is no drift
    this.#render();
  }

  #clockFigures() {
    const best = this.clock.best();
    this.root.dataset.clockOffset = best ? String(Math.round(this.clock.now() - Date.now())) : "";
    this.root.dataset.clockRoundTrip = best ? String(Math.round(best.roundTrip)) : "";
  }

  #build() {
    const list = document.createElement("dl");
    list.className = "greeting-sync";
    const rows = {};
    for (const key of ["offset", "drift", "clock", "last"]) {
      const term = document.createElement("dt");
      term.textContent = this.phrases[`sync_${key}`];
      rows[key] = document.createElement("dd");
      list.append(term, rows[key]);
    }
    this.root.append(list);
    return rows;
  }

  #render() {
    if (!this.overlay) return;
    const data = this.root.dataset;
    const { phrases } = this;
    this.overlay.offset.textContent = data.offset ? `${signed(Number(data.offset), 3)} s · ${data.sync}` : data.sync;
    this.overlay.drift.textContent = data.drift ? `${signed(Number(data.drift), 3)} s/s` : "–";
    this.overlay.clock.textContent = data.clockOffset
      ? `${signed(Number(data.clockOffset), 0)} ms (± ${Math.round(Number(data.clockRoundTrip) / 2)} ms)`
      : phrases.sync_unmeasured;
    const last = this.corrections.at(-1);
    this.overlay.last.textContent = last
      ? phrase(phrases, "sync_last_value", {
          kind: last.kind,
          offset: signed(last.offset, 3),
          why: last.why,
          seconds: Math.round((performance.now() - last.ms) / 1000),
        })
      : phrases.sync_none;
  }
}
