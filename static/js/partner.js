/**
 * The partner's upload page: resumable uploads with tus-js-client.
 *
 * - The upload goes to the invite's tus endpoint (`data-endpoint`) in 16 MiB PATCH requests.
 *   A dropped connection is retried with growing pauses; after that the partner presses
 *   "Continue" (or the browser comes back online) and the upload goes on from the server's
 *   offset. Choosing the same file again after a reload also continues it: tus-js-client
 *   keeps the upload's URL in localStorage under the file's fingerprint.
 * - Progress: a <progress> bar, bytes sent, speed over the last seconds, and the time left.
 * - The list of the partner's videos and their state: ./partner-greetings.js.
 * Every sentence shown comes translated from the page (#partner-phrases); this file has none.
 */

import { followGreetings } from "./partner-greetings.js";

const form = document.getElementById("upload-form");
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

const refresh = followGreetings({
  view: JSON.parse(document.getElementById("partner-view").textContent),
  list: document.getElementById("greeting-list"),
  empty: document.getElementById("no-greetings"),
  quota: document.querySelector('[data-field="quota"]'),
  statusUrl: form.dataset.statusUrl,
  phrase,
  onReplace: beginReplacing,
  uploading: () => current !== null,
});

form.addEventListener("submit", start);
form.querySelector('[data-action="pause"]').addEventListener("click", pause);
form.querySelector('[data-action="resume"]').addEventListener("click", resume);
form.querySelector('[data-action="cancel"]').addEventListener("click", cancel);
form.querySelector('[data-action="cancel-replace"]').addEventListener("click", endReplacing);
window.addEventListener("online", () => {
  if (current && !current.pausedByUser && !errorBox.hidden) resume();
});
