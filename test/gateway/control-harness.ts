// A gateway in a temporary home with a fake model, and a real `ws` client that speaks the control
// protocol: request/response by id, every event kept in order, and the close code.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import type { RouteModule } from "../../src/gateway/app.ts";
import type { EventFrame, ResponseFrame } from "../../src/gateway/control/frames.ts";
import type { Clock } from "../../src/ports/clock.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";

export const TOKEN = "test-token-0123456789";

type Frame = ResponseFrame | EventFrame;

export interface TestClient {
  ws: WebSocket;
  /** Every event received, in order. */
  events: EventFrame[];
  /** Every frame received, in order. */
  frames: Frame[];
  /** Sends a request and resolves with its response. */
  request(method: string, params?: unknown, id?: string): Promise<ResponseFrame>;
  /** Sends connect with the token (or `token`) and resolves with the response. */
  connect(token?: string): Promise<ResponseFrame>;
  send(text: string): void;
  /** The first frame (received before or after the call) matching `match`; it is consumed. */
  next<F extends Frame>(match: (frame: Frame) => frame is F): Promise<F>;
  next(match: (frame: Frame) => boolean): Promise<Frame>;
  /** The close code and reason, once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

let ids = 0;

/** Opens a client; rejects with the HTTP status when the upgrade is refused. */
export function openClient(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options);
  const unread: Frame[] = [];
  const events: EventFrame[] = [];
  const frames: Frame[] = [];
  const waiters: Array<{ match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }> = [];
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    frames.push(frame);
    if (frame.type === "event") events.push(frame);
    const waiter = waiters.find((w) => w.match(frame));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(frame);
    } else {
      unread.push(frame);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const next = (match: (frame: Frame) => boolean) => {
    const index = unread.findIndex(match);
    if (index >= 0) return Promise.resolve(unread.splice(index, 1)[0]!);
    return new Promise<Frame>((resolve) => waiters.push({ match, resolve }));
  };
  const client: TestClient = {
    ws,
    events,
    frames,
    send: (text) => ws.send(text),
    next: next as TestClient["next"],
    request(method, params = {}, id = `r${++ids}`) {
      ws.send(JSON.stringify({ type: "req", id, method, params }));
      return next((f) => f.type === "res" && f.id === id) as Promise<ResponseFrame>;
    },
    connect(token = TOKEN) {
      return client.request("connect", { token, client: { name: "test", version: "0.0.1" } });
    },
    closed,
    async close() {
      ws.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(client));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

/** Opens a client and completes the handshake. */
export async function connectedClient(url: string): Promise<TestClient> {
  const client = await openClient(url);
  const hello = await client.connect();
  if (!hello.ok) throw new Error(`connect failed: ${JSON.stringify(hello)}`);
  return client;
}

export interface ControlWorld {
  home: string;
  fake: FakeModelServer;
  gateway: RunningGateway;
  /** ws://127.0.0.1:<port>/ws */
  wsUrl: string;
  clients: TestClient[];
  /** A connected client, closed with the world. */
  client(): Promise<TestClient>;
  close(): Promise<void>;
}

/**
 * Starts a gateway in a fresh home (with `config` as config.json) against a fake model. `env` adds
 * variables or, with undefined, removes the defaults (AGENT_CLAW_MODEL: a gateway with no model).
 */
export async function startControlWorld(
  options: {
    config?: unknown;
    modules?: RouteModule[];
    clock?: Clock;
    env?: Record<string, string | undefined>;
  } = {},
): Promise<ControlWorld> {
  const home = await mkdtemp(join(tmpdir(), "ac-control-"));
  await mkdir(home, { recursive: true });
  if (options.config) await writeFile(join(home, "config.json"), JSON.stringify(options.config, null, 2));
  const fake = await startOpenAIChatFake();
  const env = {
    AGENT_CLAW_HOME: home,
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: fake.url,
    AGENT_CLAW_GATEWAY_TOKEN: TOKEN,
    TZ: "UTC",
    ...options.env,
  };
  const gateway = await startGateway({
    env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
    port: 0,
    retryDelayMs: 0,
    write: () => undefined,
    ...(options.modules && { modules: options.modules }),
    ...(options.clock && { clock: options.clock }),
  });
  const wsUrl = `${gateway.url.replace(/^http/, "ws")}/ws`;
  const clients: TestClient[] = [];
  return {
    home,
    fake,
    gateway,
    wsUrl,
    clients,
    async client() {
      const client = await connectedClient(wsUrl);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.ws.close();
      await gateway.close();
      await fake.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Narrows a frame to a `chat` event with the given state. */
export const chatEvent =
  (state: string, jobId?: string) =>
  (frame: Frame): frame is EventFrame =>
    frame.type === "event" &&
    frame.event === "chat" &&
    (frame.payload as { state: string; jobId: string }).state === state &&
    (jobId === undefined || (frame.payload as { jobId: string }).jobId === jobId);
