// The live state of one event, kept in step with the server over Socket.IO (PROTOCOL.md).
//
// The client starts from the snapshot embedded in the page, replaces it with the snapshot the
// server sends on every (re)connection, and applies `update` messages strictly in `seq` order:
// an update it has already seen (seq <= current) is ignored, a gap asks for the missing ones
// with `resync`, and updates that arrive during a resync wait in a buffer. So after a lost
// connection nothing is missed and nothing is applied twice. Presence is outside that order.
//
// Pages subscribe with onChange(listener); a listener gets (state, previous, cause), where
// cause is {kind: "snapshot"|"update"|"presence"|"connection", update?}.

const RESYNC_TIMEOUT_MS = 5000;

/** Read a JSON block the template rendered (#initial-state, #live-page, #live-phrases). */
export function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

/** A phrase with its {placeholders} filled in; phrases come translated from the template. */
export function phrase(phrases, key, values = {}) {
  const text = phrases[key] ?? "";
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// The snapshot keeps these of an item; an item.changed carries its title and kind as well.
const SNAPSHOT_ITEM_KEYS = ["id", "status", "planned_start", "planned_end", "actual_start", "actual_end"];

function pick(data, keys) {
  return Object.fromEntries(keys.map((key) => [key, data[key] ?? null]));
}

/** ``rows`` sorted as ``ids`` lists them by ``key`` (rows not listed go last). */
function inOrder(rows, ids, key) {
  const rank = new Map(ids.map((id, index) => [id, index]));
  return [...rows].sort((a, b) => (rank.get(a[key]) ?? ids.length) - (rank.get(b[key]) ?? ids.length));
}

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/**
 * Whether a snapshot with a lower seq is a new run of the event rather than a server behind
 * us: a rehearsal reset (conference/events/rehearsal.py) replaces the event, whose log starts
 * again at 0 and whose items all have new ids, so no item id is shared.
 */
function isAnotherRun(state, snapshot) {
  const known = new Set((state.items || []).map((item) => item.id));
  return !(snapshot.items || []).some((item) => known.has(item.id));
}

/** Apply one update's data to the state, in place (the shapes are the snapshot's). */
export function applyUpdate(state, update) {
  const data = update.data || {};
  const replaceItem = (item) => {
    const index = state.items.findIndex((known) => known.id === item.id);
    if (index >= 0) state.items[index] = { ...state.items[index], ...item };
  };
  switch (update.type) {
    case "event.started":
    case "event.ended":
      state.event = { ...state.event, ...data };
      break;
    case "item.started":
      replaceItem(data);
      state.current_item_id = data.id;
      break;
    case "item.ended":
    case "item.reset":
      replaceItem(data);
      if (state.current_item_id === data.id) state.current_item_id = null;
      break;
    case "schedule.shifted":
      (data.items || []).forEach(replaceItem);
      break;
    case "announcement.shown":
      state.announcement = data;
      break;
    case "announcement.cleared":
      state.announcement = null;
      break;
    case "greeting.started":
      state.greeting = data;
      break;
    case "greeting.stopped":
      state.greeting = null;
      break;
    case "vote.opened":
    case "vote.closed": {
      const votes = state.votes.filter((vote) => vote.contest_id !== data.contest_id);
      state.votes = [...votes, data];
      break;
    }
    case "award.revealed":
      state.awards = [...state.awards.filter((award) => award.id !== data.id), data];
      break;
    // Changes made outside the live commands (the admin, the API, an import): docs/protocol.md.
    case "item.changed": {
      const item = pick(data, SNAPSHOT_ITEM_KEYS);
      if (state.items.some((known) => known.id === item.id)) replaceItem(item);
      else state.items = [...state.items, item];
      break;
    }
    case "item.removed":
      state.items = state.items.filter((item) => item.id !== data.id);
      if (state.current_item_id === data.id) state.current_item_id = null;
      break;
    case "agenda.reordered":
      state.items = inOrder(state.items, data.item_ids || [], "id");
      break;
    case "event.changed":
      state.event = { ...state.event, slug: data.slug };
      break;
    case "contest.changed": {
      const vote = { contest_id: data.id, status: data.status };
      const known = state.votes.some((row) => row.contest_id === vote.contest_id);
      state.votes = known
        ? state.votes.map((row) => (row.contest_id === vote.contest_id ? vote : row))
        : [...state.votes, vote];
      break;
    }
    case "contest.removed":
      state.votes = state.votes.filter((vote) => vote.contest_id !== data.id);
      break;
    case "contests.reordered":
      state.votes = inOrder(state.votes, data.contest_ids || [], "contest_id");
      break;
    default:
      break; // A type this page does not know yet still moves seq on.
  }
  state.seq = update.seq;
}

export class LiveClient {
  constructor({ slug, initialState, socketPath = "/socket.io", viewer = "attendee", io = window.io }) {
    this.slug = slug;
    this.state = clone(initialState);
    this.connection = "connecting"; // connecting | live | reconnecting
    this.listeners = [];
    this.buffer = new Map(); // seq -> update, held while a gap is being filled
    this.resyncing = false;
    this.everConnected = false;
    this.socket = io({
      path: socketPath,
      // viewer: "attendee" counts in presence; the console and the screen view do not.
      auth: { event: slug, viewer },
      // WebSocket first, long-polling only where it is blocked: the polling-to-WebSocket
      // upgrade has a window in which a server crash goes unnoticed until the heartbeat
      // times out (up to 45 s), and a WebSocket needs no sticky sessions behind a balancer.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket.on("connect", () => this.#onConnect());
    this.socket.on("disconnect", (reason) => this.#onDisconnect(reason));
    this.socket.on("connect_error", () => this.#setConnection("reconnecting"));
    this.socket.on("snapshot", (snapshot) => this.#onSnapshot(snapshot));
    this.socket.on("update", (update) => this.#onUpdate(update));
    this.socket.on("presence", (presence) => this.#onPresence(presence));
  }

  get seq() {
    return this.state.seq;
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  /** Ask for every update after our seq (after a 409, a gap or a reconnection). */
  resync() {
    if (this.resyncing || !this.socket.connected) return;
    this.resyncing = true;
    const since = this.state.seq;
    const done = () => {
      this.resyncing = false;
      // No second resync from here: if a gap remains, the next update or reconnection asks.
      this.#drainBuffer({ askForGaps: false });
    };
    this.socket.timeout(RESYNC_TIMEOUT_MS).emit("resync", { since }, (error, answer) => {
      if (error || !answer) return done(); // The next update or reconnection tries again.
      if (answer.snapshot) this.#onSnapshot(answer.snapshot);
      for (const update of answer.updates || []) this.#accept(update);
      done();
    });
  }

  #emit(previous, cause) {
    for (const listener of this.listeners) listener(this.state, previous, cause);
  }

  #setConnection(connection) {
    if (this.connection === connection) return;
    const previous = clone(this.state);
    this.connection = connection;
    this.#emit(previous, { kind: "connection" });
  }

  #onConnect() {
    const reconnected = this.everConnected;
    this.everConnected = true;
    this.#setConnection("live");
    // The server sends a snapshot on every connection; asking by seq as well makes sure a
    // client that was away gets what it missed even from a server that only answers resync.
    if (reconnected) this.resync();
  }

  #onDisconnect(reason) {
    this.#setConnection("reconnecting");
    // After a server-side disconnect socket.io does not retry on its own; we want it to.
    if (reason === "io server disconnect") setTimeout(() => this.socket.connect(), 1000);
  }

  #onSnapshot(snapshot) {
    if (!snapshot || typeof snapshot.seq !== "number") return;
    if (snapshot.seq < this.state.seq && !isAnotherRun(this.state, snapshot)) {
      this.resync(); // A server behind us: ask for what we have by seq instead.
      return;
    }
    const previous = clone(this.state);
    this.state = clone(snapshot);
    for (const seq of [...this.buffer.keys()]) if (seq <= this.state.seq) this.buffer.delete(seq);
    this.#emit(previous, { kind: "snapshot" });
    this.#drainBuffer();
  }

  #onUpdate(update) {
    if (!update || typeof update.seq !== "number" || update.seq <= this.state.seq) return;
    if (update.seq === this.state.seq + 1 && !this.resyncing) {
      this.#accept(update);
      this.#drainBuffer();
      return;
    }
    this.buffer.set(update.seq, update);
    this.resync();
  }

  #accept(update) {
    if (update.seq !== this.state.seq + 1) {
      if (update.seq > this.state.seq) this.buffer.set(update.seq, update);
      return;
    }
    const previous = clone(this.state);
    applyUpdate(this.state, update);
    this.#emit(previous, { kind: "update", update });
  }

  #drainBuffer({ askForGaps = true } = {}) {
    while (this.buffer.has(this.state.seq + 1)) {
      const update = this.buffer.get(this.state.seq + 1);
      this.buffer.delete(update.seq);
      this.#accept(update);
    }
    for (const seq of [...this.buffer.keys()]) if (seq <= this.state.seq) this.buffer.delete(seq);
    if (askForGaps && this.buffer.size > 0 && !this.resyncing) this.resync();
  }

  #onPresence(presence) {
    if (!presence || typeof presence.online !== "number") return;
    const previous = clone(this.state);
    this.state.online = presence.online;
    this.#emit(previous, { kind: "presence" });
  }
}

let started = null;

/** Start the client of this page from its embedded JSON blocks. Every module of the page that
 * calls this shares the one client (one connection), e.g. the awards' vote panel and reveal. */
export function startLiveClient() {
  if (started) return started;
  const page = readJson("live-page");
  const client = new LiveClient({
    slug: page.slug,
    initialState: readJson("initial-state"),
    socketPath: page.socket_path,
    viewer: document.querySelector("[data-live-page]")?.dataset.livePage || "attendee",
  });
  started = { client, page, phrases: readJson("live-phrases") || {} };
  return started;
}
