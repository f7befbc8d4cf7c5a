// What the live pages read out of the state: the current and next item, texts in the page's
// language, and the one sentence that tells a screen reader what just changed.

import { phrase } from "./live-client.js";

/** The live item of the state, or null. */
export function currentItem(state) {
  if (state.current_item_id == null) return null;
  return state.items.find((item) => item.id === state.current_item_id) || null;
}

/** The first upcoming item in programme order, or null. */
export function nextItem(state) {
  return state.items.find((item) => item.status === "upcoming") || null;
}

/** The language a translatable text is shown in: the page's, else English, else the event's
 * default, else any (the same order as conference.i18n.content_languages); null for none. */
export function languageOf(texts, page) {
  if (!texts || typeof texts === "string") return texts ? page.lang : null;
  const order = [page.lang, "en", page.default_language];
  return order.find((code) => code && texts[code]) || Object.keys(texts).find((code) => texts[code]) || null;
}

/** A translatable text in the page's language, else English, else the event's default, else any. */
export function translated(texts, page) {
  if (!texts) return "";
  if (typeof texts === "string") return texts;
  return texts[languageOf(texts, page)] || "";
}

export function announcementText(announcement, page) {
  return announcement ? translated(announcement.text, page) : "";
}

/** Put `text` into `element`, marked with `lang` when that is not the page's language. */
export function showText(element, text, lang, page) {
  element.textContent = text;
  if (text && lang && lang !== page.lang) element.lang = lang;
  else element.removeAttribute("lang");
}

/** "Ingrīda Brokāne, director; Staņislavs Hilčuks" for an item of the page data. */
export function speakersText(info) {
  if (!info || !info.speakers) return "";
  return info.speakers
    .map((person) => (person.role ? `${person.name}, ${person.role}` : person.name))
    .join("; ");
}

/** One sentence about the most important change between two states, or "". */
export function spokenChange(previous, state, page, phrases) {
  if (previous.current_item_id !== state.current_item_id && state.current_item_id != null) {
    const info = page.items[state.current_item_id];
    return phrase(phrases, "say_item_started", { title: info ? info.title : "" });
  }
  if (previous.event.status !== state.event.status) {
    if (state.event.status === "ended") return phrase(phrases, "say_event_ended");
    if (state.event.status === "live") return phrase(phrases, "say_event_started");
  }
  const before = announcementText(previous.announcement, page);
  const now = announcementText(state.announcement, page);
  if (now && (now !== before || previous.announcement?.at !== state.announcement?.at)) {
    return phrase(phrases, "say_announcement", { text: now });
  }
  return "";
}

/** Keep the page's own item data (titles in the page's language) in step with an update
 * from the admin or the API: a changed or new item's title and kind, a removed item gone.
 * Speakers of a new item are not in the update; the page shows them after a reload. */
export function rememberItem(page, update) {
  if (!update) return;
  const data = update.data || {};
  if (update.type === "item.removed") {
    delete page.items[data.id];
  } else if (update.type === "item.changed") {
    const known = page.items[data.id] || { id: data.id, speakers: [] };
    const alt = page.second_language ? data.title?.[page.second_language] || "" : "";
    page.items[data.id] = { ...known, kind: data.kind, title: translated(data.title, page), title_alt: alt };
  }
}
