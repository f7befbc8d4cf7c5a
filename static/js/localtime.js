/**
 * The viewer's own clock beside event times, where the viewer's time zone differs.
 *
 * The server writes times in the event's zone: `<time datetime="2021-06-15T11:00:00Z">14:00</time>`.
 * Elements marked `data-local-time` (a `<time>`, or a container of `<time>`s such as a range)
 * get a sibling `<span class="local-time">12:00 jūsu laikā</span>` when, at that moment, the
 * viewer's clock shows another time (or day) than the event's. A partner in Lisbon sees
 * "12:00 your time" next to 14:00; a viewer in Vilnius (same offset as Riga) sees nothing extra.
 *
 * The zone comes from the element's `data-timezone`, else `<body data-event-timezone>`; the
 * phrase from `<body data-local-time-label="{time} your time">`, translated by the server.
 * Live pages that insert times later call `annotateLocalTimes(theirContainer)` again.
 */

const notes = new WeakMap();

function formatter(language, timeZone, options) {
  return new Intl.DateTimeFormat(language, { timeZone, ...options });
}

function clockIn(moment, timeZone, language) {
  return formatter(language, timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(moment);
}

function dayIn(moment, timeZone) {
  return formatter("en-CA", timeZone, { year: "numeric", month: "2-digit", day: "2-digit" })
    .format(moment);
}

/** The viewer's IANA time zone, e.g. "Europe/Lisbon". */
export function viewerTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The viewer's reading of `moments` ("12:00–12:15", with the day if it differs), or null. */
export function localReading(moments, eventZone, viewerZone, language) {
  const sameEverywhere = moments.every(
    (moment) =>
      clockIn(moment, eventZone, language) === clockIn(moment, viewerZone, language) &&
      dayIn(moment, eventZone) === dayIn(moment, viewerZone),
  );
  if (sameEverywhere) return null;
  let text = moments.map((moment) => clockIn(moment, viewerZone, language)).join("–");
  if (dayIn(moments[0], eventZone) !== dayIn(moments[0], viewerZone)) {
    const day = formatter(language, viewerZone, { day: "numeric", month: "short" });
    text = `${day.format(moments[0])} ${text}`;
  }
  return text;
}

function annotate(element, label, language, viewerZone) {
  const eventZone = element.dataset.timezone || document.body.dataset.eventTimezone;
  if (!eventZone) return;
  const times = element.matches("time") ? [element] : [...element.querySelectorAll("time[datetime]")];
  const moments = times.map((time) => new Date(time.dateTime)).filter((m) => !Number.isNaN(m.getTime()));
  if (moments.length === 0) return;
  let reading = null;
  try {
    reading = localReading(moments, eventZone, viewerZone, language);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error; // an unknown zone name: leave the page as is
  }
  let note = notes.get(element);
  if (reading === null) {
    note?.remove();
    notes.delete(element);
    return;
  }
  if (!note || !note.isConnected) {
    note = document.createElement("span");
    note.className = "local-time";
    element.after(note);
    notes.set(element, note);
  }
  note.textContent = label.replace("{time}", reading);
}

/** Add (or refresh) the viewer's time beside every `[data-local-time]` inside `root`. */
export function annotateLocalTimes(root = document) {
  const label = document.body.dataset.localTimeLabel || "{time}";
  const language = document.documentElement.lang || undefined;
  const viewerZone = viewerTimeZone();
  const marked = root.matches?.("[data-local-time]") ? [root] : [];
  for (const element of [...marked, ...root.querySelectorAll("[data-local-time]")]) {
    annotate(element, label, language, viewerZone);
  }
}

annotateLocalTimes();
