// The screen view's audience layer: the highlighted question, the join panel while nothing
// else is on screen, and a burst of the reactions (none with reduced motion).

import { readJson, startLiveClient } from "../live/live-client.js";
import { burst } from "./burst.js";
import { followQuestions } from "./questions-state.js";

const { client } = startLiveClient();
const data = readJson("audience-page");
const layer = (name) => document.querySelector(`[data-audience="${name}"]`);

function render(part) {
  const question = part.highlighted_question;
  const box = layer("highlighted");
  box.hidden = !question;
  box.querySelector('[data-field="text"]').textContent = question ? question.text : "";
  box.querySelector('[data-field="meta"]').textContent = question ? question.name || data.phrases.anonymous : "";
  layer("join").hidden = Boolean(question || client.state.announcement);
}

const questions = followQuestions(client, (part) => render(part));
client.onChange(() => render(questions()));
client.socket.on("reactions", (message) => burst(layer("burst"), message?.counts || {}, data.symbols));
render(questions());
