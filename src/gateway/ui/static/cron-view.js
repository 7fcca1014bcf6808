// Cron: the scheduled jobs kept live by cron.follow (run now, pause and resume, run history, remove
// after asking), with the heartbeat panel (heartbeat-panel.js) and the form to add a job
// (cron-form.js). Times show in the user's time zone as the gateway reports it, not the browser's.
import { createCronForm } from "./cron-form.js";
import { createZone, formatDuration, muted, say } from "./cron-shared.js";
import { byId, confirmClick, h, relativeTime } from "./dom.js";
import { createHeartbeatPanel } from "./heartbeat-panel.js";

/** How often the relative times ("in 52 minutes") are brought up to date while the page is open. */
const TICK_MS = 30_000;
const RUNS_LIMIT = 20;

// --- text: the words of core/cron/describe-job.ts, for people ----------------------------------

/** What a job's status badge says, its colour, and a detail under it ("after 2 errors"). */
export function jobStatus(job) {
  const { state } = job;
  if (state.running) return { text: "running", kind: "running" };
  if (!job.enabled) return { text: "paused", kind: "paused" };
  if (state.nextRunAt === undefined) {
    return state.lastStatus === "ok" ? { text: "done", kind: "done" } : { text: "stopped", kind: "error" };
  }
  const errors = state.consecutiveErrors;
  return errors > 0
    ? { text: "retrying", kind: "error", detail: `after ${errors} error${errors === 1 ? "" : "s"}` }
    : { text: "scheduled", kind: "scheduled" };
}

const DELIVERY = { none: "reply kept in its session", last: "reply to the last chat" };
const deliveryText = (deliver) =>
  DELIVERY[deliver.mode] ?? `reply to ${deliver.to.channel} ${deliver.to.chatId}`;

// --- the view ----------------------------------------------------------------------------------

