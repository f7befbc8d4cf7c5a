// The moderator's console: shows the live state (agenda with live / next markers, planned vs
// actual times, over / under) and sends commands. Each command carries the seq this console
// has seen (expected_seq) and a fresh command_id, so a click made on a stale view is refused
// with 409 instead of being applied twice; the console then resyncs and says why.

import { phrase, startLiveClient } from "./live-client.js";
import { LATENESS_CAP_MINUTES, TimeFormat, itemClock, minutesBetween } from "./format.js";
import { currentItem, nextItem, rememberItem, translated } from "./view.js";

const SETTLE_TIMEOUT_MS = 3000;
// Starting more than this far from the planned first start (or on another day) offers to move
// the programme to now (start_event with move_to_now).
const OFFER_MOVE_AFTER_MS = 60 * 60 * 1000;
const SHORTCUTS = { n: "next_item", p: "previous_item" };

const { client, page, phrases } = startLiveClient();
const format = new TimeFormat({ lang: page.lang, timezone: page.timezone, serverNow: page.server_now });
const root = document.querySelector("[data-live-page]");
const field = (name) => root.querySelector(`[data-field="${name}"]`);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const message = document.getElementById("console-message");
let inFlight = false;

function showMessage(text, kind = "error", undo = null) {
  message.hidden = !text;
  message.textContent = text || "";
  message.className = `alert alert-${kind}`;
  if (text && undo) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn console-message__undo";
    button.textContent = undo.label;
    button.addEventListener("click", () => send(undo.command));
    message.append(" ", button);
  }
}

const itemTitle = (id) => page.items[id]?.title ?? "";

