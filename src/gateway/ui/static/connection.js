// The control-protocol client (docs/gateway-protocol.md): one WebSocket to /ws, the connect handshake,
// requests matched to responses by id, events, and reconnects with backoff. Knows nothing of the views.

/** An error answer of the gateway ({ code, message }), or "disconnected" / "timeout" from this client. */
export class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
  }
}

const REQUEST_TIMEOUT_MS = 30_000;
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

/**
 * States: "connecting", "connected", "waiting" (to reconnect; `retryAt` says when), "unauthorized"
 * (the token is missing or wrong: no retries until `setToken`).
 */
export class Connection {
  #url;
  #token;
  #client;
  #socket = null;
  #nextId = 1;
  #pending = new Map();
  #listeners = new Map();
  #attempt = 0;
  #timer = 0;
  #lastSeq = 0;
  #stopped = true;
  state = "connecting";
  retryAt = 0;
  /** The connect payload: { protocol, server, methods, events, sessionKey, model }. */
  hello = null;

  constructor({ url, token, client }) {
    this.#url = url;
    this.#token = token || "";
    this.#client = client;
    // Come back at once when the network or the tab does, instead of waiting out the backoff.
    addEventListener("online", () => this.#retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.#retryNow();
    });
  }

  /** Listens to "state" (state), "ready" (hello, { reconnected }), "event" (name, payload), "gap". */
  on(name, listener) {
    if (!this.#listeners.has(name)) this.#listeners.set(name, new Set());
    this.#listeners.get(name).add(listener);
    return () => this.#listeners.get(name).delete(listener);
  }

  get ready() {
    return this.state === "connected";
  }

  start() {
    this.#stopped = false;
    this.#open();
  }

  /** Replaces the token and connects again with it. */
  setToken(token) {
    this.#token = token || "";
    this.#attempt = 0;
    this.#close();
    if (!this.#stopped) this.#open();
  }

  /** Sends a request; resolves with the payload or rejects with a ProtocolError. */
  request(method, params = {}) {
    if (!this.ready)
      return Promise.reject(new ProtocolError("disconnected", "Not connected to the gateway."));
    return this.#send(method, params);
  }

  #emit(name, ...args) {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        console.error(error);
      }
    }
  }

  #setState(state) {
    this.state = state;
    this.#emit("state", state);
  }

  #send(method, params) {
    const id = String(this.#nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ProtocolError("timeout", `The gateway did not answer ${method} in time.`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#socket.send(JSON.stringify({ type: "req", id, method, params }));
    });
  }

  #open() {
    clearTimeout(this.#timer);
    this.#setState("connecting");
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    this.#lastSeq = 0;
    const reconnected = this.hello !== null;
    socket.addEventListener("open", async () => {
      const params = { client: this.#client };
      if (this.#token) params.token = this.#token;
      try {
        this.hello = await this.#send("connect", params);
        this.#attempt = 0;
        this.#setState("connected");
        this.#emit("ready", this.hello, { reconnected });
      } catch (error) {
        if (socket !== this.#socket) return;
        if (error.code === "unauthorized") {
          this.#close();
          this.#setState("unauthorized");
        } else {
          socket.close();
        }
      }
    });
    socket.addEventListener("message", (message) => this.#receive(message.data));
    socket.addEventListener("close", (event) => {
      if (socket !== this.#socket) return;
      this.#socket = null;
      this.#failPending();
      if (event.code === 4401) this.#setState("unauthorized");
      else if (!this.#stopped) this.#scheduleRetry();
    });
  }

  #receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame.type === "res") {
      const waiting = this.#pending.get(frame.id);
      if (!waiting) return;
      this.#pending.delete(frame.id);
      clearTimeout(waiting.timer);
      if (frame.ok) waiting.resolve(frame.payload ?? {});
      else
        waiting.reject(
          new ProtocolError(frame.error?.code ?? "internal", frame.error?.message ?? "Request failed."),
        );
    } else if (frame.type === "event") {
      if (typeof frame.seq === "number") {
        if (this.#lastSeq && frame.seq !== this.#lastSeq + 1) this.#emit("gap");
        this.#lastSeq = frame.seq;
      }
      this.#emit("event", frame.event, frame.payload ?? {});
    }
  }

  #failPending() {
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new ProtocolError("disconnected", "The connection to the gateway was lost."));
    }
    this.#pending.clear();
  }

  #close() {
    const socket = this.#socket;
    this.#socket = null;
    this.#failPending();
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  #scheduleRetry() {
    const base = BACKOFF_MS[Math.min(this.#attempt, BACKOFF_MS.length - 1)];
    this.#attempt++;
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.retryAt = Date.now() + delay;
    this.#setState("waiting");
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  #retryNow() {
    if (this.state === "waiting") this.#open();
  }
}

/** The gateway's WebSocket URL: same host and port as the page, ws: or wss: to match http: or https:. */
export function gatewaySocketUrl(location = window.location) {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}
