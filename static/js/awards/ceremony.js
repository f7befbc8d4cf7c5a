// The moderator's ceremony page: the live tally of every open vote (polled every 2 s from the
// moderator-only tally API), and a notice when the ceremony moved on from another screen (the
// live state's seq is no longer the one the page was rendered at). The page itself is plain
// forms; without this script it still works, with the counts as of the last reload (the bars,
// whose lengths arrive in data-share because the page policy forbids inline styles, stay empty).

const POLL_MS = 2000;
const root = document.querySelector("[data-ceremony]");
const renderedSeq = Number(root.dataset.seq);
const stale = root.querySelector('[data-ceremony="stale"]');

async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function showTally(section, tally) {
  const counts = new Map(tally.entries.map((row) => [row.entry_id, row.votes]));
  const top = Math.max(0, ...counts.values());
  section.querySelector('[data-tally="total"]').textContent = String(tally.total);
  for (const row of section.querySelectorAll("tr[data-entry-id]")) {
    const count = counts.get(Number(row.dataset.entryId)) ?? 0;
    row.querySelector('[data-tally="count"]').textContent = String(count);
    row.querySelector(".ceremony-tally__bar span").style.width = `${top ? Math.round((100 * count) / top) : 0}%`;
  }
}

// The bars as rendered: their length travels in data-share (the policy forbids style="…").
for (const bar of root.querySelectorAll(".ceremony-tally__bar span[data-share]")) {
  bar.style.width = `${Number(bar.dataset.share)}%`;
}

async function pollTallies() {
  const open = root.querySelectorAll('.ceremony-vote[data-vote-status="open"]');
  for (const section of open) {
    const url = root.dataset.tallyUrl.replace("{id}", section.dataset.contestId);
    try {
      showTally(section, await getJson(url));
    } catch {
      // A missed poll is retried in 2 s; the counts on screen stay as they were.
    }
  }
}

async function pollSeq() {
  try {
    const state = await getJson(root.dataset.stateUrl);
    stale.hidden = state.seq === renderedSeq;
  } catch {
    // Offline for a moment: keep what is shown.
  }
}

// A second click while a form is on its way would only be refused as stale: ignore it.
for (const form of root.querySelectorAll("form")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent) event.preventDefault();
    form.dataset.sent = "yes";
  });
}

setInterval(() => {
  pollTallies();
  pollSeq();
}, POLL_MS);
