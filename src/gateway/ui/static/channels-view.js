// Channels: the ways to reach the assistant and whether each works right now (channels.status).
import { byId, h, withCode } from "./dom.js";

const STATES = { running: "Running", stopped: "Stopped", error: "Error", available: "Available" };

export function createChannelsView(app) {
  const { conn } = app;
  const list = byId("channels-list");
  const status = byId("channels-status");

  async function load() {
    if (!conn.ready) return;
    try {
      const { channels } = await conn.request("channels.status");
      status.textContent = channels.length === 0 ? "No channels." : "";
      list.replaceChildren(
        ...channels.map((channel) =>
          h(
            "li",
            { class: "card", "data-id": channel.id },
            h(
              "div",
              { class: "card-head" },
              h("span", { class: "card-title" }, channel.label),
              h("span", { class: `badge state-${channel.state}` }, STATES[channel.state] ?? channel.state),
            ),
            h("code", { class: "card-id" }, channel.id),
            h("p", { class: "card-detail" }, withCode(channel.detail)),
          ),
        ),
      );
    } catch (error) {
      status.textContent = `Could not read the channels: ${error.message}`;
    }
  }

  byId("channels-refresh").addEventListener("click", load);
  return { show: load };
}
