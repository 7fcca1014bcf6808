// Boots the UI: the token (taken once from #token=… and kept in localStorage, else asked for), the
// connection and its badge, the hash router between views, and the session the chat shows.
import { createChannelsView } from "./channels-view.js";
import { createChatView } from "./chat-view.js";
import { createConfigView } from "./config-view.js";
import { Connection, gatewaySocketUrl } from "./connection.js";
import { createCronView } from "./cron-view.js";
import { byId, h } from "./dom.js";
import { createLogsView } from "./logs-view.js";
import { createSessionsView } from "./sessions-view.js";
import { createSetupCard } from "./setup-card.js";
import { createUsageView } from "./usage-view.js";

const TOKEN_KEY = "agent-claw.token";
const SESSION_KEY = "agent-claw.session";
const VIEWS = ["chat", "sessions", "usage", "channels", "cron", "config", "logs"];
const CLIENT = { name: "web", version: "0.1.0" };

const storage = {
  get: (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null; // storage blocked: the token is asked for each visit
    }
  },
  set: (key, value) => {
    try {
      if (value) localStorage.setItem(key, value);
      else localStorage.removeItem(key);
    } catch {
      // as above
    }
  },
};

/** The token from a `#token=…` link (the gateway prints one), removed from the address bar at once. */
function takeTokenFromLink() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, "", `${location.pathname}${location.search}#chat`);
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

const linkToken = takeTokenFromLink();
if (linkToken) storage.set(TOKEN_KEY, linkToken);

const conn = new Connection({ url: gatewaySocketUrl(), token: storage.get(TOKEN_KEY), client: CLIENT });

// --- the shared app object the views receive ---------------------------------------------------

const sessionListeners = new Set();
const toasts = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
document.body.append(toasts);

const app = {
  conn,
  sessionKey: storage.get(SESSION_KEY),
  setSession(key) {
    if (!key || key === app.sessionKey) return;
    app.sessionKey = key;
    storage.set(SESSION_KEY, key);
    for (const listener of sessionListeners) listener(key);
  },
  onSession(listener) {
    sessionListeners.add(listener);
  },
  openSession(key) {
    app.setSession(key);
    location.hash = "#chat";
  },
  sessionChanged: (key) => views.chat.sessionChanged(key),
  /** Shows the setup card when the gateway has no model (a refused send, a fresh gateway). */
  checkSetup: () => setupCard.check(),
  /** After the setup card saved a model: the badge names it. */
  modelChanged(model) {
    if (conn.hello) conn.hello.model = model;
    if (badge.dataset.state === "connected") showState("connected");
  },
  toast(text) {
    const toast = h("div", { class: "toast" }, text);
    toasts.append(toast);
    setTimeout(() => toast.remove(), 6_000);
  },
};

const setupCard = createSetupCard(app);

const views = {
  chat: createChatView(app),
  sessions: createSessionsView(app),
  usage: createUsageView(app),
  channels: createChannelsView(app),
  cron: createCronView(app),
  config: createConfigView(app),
  logs: createLogsView(app),
};

// --- routing -----------------------------------------------------------------------------------

let current = null;

function route() {
  const name = VIEWS.find((view) => location.hash === `#${view}`) ?? "chat";
  if (name === current) return;
  current = name;
  for (const view of VIEWS) {
    byId(`view-${view}`).hidden = view !== name;
    const tab = document.querySelector(`.tabs a[data-view="${view}"]`);
    if (view === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · agent-claw`;
  void views[name].show();
}

addEventListener("hashchange", route);

// --- connection badge and token dialog ---------------------------------------------------------

const badge = byId("conn");
const badgeLabel = byId("conn-label");
const dialog = byId("token-dialog");
const tokenInput = byId("token-input");
const tokenReason = byId("token-reason");
let countdown = 0;

function showState(state) {
  badge.dataset.state = state;
  clearInterval(countdown);
  if (state === "connected") {
    badgeLabel.textContent = conn.hello?.model ? `Connected · ${conn.hello.model}` : "Connected";
  } else if (state === "connecting") {
    badgeLabel.textContent = "Connecting…";
  } else if (state === "unauthorized") {
    badgeLabel.textContent = "Token needed";
    askForToken();
  } else if (state === "waiting") {
    const tick = () => {
      const seconds = Math.max(1, Math.ceil((conn.retryAt - Date.now()) / 1000));
      badgeLabel.textContent = `Offline · retrying in ${seconds} s`;
    };
    tick();
    countdown = setInterval(tick, 1000);
  }
}

function askForToken() {
  tokenReason.textContent = storage.get(TOKEN_KEY)
    ? "The gateway refused the saved token. Enter the current one."
    : "This gateway needs its token.";
  tokenInput.value = "";
  if (!dialog.open) dialog.showModal();
  tokenInput.focus();
}

byId("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (!token) return;
  storage.set(TOKEN_KEY, token);
  dialog.close();
  conn.setToken(token);
});

// Escape must not leave the page without a way to connect.
dialog.addEventListener("cancel", (event) => event.preventDefault());

byId("forget-token").addEventListener("click", () => {
  storage.set(TOKEN_KEY, null);
  conn.setToken("");
});

conn.on("state", showState);
conn.on("ready", async (hello, info) => {
  app.sessionKey ??= hello.sessionKey; // the main session until another is picked
  showState("connected");
  if (!hello.model) void setupCard.check();
  await views.chat.ready(info);
  // The open view loads what it shows; the log follows again if it was ever opened.
  if (current !== "chat") void views[current].show();
  if (current !== "logs") void views.logs.ready();
});

route();
conn.start();
