/**
 * The partner's upload page: resumable uploads with tus-js-client, and the greetings' state.
 *
 * - The upload goes to the invite's tus endpoint (`data-endpoint`) in 16 MiB PATCH requests.
 *   A dropped connection is retried with growing pauses; after that the partner presses
 *   "Continue" (or the browser comes back online) and the upload goes on from the server's
 *   offset. Choosing the same file again after a reload also continues it: tus-js-client
 *   keeps the upload's URL in localStorage under the file's fingerprint.
 * - Progress: a <progress> bar, bytes sent, speed over the last seconds, and the time left.
 * - The list of the partner's videos comes from GET /api/v1/invites/<token> (`data-status-url`):
 *   every 3 s while something is uploading or being processed, else every 20 s.
 * Every sentence shown comes translated from the page (#partner-phrases); this file has none.
 */

const form = document.getElementById("upload-form");
const list = document.getElementById("greeting-list");
const statusLine = document.getElementById("upload-status");
const errorBox = document.getElementById("upload-error");
const progressBox = document.getElementById("upload-progress");
const bar = progressBox.querySelector("progress");
const fileInput = form.elements.file;
const language = form.dataset.lang;
const maxFileBytes = Number(form.dataset.maxFileBytes);
const CHUNK_BYTES = 16 * 1024 * 1024;
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10000, 20000, 30000];
const SPEED_WINDOW_MS = 8000;

const phrases = Object.fromEntries(
  [...document.querySelectorAll("#partner-phrases [data-key]")].map((node) => [
    node.dataset.key,
    node.textContent.trim(),
  ]),
);
let current = null; // {upload, samples: [{at, bytes}], pausedByUser}
let view = JSON.parse(document.getElementById("partner-view").textContent);
let pollTimer = null;

function phrase(key, values = {}) {
  return phrases[key].replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });

/** Binary multiples with the page's decimal separator, as the server writes sizes. */
function formatBytes(bytes) {
  for (const [unit, factor] of [["GB", 1024 ** 3], ["MB", 1024 ** 2], ["KB", 1024]]) {
    if (bytes >= factor) return `${number.format(bytes / factor)} ${unit}`;
  }
  return `${bytes} B`;
}

