// What the Cron page's parts (the jobs table, the heartbeat panel, the form) share: intervals in
// words, instants in the assistant's time zone as the gateway reports it (not the browser's), and
// the message boxes.
import { h, relativeTime } from "./dom.js";

/** "30m", "1h 30m", "2d": intervals as the gateway writes them (core/cron/duration.ts). */
export function formatDuration(ms) {
  let rest = Math.round(ms / 1000);
  if (rest === 0) return `${ms}ms`;
  const parts = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ]) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(" ");
}

/** Formats instants in the user's time zone (an unknown zone falls back to the browser's). */
function zoneFormat(timeZone) {
  const make = (options) => {
    try {
      return new Intl.DateTimeFormat(undefined, { ...options, timeZone });
    } catch {
      return new Intl.DateTimeFormat(undefined, options);
    }
  };
  const day = make({ year: "numeric", month: "2-digit", day: "2-digit" });
  const year = make({ year: "numeric" });
  const time = make({ hour: "2-digit", minute: "2-digit" });
  const date = make({ weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const dateYear = make({ dateStyle: "medium", timeStyle: "short" });
  const full = make({ dateStyle: "full", timeStyle: "long" });
  return {
    /** "14:05" today, "Tue 3 Dec, 14:05" this year, "3 Dec 2027, 14:05" later. */
    short(at, now = Date.now()) {
      if (day.format(at) === day.format(now)) return time.format(at);
      return year.format(at) === year.format(now) ? date.format(at) : dateYear.format(at);
    },
    full: (at) => full.format(at),
  };
}

/**
 * The assistant's time zone, one for the whole page: unknown (the browser's) until cron.list says
 * which it is, then `set` by the jobs table; the panel and the form read it at the time they show.
 */
export function createZone() {
  let name;
  let format = zoneFormat(undefined);
  return {
    get name() {
      return name;
    },
    set(timeZone) {
      name = timeZone;
      format = zoneFormat(timeZone);
    },
    short: (at, now) => format.short(at, now),
    /** An instant: the time in the user's zone, and below it how far off it is (kept current). */
    when: (at) => [
      h("time", { datetime: new Date(at).toISOString(), title: format.full(at) }, format.short(at)),
      h("span", { class: "relative", "data-at": at }, relativeTime(at)),
    ],
  };
}

export const muted = (text) => h("span", { class: "muted" }, text);

/** Shows `text` in a message box (hidden when empty); errors are alerts, the rest a status. */
export function say(box, text, kind) {
  box.hidden = !text;
  box.textContent = text;
  box.classList.toggle("error", kind === "error");
  box.classList.toggle("success", kind === "success");
  box.setAttribute("role", kind === "error" ? "alert" : "status");
}
