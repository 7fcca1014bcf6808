// Channels: the ways to reach the assistant and whether each works right now (channels.status), and
// pairing: who is waiting with a code to be let in (approve, deny) and who was let in (revoke).
import { byId, confirmClick, formatDateTime, h, relativeTime, withCode } from "./dom.js";
import { createGroupsPanel } from "./groups-panel.js";

const STATES = { running: "Running", stopped: "Stopped", error: "Error", available: "Available" };
/** How often the relative times ("in 52 minutes") are brought up to date while the page is open. */
const TICK_MS = 30_000;

export function createChannelsView(app) {
  const { conn } = app;
  const view = byId("view-channels");
  const list = byId("channels-list");
  const status = byId("channels-status");
  const message = byId("pairing-message");
  const requestRows = byId("pairing-requests-rows");
  const requestCount = byId("pairing-requests-count");
  const requestsEmpty = byId("pairing-requests-empty");
  const allowedRows = byId("pairing-allowed-rows");
  const allowedCount = byId("pairing-allowed-count");
  const allowedEmpty = byId("pairing-allowed-empty");
  /** Channel id → label, from the last channels.status ("telegram" → "Telegram"). */
  const labels = new Map();
  const groups = createGroupsPanel(app);
  let requests = [];

  const channelName = (id) => labels.get(id) ?? id;
  const who = (sender) => (sender.senderName ? `${sender.senderName} (${sender.senderId})` : sender.senderId);

  function say(text, kind) {
    message.hidden = !text;
    message.textContent = text;
    message.className = `message-box ${kind ?? ""}`;
    message.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  async function loadChannels() {
    try {
      const { channels } = await conn.request("channels.status");
      for (const channel of channels) labels.set(channel.id, channel.label);
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

  // --- pairing ---------------------------------------------------------------------------------

  /** A relative time ("in 52 minutes", "3 hours ago") that the tick keeps current. */
  const when = (at) =>
    h(
      "time",
      { datetime: new Date(at).toISOString(), title: formatDateTime(at), "data-at": at },
      relativeTime(at),
    );

  const senderCell = (sender) =>
    h(
      "th",
      { scope: "row", "data-label": "Sender" },
      h("span", { class: "sender-name" }, sender.senderName || sender.senderId),
      sender.senderName ? h("span", { class: "sender-id" }, sender.senderId) : null,
    );

  /** Runs one pairing method from a row's button: the row is disabled meanwhile, the lists reloaded after. */
  async function act(row, method, params, done) {
    for (const button of row.querySelectorAll("button")) button.disabled = true;
    try {
      const payload = await conn.request(method, params);
      say(done(payload), "success");
    } catch (error) {
      say(error.message, "error");
    }
    await loadPairing({ keepMessage: true });
  }

  function requestRow(request) {
    const approve = h("button", { type: "button", class: "primary" }, "Approve");
    const deny = h("button", { type: "button" }, "Deny");
    const params = { channel: request.channel, code: request.code };
    const row = h(
      "tr",
      { "data-channel": request.channel, "data-sender": request.senderId },
      senderCell(request),
      h("td", { "data-label": "Channel" }, channelName(request.channel)),
      h("td", { "data-label": "Code" }, h("code", { class: "pairing-code" }, request.code)),
      h("td", { "data-label": "Expires" }, when(request.expiresAt)),
      h("td", { class: "row-actions" }, approve, deny),
    );
    approve.addEventListener("click", () =>
      act(
        row,
        "pairing.approve",
        params,
        () =>
          `Approved ${who(request)} on ${channelName(request.channel)}: they can talk to the assistant now.`,
      ),
    );
    deny.addEventListener("click", () =>
      act(
        row,
        "pairing.deny",
        params,
        () =>
          `Denied ${who(request)} on ${channelName(request.channel)}. They get a new code if they write again.`,
      ),
    );
    return row;
  }

  function allowedRow(sender) {
    const revoke = h(
      "button",
      { type: "button", class: "danger", title: "Their next message gets a pairing code again" },
      "Revoke",
    );
    const row = h(
      "tr",
      { "data-channel": sender.channel, "data-sender": sender.senderId },
      senderCell(sender),
      h("td", { "data-label": "Channel" }, channelName(sender.channel)),
      h("td", { "data-label": "Approved" }, when(sender.approvedAt)),
      h("td", { class: "row-actions" }, revoke),
    );
    confirmClick(revoke, "Revoke?", () =>
      act(
        row,
        "pairing.revoke",
        { channel: sender.channel, senderId: sender.senderId },
        () =>
          `Revoked ${who(sender)} on ${channelName(sender.channel)}: their next message gets a pairing code again.`,
      ),
    );
    return row;
  }

  /** Fills one list (rows, count, empty state); the table hides while it has no rows. */
  function fill(rows, count, empty, items, toRow) {
    rows.replaceChildren(...items.map(toRow));
    count.textContent = String(items.length);
    count.hidden = items.length === 0;
    empty.hidden = items.length > 0;
    rows.closest(".table-wrap").hidden = items.length === 0;
  }

  async function loadPairing({ keepMessage = false } = {}) {
    const [pending, allowed] = await Promise.allSettled([
      conn.request("pairing.list"),
      conn.request("pairing.allowed"),
    ]);
    const problems = [];
    if (pending.status === "fulfilled") {
      requests = pending.value.requests;
      fill(requestRows, requestCount, requestsEmpty, requests, requestRow);
    } else {
      problems.push(`Could not read the pairing requests: ${pending.reason.message}`);
    }
    if (allowed.status === "fulfilled") {
      fill(allowedRows, allowedCount, allowedEmpty, allowed.value.senders, allowedRow);
    } else {
      problems.push(`Could not read the approved senders: ${allowed.reason.message}`);
    }
    if (problems.length > 0) say(problems.join("\n"), "error");
    else if (!keepMessage) say("");
  }

  async function load() {
    if (!conn.ready) return;
    // Channels first: the pairing lists name channels by their labels.
    await loadChannels();
    await Promise.all([groups.load(), loadPairing()]);
  }

  // While the page is open, the times move on and expired requests leave (they are gone on the gateway).
  setInterval(() => {
    if (view.hidden || document.visibilityState !== "visible" || !conn.ready) return;
    if (requests.some((request) => request.expiresAt <= Date.now())) {
      void loadPairing({ keepMessage: true });
      return;
    }
    for (const time of view.querySelectorAll("time[data-at]")) {
      time.textContent = relativeTime(Number(time.dataset.at));
    }
  }, TICK_MS);

  byId("channels-refresh").addEventListener("click", load);
  return { show: load };
}
