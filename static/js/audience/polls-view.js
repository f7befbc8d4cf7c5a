// Poll results as a bar chart that is also a table (option, votes, share): screen readers read
// the table, the bars are drawn in its cells. Shared by the attendee page, the console and the
// screen view.

import { phrase } from "../live/live-client.js";

export function pollsOf(state) {
  return new Map((state.polls || []).map((row) => [row.poll_id, row]));
}

/** Apply poll.* updates to a Map of poll states (the snapshot's `polls` rows). */
export function followPolls(client, listener) {
  let polls = pollsOf(client.state);
  client.onChange((state, previous, cause) => {
    if (cause.kind === "snapshot") polls = pollsOf(state);
    else if (cause.kind === "update" && cause.update.type.startsWith("poll.")) {
      const data = cause.update.data;
      const row = polls.get(data.poll_id) || { poll_id: data.poll_id, status: "closed", results: null };
      if (cause.update.type === "poll.results") polls.set(data.poll_id, { ...row, results: data });
      else polls.set(data.poll_id, { ...row, status: data.status, results: cause.update.type === "poll.opened" ? null : row.results });
    } else return;
    listener(polls, cause);
  });
  return () => polls;
}

export function resultsTable(poll, results, phrases) {
  const table = document.createElement("table");
  table.className = "poll-results";
  const caption = document.createElement("caption");
  caption.textContent = `${poll.question} · ${phrase(phrases, "respondents", { n: results.total })}`;
  const head = document.createElement("thead");
  head.innerHTML = "<tr><th scope=\"col\"></th><th scope=\"col\"></th><th scope=\"col\"></th></tr>";
  const [optionHead, votesHead, shareHead] = head.querySelectorAll("th");
  optionHead.textContent = phrases.option;
  votesHead.textContent = phrases.votes_heading;
  shareHead.textContent = phrases.share;
  const body = document.createElement("tbody");
  for (const option of poll.options) {
    const count = results.counts[String(option.id)] ?? 0;
    const share = results.total ? Math.round((count / results.total) * 100) : 0;
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = option.text;
    const votes = document.createElement("td");
    votes.textContent = count;
    const cell = document.createElement("td");
    cell.className = "poll-results__share";
    const bar = document.createElement("span");
    bar.className = "poll-results__bar";
    bar.setAttribute("aria-hidden", "true");
    bar.style.setProperty("--share", `${share}%`);
    const percent = document.createElement("span");
    percent.textContent = `${share} %`;
    cell.append(bar, percent);
    row.append(name, votes, cell);
    body.append(row);
  }
  table.append(caption, head, body);
  return table;
}