function formatDuration(seconds) {
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function setStatus(text) {
  statusLine.textContent = text;
}

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

function showButtons(state) {
  const visible = {
    idle: ["start"],
    running: ["pause", "cancel"],
    paused: ["resume", "cancel"],
  }[state];
  for (const button of form.querySelectorAll("[data-action]")) {
    if (["start", "pause", "resume", "cancel"].includes(button.dataset.action)) {
      button.hidden = !visible.includes(button.dataset.action);
    }
  }
  for (const field of [fileInput, form.elements.title, form.elements.message]) {
    field.disabled = state !== "idle";
  }
}

/** The server's own sentence for a refused request, else a generic one. */
function reasonOf(error) {
  const response = error && error.originalResponse;
  if (response) {
    try {
      return JSON.parse(response.getBody()).error.message;
    } catch {
      /* not our JSON: fall through */
    }
  }
  return phrase("offline");
}

function isRetryable(error) {
  const status = error.originalResponse ? error.originalResponse.getStatus() : 0;
  const refused = status >= 400 && status < 500 && status !== 409 && status !== 423;
  return !refused && navigator.onLine !== false;
}

function showProgress(sent, total) {
  const now = performance.now();
  const samples = current.samples;
  samples.push({ at: now, bytes: sent });
  while (samples.length > 2 && now - samples[0].at > SPEED_WINDOW_MS) samples.shift();
  progressBox.hidden = false;
  const percent = total ? Math.floor((sent / total) * 100) : 0;
  bar.value = percent;
  progressBox.querySelector('[data-field="percent"]').textContent = phrase("percent", { percent });
  progressBox.querySelector('[data-field="bytes"]').textContent = phrase("bytes", {
    sent: formatBytes(sent),
    total: formatBytes(total),
  });
  const first = samples[0];
  const elapsed = (now - first.at) / 1000;
  let speedText = "";
  let remainingText = "";
  if (elapsed >= 1 && sent > first.bytes) {
    const speed = (sent - first.bytes) / elapsed;
    const left = (total - sent) / speed;
    speedText = phrase("speed", { speed: formatBytes(speed) });
    remainingText =
      left >= 60
        ? phrase("minutes_left", { minutes: Math.ceil(left / 60) })
        : phrase("seconds_left", { seconds: Math.max(1, Math.ceil(left)) });
  }
  progressBox.querySelector('[data-field="speed"]').textContent = speedText;
  progressBox.querySelector('[data-field="remaining"]').textContent = remainingText;
}

function metadataFor(file) {
  const metadata = { filename: file.name, filetype: file.type || "application/octet-stream" };
  const title = form.elements.title.value.trim();
  const message = form.elements.message.value.trim();
  if (title) metadata.title = title;
  if (message) metadata.message = message;
  if (form.elements.replaces.value) metadata.replaces = form.elements.replaces.value;
  return metadata;
}

function start(event) {
  event.preventDefault();
  showError("");
  const file = fileInput.files[0];
  if (!file) return showError(phrase("no_file"));
  if (file.size === 0) return showError(phrase("empty"));
  if (file.size > maxFileBytes) return showError(phrase("too_big", { size: formatBytes(maxFileBytes) }));
  const endpointPath = new URL(form.dataset.endpoint, location.href).pathname;
  const upload = new window.tus.Upload(file, {
    endpoint: form.dataset.endpoint,
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS_MS,
    metadata: metadataFor(file),
    removeFingerprintOnSuccess: true,
    // The same file to the same link continues, whatever the page's language.
    fingerprint: (chosen) =>
      Promise.resolve(["partner", endpointPath, chosen.name, chosen.type, chosen.size, chosen.lastModified].join("|")),
    onShouldRetry: (error) => {
      const retry = isRetryable(error);
      if (retry) setStatus(phrase("retrying"));
      return retry;
    },
    onProgress: showProgress,
    onError: (error) => {
      showError(phrase("failed", { reason: reasonOf(error) }));
      setStatus("");
      showButtons(isRetryable(error) ? "paused" : "idle");
      if (!isRetryable(error)) current = null;
      refresh();
    },
    onSuccess: () => {
      setStatus(phrase("done"));
      progressBox.hidden = true;
      current = null;
      form.reset();
      endReplacing();
      showButtons("idle");
      refresh();
    },
  });
  current = { upload, samples: [], pausedByUser: false };
  showButtons("running");
  setStatus(phrase("starting"));
  upload.findPreviousUploads().then((previous) => {
    if (previous.length) {
      setStatus(phrase("resuming"));
      upload.resumeFromPreviousUpload(previous[0]);
    }
    upload.start();
    setTimeout(refresh, 1000);
  });
}

function pause() {
  if (!current) return;
  current.pausedByUser = true;
  current.upload.abort();
  setStatus(phrase("paused"));
  showButtons("paused");
}

function resume() {
  if (!current) return;
  current.pausedByUser = false;
  current.samples = [];
  showError("");
  setStatus(phrase("starting"));
  showButtons("running");
  current.upload.start();
}

function cancel() {
  if (!current) return;
  const upload = current.upload;
  current = null;
  upload.abort(true).finally(() => {
    setStatus(phrase("cancelled"));
    progressBox.hidden = true;
    showButtons("idle");
    refresh();
  });
}

function beginReplacing(greeting) {
  form.elements.replaces.value = String(greeting.id);
  form.elements.title.value = greeting.title || "";
  form.elements.message.value = greeting.message || "";
  const note = document.getElementById("replace-note");
  note.querySelector('[data-field="replace-text"]').textContent = phrase("replacing", {
    title: greeting.title || greeting.filename || phrase("untitled"),
  });
  note.hidden = false;
  fileInput.focus();
}

function endReplacing() {
  form.elements.replaces.value = "";
  document.getElementById("replace-note").hidden = true;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function renderGreeting(greeting) {
  const picture = greeting.poster_url
    ? element("img", { src: greeting.poster_url, alt: "" })
    : element("div", { class: "partner-greeting__placeholder", "aria-hidden": "true" });
  const text = element(
    "div",
    { class: "partner-greeting__text" },
    element("h3", {}, greeting.title || phrase("untitled")),
    greeting.filename ? element("p", { class: "muted" }, greeting.filename) : null,
    element(
      "p",
      {},
      element("span", { class: "badge", "data-status": greeting.status }, phrase(`status_${greeting.status}`)),
      greeting.duration_s ? ` ${phrase("duration", { duration: formatDuration(greeting.duration_s) })}` : null,
    ),
    greeting.status === "failed" && greeting.failure_reason
      ? element("p", { class: "alert alert-error" }, greeting.failure_reason)
      : null,
    greeting.status === "ready" ? element("p", { "data-review": greeting.review }, phrase(`review_${greeting.review}`)) : null,
    greeting.review_reason ? element("p", {}, phrase("review_reason", { reason: greeting.review_reason })) : null,
  );
  const actions = element("p", { class: "partner-actions" });
  if (greeting.status === "ready" && greeting.video_url) {
    actions.append(element("a", { class: "btn", href: greeting.video_url, target: "_blank", rel: "noopener" }, phrase("watch")));
  }
  if (greeting.review !== "approved" && ["ready", "failed"].includes(greeting.status)) {
    const button = element("button", { class: "btn", type: "button" }, phrase("replace"));
    button.addEventListener("click", () => beginReplacing(greeting));
    actions.append(button);
  }
  if (actions.childElementCount) text.append(actions);
  return element("li", { class: "card partner-greeting", "data-greeting-id": greeting.id }, picture, text);
}

function render() {
  list.replaceChildren(...view.greetings.map(renderGreeting));
  document.getElementById("no-greetings").hidden = view.greetings.length > 0;
  document.querySelector('[data-field="quota"]').textContent = view.quota_text;
}

function busy() {
  return current !== null || view.greetings.some((g) => ["uploading", "processing"].includes(g.status));
}

async function refresh() {
  clearTimeout(pollTimer);
  try {
    const response = await fetch(form.dataset.statusUrl, { cache: "no-store", headers: { Accept: "application/json" } });
    if (response.ok) {
      view = await response.json();
      render();
    }
  } catch {
    /* offline: try again later */
  }
  pollTimer = setTimeout(refresh, busy() ? 3000 : 20000);
}

form.addEventListener("submit", start);
form.querySelector('[data-action="pause"]').addEventListener("click", pause);
form.querySelector('[data-action="resume"]').addEventListener("click", resume);
form.querySelector('[data-action="cancel"]').addEventListener("click", cancel);
form.querySelector('[data-action="cancel-replace"]').addEventListener("click", endReplacing);
window.addEventListener("online", () => {
  if (current && !current.pausedByUser && !errorBox.hidden) resume();
});
render();
pollTimer = setTimeout(refresh, busy() ? 3000 : 20000);
