// The award reveal as a moment, shared by the attendee page and the screen view.
//
// A revealed award arrives whole (PROTOCOL.md: `award.revealed` carries the winners). The pause
// is presentation only: the award's title shows first, the winners after `reveal_pause_ms`.
// Reveals that come while one is playing wait their turn. A page that opens later, or catches
// up after a lost connection, shows revealed awards at once, without the pause.

import { phrase, readJson } from "../live/live-client.js";

/** The awards block of the page (contests, pause, phrases), rendered by the server. */
export function readAwardsPage() {
  return readJson("awards-page") || { phrases: {}, contests: [], reveal_pause_ms: 3000 };
}

/** A translatable text in the page's language, else English, else the event's default, else any. */
export function textIn(texts, awardsPage, lang = awardsPage.lang) {
  if (!texts) return "";
  if (typeof texts === "string") return texts;
  // The content chain of conference.i18n.content_languages: the language, English, the default.
  return texts[lang] || texts.en || texts[awardsPage.default_language] || Object.values(texts)[0] || "";
}

/** "Dmitrijs Ivčeno, Dmitrijs Lukins, Maksims Romanovs (LMT-21)": a shared group code once. */
export function authorsText(authors) {
  return (authors || [])
    .map((author, index) => {
      const next = authors[index + 1];
      const sharesWithNext = author.group && next && next.group === author.group;
      return author.group && !sharesWithNext ? `${author.name} (${author.group})` : author.name;
    })
    .join(", ");
}

/** Every winning entry's authors, as the article lists them. */
export function winnersText(entries) {
  return (entries || []).map((entry) => authorsText(entry.authors)).join(", ");
}

/**
 * The winners' names as an element: like winnersText, but each group code "(KS-41)" is kept
 * whole on one line (no break before it, none at its hyphen).
 */
export function namesElement(entries, className) {
  const node = element("span", className);
  const authors = (entries || []).flatMap((entry) => entry.authors || []);
  authors.forEach((author, index) => {
    const next = authors[index + 1];
    const sharesWithNext = author.group && next && next.group === author.group;
    node.append(document.createTextNode(author.name));
    if (author.group && !sharesWithNext) node.append(element("span", "reveal-group", `\u00a0(${author.group})`));
    if (next) node.append(document.createTextNode(", "));
  });
  return node;
}

/** Was this update delivered live (not caught up after a reconnection or long ago)? */
export function isLiveReveal(client, cause, format) {
  if (cause.kind !== "update" || cause.update.type !== "award.revealed") return false;
  if (client.resyncing) return false;
  const age = format.now() - Date.parse(cause.update.at);
  return !(age > 60_000);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Plays reveals one after another. `show(award, {phase})` draws the award: phase "title"
 * (winners still hidden) or "winners" (everything, animated) or "still" (everything, no pause).
 * `say(sentence)` goes to the page's aria-live region.
 */
export class RevealPlayer {
  constructor({ pauseMs, show, say }) {
    this.pauseMs = pauseMs;
    this.show = show;
    this.say = say;
    this.queue = Promise.resolve();
    this.generation = 0; // bumped by showNow(): pending plays of an older view are dropped
  }

  play(award, spoken) {
    const generation = this.generation;
    this.queue = this.queue.then(async () => {
      if (generation !== this.generation) return;
      this.show(award, { phase: "title" });
      this.say(spoken.title);
      await sleep(this.pauseMs);
      if (generation !== this.generation) return;
      this.show(award, { phase: "winners" });
      this.say(spoken.full);
      await sleep(Math.min(this.pauseMs, 1500)); // let the winners land before the next one
    });
    return this.queue;
  }

  /** Draw the current state at once (initial view, catch-up), dropping reveals in progress. */
  showNow(draw) {
    this.generation += 1;
    this.queue = Promise.resolve();
    draw();
  }
}

/** The sentences for screen readers: "Award: 1st place", then "1st place: Dmitrijs Ivčeno, …". */
export function spokenReveal(award, awardsPage) {
  const title = textIn(award.title, awardsPage);
  const phrases = awardsPage.phrases;
  return {
    title: phrase(phrases, "say_title", { award: title }),
    full: phrase(phrases, "say_award", { award: title, winners: winnersText(award.entries) }),
  };
}

/**
 * The winners of an award as lines of names and work (`BLOCK__entry`, `__names`, `__work`), or
 * the "being revealed…" line (`BLOCK__pending`) while the title is shown alone.
 */
export function winnersElement(award, awardsPage, { phase, block, lineTag, workTag }) {
  const winners = element("div", `${block}__winners`);
  if (phase === "title") {
    winners.append(element("p", `${block}__pending`, phrase(awardsPage.phrases, "revealing")));
    return winners;
  }
  award.entries.forEach((entry, index) => {
    const line = element(lineTag, `${block}__entry`);
    line.style.setProperty("--i", index);
    line.append(
      namesElement([entry], `${block}__names`),
      element(workTag, `${block}__work`, textIn(entry.title, awardsPage)),
    );
    winners.append(line);
  });
  return winners;
}

/** Build `<tag class=…>text</tag>`. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
