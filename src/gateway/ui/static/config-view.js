// Config: the settings in force as JSON, edited in place. Save sends config.patch with only the keys
// that changed (dotted, so defaults and masked secrets are never written back); a validation error
// is shown beside the editor and the gateway changes nothing.
import { byId } from "./dom.js";
import { createSettingsForm } from "./settings-form.js";

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The dotted-key patch that turns `before` into `after`: changed leaves and arrays by value, removed
 * keys as null. Objects on both sides are compared key by key.
 */
export function configPatch(before, after, prefix = "") {
  const patch = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const path = prefix + key;
    if (!(key in after)) patch[path] = null;
    else if (!(key in before)) patch[path] = after[key];
    else if (isObject(before[key]) && isObject(after[key]))
      Object.assign(patch, configPatch(before[key], after[key], `${path}.`));
    else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[path] = after[key];
  }
  return patch;
}

export function createConfigView(app) {
  const { conn } = app;
  const editor = byId("config-editor");
  const message = byId("config-message");
  const path = byId("config-path");
  const save = byId("config-save");
  const revert = byId("config-revert");
  let loaded = null;
  let dirty = false;
  // The form's changes show in the editor too, unless it holds edits of its own.
  const settings = createSettingsForm(app, { saved: (config) => dirty || show(config) });

  function say(text, kind) {
    message.hidden = !text;
    message.textContent = text;
    message.className = `message-box ${kind ?? ""}`;
    message.setAttribute("role", kind === "error" ? "alert" : "status");
    if (kind === "error") editor.setAttribute("aria-invalid", "true");
    else editor.removeAttribute("aria-invalid");
  }

  function show(config) {
    loaded = config;
    settings.fill(config);
    editor.value = `${JSON.stringify(config, null, 2)}\n`;
    dirty = false;
  }

  async function load({ force = false } = {}) {
    if (!conn.ready || (dirty && !force)) return;
    try {
      const payload = await conn.request("config.get");
      path.textContent = payload.path;
      show(payload.config);
      say("");
    } catch (error) {
      say(`Could not read the config: ${error.message}`, "error");
    }
  }

  save.addEventListener("click", async () => {
    let edited;
    try {
      edited = JSON.parse(editor.value);
    } catch (error) {
      return say(`Not valid JSON: ${error.message}`, "error");
    }
    if (!isObject(edited)) return say("The config must be a JSON object: { … }.", "error");
    const patch = configPatch(loaded ?? {}, edited);
    const keys = Object.keys(patch);
    if (keys.length === 0) return say("Nothing to save: no changes.");
    save.disabled = true;
    try {
      const { config } = await conn.request("config.patch", { patch });
      show(config);
      say(`Saved ${keys.join(", ")}. The gateway applies it now.`, "success");
    } catch (error) {
      // invalid_params names the key and what is expected; the editor keeps the text to fix.
      say(error.code === "invalid_params" ? error.message : `Could not save: ${error.message}`, "error");
    } finally {
      save.disabled = false;
    }
  });

  revert.addEventListener("click", () => {
    dirty = false;
    void load({ force: true });
  });

  editor.addEventListener("input", () => {
    dirty = true;
  });

  editor.addEventListener("keydown", (event) => {
    // Tab indents inside the editor; Escape then Tab leaves it (keyboard users are never trapped).
    if (event.key === "Tab" && !event.shiftKey && !editor.dataset.escaped) {
      event.preventDefault();
      editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
      dirty = true;
    } else if (event.key === "Escape") {
      editor.dataset.escaped = "1";
    } else if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      save.click();
    }
  });
  editor.addEventListener("blur", () => delete editor.dataset.escaped);

  return { show: () => load() };
}
