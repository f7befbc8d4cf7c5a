// The moderator's console: shows the live state (agenda with live / next markers, planned vs
// actual times, over / under) and sends commands. Each command carries the seq this console
// has seen (expected_seq) and a fresh command_id, so a click made on a stale view is refused
// with 409 instead of being applied twice; the console then resyncs and says why.

import { phrase, startLiveClient } from "./live-client.js";
import { TimeFormat, itemClock, minutesBetween } from "./format.js";
import { currentItem, nextItem, rememberItem, translated } from "./view.js";

const SETTLE_TIMEOUT_MS = 3000;

const { client, page, phrases } = startLiveClient();
const format = new TimeFormat({ lang: page.lang, timezone: page.timezone, serverNow: page.server_now });
const root = document.querySelector("[data-live-page]");
const field = (name) => root.querySelector(`[data-field="${name}"]`);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const message = document.getElementById("console-message");
let inFlight = false;

function showMessage(text, kind = "error") {
  message.hidden = !text;
  message.textContent = text || "";
  message.className = `alert alert-${kind}`;
}

/** Wait until the live state has caught up with the seq a command answered (or give up). */
function settled(seq) {
  if (client.seq >= seq) return Promise.resolve();
  client.resync();
  return new Promise((resolve) => {
    const started = Date.now();
    const check = () => {
      if (client.seq >= seq || Date.now() - started > SETTLE_TIMEOUT_MS) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
}

async function send(command) {
  if (inFlight) return;
  inFlight = true;
  render(client.state);
  showMessage("");
  const body = { ...command, expected_seq: client.seq, command_id: crypto.randomUUID() };
  try {
    const response = await fetch(page.commands_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      await settled(answer.seq ?? 0);
      showMessage(phrase(phrases, "done"), "success");
      setTimeout(() => message.classList.contains("alert-success") && showMessage(""), 2500);
    } else if (response.status === 409) {
      client.resync();
      showMessage(phrase(phrases, "conflict"), "warning");
    } else {
      showMessage(answer.error?.message || `${response.status}`, "error");
    }
  } catch (error) {
    showMessage(phrase(phrases, "unreachable"), "error");
  } finally {
    inFlight = false;
    render(client.state);
  }
}

function renderButtons(state) {
  const status = state.event.status;
  const allowed = {
    start_event: status === "scheduled",
    next_item: status === "live",
    "confirm-end": status !== "ended",
  };
  for (const button of root.querySelectorAll("button[data-command], button[data-action]")) {
    const key = button.dataset.command || button.dataset.action;
    let enabled = allowed[key] ?? status !== "ended";
    if (key === "start_item") {
      const item = state.items.find((known) => String(known.id) === button.dataset.itemId);
      enabled = status !== "ended" && item?.status === "upcoming";
    }
    button.disabled = inFlight || !enabled;
  }
}

function renderBar(state) {
  root.dataset.connection = client.connection; // connecting | live | reconnecting
  const status = field("event-status");
  status.dataset.status = state.event.status;
  status.textContent = phrase(phrases, `event_status_${state.event.status}`);
  field("online").textContent = phrase(phrases, "online", { n: state.online ?? 0 });
  field("seq").textContent = phrase(phrases, "seq", { seq: state.seq });
  field("connection").textContent = phrase(phrases, client.connection === "live" ? "connected" : client.connection);
  const banner = document.getElementById("live-connection");
  banner.hidden = client.connection !== "reconnecting";
  banner.textContent = banner.hidden ? "" : phrase(phrases, "reconnecting");
  const current = field("announcement");
  const text = state.announcement ? translated(state.announcement.text, page) : "";
  current.hidden = !text;
  current.textContent = text;
}

/** How far the day is from plan: the live item's late start, else the last item's late end. */
function dayDelta(state) {
  const live = currentItem(state);
  if (live?.actual_start) return minutesBetween(live.planned_start, live.actual_start);
  const done = state.items.filter((item) => item.actual_end);
  const last = done[done.length - 1];
  return last ? minutesBetween(last.planned_end, last.actual_end) : null;
}

function renderNow(state) {
  const live = currentItem(state);
  root.querySelector('[data-now="title"]').textContent = live
    ? page.items[live.id]?.title ?? ""
    : phrase(phrases, { scheduled: "not_started", ended: "event_ended" }[state.event.status] || "nothing_now");
  const delta = dayDelta(state);
  field("plan").textContent =
    delta == null ? "" : delta > 0 ? phrase(phrases, "behind", { n: delta })
      : delta < 0 ? phrase(phrases, "ahead", { n: -delta }) : phrase(phrases, "on_plan");
  tick();
}

function tick() {
  const clock = itemClock(currentItem(client.state), format, phrases);
  root.querySelector('[data-now="elapsed"]').textContent = clock.elapsed;
  const remaining = root.querySelector('[data-now="remaining"]');
  remaining.textContent = clock.remaining;
  remaining.classList.toggle("is-over", clock.over);
  const live = currentItem(client.state);
  if (live) renderDelta(root.querySelector(`[data-item-id="${live.id}"]`), live);
}

function overUnder(minutes) {
  if (minutes === 0) return phrase(phrases, "on_time");
  return phrase(phrases, minutes > 0 ? "ran_over" : "ran_under", { n: Math.abs(minutes) });
}

function renderDelta(row, item) {
  const cell = row.querySelector('[data-field="delta"]');
  let minutes = null;
  if (item.status === "done" && item.actual_start && item.actual_end) {
    const planned = minutesBetween(item.planned_start, item.planned_end);
    minutes = minutesBetween(item.actual_start, item.actual_end) - planned;
  } else if (item.status === "live" && format.now() > Date.parse(item.planned_end)) {
    minutes = Math.floor((format.now() - Date.parse(item.planned_end)) / 60000);
  }
  cell.textContent = minutes == null ? "" : overUnder(minutes);
  cell.classList.toggle("is-over", minutes > 0);
}

function renderAgenda(state) {
  const next = state.event.status === "ended" ? null : nextItem(state);
  for (const item of state.items) {
    const row = root.querySelector(`tr[data-item-id="${item.id}"]`);
    if (!row) continue;
    const marker = item.status === "live" ? "live" : item === next ? "next" : "";
    row.className = `console-row is-${item.status}${marker ? ` is-marked-${marker}` : ""}`;
    row.querySelector('[data-field="marker"]').textContent = marker ? phrase(phrases, `marker_${marker}`) : "";
    row.querySelector('[data-field="planned"]').textContent =
      `${format.clock(item.planned_start)}–${format.clock(item.planned_end)}`;
    row.querySelector('[data-field="actual"]').textContent = item.actual_start
      ? `${format.clock(item.actual_start)}–${item.actual_end ? format.clock(item.actual_end) : ""}`
      : "";
    renderDelta(row, item);
  }
}

function render(state) {
  root.dataset.seq = state.seq;
  root.dataset.currentItem = state.current_item_id ?? "";
  renderBar(state);
  renderButtons(state);
  renderNow(state);
  renderAgenda(state);
}

function wire() {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-command]");
    if (!button || button.disabled) return;
    const command = { type: button.dataset.command };
    if (button.dataset.itemId) command.item_id = Number(button.dataset.itemId);
    if (button.dataset.minutes) command.minutes = Number(button.dataset.minutes);
    if (button.dataset.greetingId) command.greeting_id = Number(button.dataset.greetingId);
    send(command);
  });
  const dialog = document.getElementById("end-dialog");
  root.querySelector('[data-action="confirm-end"]').addEventListener("click", () => dialog.showModal());
  dialog.addEventListener("close", () => dialog.returnValue === "end" && send({ type: "end_event" }));
  root.querySelector('[data-form="shift"]').addEventListener("submit", (event) => {
    event.preventDefault();
    const input = event.target.elements.minutes;
    const minutes = Number(input.value);
    if (!Number.isInteger(minutes) || minutes < -120 || minutes > 240 || minutes === 0) {
      showMessage(phrase(phrases, "shift_range"), "error");
      input.focus();
      return;
    }
    send({ type: "shift_schedule", minutes });
  });
  root.querySelector('[data-form="announce"]').addEventListener("submit", (event) => {
    event.preventDefault();
    const text = {};
    for (const area of event.target.querySelectorAll("textarea")) {
      if (area.value.trim()) text[area.name] = area.value.trim();
    }
    send({ type: "announce", text });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "n" && event.key !== "N") return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]") || dialog.open) return;
    event.preventDefault();
    const next = root.querySelector('button[data-command="next_item"]');
    if (!next.disabled) send({ type: "next_item" });
  });
}

// First: titles of items changed by the admin or the API are known before rendering.
client.onChange((state, previous, cause) => rememberItem(page, cause.update));
client.onChange((state) => render(state));
wire();
render(client.state);
setInterval(tick, 1000);
