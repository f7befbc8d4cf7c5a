// The server's clock as seen from this page, estimated NTP-style over the live socket.
//
// The page asks `clock` (acknowledged with {now_ms}) several times; for each sample it times
// the round trip on the monotonic clock (performance.now(), which a wrong or adjusted wall
// clock does not move) and takes the server's time to be the middle of it:
//   offset = now_ms - (t0 + t1) / 2,   server now = performance.now() + offset.
// Of the recent samples, the one with the shortest round trip is the most exact (the least
// time for the answer to have waited somewhere), so that one counts.
// Until the first answer, the server's time at page load (rendered into the page) stands in.

const SAMPLES_AT_CONNECT = 5;
const SAMPLES_LATER = 3;
const RESAMPLE_EVERY_MS = 30_000;
const KEEP_SAMPLES = 10;
const ANSWER_TIMEOUT_MS = 3000;
const GAP_BETWEEN_SAMPLES_MS = 60;

export class ServerClock {
  /**
   * @param socket  the page's Socket.IO socket (the live client's)
   * @param serverNowAtLoad  ISO time the server rendered into the page (the fallback)
   */
  constructor(socket, { serverNowAtLoad = null } = {}) {
    this.socket = socket;
    this.samples = []; // {offset, roundTrip}
    this.sampling = false;
    this.listeners = [];
    // Rough until the first sample. The server wrote serverNowAtLoad just before its answer's
    // first byte came (responseStart): counted from then, not from when this script runs, which
    // on a busy device can be seconds later (a page 5 s behind until its first sample).
    const navigation = performance.getEntriesByType?.("navigation")?.[0];
    const answeredAt = navigation?.responseStart > 0 ? navigation.responseStart : performance.now();
    this.fallbackOffset = serverNowAtLoad
      ? Date.parse(serverNowAtLoad) - answeredAt
      : Date.now() - performance.now();
    this.firstSample = new Promise((resolve) => (this.resolveFirst = resolve));
    socket.on("connect", () => this.sample(SAMPLES_AT_CONNECT));
    if (socket.connected) this.sample(SAMPLES_AT_CONNECT);
    setInterval(() => this.sample(SAMPLES_LATER), RESAMPLE_EVERY_MS);
  }

  /** The best sample so far ({offset, roundTrip}), or null. */
  best() {
    let best = null;
    for (const sample of this.samples) if (!best || sample.roundTrip < best.roundTrip) best = sample;
    return best;
  }

  get synced() {
    return this.samples.length > 0;
  }

  /** The server's time now, in milliseconds since the epoch. */
  now() {
    const best = this.best();
    return performance.now() + (best ? best.offset : this.fallbackOffset);
  }

  /** Resolves when the first sample has come, or after `timeoutMs` (then the fallback holds). */
  ready(timeoutMs = 2000) {
    if (this.synced) return Promise.resolve();
    return Promise.race([this.firstSample, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  /** Call `listener(movedMs)` whenever a new sample changed the estimate (by movedMs). */
  onChange(listener) {
    this.listeners.push(listener);
  }

  /** Take `count` samples, one after another (a round in progress is not doubled). */
  async sample(count) {
    if (this.sampling) return;
    this.sampling = true;
    try {
      for (let taken = 0; taken < count && this.socket.connected; taken += 1) {
        const sample = await this.#askOnce();
        if (sample) this.#keep(sample);
        await new Promise((resolve) => setTimeout(resolve, GAP_BETWEEN_SAMPLES_MS));
      }
    } finally {
      this.sampling = false;
    }
  }

  #askOnce() {
    return new Promise((resolve) => {
      const sent = performance.now();
      this.socket.timeout(ANSWER_TIMEOUT_MS).emit("clock", {}, (error, answer) => {
        const received = performance.now();
        if (error || typeof answer?.now_ms !== "number") return resolve(null);
        resolve({ offset: answer.now_ms - (sent + received) / 2, roundTrip: received - sent });
      });
    });
  }

  #keep(sample) {
    const before = this.best();
    this.samples.push(sample);
    if (this.samples.length > KEEP_SAMPLES) this.samples.shift();
    this.resolveFirst();
    const after = this.best();
    const moved = after.offset - (before ? before.offset : this.fallbackOffset);
    if (!before || before.offset !== after.offset) for (const listener of this.listeners) listener(moved);
  }
}
