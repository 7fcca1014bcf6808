// The Cron page's "Add a job" form: when (an interval, once, or a cron expression, with its time
// zone), what (a reminder for the heartbeat or a message turn, and where its reply goes), and
// cron.add with the gateway's own words when it refuses.
import { say } from "./cron-shared.js";
import { byId } from "./dom.js";

const WHEN = {
  every: ["Interval", "30m", "An interval: 30m, 2h, 1d. The first run is one interval from now."],
  at: ["Time", "in 20m", "Once: “in 20m”, or a time like 2026-12-24 09:00 (read in the time zone)."],
  cron: [
    "Cron expression",
    "0 7 * * 1-5",
    "Minute hour day month weekday: 0 7 * * 1-5 is 07:00 on weekdays.",
  ],
};
const WHAT = {
  systemEvent: [
    "Reminder text",
    "Stretch and drink some water",
    "The assistant gets it at the next heartbeat (woken at once) and tells you in your chat.",
  ],
  message: [
    "Message for the assistant",
    "Summarise my unread mail",
    "Runs as a turn of its own, as if you had written it; the reply goes where you choose.",
  ],
};

/**
 * The form; `zone` is the page's time zone (cron-shared.js createZone) and `onAdded(job)` puts the
 * new job in the table at once. `sync` brings the labels and the time zone placeholder up to date.
 */
export function createCronForm({ conn, zone, onAdded }) {
  const form = byId("cron-form");
  const whenKind = byId("cron-when-kind");
  const whenInput = byId("cron-when");
  const whenLabel = byId("cron-when-label");
  const whenHint = byId("cron-when-hint");
  const tzInput = byId("cron-tz");
  const whatKind = byId("cron-what-kind");
  const textInput = byId("cron-text");
  const textLabel = byId("cron-text-label");
  const whatHint = byId("cron-what-hint");
  const deliver = byId("cron-deliver");
  const message = byId("cron-form-message");
  const submit = byId("cron-add");

  /** Labels, hints and which fields show follow the two selects. */
  function sync() {
    const [label, example, hint] = WHEN[whenKind.value];
    whenLabel.textContent = label;
    whenInput.placeholder = example;
    whenHint.textContent = hint;
    tzInput.hidden = whenKind.value === "every";
    tzInput.placeholder = zone.name ? `Time zone: ${zone.name}` : "Time zone";
    const [textName, textExample, textHint] = WHAT[whatKind.value];
    textLabel.textContent = textName;
    textInput.placeholder = textExample;
    whatHint.textContent = textHint;
    deliver.hidden = whatKind.value !== "message";
  }

  function formParams() {
    const params = { [whenKind.value]: whenInput.value.trim(), catchUp: byId("cron-catch-up").value };
    const name = byId("cron-name").value.trim();
    if (name) params.name = name;
    const tz = tzInput.value.trim();
    if (tz && whenKind.value !== "every") params.tz = tz;
    if (whatKind.value === "message") {
      params.message = textInput.value.trim();
      params.deliver = deliver.value;
    } else {
      params.systemEvent = textInput.value.trim();
    }
    return params;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const { job } = await conn.request("cron.add", formParams());
      onAdded(job);
      form.reset();
      sync();
      const next = job.state.nextRunAt;
      say(message, `Added “${job.name}”${next ? `: first run ${zone.short(next)}` : ""}.`, "success");
      whenInput.removeAttribute("aria-invalid");
    } catch (error) {
      // The gateway's own words ("cron.add: …"), without the method name.
      say(message, error.message.replace(/^cron\.add: /, ""), "error");
    } finally {
      submit.disabled = false;
    }
  });
  whenKind.addEventListener("change", sync);
  whatKind.addEventListener("change", sync);
  sync();

  return { sync };
}