export function createCronView(app) {
  const { conn } = app;
  const view = byId("view-cron");
  const rows = byId("cron-rows");
  const count = byId("cron-count");
  const empty = byId("cron-empty");
  const zoneNote = byId("cron-zone");
  const message = byId("cron-message");
  /** Job id → job, as the gateway last said. */
  let jobs = new Map();
  /** Job id → its open run-history row. */
  const openRuns = new Map();
  /** The assistant's time zone, from cron.list; the panel and the form read it too. */
  const zone = createZone();
  let following = false; // asked on this connection
  /** Changes that came while cron.list was on its way; applied after it, in order. */
  let held = null;
  let loading = null;
  const heartbeat = createHeartbeatPanel({ conn, zone });
  const form = createCronForm({ conn, zone, onAdded: (job) => apply({ job }) });

  const { when } = zone;

  function scheduleText(schedule) {
    if (schedule.kind === "every") return `every ${formatDuration(schedule.everyMs)}`;
    if (schedule.kind === "cron") return `cron ${schedule.expr} (${schedule.tz})`;
    return `at ${zone.short(schedule.at)}`;
  }

  function actionCell(action) {
    if (action.kind === "systemEvent") {
      return [h("span", { class: "job-kind" }, "Reminder"), h("span", { class: "job-text" }, action.text)];
    }
    return [
      h("span", { class: "job-kind" }, "Message"),
      h("span", { class: "job-text" }, action.message),
      h("span", { class: "job-deliver" }, `→ ${deliveryText(action.deliver)}`),
    ];
  }

  function nextCell(job) {
    if (job.state.running) return muted("running now");
    if (!job.enabled) return muted("— (paused)");
    return job.state.nextRunAt === undefined ? muted("—") : when(job.state.nextRunAt);
  }

  function lastCell(job) {
    const { state } = job;
    if (state.lastRunAt === undefined) return muted("never");
    const [time, relative] = when(state.lastRunAt);
    return [
      h(
        "span",
        { class: "last-run" },
        time,
        state.lastStatus ? h("span", { class: `badge run-${state.lastStatus}` }, state.lastStatus) : null,
      ),
      relative,
      state.lastError ? h("span", { class: "error-text job-error" }, state.lastError) : null,
    ];
  }

  function jobRow(job) {
    const status = jobStatus(job);
    const failed = job.state.lastStatus === "error" || job.state.lastStatus === "stuck";
    const run = h(
      "button",
      { type: "button", "data-action": "run", disabled: Boolean(job.state.running) },
      "Run now",
    );
    const toggle = h(
      "button",
      {
        type: "button",
        "data-action": "toggle",
        title: job.enabled ? "Stop it running until resumed" : null,
      },
      job.enabled ? "Pause" : "Resume",
    );
    const runs = h(
      "button",
      {
        type: "button",
        "data-action": "runs",
        "aria-expanded": String(openRuns.has(job.id)),
        "aria-controls": `cron-runs-${job.id}`,
      },
      "Runs",
    );
    const remove = h("button", { type: "button", class: "danger", "data-action": "remove" }, "Remove");
    const row = h(
      "tr",
      {
        "data-id": job.id,
        class: [failed ? "failed" : "", job.enabled ? "" : "paused"].join(" ").trim() || null,
      },
      h(
        "th",
        { scope: "row", "data-label": "Job" },
        h("span", { class: "job-name" }, job.name),
        h("span", { class: "job-schedule" }, scheduleText(job.schedule)),
        h("span", { class: "job-id", title: "The job's id, for the CLI" }, job.id),
      ),
      h("td", { "data-label": "Does", class: "job-action" }, actionCell(job.action)),
      h(
        "td",
        { "data-label": "Status", class: "job-status" },
        h("span", { class: `badge state-${status.kind}` }, status.text),
        status.detail ? h("span", { class: "status-detail" }, status.detail) : null,
      ),
      h("td", { "data-label": "Next run", class: "job-next" }, nextCell(job)),
      h("td", { "data-label": "Last run", class: "job-last" }, lastCell(job)),
      h("td", { class: "row-actions" }, h("div", { class: "row-buttons" }, run, toggle, runs, remove)),
    );
    // The row itself shows what Run now and Pause did; Remove takes the row away, so it says so.
    run.addEventListener("click", () => act(row, "cron.run", { id: job.id }));
    toggle.addEventListener("click", () => act(row, "cron.update", { id: job.id, enabled: !job.enabled }));
    runs.addEventListener("click", () => toggleRuns(job.id));
    confirmClick(remove, "Remove?", () => act(row, "cron.remove", { id: job.id }, `Removed “${job.name}”.`));
    return row;
  }

  /** Runs a row's method; the row's buttons are disabled meanwhile, and what it returns is shown at once. */
  async function act(row, method, params, done = "") {
    // Disabling the clicked button drops its focus; the row that replaces it gives it back.
    if (row.contains(document.activeElement)) row.dataset.focus = document.activeElement.dataset.action;
    for (const button of row.querySelectorAll("button")) button.disabled = true;
    try {
      const payload = await conn.request(method, params);
      if (payload.job) apply({ job: payload.job });
      if (payload.removed) apply({ removed: params.id });
      say(message, done, "success");
    } catch (error) {
      say(message, error.message, "error");
    }
    // Still the row clicked (no change came meanwhile): its buttons come back.
    const job = jobs.get(params.id);
    if (job && row.isConnected) replaceRow(job);
  }

  // --- run history -----------------------------------------------------------------------------

  function runItem(run) {
    const detail = run.error ?? run.summary;
    return h(
      "li",
      { class: `run run-${run.status}` },
      h("span", { class: "run-when" }, when(run.startedAt)[0]),
      h("span", { class: `badge run-${run.status}` }, run.status),
      detail ? h("span", { class: run.error ? "run-detail error-text" : "run-detail" }, detail) : null,
    );
  }

  async function loadRuns(id) {
    const row = openRuns.get(id);
    if (!row) return;
    const cell = row.firstElementChild;
    try {
      const { runs } = await conn.request("cron.runs", { id, limit: RUNS_LIMIT });
      if (openRuns.get(id) !== row) return;
      cell.replaceChildren(
        h("h4", { class: "list-heading" }, `Last runs of “${jobs.get(id)?.name ?? id}”`),
        runs.length === 0
          ? h(
              "p",
              { class: "hint runs-empty" },
              "No runs yet. Run now runs it once without changing its schedule.",
            )
          : h("ol", { class: "run-list" }, runs.map(runItem)),
      );
    } catch (error) {
      cell.replaceChildren(h("p", { class: "error-text" }, `Could not read the runs: ${error.message}`));
    }
  }

  function toggleRuns(id) {
    const open = openRuns.get(id);
    if (open) {
      open.remove();
      openRuns.delete(id);
    } else {
      const row = h(
        "tr",
        { class: "runs-row", id: `cron-runs-${id}` },
        h("td", { colspan: "6" }, h("p", { class: "hint" }, "Loading the runs…")),
      );
      openRuns.set(id, row);
      void loadRuns(id);
    }
    const job = jobs.get(id);
    if (job) replaceRow(job);
  }

  // --- the table, kept live --------------------------------------------------------------------

  const rowOf = (id) => [...rows.children].find((row) => row.dataset.id === id);

  /** Swaps `old` for `fresh`, keeping the focus on the same button (Pause becomes Resume in place). */
  function swap(old, fresh) {
    const action = focusedAction(old);
    old.replaceWith(fresh);
    refocus(fresh, action);
  }

  /**
   * The action of the row's button that has the focus, or had it until it was disabled (the focus
   * then falls to the body; once the user has moved on to something else, it is not taken back).
   */
  function focusedAction(row) {
    const active = document.activeElement;
    if (row.contains(active)) return active.dataset.action;
    return !active || active === document.body ? row.dataset.focus : undefined;
  }

  /** Focuses the row's button for `action`; a disabled one (Run now while running) gets it when it comes back. */
  function refocus(row, action) {
    if (!action) return;
    const button = row.querySelector(`[data-action="${action}"]`);
    if (button && !button.disabled) button.focus();
    else row.dataset.focus = action;
  }

  function replaceRow(job) {
    const old = rowOf(job.id);
    if (!old) return render();
    const fresh = jobRow(job);
    swap(old, fresh);
    const runs = openRuns.get(job.id);
    if (runs) fresh.after(runs);
  }

  const order = (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id);

  function render() {
    const list = [...jobs.values()].sort(order);
    const focused = [...rows.children]
      .filter((row) => row.dataset.id)
      .map((row) => ({ id: row.dataset.id, action: focusedAction(row) }))
      .find((row) => row.action);
    rows.replaceChildren(...list.flatMap((job) => [jobRow(job), openRuns.get(job.id)].filter(Boolean)));
    const row = focused && rowOf(focused.id);
    if (row) refocus(row, focused.action);
    count.textContent = String(list.length);
    count.hidden = list.length === 0;
    empty.hidden = list.length > 0;
    rows.closest(".table-wrap").hidden = list.length === 0;
  }

  /** One change from a `cron` event or an answer: the row is replaced, added or removed. */
  function apply(change) {
    if (change.removed) {
      if (!jobs.delete(change.removed)) return;
      openRuns.get(change.removed)?.remove();
      openRuns.delete(change.removed);
      render();
      return;
    }
    const { job } = change;
    const before = jobs.get(job.id);
    jobs.set(job.id, job);
    if (before) replaceRow(job);
    else render();
    if (openRuns.has(job.id) && before?.state.lastRunAt !== job.state.lastRunAt) void loadRuns(job.id);
  }

  conn.on("event", (name, change) => {
    if (name !== "cron") return;
    if (held) held.push(change);
    else apply(change);
  });
  conn.on("state", (state) => {
    if (state !== "connected") following = false;
  });
  // An event was lost (the socket's numbering skipped): read the list again.
  conn.on("gap", () => {
    if (following) void load();
  });

  function showZone(running) {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const parts = [`Times are in ${zone.name}, the assistant's time zone (agent.timezone in the config).`];
    if (browserZone && browserZone !== zone.name) parts.push(`This browser is in ${browserZone}.`);
    if (!running)
      parts.push("The gateway is not running jobs (cron.enabled is off): they wait until it is on.");
    zoneNote.textContent = parts.join(" ");
    zoneNote.hidden = false;
    zoneNote.classList.toggle("warn-text", !running);
  }

  async function loadJobs() {
    held = [];
    try {
      // Follow first, then list: a change between the two is held and applied after the list.
      if (!following) {
        await conn.request("cron.follow");
        following = true;
      }
      const list = await conn.request("cron.list");
      zone.set(list.timeZone);
      showZone(list.running);
      jobs = new Map(list.jobs.map((job) => [job.id, job]));
      for (const id of openRuns.keys()) if (!jobs.has(id)) openRuns.delete(id);
      const changes = held;
      held = null;
      render();
      for (const change of changes) apply(change);
      for (const id of openRuns.keys()) void loadRuns(id);
    } catch (error) {
      held = null;
      if (error.code !== "disconnected") say(message, `Could not read the jobs: ${error.message}`, "error");
    }
  }

  // --- showing ---------------------------------------------------------------------------------

  async function load() {
    if (!conn.ready) return;
    loading ??= Promise.all([loadJobs(), heartbeat.load()]).finally(() => (loading = null));
    await loading;
    form.sync();
  }

  // While the page is open, the relative times move on, and a beat that came due is read again.
  setInterval(() => {
    if (view.hidden || document.visibilityState !== "visible" || !conn.ready) return;
    heartbeat.tick();
    for (const time of view.querySelectorAll("[data-at]")) {
      time.textContent = relativeTime(Number(time.dataset.at));
    }
  }, TICK_MS);

  byId("cron-refresh").addEventListener("click", () => {
    say(message, "");
    void load();
  });
  return { show: load };
}
