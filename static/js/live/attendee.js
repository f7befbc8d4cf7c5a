// The attendee's live page: keeps "now", "next", the agenda, the announcement, the online
// count and the connection state in step with the live state, and tells screen readers
// (one short sentence in the aria-live region) when the item changes or an announcement comes.

import { phrase, startLiveClient } from "./live-client.js";
import { TimeFormat, itemClock, localRange, setTime } from "./format.js";
import {
  announcementText,
  currentItem,
  languageOf,
  nextItem,
  rememberItem,
  showText,
  spokenChange,
  speakersText,
  translated,
} from "./view.js";

const { client, page, phrases } = startLiveClient();
const format = new TimeFormat({ lang: page.lang, timezone: page.timezone, serverNow: page.server_now });
const root = document.querySelector("[data-live-page]");
const field = (name) => root.querySelector(`[data-field="${name}"]`);
const part = (card, name) => root.querySelector(`[data-${card}="${name}"]`);

function renderConnection() {
  root.dataset.connection = client.connection; // connecting | live | reconnecting
  const banner = document.getElementById("live-connection");
  const lost = client.connection === "reconnecting";
  banner.hidden = !lost;
  banner.textContent = lost ? phrase(phrases, "reconnecting") : "";
  root.classList.toggle("is-reconnecting", lost);
}

function renderAnnouncement(state) {
  const box = document.getElementById("live-announcement");
  const text = announcementText(state.announcement, page);
  box.hidden = !text;
  showText(field("announcement-text"), text, languageOf(state.announcement?.text, page), page);
}

function renderNow(state) {
  const item = currentItem(state);
  const info = item && page.items[item.id];
  part("now", "item").hidden = !item;
  part("now", "empty").hidden = Boolean(item);
  if (!item) {
    const key = { scheduled: "not_started", ended: "event_ended" }[state.event.status] || "nothing_now";
    part("now", "empty").textContent = phrase(phrases, key);
    return;
  }
  showText(part("now", "title"), info ? info.title : "", info?.title_lang, page);
  part("now", "speakers").textContent = speakersText(info);
  part("now", "started").textContent = item.actual_start
    ? phrase(phrases, "started_at", { time: format.clock(item.actual_start) })
    : "";
  part("now", "planned-end").textContent = phrase(phrases, "planned_end", {
    time: format.clock(item.planned_end),
  });
  tickNow();
}

function tickNow() {
  const item = currentItem(client.state);
  if (!item) return;
  const clock = itemClock(item, format, phrases);
  part("now", "elapsed").textContent = clock.elapsed;
  part("now", "remaining").textContent = clock.remaining;
  part("now", "remaining").classList.toggle("is-over", clock.over);
  part("now", "bar").style.width = `${Math.round(clock.share * 100)}%`;
  part("now", "bar").classList.toggle("is-over", clock.over);
}

function renderNext(state) {
  const item = state.event.status === "ended" ? null : nextItem(state);
  const info = item && page.items[item.id];
  part("next", "item").hidden = !item;
  part("next", "empty").hidden = Boolean(item);
  if (!item) return;
  showText(part("next", "title"), info ? info.title : "", info?.title_lang, page);
  part("next", "speakers").textContent = speakersText(info);
  const local = localRange(item.planned_start, item.planned_end, format, phrases);
  part("next", "time").textContent =
    phrase(phrases, "planned_time", { time: format.clock(item.planned_start) }) + (local ? ` (${local})` : "");
}

/** The agenda's row of ``item``, made from the page's row template for an item added live. */
function agendaRow(list, item) {
  const found = list.querySelector(`[data-item-id="${item.id}"]`);
  if (found) return found;
  const row = document.getElementById("live-agenda-row").content.firstElementChild.cloneNode(true);
  row.dataset.itemId = item.id;
  return row;
}

function renderAgenda(state) {
  const list = root.querySelector(".live-agenda__list");
  const wanted = new Set(state.items.map((item) => String(item.id)));
  for (const row of [...list.querySelectorAll("[data-item-id]")]) {
    if (!wanted.has(row.dataset.itemId)) row.remove(); // deleted by the organisers
  }
  const upcoming = state.event.status === "ended" ? null : nextItem(state);
  const nextId = upcoming ? upcoming.id : null;
  state.items.forEach((item, index) => {
    const row = agendaRow(list, item);
    // Only rows out of place move (a new item, a reordered agenda), so focus and screen
    // readers stay put on an ordinary update.
    if (list.children[index] !== row) list.insertBefore(row, list.children[index] || null);
    const isNext = item.id === nextId;
    row.className = `live-agenda__item is-${item.status}${isNext ? " is-next" : ""}`;
    const info = page.items[item.id];
    if (info) row.querySelector('[data-field="title"]').textContent = info.title;
    setTime(row.querySelector('[data-field="start"]'), item.actual_start || item.planned_start, format);
    setTime(row.querySelector('[data-field="end"]'), item.actual_end || item.planned_end, format);
    row.querySelector('[data-field="local"]').textContent = localRange(
      item.actual_start || item.planned_start,
      item.actual_end || item.planned_end,
      format,
      phrases,
    );
    const status = item.status === "upcoming" && isNext ? "next" : item.status;
    row.querySelector('[data-field="status"]').textContent = phrase(phrases, `status_${status}`);
    if (item.status === "live") row.setAttribute("aria-current", "true");
    else row.removeAttribute("aria-current");
  });
}

function renderEvent(cause) {
  if (cause.update?.type !== "event.changed") return;
  const title = translated(cause.update.data.title, page);
  if (title) field("event-title").textContent = title;
  followAccentColour(cause.update.data.accent_color);
}

// A new accent colour applies at once: the page swaps its theme stylesheet (theme.css?v=).
function followAccentColour(colour) {
  let link = document.querySelector('link[rel="stylesheet"][href*="/theme.css"]');
  if (!colour) {
    if (link) link.remove();
    return;
  }
  const href = `/events/${encodeURIComponent(page.slug)}/theme.css?v=${colour.replace("#", "")}`;
  if (link && link.getAttribute("href") === href) return;
  if (!link) {
    link = document.createElement("link");
    link.rel = "stylesheet";
    document.head.append(link);
  }
  link.href = href;
}

function say(sentence) {
  if (!sentence) return;
  const region = document.getElementById("live-announcer");
  // Clearing first makes screen readers read the same sentence again if it repeats.
  region.textContent = "";
  setTimeout(() => (region.textContent = sentence), 50);
}

function spokenShift(cause) {
  if (cause.update?.type !== "schedule.shifted") return "";
  const minutes = cause.update.data.minutes;
  return phrase(phrases, "say_shifted", { n: minutes > 0 ? `+${minutes}` : `${minutes}` });
}

function render(state, previous, cause) {
  renderConnection();
  if (cause.kind === "connection") return;
  field("online").textContent = phrase(phrases, "online", { n: state.online ?? 0 });
  if (cause.kind === "presence") return;
  root.dataset.seq = state.seq;
  root.dataset.currentItem = state.current_item_id ?? "";
  renderAnnouncement(state);
  renderNow(state);
  renderNext(state);
  renderAgenda(state);
  renderEvent(cause);
  if (previous) say(spokenChange(previous, state, page, phrases) || spokenShift(cause));
}

// First, so that every render sees the titles of items changed by the admin or the API.
client.onChange((state, previous, cause) => rememberItem(page, cause.update));
client.onChange(render);
render(client.state, null, { kind: "initial" });
setInterval(tickNow, 1000);
