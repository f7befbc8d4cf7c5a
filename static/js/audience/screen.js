// The screen view's audience layer: the highlighted question; a poll's results once shown; the
// join panel (QR code) while nothing else is on screen, saying so while a poll is open; and a
// burst of the reactions (none with reduced motion).

import { readJson, startLiveClient } from "../live/live-client.js";
import { burst } from "./burst.js";
import { followPolls, resultsTable } from "./polls-view.js";
import { followQuestions } from "./questions-state.js";

const { client } = startLiveClient();
const data = readJson("audience-page");
const layer = (name) => document.querySelector(`[data-audience="${name}"]`);
const joinLabel = layer("join").querySelector('[data-field="label"]');
const joinText = joinLabel.textContent;
let shownPoll = null; // the poll whose results were shown last

function render() {
  const question = questions().highlighted_question;
  const box = layer("highlighted");
  box.hidden = !question;
  box.querySelector('[data-field="text"]').textContent = question ? question.text : "";
  box.querySelector('[data-field="meta"]').textContent = question ? question.name || data.phrases.anonymous : "";
  const pollStates = polls();
  const state = shownPoll != null ? pollStates.get(shownPoll) : null;
  const poll = data.polls.find((known) => known.id === shownPoll);
  const pollBox = layer("poll");
  const showing = Boolean(!question && state?.results && poll);
  pollBox.hidden = !showing;
  pollBox.replaceChildren(...(showing ? [resultsTable(poll, state.results, data.phrases)] : []));
  const open = [...pollStates.values()].some((row) => row.status === "open");
  joinLabel.textContent = open ? data.phrases.poll_open_now : joinText;
  layer("join").hidden = Boolean(question || showing || client.state.announcement);
}

const questions = followQuestions(client, render);
const polls = followPolls(client, (current, cause) => {
  if (cause.update?.type === "poll.results") shownPoll = cause.update.data.poll_id;
  if (cause.update?.type === "poll.opened" && cause.update.data.poll_id === shownPoll) shownPoll = null;
  render();
});
for (const row of polls().values()) if (row.results) shownPoll = row.poll_id;
client.onChange(render);
client.socket.on("reactions", (message) => burst(layer("burst"), message?.counts || {}, data.symbols));
render();
