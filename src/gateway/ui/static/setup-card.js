// The setup card in the chat: shown while the gateway has no model. Pick a provider, a model (a local
// Ollama's own list when one answers), a key or base URL, test the connection (no tokens spent), save.
// The key goes to the gateway once and is never shown again.
import { byId, h } from "./dom.js";

export function createSetupCard(app) {
  const { conn } = app;
  const card = byId("setup-card");
  const form = byId("setup-form");
  const provider = byId("setup-provider");
  const model = byId("setup-model");
  const models = byId("setup-models");
  const modelHint = byId("setup-model-hint");
  const key = byId("setup-key");
  const keyLabel = byId("setup-key-label");
  const keyFields = byId("setup-key-fields");
  const keyHint = byId("setup-key-hint");
  const url = byId("setup-url");
  const urlHint = byId("setup-url-hint");
  const message = byId("setup-message");
  const testButton = byId("setup-test");
  const saveButton = byId("setup-save");
  /** Provider id → what setup.status says about it. */
  let providers = new Map();

  function say(text, kind) {
    message.hidden = !text;
    message.textContent = text;
    message.className = `message-box form-message ${kind ?? ""}`;
    message.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  const current = () => providers.get(provider.value);

  /** The fields of the chosen provider: key or no key, its address, an example model. */
  function showProvider() {
    const info = current();
    if (!info) return;
    const needsKey = info.key !== "none";
    keyLabel.hidden = !needsKey;
    keyFields.hidden = !needsKey;
    key.required = info.key === "required" && info.keyFrom === null;
    keyLabel.textContent = info.key === "optional" ? "API key (if any)" : "API key";
    keyHint.textContent =
      info.keyFrom === "environment"
        ? `${info.keyVariable} is set in the gateway's environment and is used; a key typed here is tested, and saved for when it is unset.`
        : info.keyFrom === "config"
          ? "A key is saved. Leave this empty to keep it, or type a new one."
          : `Also read from ${info.keyVariable}.`;
    url.placeholder = info.baseURL ?? "the provider's default";
    urlHint.textContent = info.urlFromEnvironment
      ? `${info.urlVariable} in the gateway's environment sets the address.`
      : `Empty: ${info.baseURL ?? "the provider's own address"}.`;
    model.placeholder = info.example;
    models.replaceChildren();
    modelHint.textContent = `For example ${info.example}.`;
    if (info.id === "ollama") void listOllamaModels();
  }

  async function listOllamaModels() {
    const asked = provider.value;
    try {
      const found = await conn.request("setup.ollamaModels", url.value ? { baseURL: url.value } : {});
      if (provider.value !== asked) return;
      if (!found.models) {
        modelHint.textContent = `No Ollama answers at ${found.baseURL}. Start it (ollama serve) or type its address.`;
        return;
      }
      models.replaceChildren(...found.models.map((name) => h("option", { value: name })));
      modelHint.textContent =
        found.models.length === 0
          ? "Ollama runs but has no models yet: ollama pull llama3.2"
          : `Ollama has: ${found.models.join(", ")}.`;
      if (!model.value && found.models.length > 0) model.value = found.models[0];
    } catch (error) {
      modelHint.textContent = `Could not ask Ollama: ${error.message}`;
    }
  }

  /** The params for setup.test and setup.save: only what was typed. */
  function params() {
    return {
      provider: provider.value,
      ...(model.value.trim() && { model: model.value.trim() }),
      ...(key.value.trim() && !keyFields.hidden && { apiKey: key.value.trim() }),
      ...(url.value.trim() && { baseURL: url.value.trim() }),
    };
  }

  async function run(button, action) {
    testButton.disabled = saveButton.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await action();
    } catch (error) {
      say(error.message, "error");
    } finally {
      testButton.disabled = saveButton.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  testButton.addEventListener("click", () =>
    run(testButton, async () => {
      say("Testing…");
      const result = await conn.request("setup.test", params());
      if (result.ok) say(`It works: ${result.detail}. Save to use it.`, "success");
      else say(`Not working: ${result.detail}.${result.fix ? ` ${result.fix}` : ""}`, "error");
    }),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!model.value.trim()) {
      model.focus();
      return say("Type the model's name first.", "error");
    }
    void run(saveButton, async () => {
      const saved = await conn.request("setup.save", params());
      key.value = ""; // sent once; never kept in the page
      if (saved.warning) say(`Saved, but: ${saved.warning}`, "error");
      else {
        say("");
        card.hidden = true;
        app.toast(`Saved: the assistant uses ${saved.model} now.`);
      }
      app.modelChanged(saved.model);
    });
  });

  provider.addEventListener("change", () => {
    model.value = "";
    say("");
    showProvider();
  });
  url.addEventListener("change", () => {
    if (provider.value === "ollama") void listOllamaModels();
  });

  return {
    /** Shows the card when the gateway has no model (asks it); hides it otherwise. */
    async check() {
      if (!conn.ready) return;
      try {
        const status = await conn.request("setup.status");
        if (status.model) {
          card.hidden = true;
          return;
        }
        const chosen = provider.value;
        providers = new Map(status.providers.map((info) => [info.id, info]));
        provider.replaceChildren(
          ...status.providers.map((info) => h("option", { value: info.id }, info.label)),
        );
        if (providers.has(chosen)) provider.value = chosen;
        if (card.hidden) showProvider();
        card.hidden = false;
      } catch (error) {
        app.toast(`Could not read the model setup: ${error.message}`);
      }
    },
  };
}
