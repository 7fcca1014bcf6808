// The control protocol's housekeeping methods: health, status, sessions, config (secrets masked,
// validated patches), logs with follow, and channels.status.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EventFrame } from "../../src/gateway/control/frames.ts";
import { chatEvent, type ControlWorld, startControlWorld } from "./control-harness.ts";

let world: ControlWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(config?: unknown) {
  world = await startControlWorld({ config });
  return world;
}

type Payload<T> = { ok: true; payload: T };

describe("health and status", () => {
  it("report the version, readiness and what runs", async () => {
    const { client } = await start();
    const c = await client();
    expect(await c.request("health")).toMatchObject({
      ok: true,
      payload: { ok: true, version: expect.any(String), uptimeMs: expect.any(Number) },
    });
    expect(await c.request("status")).toMatchObject({
      ok: true,
      payload: {
        model: "openai-compatible/fake",
        ready: true,
        draining: false,
        runningTurns: 0,
        sessions: 0,
        uptimeMs: expect.any(Number),
      },
    });
  });
});

describe("sessions", () => {
  it("lists, resets and deletes sessions", async () => {
    const w = await start();
    w.fake.script([{ text: "hi" }, { text: "hello again" }]);
    const c = await w.client();
    await c.request("chat.send", { text: "one", idempotencyKey: "s1" });
    await c.next(chatEvent("final", "ws:s1"));
    await c.request("chat.send", { text: "two", sessionKey: "work", idempotencyKey: "s2" });
    await c.next(chatEvent("final", "ws:s2"));

    const list = (await c.request("sessions.list")) as Payload<{
      sessions: Array<{ key: string; sessionId: string; turns: number }>;
    }>;
    expect(list.payload.sessions.map((s) => s.key).sort()).toEqual(["agent:main:main", "agent:main:work"]);
    const main = list.payload.sessions.find((s) => s.key === "agent:main:main")!;
    expect(main.turns).toBe(1);

    const reset = (await c.request("sessions.reset", { sessionKey: "main" })) as Payload<{
      session: { key: string; sessionId: string; turns: number };
    }>;
    expect(reset.payload.session).toMatchObject({ key: "agent:main:main", turns: 0 });
    expect(reset.payload.session.sessionId).not.toBe(main.sessionId);
    expect(await c.request("chat.history", {})).toMatchObject({ payload: { messages: [] } });

    expect(await c.request("sessions.delete", { sessionKey: "agent:main:work" })).toMatchObject({
      ok: true,
      payload: { deleted: true },
    });
    const after = (await c.request("sessions.list")) as Payload<{ sessions: Array<{ key: string }> }>;
    expect(after.payload.sessions.map((s) => s.key)).toEqual(["agent:main:main"]);
    expect(await c.request("sessions.delete", { sessionKey: "work" })).toMatchObject({
      ok: false,
      error: { code: "invalid_params", message: expect.stringMatching(/no session "agent:main:work"/) },
    });
  });
});

