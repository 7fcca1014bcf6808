// The Channels page's Telegram groups: groups the bot heard from but does not take part in
// (channels.ignoredGroups), each with an Allow button that adds its id to channels.telegram.groups.
import { byId, formatDateTime, h, relativeTime } from "./dom.js";

export function createGroupsPanel(app) {
  const { conn } = app;
  const rows = byId("groups-rows");
  const empty = byId("groups-empty");
  const message = byId("groups-message");

  function say(text, kind) {
    message.hidden = !text;
    message.textContent = text;
    message.className = `message-box ${kind ?? ""}`;
    message.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  const name = (group) => (group.title ? `${group.title} (${group.chatId})` : group.chatId);

  /** Adds the id to the allowed groups as they are now (read first, so no other group is lost). */
  async function allow(group, button) {
    button.disabled = true;
    try {
      const { config } = await conn.request("config.get");
      const groups = config.channels.telegram.groups;
      if (!groups.includes(group.chatId)) {
        await conn.request("config.patch", {
          patch: { "channels.telegram.groups": [...groups, group.chatId] },
        });
      }
      say(`Allowed ${name(group)}: the assistant answers there now.`, "success");
    } catch (error) {
      say(`Could not allow ${name(group)}: ${error.message}`, "error");
    }
    await load({ keepMessage: true });
  }

  function row(group) {
    const button = h("button", { type: "button", class: "primary" }, "Allow");
    button.addEventListener("click", () => allow(group, button));
    return h(
      "tr",
      { "data-chat": group.chatId },
      h(
        "th",
        { scope: "row", "data-label": "Group" },
        h("span", { class: "sender-name" }, group.title || "Untitled group"),
        h("span", { class: "sender-id" }, group.chatId),
      ),
      h(
        "td",
        { "data-label": "Last message" },
        h(
          "time",
          {
            datetime: new Date(group.lastSeenAt).toISOString(),
            title: formatDateTime(group.lastSeenAt),
            "data-at": group.lastSeenAt,
          },
          relativeTime(group.lastSeenAt),
        ),
      ),
      h("td", { class: "num", "data-label": "Messages" }, String(group.messages)),
      h("td", { class: "row-actions" }, button),
    );
  }

  async function load({ keepMessage = false } = {}) {
    try {
      const { groups } = await conn.request("channels.ignoredGroups");
      rows.replaceChildren(...groups.map(row));
      empty.hidden = groups.length > 0;
      rows.closest(".table-wrap").hidden = groups.length === 0;
      if (!keepMessage) say("");
    } catch (error) {
      say(`Could not read the ignored groups: ${error.message}`, "error");
    }
  }

  return { load };
}
