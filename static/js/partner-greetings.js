/**
 * The partner's list of videos and their state, kept up to date by polling
 * GET /api/v1/invites/<token>: every 3 s while something uploads or is processed (or the page
 * is uploading), else every 20 s. Sentences come from the page (`phrase`); none are here.
 */

const BUSY_POLL_MS = 3000;
const IDLE_POLL_MS = 20000;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function formatDuration(seconds) {
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function renderGreeting(greeting, phrase, onReplace) {
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
    greeting.status === "ready"
      ? element("p", { "data-review": greeting.review }, phrase(`review_${greeting.review}`))
      : null,
    greeting.review_reason ? element("p", {}, phrase("review_reason", { reason: greeting.review_reason })) : null,
  );
  const actions = element("p", { class: "partner-actions" });
  if (greeting.status === "ready" && greeting.video_url) {
    actions.append(
      element("a", { class: "btn", href: greeting.video_url, target: "_blank", rel: "noopener" }, phrase("watch")),
    );
  }
  if (greeting.review !== "approved" && ["ready", "failed"].includes(greeting.status)) {
    const button = element("button", { class: "btn", type: "button" }, phrase("replace"));
    button.addEventListener("click", () => onReplace(greeting));
    actions.append(button);
  }
  if (actions.childElementCount) text.append(actions);
  return element("li", { class: "card partner-greeting", "data-greeting-id": greeting.id }, picture, text);
}

/**
 * Show `view.greetings` in `list` and keep them current. Returns `refresh()`, to call when the
 * page knows something changed (an upload started or finished).
 */
export function followGreetings({ view, list, empty, quota, statusUrl, phrase, onReplace, uploading }) {
  let timer = null;

  function render() {
    list.replaceChildren(...view.greetings.map((greeting) => renderGreeting(greeting, phrase, onReplace)));
    empty.hidden = view.greetings.length > 0;
    quota.textContent = view.quota_text;
  }

  function busy() {
    return uploading() || view.greetings.some((g) => ["uploading", "processing"].includes(g.status));
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const response = await fetch(statusUrl, { cache: "no-store", headers: { Accept: "application/json" } });
      if (response.ok) {
        view = await response.json();
        render();
      }
    } catch {
      /* offline: the next round tries again */
    }
    timer = setTimeout(refresh, busy() ? BUSY_POLL_MS : IDLE_POLL_MS);
  }

  render();
  timer = setTimeout(refresh, busy() ? BUSY_POLL_MS : IDLE_POLL_MS);
  return refresh;
}