describe("config", () => {
  const secret = "config-secret-token-0123456789";

  it("config.get masks the gateway token and gives the path and the JSON Schema", async () => {
    const w = await start({ gateway: { token: secret } });
    const c = await w.client();
    const res = await c.request("config.get");
    expect(JSON.stringify(res)).not.toContain(secret);
    expect(res).toMatchObject({
      ok: true,
      payload: {
        config: { gateway: { token: "[redacted]" }, agent: { maxSteps: 25 } },
        path: join(w.home, "config.json"),
        schema: { type: "object", title: "agent-claw config" },
      },
    });
  });

  it("config.patch applies a valid patch (null removes a key) and writes it to disk", async () => {
    const w = await start({ gateway: { token: secret } });
    const c = await w.client();
    const patched = await c.request("config.patch", { patch: { "agent.maxSteps": 7 } });
    expect(patched).toMatchObject({ ok: true, payload: { config: { agent: { maxSteps: 7 } } } });
    expect(JSON.stringify(patched)).not.toContain(secret);
    expect(await c.request("config.get")).toMatchObject({ payload: { config: { agent: { maxSteps: 7 } } } });
    const onDisk = JSON.parse(await readFile(join(w.home, "config.json"), "utf8"));
    expect(onDisk).toEqual({ gateway: { token: secret }, agent: { maxSteps: 7 } });

    await c.request("config.patch", { patch: { "agent.maxSteps": null } });
    expect(await c.request("config.get")).toMatchObject({ payload: { config: { agent: { maxSteps: 25 } } } });
    // Removing a section's last key removes the section too.
    expect(JSON.parse(await readFile(join(w.home, "config.json"), "utf8"))).toEqual({
      gateway: { token: secret },
    });
  });

  it("config.patch applies a key read only at start, and logs that it needs a restart", async () => {
    const w = await start();
    const c = await w.client();
    const patched = await c.request("config.patch", { patch: { "lanes.maxConcurrent": 9 } });
    expect(patched).toMatchObject({ ok: true, payload: { config: { lanes: { maxConcurrent: 9 } } } });
    const warnings = w.gateway.ctx.logs.tail().filter((line) => line.level === "warn");
    expect(warnings.map((line) => line.message)).toContainEqual(
      expect.stringMatching(/lanes\.maxConcurrent: this takes effect after a restart/),
    );
  });

  it("config.patch refuses an invalid patch and changes nothing", async () => {
    const w = await start({ agent: { maxSteps: 9 } });
    const c = await w.client();
    const before = await readFile(join(w.home, "config.json"), "utf8");
    const res = await c.request("config.patch", { patch: { "agent.maxSteps": "lots", model: "openai/x" } });
    expect(res).toMatchObject({
      ok: false,
      error: { code: "invalid_params", message: expect.stringMatching(/agent\.maxSteps: expected number/) },
    });
    expect(await readFile(join(w.home, "config.json"), "utf8")).toBe(before);
    expect(await c.request("config.get")).toMatchObject({ payload: { config: { agent: { maxSteps: 9 } } } });
  });

  it("config.patch answers keys named after the object prototype as not config keys", async () => {
    const w = await start({ agent: { maxSteps: 9 } });
    const c = await w.client();
    const before = await readFile(join(w.home, "config.json"), "utf8");
    for (const key of ["__proto__", "constructor", "agent.__proto__.x", "toString"]) {
      const frame = `{"type":"req","id":"p-${key}","method":"config.patch","params":{"patch":{"${key}":{"maxSteps":1}}}}`;
      c.send(frame);
      const res = await c.next((f) => f.type === "res" && f.id === `p-${key}`);
      expect(res).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    }
    expect(await readFile(join(w.home, "config.json"), "utf8")).toBe(before);
    const logged = w.gateway.ctx.logs
      .tail()
      .map((l) => l.message)
      .join("\n");
    expect(logged).not.toMatch(/failed unexpectedly|\n\s+at /);
  });
});

describe("logs.tail", () => {
  it("returns recent lines and, with follow, sends each new line as a log event", async () => {
    const w = await start();
    const c = await w.client();
    const res = (await c.request("logs.tail", { follow: true })) as Payload<{
      lines: Array<{ seq: number; message: string }>;
    }>;
    expect(res.payload.lines.some((l) => /listening on/.test(l.message))).toBe(true);
    const lastSeq = res.payload.lines.at(-1)!.seq;

    w.gateway.ctx.logs.log("warn", "a line from the test");
    const event = await c.next((f): f is EventFrame => f.type === "event" && f.event === "log");
    expect(event.payload).toEqual({
      seq: lastSeq + 1,
      at: expect.any(Number),
      level: "warn",
      message: "a line from the test",
    });

    await c.request("logs.tail", { follow: false });
    w.gateway.ctx.logs.log("info", "not followed any more");
    expect(await c.request("health")).toMatchObject({ ok: true });
    expect(c.events.map((e) => (e.payload as { message: string }).message)).toEqual(["a line from the test"]);
  });

  it("honours afterSeq and limit", async () => {
    const w = await start();
    const c = await w.client();
    for (let i = 1; i <= 5; i++) w.gateway.ctx.logs.log("info", `line ${i}`);
    const all = (await c.request("logs.tail", {})) as Payload<{
      lines: Array<{ seq: number; message: string }>;
    }>;
    const third = all.payload.lines.find((l) => l.message === "line 3")!;
    const res = await c.request("logs.tail", { afterSeq: third.seq, limit: 1 });
    expect(res).toMatchObject({ payload: { lines: [{ message: "line 5" }] } });
  });
});

describe("channels.status", () => {
  it("lists web with its connected clients, the HTTP API, Telegram (no token: stopped) and the terminal", async () => {
    const w = await start();
    const c = await w.client();
    await w.client();
    const res = (await c.request("channels.status")) as Payload<{
      channels: Array<{ id: string; state: string; detail: string; label: string }>;
    }>;
    expect(res.payload.channels.map((ch) => ch.id)).toEqual(["web", "http", "telegram", "cli"]);
    expect(res.payload.channels[0]).toMatchObject({ state: "running", detail: "2 clients connected" });
    expect(res.payload.channels[1]?.detail).toBe(
      "GET /v1/models, GET /v1/models/{model}, POST /v1/chat/completions",
    );
    expect(res.payload.channels[2]).toMatchObject({
      state: "stopped",
      detail: expect.stringContaining("TELEGRAM_BOT_TOKEN"),
    });
    expect(res.payload.channels[3]).toMatchObject({ state: "available" });
    for (const channel of res.payload.channels) expect(channel.label).toEqual(expect.any(String));
  });
});
