// One control connection over a fake socket: draining refusals, unexpected failures answered as
// `internal` (details only in the log), and a client too slow to read its events.
import { describe, expect, it } from "vitest";
import { createChatRelay } from "../../src/gateway/control/chat-relay.ts";
import { createConnection, type ControlSocket } from "../../src/gateway/control/connection.ts";
import type { ResponseFrame } from "../../src/gateway/control/frames.ts";
import { method, type MethodTable } from "../../src/gateway/control/methods.ts";
import { statusMethods } from "../../src/gateway/control/status-methods.ts";
import { createEventHub } from "../../src/gateway/event-hub.ts";
import type { GatewayContext } from "../../src/gateway/gateway-context.ts";
import { createLogBuffer } from "../../src/gateway/log-buffer.ts";
import { z } from "zod";

const TOKEN = "unit-token-0123456789";

function setup(methods: MethodTable, state: { draining?: boolean } = {}) {
  const logs = createLogBuffer({ now: () => 0, secrets: [TOKEN] });
  const gateway = {
    version: "9.9.9",
    config: () => ({ model: "openai-compatible/fake" }),
    auth: { token: TOKEN, source: "env", trustLoopback: false },
    logs,
    startedAt: 0,
    ready: () => true,
    draining: () => state.draining === true,
    runner: { running: 0 },
    assistant: { ports: { clock: { now: () => 5 }, sessions: { list: async () => [] } } },
  } as unknown as GatewayContext;
  const sent: string[] = [];
  const socket: ControlSocket & { bufferedAmount: number; closedWith?: number } = {
    open: true,
    bufferedAmount: 0,
    send: (text) => sent.push(text),
    close(code) {
      this.closedWith = code;
    },
  };
  const relay = createChatRelay({
    events: createEventHub(),
    outcome: () => new Promise(() => {}),
    shutdown: new AbortController().signal,
  });
  const connection = createConnection({
    id: 1,
    socket,
    services: { gateway, relay, connectedClients: () => 1, routes: () => [] },
    methods,
    upgrade: { token: undefined, remoteAddress: "127.0.0.1", forAnotherSite: false },
    handshakeTimeoutMs: 60_000,
    maxBufferedBytes: 1000,
  });
  let n = 0;
  const request = async (name: string, params: unknown = {}) => {
    const id = `q${++n}`;
    await connection.receive(JSON.stringify({ type: "req", id, method: name, params }));
    return sent
      .map((text) => JSON.parse(text) as ResponseFrame)
      .find((f) => f.type === "res" && f.id === id)!;
  };
  return { connection, socket, sent, request, logs };
}

describe("control connection", () => {
  it("refuses methods that change state while draining, and serves the rest", async () => {
    const methods: MethodTable = {
      ...statusMethods,
      "test.work": method(z.object({}), () => ({ done: true }), { refuseWhileDraining: true }),
    };
    const t = setup(methods, { draining: true });
    await t.request("connect", { token: TOKEN });
    expect(await t.request("test.work")).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect(await t.request("health")).toMatchObject({ ok: true, payload: { ok: true, version: "9.9.9" } });
  });

  it("answers an unexpected failure with internal and keeps the details in the log", async () => {
    const t = setup({
      "test.crash": method(z.object({}), () => {
        throw new Error(`disk on fire near ${TOKEN}`);
      }),
    });
    await t.request("connect", { token: TOKEN });
    const res = await t.request("test.crash");
    expect(res).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(JSON.stringify(res)).not.toMatch(/disk on fire/);
    const logged = t.logs
      .tail()
      .map((l) => l.message)
      .join("\n");
    expect(logged).toMatch(/test\.crash failed: Error: disk on fire near \[redacted\]/);
    expect(await t.request("test.crash")).toMatchObject({ error: { code: "internal" } });
  });

  it("answers method names from the object prototype as unknown, with no stack trace in the log", async () => {
    const t = setup(statusMethods);
    await t.request("connect", { token: TOKEN });
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      const res = await t.request(name);
      expect(res).toMatchObject({ ok: false, error: { code: "unknown_method" } });
      expect(res.ok || res.error.message).toContain(`There is no method "${name}"`);
    }
    const logged = t.logs
      .tail()
      .map((l) => l.message)
      .join("\n");
    expect(logged).not.toMatch(/failed|\n\s+at /);
  });

  it("closes a client whose unread frames pile up (1013) instead of buffering without end", async () => {
    const t = setup({});
    await t.request("connect", { token: TOKEN });
    t.connection.emit("log", { message: "fits" });
    t.socket.bufferedAmount = 5000;
    t.connection.emit("log", { message: "too much" });
    expect(t.socket.closedWith).toBe(1013);
    expect(t.sent.filter((s) => s.includes('"event"'))).toHaveLength(1);
  });

  it("runs cleanups once when the socket closes, and at once when registered later", () => {
    const t = setup({});
    let cleaned = 0;
    t.connection.onClose(() => cleaned++);
    t.connection.dispose();
    t.connection.dispose();
    expect(cleaned).toBe(1);
    t.connection.onClose(() => cleaned++);
    expect(cleaned).toBe(2);
    t.connection.emit("log", {});
    expect(t.sent).toEqual([]);
  });
});
