// The Config page's form for the common settings (model, time zone, Telegram bot, heartbeat), beside
// the raw editor. Save sends config.patch with only what changed; the bot token is never shown, only
// replaced when a new one is typed.
import { byId, h } from "./dom.js";

const MASK = "[redacted]";

export function createSettingsForm(app, { saved }) {
  const { conn } = app;
  const form = byId("settings-form");
  const model = byId("settings-model");
  const timezone = byId("settings-timezone");
  const zones = byId("settings-zones");
  const zoneHint = byId("settings-timezone-hint");
  const botToken = byId("settings-bot-token");
  const botTokenHint = byId("settings-bot-token-hint");
  const enabled = byId("settings-heartbeat-enabled");
  const every = byId("settings-heartbeat-every");
  const start = byId("settings-heartbeat-start");
  const end = byId("settings-heartbeat-end");
  const message = byId("settings-message");
  const save = byId("settings-save");
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let loaded = null;

  function say(text, kind) {
    message.hidden = !text;
    message.textContent = text;
    message.className = `message-box form-message ${kind ?? ""}`;
    message.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  /** The form's values as dotted config keys (null removes a key). */
  function values() {
    const hours = start.value && end.value ? { start: start.value, end: end.value } : null;
    return {
      model: model.value.trim() || null,
      "agent.timezone": timezone.value.trim() || null,
      "heartbeat.enabled": enabled.checked,
      "heartbeat.everyMinutes": Number.isFinite(every.valueAsNumber) ? every.valueAsNumber : null,
      "heartbeat.activeHours": hours,
      ...(botToken.value.trim() && { "channels.telegram.botToken": botToken.value.trim() }),
    };
  }

  /** The same keys from a config (as config.get shows it). */
  function valuesOf(config) {
    return {
      model: config.model ?? null,
      "agent.timezone": config.agent.timezone ?? null,
      "heartbeat.enabled": config.heartbeat.enabled,
      "heartbeat.everyMinutes": config.heartbeat.everyMinutes,
      "heartbeat.activeHours": config.heartbeat.activeHours ?? null,
    };
  }

  function fill(config) {
    loaded = config;
    model.value = config.model ?? "";
    timezone.value = config.agent.timezone ?? "";
    timezone.placeholder = browserZone;
    zoneHint.textContent = `Empty: the gateway's system zone. This browser is in ${browserZone}.`;
    const hasToken = config.channels.telegram.botToken === MASK;
    botToken.value = "";
    botToken.placeholder = hasToken ? "Saved (hidden)" : "123456:ABC-DEF…";
    botTokenHint.textContent = hasToken
      ? "A token is saved. Type a new one to replace it."
      : "The token @BotFather gave you; the bot connects when you save.";
    enabled.checked = config.heartbeat.enabled;
    every.value = String(config.heartbeat.everyMinutes);
    start.value = config.heartbeat.activeHours?.start ?? "";
    end.value = config.heartbeat.activeHours?.end ?? "";
    if (zones.childElementCount === 0 && Intl.supportedValuesOf) {
      zones.replaceChildren(
        ...Intl.supportedValuesOf("timeZone").map((zone) => h("option", { value: zone })),
      );
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!loaded) return;
    if (Boolean(start.value) !== Boolean(end.value)) {
      return say("Give the heartbeat both a start and an end time, or neither.", "error");
    }
    const before = valuesOf(loaded);
    const patch = Object.fromEntries(
      Object.entries(values()).filter(
        ([key, value]) => JSON.stringify(before[key]) !== JSON.stringify(value),
      ),
    );
    const keys = Object.keys(patch);
    if (keys.length === 0) return say("Nothing to save: no changes.");
    save.disabled = true;
    try {
      const { config } = await conn.request("config.patch", { patch });
      fill(config);
      say(`Saved ${keys.join(", ")}. The gateway applies it now.`, "success");
      saved(config);
    } catch (error) {
      say(error.code === "invalid_params" ? error.message : `Could not save: ${error.message}`, "error");
    } finally {
      save.disabled = false;
    }
  });

  return { fill };
}
