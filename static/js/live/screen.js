// The screen view for the projector and the video call: the current item and its speakers,
// what comes next, the announcement, and a large clock in the event's time zone. The room is
// bilingual, so titles and announcements also show in the event's other language, smaller.

import { phrase, startLiveClient } from "./live-client.js";
import { TimeFormat } from "./format.js";
import { announcementText, currentItem, languageOf, nextItem, rememberItem, showText, speakersText } from "./view.js";

const { client, page, phrases } = startLiveClient();
const format = new TimeFormat({ lang: page.lang, timezone: page.timezone, serverNow: page.server_now });
const root = document.querySelector("[data-live-page]");
const field = (name) => root.querySelector(`[data-field="${name}"]`);
const part = (card, name) => root.querySelector(`[data-${card}="${name}"]`);

function secondText(texts) {
  if (!texts || !page.second_language || typeof texts === "string") return "";
  const text = texts[page.second_language] || "";
  return text === announcementText({ text: texts }, page) ? "" : text;
}

function renderNow(state) {
  const item = currentItem(state);
  const info = item && page.items[item.id];
  part("now", "item").hidden = !item;
  part("now", "empty").hidden = Boolean(item);
  root.querySelector(".screen-now").classList.toggle("is-empty", !item);
  if (!item) {
    const key = { scheduled: "not_started", ended: "event_ended" }[state.event.status] || "nothing_now";
    part("now", "empty").textContent = phrase(phrases, key);
    return;
  }
  showText(part("now", "title"), info?.title ?? "", info?.title_lang, page);
  const alt = info?.title_alt && info.title_alt !== info.title ? info.title_alt : "";
  part("now", "title-alt").textContent = alt;
  part("now", "title-alt").hidden = !alt;
  part("now", "speakers").textContent = speakersText(info);
}

function renderNext(state) {
  const item = state.event.status === "ended" ? null : nextItem(state);
  part("next", "item").hidden = !item;
  if (!item) return;
  part("next", "time").textContent = format.clock(item.planned_start);
  const info = page.items[item.id];
  showText(part("next", "title"), info?.title ?? "", info?.title_lang, page);
}

function renderAnnouncement(state) {
  const text = announcementText(state.announcement, page);
  field("announcement").hidden = !text;
  root.classList.toggle("has-announcement", Boolean(text));
  showText(field("announcement-text"), text, languageOf(state.announcement?.text, page), page);
  const alt = state.announcement ? secondText(state.announcement.text) : "";
  field("announcement-alt").textContent = alt;
  field("announcement-alt").hidden = !alt;
}

function renderConnection() {
  root.dataset.connection = client.connection; // connecting | live | reconnecting
  const badge = field("connection");
  badge.hidden = client.connection !== "reconnecting";
  badge.textContent = badge.hidden ? "" : phrase(phrases, "reconnecting");
}

function tickClock() {
  field("clock").textContent = format.clock(format.now());
}

function render(state) {
  root.dataset.seq = state.seq;
  root.dataset.currentItem = state.current_item_id ?? "";
  renderConnection();
  renderNow(state);
  renderNext(state);
  renderAnnouncement(state);
}

// First: titles of items changed by the admin or the API are known before rendering.
client.onChange((state, previous, cause) => rememberItem(page, cause.update));
client.onChange((state) => render(state));
render(client.state);
tickClock();
setInterval(tickClock, 1000);
