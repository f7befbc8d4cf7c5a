// The attendee page's award part: the vote panel while a vote is open, and the ceremony.
//
// Joins the page's live client (static/js/live/live-client.js; the same connection as the rest
// of the page). The vote goes to POST /api/v1/events/{slug}/votes; the choice is remembered in
// this browser so the page can say "Your vote: …" after a reload. With a personal join code in
// the address (?code=…, from the printed QR code) the code is kept for the stricter vote mode.

import { phrase, startLiveClient } from "../live/live-client.js";
import { TimeFormat } from "../live/format.js";
import {
  RevealPlayer,
  element,
  isLiveReveal,
  readAwardsPage,
  spokenReveal,
  textIn,
  winnersElement,
} from "./reveal.js";

const { client, page } = startLiveClient();
const awardsPage = readAwardsPage();
const phrases = awardsPage.phrases;
const format = new TimeFormat({ lang: page.lang, timezone: page.timezone, serverNow: page.server_now });
const panel = document.getElementById("vote-panel");
const stage = document.getElementById("ceremony");
const voteKey = (contestId) => `conference:vote:${awardsPage.slug}:${contestId}`;
const codeKey = `conference:join-code:${awardsPage.slug}`;
const seenOpen = new Set();

function storage(action, key, value) {
  try {
    if (action === "get") return window.localStorage.getItem(key);
    window.localStorage.setItem(key, value);
  } catch {
    return null; // Private mode without storage: the vote still counts, it is just not remembered.
  }
  return null;
}

function keepJoinCodeFromAddress() {
  const url = new URL(window.location.href);
  const code = url.searchParams.get("code");
  if (!code) return;
  storage("set", codeKey, code);
  url.searchParams.delete("code");
  window.history.replaceState(null, "", url.toString()); // the code is not for sharing
}

function entryTitle(contestId, entryId) {
  const contest = awardsPage.contests.find((known) => known.id === contestId);
  const entry = contest?.entries.find((known) => known.id === entryId);
  return entry ? `${entry.title} — ${entry.authors}` : "";
}

function showStatus(form, text, kind = "info") {
  const status = form.querySelector('[data-vote="status"]');
  status.textContent = text;
  status.className = `vote-status vote-status--${kind}`;
}

function restoreChoice(form) {
  const contestId = Number(form.dataset.contestId);
  const stored = Number(storage("get", voteKey(contestId)));
  const input = stored && form.querySelector(`input[name="entry_id"][value="${stored}"]`);
  if (!input) return;
  input.checked = true;
  showStatus(form, phrase(phrases, "your_vote", { title: entryTitle(contestId, stored) }), "success");
}