/** What a command just did, in words, and the command that takes it back (where one exists). */
function outcome(command, before, after) {
  const started = after.current_item_id != null && after.current_item_id !== before.current_item_id;
  const back = { label: phrase(phrases, "undo"), command: { type: "previous_item" } };
  switch (command.type) {
    case "start_event":
      return { text: phrase(phrases, command.move_to_now ? "did_start_moved" : "did_start") };
    case "next_item":
    case "start_item":
      return started
        ? { text: phrase(phrases, "did_item_started", { title: itemTitle(after.current_item_id) }), undo: back }
        : { text: phrase(phrases, "did_item_ended"), undo: back };
    case "previous_item":
      return { text: phrase(phrases, "did_went_back", { title: itemTitle(after.current_item_id) }) };
    case "shift_schedule":
      return {
        text: phrase(phrases, "did_shift", { n: command.minutes > 0 ? `+${command.minutes}` : command.minutes }),
        undo: { label: phrase(phrases, "undo"), command: { type: "shift_schedule", minutes: -command.minutes } },
      };
    case "announce":
      return {
        text: phrase(phrases, "did_announce"),
        undo: { label: phrase(phrases, "clear"), command: { type: "clear_announcement" } },
      };
    case "clear_announcement":
      return before.announcement
        ? {
            text: phrase(phrases, "did_clear"),
            undo: { label: phrase(phrases, "show_again"), command: { type: "announce", text: before.announcement.text } },
          }
        : { text: phrase(phrases, "did_clear") };
    case "end_event":
      return { text: phrase(phrases, "did_end") };
    default:
      return { text: phrase(phrases, "done") };
  }
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
  const before = structuredClone(client.state); // the client changes its state in place
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
      const { text, undo } = outcome(command, before, client.state);
      showMessage(text, "success", undo);
      const shown = message.textContent;
      // Long enough to reach the way back; a newer message is left alone.
      setTimeout(() => message.textContent === shown && showMessage(""), undo ? 12000 : 4000);
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
    previous_item: status === "live" && state.items.some((item) => item.status === "done"),
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

function firstPlannedStart(state) {
  const starts = state.items.map((item) => item.planned_start).filter(Boolean).sort();
  return starts[0] ?? null;
}

/** Whether starting now is on another day or over an hour from the planned first start. */
function farFromPlan(state) {
  const first = firstPlannedStart(state);
  if (!first) return false;
  const now = format.now();
  const planned = Date.parse(first);
  return Math.abs(now - planned) > OFFER_MOVE_AFTER_MS || format.eventDate.format(now) !== format.eventDate.format(planned);
}

function renderNow(state) {
  const live = currentItem(state);
  root.querySelector('[data-now="title"]').textContent = live
    ? page.items[live.id]?.title ?? ""
    : phrase(phrases, { scheduled: "not_started", ended: "event_ended" }[state.event.status] || "nothing_now");
  const delta = dayDelta(state);
  field("plan").textContent =
    delta == null ? ""
      : Math.abs(delta) > LATENESS_CAP_MINUTES ? phrase(phrases, "planned_for", { when: format.dateTime(firstPlannedStart(state)) })
      : delta > 0 ? phrase(phrases, "behind", { n: delta })
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
  if (minutes != null && Math.abs(minutes) > LATENESS_CAP_MINUTES) {
    cell.textContent = phrase(phrases, "planned_for", { when: format.dateTime(item.planned_start) });
  } else {
    cell.textContent = minutes == null ? "" : overUnder(minutes);
  }
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

/** The attendee's now card in small: what the room and the call see after each click. */
function renderPreview(state) {
  const part = (name) => root.querySelector(`[data-preview="${name}"]`);
  const live = currentItem(state);
  const next = state.event.status === "ended" ? null : nextItem(state);
  part("label").textContent = live ? phrase(phrases, "marker_live") : "";
  part("title").textContent = live
    ? itemTitle(live.id)
    : phrase(phrases, { scheduled: "not_started", ended: "event_ended" }[state.event.status] || "nothing_now");
  part("next").textContent = next ? `${phrase(phrases, "marker_next")}: ${itemTitle(next.id)}` : "";
  const announcement = state.announcement ? translated(state.announcement.text, page) : "";
  part("announcement").hidden = !announcement;
  part("announcement").textContent = announcement;
}

function render(state) {
  root.dataset.seq = state.seq;
  root.dataset.currentItem = state.current_item_id ?? "";
  renderBar(state);
  renderButtons(state);
  renderNow(state);
  renderAgenda(state);
  renderPreview(state);
}

function wire() {
  const startDialog = document.getElementById("start-dialog");
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-command]");
    if (!button || button.disabled) return;
    if (button.dataset.command === "start_event" && farFromPlan(client.state)) {
      startDialog.querySelector("[data-field='planned-start']").textContent = phrase(
        phrases, "planned_start_on", { when: format.dateTime(firstPlannedStart(client.state)) });
      startDialog.showModal();
      return;
    }
    const command = { type: button.dataset.command };
    if (button.dataset.itemId) command.item_id = Number(button.dataset.itemId);
    if (button.dataset.minutes) command.minutes = Number(button.dataset.minutes);
    if (button.dataset.greetingId) command.greeting_id = Number(button.dataset.greetingId);
    if (button.dataset.questionId) command.question_id = Number(button.dataset.questionId);
    if (button.dataset.pollId) command.poll_id = Number(button.dataset.pollId);
    send(command);
  });
  const dialog = document.getElementById("end-dialog");
  root.querySelector('[data-action="confirm-end"]').addEventListener("click", () => dialog.showModal());
  dialog.addEventListener("close", () => dialog.returnValue === "end" && send({ type: "end_event" }));
  startDialog.addEventListener("close", () => {
    if (startDialog.returnValue === "move") send({ type: "start_event", move_to_now: true });
    else if (startDialog.returnValue === "keep") send({ type: "start_event" });
  });
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
  const sheet = document.getElementById("shortcuts-dialog");
  root.querySelector('[data-action="shortcuts"]').addEventListener("click", () => sheet.showModal());
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]") || document.querySelector("dialog[open]")) return;
    if (event.key === "?") {
      event.preventDefault();
      sheet.showModal();
      return;
    }
    if (event.key.toLowerCase() === "a") {
      event.preventDefault();
      root.querySelector('[data-form="announce"] textarea').focus();
      return;
    }
    const type = SHORTCUTS[event.key.toLowerCase()];
    if (!type) return;
    event.preventDefault();
    const button = root.querySelector(`button[data-command="${type}"]`);
    if (!button.disabled) send({ type });
  });
}

// First: titles of items changed by the admin or the API are known before rendering.
client.onChange((state, previous, cause) => rememberItem(page, cause.update));
client.onChange((state) => render(state));
wire();
render(client.state);
setInterval(tick, 1000);
