// The console's questions panel: every question (pending and hidden too, from the moderators'
// GET …/questions), refreshed when a question update or `question.votes` arrives and every few
// seconds (a pending question makes no update: only moderators may know of it). The buttons are
// sent by static/js/live/console.js (data-command + data-question-id); this module renders and
// adds the keyboard shortcuts.

import { readJson, startLiveClient } from "../live/live-client.js";
import { followQuestions, sortQuestions } from "./questions-state.js";

const REFRESH_MS = 3000;
const { client } = startLiveClient();
const data = readJson("audience-page");
const phrases = data.phrases;
const panel = document.getElementById("console-questions");
const list = panel.querySelector('[data-questions="list"]');
let questions = [];
let selected = null;
let mode = panel.dataset.mode;

function button(command, label, id) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "btn";
  element.dataset.command = command;
  element.dataset.questionId = id;
  element.textContent = label;
  return element;
}

function row(question) {
  const item = document.createElement("li");
  item.className = `console-question is-${question.status}`;
  item.dataset.questionId = question.id;
  item.tabIndex = -1;
  if (question.id === selected) item.setAttribute("aria-current", "true");
  const text = document.createElement("p");
  text.className = "console-question__text";
  text.textContent = question.text;
  const meta = document.createElement("p");
  meta.className = "console-question__meta muted";
  const status = phrases[`status_${question.status}`] || question.status;
  meta.textContent = `${question.name || phrases.anonymous} · ▲ ${question.upvotes} · ${status}${question.highlighted ? ` · ${phrases.on_screen}` : ""}`;
  const actions = document.createElement("div");
  actions.className = "console-question__actions";
  if (question.status === "pending" || question.status === "hidden") actions.append(button("approve_question", phrases.approve, question.id));
  if (question.status !== "pending" && question.status !== "hidden" && !question.highlighted) actions.append(button("highlight_question", phrases.highlight, question.id));
  if (question.status === "visible") actions.append(button("answer_question", phrases.mark_answered, question.id));
  if (question.status !== "hidden") actions.append(button("hide_question", phrases.hide, question.id));
  actions.append(button("block_asker", phrases.block, question.id));
  item.append(text, meta, actions);
  return item;
}

function render() {
  const order = { pending: 0, visible: 1, answered: 2, hidden: 3 };
  const rows = sortQuestions(questions).sort((a, b) => order[a.status] - order[b.status]);
  list.replaceChildren(...rows.map(row));
  panel.querySelector('[data-questions="empty"]').hidden = rows.length > 0;
  panel.dataset.mode = mode;
  panel.querySelector('[data-questions="mode"]').textContent = phrases[`mode_${mode}`] || mode;
  panel.querySelector('[data-command="open_questions"]').hidden = mode !== "off";
  panel.querySelector('[data-command="close_questions"]').hidden = mode === "off";
  panel.querySelector('[data-command="clear_highlight"]').hidden = !questions.some((q) => q.highlighted);
}

async function refresh() {
  try {
    const response = await fetch(data.questions_url, { credentials: "same-origin" });
    if (response.ok) {
      questions = await response.json();
      render();
    }
  } catch {
    // The next refresh tries again; the connection banner says when the server is away.
  }
}

followQuestions(client, (part, cause) => {
  mode = part.questions;
  if (cause.kind === "votes") {
    const counts = new Map(part.question_list.map((q) => [q.id, q.upvotes]));
    questions = questions.map((q) => (counts.has(q.id) ? { ...q, upvotes: counts.get(q.id) } : q));
    render();
  } else {
    refresh();
  }
});

function move(step) {
  const ids = [...list.querySelectorAll("[data-question-id]")].map((item) => Number(item.dataset.questionId));
  if (!ids.length) return;
  const index = ids.indexOf(selected);
  selected = ids[Math.max(0, Math.min(ids.length - 1, index < 0 ? 0 : index + step))];
  render();
  list.querySelector(`[data-question-id="${selected}"]`)?.scrollIntoView({ block: "nearest" });
}

const KEYS = { v: "approve_question", s: "highlight_question", d: "answer_question", h: "hide_question", b: "block_asker" };

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if (event.target.closest("input, textarea, select, [contenteditable]") || document.querySelector("dialog[open]")) return;
  const key = event.key.toLowerCase();
  if (key === "j" || key === "k") {
    event.preventDefault();
    move(key === "j" ? 1 : -1);
    return;
  }
  if (key === "x" || key === "o") {
    const command = key === "x" ? "clear_highlight" : mode === "off" ? "open_questions" : "close_questions";
    const target = panel.querySelector(`[data-command="${command}"]`);
    if (target && !target.hidden) {
      event.preventDefault();
      target.click();
    }
    return;
  }
  const command = KEYS[key];
  if (!command || selected == null) return;
  const target = list.querySelector(`[data-question-id="${selected}"] [data-command="${command}"]`);
  if (target) {
    event.preventDefault();
    target.click();
  }
});

refresh();
setInterval(refresh, REFRESH_MS);
