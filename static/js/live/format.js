// Times for the live pages: clock times in the event's zone (and the viewer's, where it
// differs), durations, and a clock corrected by the server's time at page load.

import { phrase } from "./live-client.js";

const MINUTE_MS = 60 * 1000;
// Beyond this, "running over by N min" is no longer lateness but another day (a rehearsal, or
// the 2021 demo started today): pages say when the item was planned instead of a huge figure.
export const LATENESS_CAP_MINUTES = 180;

export class TimeFormat {
  constructor({ lang, timezone, serverNow }) {
    this.eventZone = timezone;
    this.viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    this.eventClock = new Intl.DateTimeFormat(lang, { ...options, timeZone: timezone });
    this.viewerClock = new Intl.DateTimeFormat(lang, options);
    this.eventDate = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: timezone });
    this.eventClockWithSeconds = new Intl.DateTimeFormat(lang, {
      ...options,
      second: "2-digit",
      timeZone: timezone,
    });
    // The viewer's clock may be wrong; the server's time at page load corrects it.
    this.offsetMs = serverNow ? Date.parse(serverNow) - Date.now() : 0;
  }

  /** The server's "now", in milliseconds since the epoch. */
  now() {
    return Date.now() + this.offsetMs;
  }

  /** "14:05" in the event's zone. */
  clock(iso, { seconds = false } = {}) {
    if (!iso) return "";
    const formatter = seconds ? this.eventClockWithSeconds : this.eventClock;
    return formatter.format(typeof iso === "number" ? iso : Date.parse(iso));
  }

  /** "15 Jun 2021, 14:05" (the day and the clock) in the event's zone. */
  dateTime(iso) {
    if (!iso) return "";
    const moment = typeof iso === "number" ? iso : Date.parse(iso);
    return `${this.eventDate.format(moment)}, ${this.eventClock.format(moment)}`;
  }

  /** "13:05" in the viewer's zone, or "" when it reads the same as the event's. */
  localClock(iso) {
    if (!iso) return "";
    const moment = Date.parse(iso);
    const local = this.viewerClock.format(moment);
    return local === this.eventClock.format(moment) ? "" : local;
  }

  /** "12:34" or "1:02:03" for a duration in milliseconds (never negative). */
  duration(milliseconds) {
    const total = Math.max(0, Math.floor(milliseconds / 1000));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = String(total % 60).padStart(2, "0");
    return hours > 0
      ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`
      : `${minutes}:${seconds}`;
  }
}

/** Whole minutes between two ISO times (b - a), rounded. */
export function minutesBetween(a, b) {
  return Math.round((Date.parse(b) - Date.parse(a)) / MINUTE_MS);
}

/** The "now" card's clock lines for a live item: elapsed, and left or over. */
export function itemClock(item, format, phrases) {
  if (!item || !item.actual_start) return { elapsed: "", remaining: "", over: false, share: 0 };
  const now = format.now();
  const start = Date.parse(item.actual_start);
  const end = Date.parse(item.planned_end);
  const elapsed = phrase(phrases, "elapsed", { time: format.duration(now - start) });
  const plannedLength = Math.max(end - start, MINUTE_MS);
  const share = Math.min(1, Math.max(0, (now - start) / plannedLength));
  if (now > end) {
    const minutes = Math.max(1, Math.floor((now - end) / MINUTE_MS));
    const remaining = minutes > LATENESS_CAP_MINUTES
      ? phrase(phrases, "planned_for", { when: format.dateTime(item.planned_start) })
      : phrase(phrases, "over_by", { n: minutes });
    return { elapsed, remaining, over: true, share: 1 };
  }
  return {
    elapsed,
    remaining: phrase(phrases, "remaining", { time: format.duration(end - now) }),
    over: false,
    share,
  };
}

/** Put a <time> with the event's clock time for ``iso`` into ``element`` (empty without one). */
export function setTime(element, iso, format) {
  if (!element) return;
  element.textContent = "";
  if (!iso) return;
  const time = document.createElement("time");
  time.dateTime = iso;
  time.textContent = format.clock(iso);
  element.append(time);
}

/** The viewer's own times for a start–end pair, or "" when the zones agree. */
export function localRange(start, end, format, phrases) {
  const localStart = format.localClock(start);
  if (!localStart) return "";
  return phrase(phrases, "your_time", { time: `${localStart}–${format.localClock(end)}` });
}
