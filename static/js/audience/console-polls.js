// The console's polls: open, close, show results (data-command + data-poll-id, sent by
// static/js/live/console.js), with the live counts from the moderators' results API, read
// every 2 s while a poll is open (answers make no update: they are secret until shown).

import { readJson, startLiveClient } from "../live/live-client.js";
import { followPolls, resultsTable } from "./polls-view.js";

const REFRESH_MS = 2000;
const { client } = startLiveClient();
const data = readJson("audience-page");
const phrases = data.phrases;
const panel = document.getElementById("console-polls");
const counts = new Map();

function button(command, label, poll, enabled) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "btn";
  element.dataset.command = command;
  element.dataset.pollId = poll.id;
  element.textContent = label;
  element.hidden = !enabled;
  return element;
}

function render(polls) {
  const rows = data.polls.map((poll) => {
    const state = polls.get(poll.id) || { status: "not_opened", results: null };
    const item = document.createElement("li");
    item.className = `console-question is-${state.status}`;
    item.dataset.pollId = poll.id;
    const title = document.createElement("p");
    title.className = "console-question__text";
    title.textContent = poll.question;
    const meta = document.createElement("p");
    meta.className = "console-question__meta muted";
    meta.textContent = `${phrases[`poll_status_${state.status}`] || state.status}${state.results ? ` · ${phrases.results}` : ""}`;
    const actions = document.createElement("div");
    actions.className = "console-question__actions";
    actions.append(
      button("open_poll", phrases.open_poll, poll, state.status !== "open"),
      button("close_poll", phrases.close_poll, poll, state.status === "open"),
      button("show_results", phrases.show_results, poll, false),
    );
    actions.lastChild.dataset.command = "show_poll_results";
    actions.lastChild.hidden = state.status === "not_opened";
    item.append(title, meta, actions);
    const live = counts.get(poll.id);
    if (live) item.append(resultsTable(poll, live, phrases));
    return item;
  });
  panel.querySelector('[data-polls="list"]').replaceChildren(...rows);
  panel.querySelector('[data-polls="empty"]').hidden = rows.length > 0;
}

const polls = followPolls(client, (current) => {
  render(current);
  refresh();
});

async function refresh() {
  for (const poll of data.polls) {
    const state = polls().get(poll.id);
    if (!state || (state.status === "not_opened" && !counts.has(poll.id))) continue;
    if (state.status !== "open" && counts.has(poll.id) && counts.get(poll.id).final) continue;
    try {
      const response = await fetch(`${data.polls_url}/${poll.id}/results`, { credentials: "same-origin" });
      if (response.ok) counts.set(poll.id, { ...(await response.json()), final: state.status !== "open" });
    } catch {
      // Tried again at the next refresh.
    }
  }
  render(polls());
}

render(polls());
refresh();
setInterval(refresh, REFRESH_MS);
