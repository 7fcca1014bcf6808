// Sessions: what the assistant remembers per conversation (turns, tokens, last use), with open in
// chat, reset (a fresh transcript, the old one kept on disk) and delete.
import {
  byId,
  confirmClick,
  formatDateTime,
  formatNumber,
  h,
  relativeTime,
  shortSessionName,
} from "./dom.js";

export function createSessionsView(app) {
  const { conn } = app;
  const rows = byId("sessions-rows");
  const status = byId("sessions-status");
  const refresh = byId("sessions-refresh");

  async function act(method, key, done) {
    try {
      await conn.request(method, { sessionKey: key });
      status.textContent = done;
    } catch (error) {
      status.textContent = `${error.message}`;
    }
    await load({ keepStatus: true });
    await app.sessionChanged(key);
  }

  function row(session) {
    const open = h("button", { type: "button", onclick: () => app.openSession(session.key) }, "Open");
    const reset = h("button", { type: "button" }, "Reset");
    const remove = h("button", { type: "button", class: "danger" }, "Delete");
    confirmClick(reset, "Reset?", () => act("sessions.reset", session.key, `${session.key} starts afresh.`));
    confirmClick(remove, "Delete?", () => act("sessions.delete", session.key, `${session.key} was deleted.`));
    const tokens = session.usage.inputTokens + session.usage.outputTokens;
    return h(
      "tr",
      { "data-key": session.key, class: session.key === app.sessionKey ? "current" : null },
      h(
        "th",
        { scope: "row", "data-label": "Session" },
        h("span", { class: "session-name" }, shortSessionName(session.key)),
        h("span", { class: "session-key" }, session.key),
      ),
      h("td", { class: "num", "data-label": "Turns" }, formatNumber(session.turns)),
      h(
        "td",
        {
          class: "num",
          "data-label": "Tokens",
          title: `${formatNumber(session.usage.inputTokens)} in, ${formatNumber(session.usage.outputTokens)} out`,
        },
        formatNumber(tokens),
      ),
      h(
        "td",
        { "data-label": "Updated" },
        h(
          "time",
          { datetime: new Date(session.updatedAt).toISOString(), title: formatDateTime(session.updatedAt) },
          relativeTime(session.updatedAt),
        ),
      ),
      h("td", { class: "row-actions" }, open, reset, remove),
    );
  }

  async function load({ keepStatus = false } = {}) {
    if (!conn.ready) return;
    try {
      const { sessions } = await conn.request("sessions.list");
      rows.replaceChildren(...sessions.map(row));
      if (!keepStatus) {
        status.textContent = sessions.length === 0 ? "No sessions yet: send a message in the chat." : "";
      }
    } catch (error) {
      status.textContent = `Could not list the sessions: ${error.message}`;
    }
  }

  refresh.addEventListener("click", () => load());

  return { show: load };
}
