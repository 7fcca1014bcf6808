// The Cron page's heartbeat panel: on or off, the interval and active hours, the next and the last
// beat (what it did, in words), and a button to run one now.
import { formatDuration, muted, say } from "./cron-shared.js";
import { byId, h } from "./dom.js";

/** What the last heartbeat did, in words, with `kind` for its colour. */
export function describeOutcome(outcome) {
  if (!outcome.ran) {
    const why = {
      disabled: "Skipped: the heartbeat is off.",
      "outside active hours": "Skipped: outside the active hours.",
      "nothing to check": "Nothing to check: HEARTBEAT.md is empty and no reminders were waiting.",
    };
    return { text: why[outcome.reason] ?? `Skipped: ${outcome.reason}.`, kind: "skipped" };
  }
  if (outcome.queued) return { text: "Running: its turn is queued.", kind: "skipped" };
  if (outcome.delivered) return { text: "Sent you an alert.", kind: "ok", reply: outcome.reply };
  const suppressed = {
    ok: ["All well (HEARTBEAT_OK): nothing sent.", "ok"],
    duplicate: ["Not sent: the same alert went out in the last 24 hours.", "skipped"],
    "no target": ["Not sent: there is no chat to send it to yet.", "skipped"],
    failed: ["The heartbeat turn failed.", "error"],
  }[outcome.suppressed] ?? [`Not sent (${outcome.suppressed}).`, "skipped"];
  return {
    text: suppressed[0],
    kind: suppressed[1],
    reply: outcome.suppressed === "ok" ? "" : outcome.reply,
  };
}

const fact = (term, ...value) => [h("div", { class: "fact" }, h("dt", {}, term), h("dd", {}, ...value))];

/** The panel; `zone` is the page's time zone (cron-shared.js createZone). */
export function createHeartbeatPanel({ conn, zone }) {
  const stateBadge = byId("heartbeat-state");
  const facts = byId("heartbeat-facts");
  const message = byId("heartbeat-message");
  const runButton = byId("heartbeat-run");
  let heartbeat = null;

  function render(status) {
    heartbeat = status;
    stateBadge.hidden = false;
    stateBadge.textContent = status.enabled ? "On" : "Off";
    stateBadge.className = `badge state-${status.enabled ? "running" : "paused"}`;
    const minutes = status.everyMinutes;
    const last = status.last && describeOutcome(status.last.outcome);
    facts.replaceChildren(
      ...fact("Every", minutes < 60 ? `${minutes} minutes` : formatDuration(minutes * 60_000)),
      ...fact(
        "Active hours",
        status.activeHours ? `${status.activeHours.start}–${status.activeHours.end}` : "around the clock",
      ),
      ...fact(
        "Next beat",
        status.nextAt
          ? zone.when(status.nextAt)
          : muted(status.enabled ? "—" : "only when a reminder comes due"),
      ),
      ...fact(
        "Last beat",
        status.last
          ? [
              h("span", { class: "fact-line" }, zone.when(status.last.at)),
              h("span", { class: `outcome outcome-${last.kind}` }, last.text),
              last.reply ? h("span", { class: "outcome-reply", title: last.reply }, last.reply) : null,
            ]
          : muted("none since the gateway started"),
      ),
    );
  }

  async function load() {
    try {
      render(await conn.request("heartbeat.status"));
    } catch (error) {
      if (error.code !== "disconnected")
        say(message, `Could not read the heartbeat: ${error.message}`, "error");
    }
  }

  runButton.addEventListener("click", async () => {
    runButton.disabled = true;
    runButton.textContent = "Running…";
    say(message, "");
    try {
      // What it did shows under "Last beat"; a failure also here, where it is seen.
      const { outcome } = await conn.request("heartbeat.run");
      const described = describeOutcome(outcome);
      if (described.kind === "error") say(message, `${described.text} ${described.reply}`, "error");
    } catch (error) {
      say(message, error.message, "error");
    } finally {
      runButton.disabled = false;
      runButton.textContent = "Run heartbeat now";
    }
    await load();
  });

  return {
    load,
    /** On the page's tick: a beat that came due is read again. */
    tick() {
      if (heartbeat?.nextAt && heartbeat.nextAt <= Date.now()) void load();
    },
  };
}
