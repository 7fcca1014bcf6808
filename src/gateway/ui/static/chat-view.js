// The chat: history, the composer (Enter sends, Shift+Enter new line), streamed replies with their tool
// calls, stop, new session and the session picker. Every message carries an idempotency key, so the
// resend after a reconnect never posts it twice (and brings back the events of its turn).
import {
  byId,
  formatDateTime,
  formatNumber,
  formatWhen,
  h,
  nearBottom,
  shortSessionName,
  uuid,
} from "./dom.js";
import { createApprovalCards } from "./approval-card.js";
import { renderMarkdown } from "./markdown.js";

const MARKER_LABELS = { heartbeat: "heartbeat", reminder: "reminder", hook: "hook", cron: "scheduled job" };

export function createChatView(app) {
  const { conn } = app;
  const list = byId("messages");
  const empty = byId("chat-empty");
  const form = byId("composer");
  const input = byId("composer-input");
  const sendButton = byId("send");
  const stopButton = byId("stop");
  const picker = byId("session-picker");
  const newButton = byId("new-session");
  const approvals = createApprovalCards(conn);

  /** Sent messages whose turn has not ended, by idempotency key: resent after a reconnect. */
  const outgoing = new Map();
  /** Reply bubbles of the shown session, by job id. */
  const replies = new Map();
  /** Jobs whose message was collected into an earlier job's turn (their reply is that one). */
  const collected = new Set();
  /** The last final text, to recognise a message that was collected into the turn before it. */
  let lastFinal = null;
  const thinking = h(
    "div",
    { class: "thinking", role: "status" },
    h("span", { class: "dots", "aria-hidden": "true" }, h("span"), h("span"), h("span")),
    h("span", { class: "visually-hidden" }, "The assistant is working"),
  );

  // --- rendering -------------------------------------------------------------------------------

  const stickToBottom = (fn) => {
    const stick = nearBottom(list);
    fn();
    empty.hidden = list.querySelector(".msg") !== null;
    if (stick) list.scrollTop = list.scrollHeight;
  };

  const meta = (at, extra) =>
    h(
      "div",
      { class: "meta" },
      at
        ? h("time", { datetime: new Date(at).toISOString(), title: formatDateTime(at) }, formatWhen(at))
        : null,
      extra,
    );

  function userMessage(text, at) {
    const status = h("span", { class: "status" });
    const element = h(
      "article",
      { class: "msg user", "aria-label": "You" },
      h("div", { class: "bubble plain" }, text),
      meta(at, status),
    );
    return { element, status };
  }

  /**
   * A turn no person started (heartbeat, reminder, hook, cron) shown as what it is: a small marker with
   * what it relays, never as the user's words. `quiet` marks a heartbeat that had nothing to report.
   */
  function marker({ origin, note, at, quiet = false }) {
    const label = MARKER_LABELS[origin] ?? origin;
    const element = h(
      "article",
      { class: `msg marker ${origin}`, "aria-label": label },
      h(
        "div",
        { class: "marker-line" },
        h("span", { class: "marker-badge" }, label),
        note ? h("span", { class: "marker-note" }, note) : null,
        h("span", { class: "marker-quiet", hidden: !quiet }, "nothing to report"),
        at
          ? h("time", { datetime: new Date(at).toISOString(), title: formatDateTime(at) }, formatWhen(at))
          : null,
      ),
    );
    return {
      element,
      quiet() {
        element.querySelector(".marker-quiet").hidden = false;
      },
    };
  }

  /** A notice event: an internal turn of the shown session ended; shown as the history shows it. */
  function showNotice(notice) {
    const place = (element) => list.insertBefore(element, thinking.isConnected ? thinking : null);
    stickToBottom(() => place(marker(notice).element));
    if (notice.quiet) return;
    const reply = assistantMessage({ at: notice.at });
    stickToBottom(() => place(reply.element));
    if (notice.status === "failed") reply.fail(notice.reply);
    else reply.finish(notice.reply);
  }

  function toolCall({ name, input: args }, result) {
    const preview = args === undefined ? "" : JSON.stringify(args);
    return h(
      "details",
      { class: `tool${result?.isError ? " failed" : ""}` },
      h(
        "summary",
        {},
        h("span", { class: "tool-badge" }, "tool"),
        h("span", { class: "tool-name" }, name),
        h("span", { class: "tool-args" }, preview.length > 100 ? `${preview.slice(0, 100)}…` : preview),
      ),
      h("pre", { class: "tool-detail" }, JSON.stringify(args, null, 2) ?? ""),
      result ? h("pre", { class: "tool-detail result" }, result.text) : null,
    );
  }

  /** An assistant bubble; `live` ones are filled by chat events and re-render at most once a frame. */
  function assistantMessage({ text = "", at, tools = [], live = false }) {
    const toolsBox = h(
      "div",
      { class: "tools" },
      tools.map(([call, result]) => toolCall(call, result)),
    );
    const body = h("div", { class: "markdown" });
    const footer = meta(at);
    const element = h(
      "article",
      { class: "msg assistant", "aria-label": "Assistant", "aria-busy": live ? "true" : null },
      h("div", { class: "bubble" }, toolsBox, body),
      footer,
    );
    let content = text;
    let frame = 0;
    const render = () => {
      frame = 0;
      stickToBottom(() => {
        body.innerHTML = renderMarkdown(content); // escaped and built by markdown.js only
      });
    };
    render();
    return {
      element,
      /** Set when the user pressed Stop during this reply. */
      stopped: false,
      append(delta) {
        content += delta;
        frame ||= requestAnimationFrame(render);
      },
      tool(call) {
        stickToBottom(() => toolsBox.append(toolCall(call)));
      },
      /** Shows a card (exec's approval) under the tool calls. */
      attach(node) {
        stickToBottom(() => toolsBox.append(node));
      },
      finish(finalText, usage) {
        cancelAnimationFrame(frame);
        content = finalText;
        render();
        element.removeAttribute("aria-busy");
        const tokens = usage
          ? `${formatNumber(usage.inputTokens)} in · ${formatNumber(usage.outputTokens)} out`
          : "";
        footer.replaceWith(
          meta(Date.now(), [
            this.stopped ? h("span", { class: "stopped" }, "stopped") : null,
            tokens && h("span", { class: "usage" }, tokens),
          ]),
        );
      },
      fail(message) {
        cancelAnimationFrame(frame);
        if (content) render();
        element.removeAttribute("aria-busy");
        element.classList.add("error");
        stickToBottom(() => body.append(h("p", { class: "error-text" }, message)));
      },
    };
  }

  const running = () => [...outgoing.values()].filter((m) => m.sessionKey === app.sessionKey && !m.failed);

  function updateBusy() {
    const busy = running().length > 0;
    stopButton.hidden = !busy;
    // The dots show while a message waits for its first streamed word.
    const waiting = running().some((m) => !replies.has(m.jobId) && !collected.has(m.jobId));
    stickToBottom(() => (waiting ? list.append(thinking) : thinking.remove()));
  }

  function replyFor(jobId) {
    let reply = replies.get(jobId);
    if (!reply) {
      reply = assistantMessage({ live: true });
      replies.set(jobId, reply);
      stickToBottom(() => list.insertBefore(reply.element, thinking.isConnected ? thinking : null));
    }
    return reply;
  }

  // --- history and sessions --------------------------------------------------------------------

  async function loadHistory() {
    const key = app.sessionKey;
    let payload;
    try {
      payload = await conn.request("chat.history", { sessionKey: key, limit: 200 });
    } catch (error) {
      if (error.code !== "disconnected") app.toast(`Could not load the history: ${error.message}`);
      return;
    }
    if (key !== app.sessionKey) return;
    replies.clear();
    collected.clear();
    lastFinal = null;
    list.replaceChildren(empty);
    const items = [];
    const recentUserTexts = new Set();
    let group = null; // one turn of the assistant: its steps' texts and tool calls
    let lastMarker = null;
    for (const message of payload.messages) {
      if (message.role === "user" && message.origin) {
        group = null;
        lastMarker = marker({ origin: message.origin, note: message.text, at: message.at });
        items.push(lastMarker.element);
      } else if (message.quiet) {
        lastMarker?.quiet(); // a heartbeat's HEARTBEAT_OK was not delivered: no bubble for it
      } else if (message.role === "user") {
        group = null;
        items.push(userMessage(message.text, message.at).element);
        recentUserTexts.add(message.text);
      } else if (message.role === "assistant" || message.role === "tool") {
        if (!group) {
          group = { texts: [], tools: [], at: message.at };
          items.push(group);
        }
        if (message.text) group.texts.push(message.text);
        for (const call of message.toolCalls ?? []) group.tools.push([call]);
        // Results follow their calls in order; attach each to the first call without one.
        for (const result of message.toolResults ?? []) {
          const open = group.tools.find((entry) => entry.length === 1 && entry[0].name === result.name);
          if (open) open.push(result);
        }
        group.at = message.at;
      }
    }
    stickToBottom(() => {
      for (const item of items) {
        if (item instanceof Node) list.append(item);
        else {
          list.append(
            assistantMessage({ text: item.texts.join("\n\n"), at: item.at, tools: item.tools }).element,
          );
          lastFinal = item.texts.join("\n\n");
        }
      }
      // Messages of this session still on their way stay below the history (unless their turn began
      // and wrote them to it); their replies come back as chat events.
      for (const message of outgoing.values()) {
        if (message.sessionKey === app.sessionKey && !recentUserTexts.has(message.text))
          list.append(message.element);
      }
    });
    // A command still waiting for approval (the page was reloaded meanwhile) gets its card back.
    const cards = await approvals.waiting(key);
    if (key === app.sessionKey) stickToBottom(() => list.append(...cards));
    list.scrollTop = list.scrollHeight;
    updateBusy();
  }

  async function loadSessions() {
    let sessions = [];
    try {
      ({ sessions } = await conn.request("sessions.list"));
    } catch {
      // the picker keeps what it has
    }
    const keys = new Set(sessions.map((s) => s.key));
    keys.add(app.sessionKey);
    picker.replaceChildren(
      ...[...keys].map((key) =>
        h("option", { value: key, selected: key === app.sessionKey }, shortSessionName(key)),
      ),
    );
  }

  // --- sending ---------------------------------------------------------------------------------

  async function deliver(message) {
    if (!conn.ready) {
      message.status.textContent = "waiting for the connection…";
      return;
    }
    message.status.textContent = "sending…";
    try {
      const { jobId } = await conn.request("chat.send", {
        text: message.text,
        sessionKey: message.sessionKey,
        idempotencyKey: message.key,
      });
      message.jobId = jobId;
      message.status.textContent = "";
    } catch (error) {
      if (error.code === "disconnected" || error.code === "timeout") {
        message.status.textContent = "waiting for the connection…";
        return; // sent again on the next connect
      }
      // Refused (no model, the gateway draining…): kept, with a retry under the same key.
      if (error.code === "unavailable") void app.checkSetup();
      message.failed = true;
      message.element.classList.add("error");
      message.status.replaceChildren(
        `not sent: ${error.message} `,
        h("button", { type: "button", class: "link-button", onclick: () => retry(message) }, "Retry"),
      );
    }
    updateBusy();
  }

  function retry(message) {
    message.failed = false;
    message.element.classList.remove("error");
    void deliver(message);
  }

  function send(text) {
    const { element, status } = userMessage(text, Date.now());
    const message = { key: uuid(), text, sessionKey: app.sessionKey, element, status, jobId: undefined };
    outgoing.set(message.key, message);
    stickToBottom(() => list.insertBefore(element, thinking.isConnected ? thinking : null));
    list.scrollTop = list.scrollHeight;
    updateBusy();
    void deliver(message);
  }

  function ended(jobId) {
    for (const [key, message] of outgoing) if (message.jobId === jobId) outgoing.delete(key);
    updateBusy();
  }

  conn.on("event", (name, event) => {
    if (name === "notice" && event.sessionKey === app.sessionKey) return showNotice(event);
    if (name !== "chat") return;
    if (event.sessionKey !== app.sessionKey) {
      if (event.state === "final" || event.state === "error") ended(event.jobId);
      return;
    }
    if (event.state === "delta") replyFor(event.jobId).append(event.text);
    else if (event.state === "tool") replyFor(event.jobId).tool({ name: event.name, input: event.input });
    else if (event.state === "approval") replyFor(event.jobId).attach(approvals.card(event));
    else if (event.state === "approval_result") approvals.settle(event.id, event.outcome);
    else if (event.state === "final") {
      // A message collected into the turn before it gets that turn's reply again: shown once.
      if (!replies.has(event.jobId) && event.text === lastFinal) collected.add(event.jobId);
      else replyFor(event.jobId).finish(event.text, event.usage);
      lastFinal = event.text;
      ended(event.jobId);
    } else if (event.state === "error") {
      replyFor(event.jobId).fail(event.message);
      ended(event.jobId);
    }
  });

  // --- wiring ----------------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    autosize();
    send(text);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit(sendButton);
    }
  });

  const autosize = () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
  };
  input.addEventListener("input", autosize);

  stopButton.addEventListener("click", async () => {
    try {
      const { aborted } = await conn.request("chat.abort", { sessionKey: app.sessionKey });
      if (aborted) for (const reply of replies.values()) reply.stopped = true;
    } catch (error) {
      app.toast(`Could not stop: ${error.message}`);
    }
  });

  newButton.addEventListener("click", async () => {
    try {
      await conn.request("sessions.reset", { sessionKey: app.sessionKey });
    } catch (error) {
      // A session that never had a message has nothing to reset: it is new already.
      if (error.code !== "invalid_params")
        return app.toast(`Could not start a new session: ${error.message}`);
    }
    await loadHistory();
    input.focus();
  });

  picker.addEventListener("change", () => app.setSession(picker.value));

  // Events were missed (the gateway dropped some for a slow client): the transcript is the truth.
  conn.on("gap", () => {
    if (running().length === 0) void loadHistory();
  });

  app.onSession(async () => {
    await loadSessions();
    await loadHistory();
  });

  return {
    async ready({ reconnected }) {
      // Everything not finished is sent again under its idempotency key: the gateway answers a repeat
      // with the same job and replays its outcome, so nothing is posted twice and no final is lost.
      for (const message of outgoing.values()) void deliver(message);
      await loadSessions();
      if (!reconnected) await loadHistory();
    },
    show() {
      input.focus({ preventScroll: true });
    },
    /** After a session was reset or deleted elsewhere (the Sessions page). */
    async sessionChanged(key) {
      await loadSessions();
      if (key === app.sessionKey && running().length === 0) await loadHistory();
    },
  };
}