async function sendVote(form) {
  const contestId = Number(form.dataset.contestId);
  const chosen = form.querySelector('input[name="entry_id"]:checked');
  if (!chosen) return showStatus(form, phrase(phrases, "choose"), "error");
  const body = { entry_id: Number(chosen.value) };
  if (form.dataset.voteMode === "join_code") {
    const field = form.querySelector('input[name="join_code"]');
    const code = field.value.trim();
    if (!code) {
      field.focus();
      return showStatus(form, phrase(phrases, "code_needed"), "error");
    }
    body.join_code = code;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  showStatus(form, phrase(phrases, "sending"));
  try {
    const response = await fetch(awardsPage.vote_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      showStatus(form, answer.error?.message || phrase(phrases, "unreachable"), "error");
      return;
    }
    storage("set", voteKey(contestId), String(body.entry_id));
    if (body.join_code) storage("set", codeKey, body.join_code);
    showStatus(form, phrase(phrases, "your_vote", { title: entryTitle(contestId, body.entry_id) }), "success");
  } catch {
    showStatus(form, phrase(phrases, "unreachable"), "error");
  } finally {
    button.disabled = false;
  }
}

function renderVotes(state) {
  const status = new Map((state.votes || []).map((vote) => [vote.contest_id, vote.status]));
  let anyOpen = false;
  let closedForMe = false;
  for (const form of panel?.querySelectorAll(".vote-form") || []) {
    const contestId = Number(form.dataset.contestId);
    const open = status.get(contestId) === "open";
    if (open) seenOpen.add(contestId);
    form.hidden = !open;
    anyOpen ||= open;
    const mine = seenOpen.has(contestId) || storage("get", voteKey(contestId));
    // After the close, "the result is revealed at the ceremony" until the audience award is.
    const decided = (state.awards || []).some((a) => a.contest_id === contestId && a.kind === "audience");
    closedForMe ||= status.get(contestId) === "closed" && Boolean(mine) && !decided;
  }
  if (!panel) return;
  panel.querySelector('[data-vote="closed"]').hidden = anyOpen || !closedForMe;
  panel.hidden = !anyOpen && !closedForMe;
}

// The ceremony: the newest award is the large "moment" card, earlier ones are listed below it.

function awardCard(award, { phase = "still" } = {}) {
  const card = element("article", `reveal-card reveal-card--${award.kind}`);
  card.dataset.awardId = award.id;
  card.dataset.phase = phase;
  card.append(element("h3", "reveal-card__title", textIn(award.title, awardsPage)));
  card.append(winnersElement(award, awardsPage, { phase, block: "reveal-card", lineTag: "p", workTag: "span" }));
  return card;
}

function part(name) {
  return stage.querySelector(`[data-reveal="${name}"]`);
}

function drawAll(awards) {
  stage.hidden = awards.length === 0;
  part("moment").replaceChildren(...(awards.length ? [awardCard(awards[awards.length - 1])] : []));
  const earlier = awards.slice(0, -1).reverse().map((award) => {
    const item = element("li");
    item.append(awardCard(award));
    return item;
  });
  part("list").replaceChildren(...earlier);
  shown = awards.map((award) => award.id);
}

function showMoment(award, { phase }) {
  stage.hidden = false;
  const moment = part("moment");
  const current = moment.firstElementChild;
  if (current && Number(current.dataset.awardId) !== award.id) {
    const item = element("li");
    item.append(awardCard(awardsById.get(Number(current.dataset.awardId)) || award));
    part("list").prepend(item);
  }
  moment.replaceChildren(awardCard(award, { phase }));
  if (phase === "title") moment.scrollIntoView({ block: "center", behavior: "smooth" });
}

function say(sentence) {
  const region = part("announcer");
  region.textContent = "";
  setTimeout(() => (region.textContent = sentence), 50);
}

let shown = [];
const awardsById = new Map();
const player = new RevealPlayer({ pauseMs: awardsPage.reveal_pause_ms, show: showMoment, say });

function renderCeremony(state, cause) {
  for (const award of state.awards || []) awardsById.set(award.id, award);
  if (isLiveReveal(client, cause, format) && !shown.includes(cause.update.data.id)) {
    shown.push(cause.update.data.id);
    player.play(cause.update.data, spokenReveal(cause.update.data, awardsPage));
    return;
  }
  const ids = (state.awards || []).map((award) => award.id);
  if (ids.length !== shown.length || ids.some((id) => !shown.includes(id))) {
    player.showNow(() => drawAll(state.awards || []));
  }
}

keepJoinCodeFromAddress();
for (const form of panel?.querySelectorAll(".vote-form") || []) {
  const code = storage("get", codeKey);
  const field = form.querySelector('input[name="join_code"]');
  if (field && code) field.value = code;
  restoreChoice(form);
  form.addEventListener("change", (event) => {
    if (event.target.name === "entry_id" && form.querySelector(".vote-status--error")) showStatus(form, "");
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendVote(form);
  });
}
shown = [...stage.querySelectorAll("[data-award-id]")].map((card) => Number(card.dataset.awardId));
client.onChange((state, previous, cause) => {
  if (cause.kind === "presence" || cause.kind === "connection") return;
  renderVotes(state);
  renderCeremony(state, cause);
});
renderVotes(client.state);
renderCeremony(client.state, { kind: "initial" });
