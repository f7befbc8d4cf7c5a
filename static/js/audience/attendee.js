// The attendee's questions and reactions (templates/audience/_questions.html): the list kept
// live from the snapshot, the updates and `question.votes`; asking and upvoting through the
// questions API; reactions sent as `react` and shown as a short burst (none with reduced
// motion), with a spoken summary at most every 20 s rather than one per clap.

import { phrase, readJson, startLiveClient } from "../live/live-client.js";
import { burst } from "./burst.js";
import { followQuestions } from "./questions-state.js";

const SUMMARY_EVERY_MS = 20_000;
const { client } = startLiveClient();
const data = readJson("audience-page");
const phrases = data.phrases;
const section = document.getElementById("audience-questions");
const part = (name) => section.querySelector(`[data-audience="${name}"]`);
const upvotedKey = `conference:upvoted:${data.slug}`;

function upvoted() {
  try {
    return new Set(JSON.parse(window.localStorage.getItem(upvotedKey) || "[]"));
  } catch {
    return new Set();
  }
}

function rememberUpvoted(ids) {
  try {
    window.localStorage.setItem(upvotedKey, JSON.stringify([...ids]));
  } catch {
    // Private mode: the upvote counts on the server all the same.
  }
}

function questionRow(question, mine) {
  const row = document.createElement("li");
  row.className = "audience-question";
  row.classList.toggle("is-answered", question.status === "answered");
  row.classList.toggle("is-highlighted", Boolean(question.highlighted));
  row.dataset.questionId = question.id;
  const text = document.createElement("p");
  text.className = "audience-question__text";
  text.textContent = question.text;
  const meta = document.createElement("p");
  meta.className = "audience-question__meta muted";
  meta.textContent = question.name || phrases.anonymous;
  if (question.status === "answered") meta.textContent += ` · ${phrases.answered}`;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn audience-upvote";
  button.dataset.upvote = question.id;
  button.setAttribute("aria-pressed", String(mine.has(question.id)));
  const arrow = document.createElement("span");
  arrow.setAttribute("aria-hidden", "true");
  arrow.textContent = "▲ ";
  const count = document.createElement("span");
  count.dataset.field = "upvotes";
  count.textContent = question.upvotes;
  const label = document.createElement("span");
  label.className = "visually-hidden";
  label.textContent = ` ${phrases.upvotes}`;
  button.append(arrow, count, label);
  row.append(text, meta, button);
  return row;
}

function render(current) {
  section.dataset.mode = current.questions;
  part("ask").hidden = current.questions === "off";
  part("closed").hidden = current.questions !== "off";
  const mine = upvoted();
  const list = part("list");
  const focused = document.activeElement?.dataset?.upvote;
  list.replaceChildren(...current.question_list.map((question) => questionRow(question, mine)));
  part("empty").hidden = current.question_list.length > 0;
  if (focused) list.querySelector(`[data-upvote="${focused}"]`)?.focus();
}

const questions = followQuestions(client, (current) => render(current));

async function call(url, options) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  const answer = await response.json().catch(() => ({}));
  return { response, answer };
}

function wire() {
  const form = part("ask");
  const status = part("ask-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.elements.text.value.trim();
    if (!text) {
      form.elements.text.focus();
      return;
    }
    const body = { text };
    if (form.elements.name.value.trim()) body.name = form.elements.name.value.trim();
    try {
      const { response, answer } = await call(data.questions_url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.status === 201) {
        form.elements.text.value = "";
        status.textContent = answer.status === "pending" ? phrases.pending : phrases.asked;
        status.className = "audience-status audience-status--success";
      } else {
        status.textContent = answer.error?.message || `${response.status}`;
        status.className = "audience-status audience-status--error";
      }
    } catch {
      status.textContent = phrases.unreachable;
      status.className = "audience-status audience-status--error";
    }
  });
  section.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-upvote]");
    if (!button || button.disabled) return;
    const id = Number(button.dataset.upvote);
    const mine = upvoted();
    const on = !mine.has(id);
    // Remembered before the request: the `question.votes` update for this very upvote can
    // arrive before the answer and re-render the list, and the new button must already
    // show it pressed. Taken back if the server refuses.
    const remember = (pressed) => {
      const ids = upvoted();
      if (pressed) ids.add(id);
      else ids.delete(id);
      rememberUpvoted(ids);
    };
    const current = () => part("list").querySelector(`[data-upvote="${id}"]`) || button;
    remember(on);
    button.setAttribute("aria-pressed", String(on));
    button.disabled = true;
    let ok = false;
    try {
      const { response, answer } = await call(`${data.questions_url}/${id}/upvote`, { method: on ? "POST" : "DELETE" });
      ok = response.ok;
      if (ok && typeof answer.upvotes === "number") {
        current().querySelector('[data-field="upvotes"]').textContent = answer.upvotes;
      }
    } catch {
      ok = false;
    } finally {
      if (!ok) {
        remember(!on);
        current().setAttribute("aria-pressed", String(!on));
      }
      button.disabled = false;
      current().disabled = false;
    }
  });
}

// --- reactions ---------------------------------------------------------------------------

const reactions = document.getElementById("audience-reactions");
let spoken = 0;
let unspoken = 0;
// The server counts at most 3 a second per attendee; the rest would only load it (and the
// room's shared connection): a fast clapper sends at most that many.
const REACTS_PER_SECOND = 3;
let sentAt = [];

if (reactions) {
  reactions.addEventListener("click", (event) => {
    const button = event.target.closest("[data-react]");
    if (!button) return;
    const now = Date.now();
    sentAt = sentAt.filter((at) => now - at < 1000);
    if (sentAt.length >= REACTS_PER_SECOND) return;
    sentAt.push(now);
    client.socket.emit("react", { kind: button.dataset.react });
  });
  client.socket.on("reactions", (message) => {
    const counts = message?.counts || {};
    burst(reactions.querySelector('[data-audience="burst"]'), counts, data.symbols);
    unspoken += Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (Date.now() - spoken > SUMMARY_EVERY_MS && unspoken > 0) {
      reactions.querySelector('[data-audience="reaction-summary"]').textContent = phrase(phrases, "reaction_summary", { n: unspoken });
      spoken = Date.now();
      unspoken = 0;
    }
  });
}

// On /events/<slug>/questions nothing else marks the connection (the live page's script does).
const root = document.querySelector("[data-live-page]");
const banner = document.getElementById("live-connection");
function showConnection() {
  root.dataset.connection = client.connection;
  if (banner && !document.querySelector("[data-now]")) {
    banner.hidden = client.connection !== "reconnecting";
    banner.textContent = phrases.reconnecting;
  }
}
client.onChange(showConnection);

wire();
showConnection();
render(questions());
