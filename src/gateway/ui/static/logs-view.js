// Logs: the gateway's recent lines, then every new one as it is logged (logs.tail with follow), with
// level colours, a level filter, and auto-scroll while the view sits at the bottom.
import { byId, formatDateTime, formatTime, h, nearBottom } from "./dom.js";

const MAX_LINES = 2_000;

export function createLogsView(app) {
  const { conn } = app;
  const list = byId("log-lines");
  const level = byId("logs-level");
  const follow = byId("logs-follow");
  let lastSeq = 0;
  let following = false; // asked on this connection
  let wanted = false; // the view was opened once: keep following across reconnects

  function line(entry) {
    return h(
      "div",
      { class: `log-line level-${entry.level}`, "data-seq": entry.seq },
      h(
        "time",
        { datetime: new Date(entry.at).toISOString(), title: formatDateTime(entry.at) },
        formatTime(entry.at),
      ),
      h("span", { class: "log-level" }, entry.level),
      h("span", { class: "log-message" }, entry.message),
    );
  }

  function add(entries) {
    const fresh = entries.filter((entry) => entry.seq > lastSeq);
    if (fresh.length === 0) return;
    const stick = follow.checked && (nearBottom(list) || list.childElementCount === 0);
    list.append(...fresh.map(line));
    lastSeq = fresh.at(-1).seq;
    while (list.childElementCount > MAX_LINES) list.firstElementChild.remove();
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function applyFilter() {
    list.dataset.minLevel = level.value;
    if (follow.checked) list.scrollTop = list.scrollHeight;
  }

  async function start() {
    wanted = true;
    if (!conn.ready || following) return;
    following = true;
    try {
      const { lines } = await conn.request("logs.tail", { afterSeq: lastSeq, limit: 500, follow: true });
      add(lines);
    } catch (error) {
      following = false;
      if (error.code !== "disconnected") app.toast(`Could not read the log: ${error.message}`);
    }
  }

  conn.on("event", (name, entry) => {
    if (name === "log") add([entry]);
  });
  conn.on("state", (state) => {
    if (state !== "connected") following = false;
  });

  level.addEventListener("change", applyFilter);
  follow.addEventListener("change", () => {
    if (follow.checked) list.scrollTop = list.scrollHeight;
  });
  byId("logs-clear").addEventListener("click", () => list.replaceChildren());
  applyFilter();

  return { show: start, ready: () => (wanted ? start() : undefined) };
}
