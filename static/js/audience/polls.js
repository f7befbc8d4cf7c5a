// The attendee's polls: a form while a poll is open (one answer, or several in a `multiple`
// poll; a new answer replaces the earlier one), and the results once the moderator shows them.

import { readJson, startLiveClient } from "../live/live-client.js";
import { followPolls, resultsTable } from "./polls-view.js";

const { client } = startLiveClient();
const data = readJson("audience-page");
const phrases = data.phrases;
const section = document.getElementById("audience-polls");

function form(poll) {
  const element = document.createElement("form");
  element.className = "poll-form";
  element.dataset.pollId = poll.id;
  element.noValidate = true;
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = `${poll.question} ${poll.multiple ? phrases.choose_many : phrases.choose_one}`;
  fieldset.append(legend);
  for (const option of poll.options) {
    const label = document.createElement("label");
    label.className = "poll-choice";
    const input = document.createElement("input");
    input.type = poll.multiple ? "checkbox" : "radio";
    input.name = "option_ids";
    input.value = option.id;
    const text = document.createElement("span");
    text.textContent = option.text;
    label.append(input, text);
    fieldset.append(label);
  }
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.className = "btn btn-primary";
  submit.textContent = phrases.send_answer;
  const status = document.createElement("p");
  status.className = "audience-status";
  status.setAttribute("role", "status");
  element.append(fieldset, submit, status);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = [...element.querySelectorAll("input:checked")].map((input) => Number(input.value));
    if (!chosen.length) {
      status.textContent = phrases.choose_first;
      return;
    }
    try {
      const response = await fetch(`${data.polls_url}/${poll.id}/answers`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ option_ids: chosen }),
      });
      const answer = await response.json().catch(() => ({}));
      status.textContent = response.ok ? phrases.answer_saved : answer.error?.message || `${response.status}`;
    } catch {
      status.textContent = phrases.unreachable;
    }
  });
  return element;
}

function render(polls) {
  const parts = [];
  for (const poll of data.polls) {
    const state = polls.get(poll.id);
    if (!state) continue;
    if (state.status === "open") {
      const existing = section.querySelector(`form[data-poll-id="${poll.id}"]`);
      parts.push(existing || form(poll));
    } else if (state.results) {
      parts.push(resultsTable(poll, state.results, phrases));
    }
  }
  section.querySelector('[data-polls="list"]').replaceChildren(...parts);
  section.hidden = parts.length === 0;
}

const polls = followPolls(client, render);
render(polls());
