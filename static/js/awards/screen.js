// The screen view's award reveal: each reveal fills the whole 16:9 stage (#reveal-stage), title
// first and the winners after the pause, in the page's language with the event's other language
// smaller beneath. It stays up until the next reveal, or until the programme moves on (an item
// starts or ends, an announcement or a greeting comes, the event ends). A screen opened during
// the ceremony item shows the latest revealed award at once.

import { startLiveClient } from "../live/live-client.js";
import { TimeFormat } from "../live/format.js";
import { currentItem } from "../live/view.js";
import {
  RevealPlayer,
  element,
  isLiveReveal,
  readAwardsPage,
  spokenReveal,
  textIn,
  winnersElement,
} from "./reveal.js";

const MOVES_ON = new Set(["item.started", "item.ended", "event.ended", "announcement.shown", "greeting.started"]);

const { client, page } = startLiveClient();
const awardsPage = readAwardsPage();
const format = new TimeFormat({ lang: page.lang, timezone: page.timezone, serverNow: page.server_now });
const stage = document.getElementById("reveal-stage");
const announcer = element("p", "reveal-announcer");
announcer.setAttribute("aria-live", "polite");
announcer.setAttribute("aria-atomic", "true");
document.body.append(announcer);

function contestTitle(contestId) {
  return awardsPage.contests.find((contest) => contest.id === contestId)?.title || "";
}

function draw(award, { phase }) {
  const second = awardsPage.second_language;
  const title = textIn(award.title, awardsPage);
  // Only a title written in the second language is shown as its line (marked with its lang).
  const titleAlt = second && typeof award.title === "object" ? award.title?.[second] || "" : "";
  const box = element("div", `screen-reveal screen-reveal--${award.kind}`);
  box.dataset.awardId = award.id;
  box.dataset.phase = phase;
  box.append(element("p", "screen-label screen-reveal__contest", contestTitle(award.contest_id)));
  box.append(element("h1", "screen-reveal__title", title));
  if (titleAlt && titleAlt !== title) {
    const alt = element("p", "screen-reveal__title-alt", titleAlt);
    alt.lang = second;
    box.append(alt);
  }
  box.append(winnersElement(award, awardsPage, { phase, block: "screen-reveal", lineTag: "div", workTag: "p" }));
  stage.replaceChildren(box);
  stage.hidden = false;
}

function hide() {
  stage.hidden = true;
  stage.replaceChildren();
}

function say(sentence) {
  announcer.textContent = "";
  setTimeout(() => (announcer.textContent = sentence), 50);
}

const player = new RevealPlayer({ pauseMs: awardsPage.reveal_pause_ms, show: draw, say });

function duringCeremony(state) {
  const item = currentItem(state);
  return Boolean(item && page.items[item.id]?.kind === "ceremony");
}

function latestAward(state) {
  return state.awards?.length ? state.awards[state.awards.length - 1] : null;
}

client.onChange((state, previous, cause) => {
  if (cause.kind !== "update" && cause.kind !== "snapshot") return;
  if (isLiveReveal(client, cause, format)) {
    player.play(cause.update.data, spokenReveal(cause.update.data, awardsPage));
    return;
  }
  const type = cause.update?.type;
  if (MOVES_ON.has(type)) {
    player.showNow(hide);
  } else if (type === "award.revealed" || cause.kind === "snapshot") {
    // Caught up after a lost connection: show where the ceremony is, without the pause.
    const latest = latestAward(state);
    const showing = Number(stage.firstElementChild?.dataset.awardId);
    if (latest && latest.id !== showing && (duringCeremony(state) || !stage.hidden)) {
      player.showNow(() => draw(latest, { phase: "still" }));
    }
  }
});

if (duringCeremony(client.state) && latestAward(client.state)) {
  draw(latestAward(client.state), { phase: "still" });
}
