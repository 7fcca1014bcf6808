// Small DOM and formatting helpers shared by the views. Text always goes in as textContent; the only
// HTML the UI ever parses is markdown.js output.

/**
 * Creates an element: `h("button", { class: "primary", onclick }, "Send")`. Attributes starting with
 * "on" become listeners; `true` sets a boolean attribute; null/false/undefined are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Looks up an element by id, failing loudly when index.html and the code disagree. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

const numberFormat = new Intl.NumberFormat();
export const formatNumber = (n) => numberFormat.format(n ?? 0);

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const UNITS = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "5 minutes ago", "yesterday", "just now". */
export function relativeTime(at, now = Date.now()) {
  const diff = at - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return "just now";
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const shortTimeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const shortDateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "short" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
export const formatTime = (at) => timeFormat.format(new Date(at));
export const formatDateTime = (at) => dateTimeFormat.format(new Date(at));

/** "14:05" today, "21/11/2026, 14:05" on other days. */
export function formatWhen(at, now = new Date()) {
  const date = new Date(at);
  return date.toDateString() === now.toDateString()
    ? shortTimeFormat.format(date)
    : shortDateTimeFormat.format(date);
}

/** Text with `backticked` parts as code elements (DOM nodes, never parsed HTML). */
export function withCode(text) {
  return String(text)
    .split("`")
    .map((part, i) => (i % 2 === 1 ? h("code", {}, part) : part));
}

/** "agent:main:work" → "work"; other keys as they are. */
export function shortSessionName(key) {
  return key.startsWith("agent:main:") ? key.slice("agent:main:".length) : key;
}

/** A random UUID, also on plain http from another machine, where crypto.randomUUID is missing. */
export function uuid() {
  if (globalThis.crypto?.randomUUID && globalThis.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether a scrollable element is at (or within a few lines of) its bottom. */
export function nearBottom(element, slack = 64) {
  return element.scrollHeight - element.scrollTop - element.clientHeight <= slack;
}

/** A two-step button action: the first click asks "Sure?", the second within 4 s does it. */
export function confirmClick(button, question, action) {
  let armed = 0;
  const label = button.textContent;
  button.addEventListener("click", () => {
    if (armed) {
      clearTimeout(armed);
      armed = 0;
      button.textContent = label;
      button.classList.remove("armed");
      action();
      return;
    }
    button.textContent = question;
    button.classList.add("armed");
    armed = setTimeout(() => {
      armed = 0;
      button.textContent = label;
      button.classList.remove("armed");
    }, 4_000);
  });
}
