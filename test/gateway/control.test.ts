// The control protocol's handshake and frame handling against a real gateway and a real ws client:
// who may connect, and how every kind of bad frame is answered without losing the connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createControlRoute } from "../../src/gateway/control/control-route.ts";
import { type ControlWorld, openClient, startControlWorld, TOKEN } from "./control-harness.ts";

let world: ControlWorld;

beforeAll(async () => {
  world = await startControlWorld();
});

afterAll(async () => {
  await world.close();
});

describe("connect", () => {
  it("answers with the protocol, methods, events, main session and model", async () => {
    const client = await openClient(world.wsUrl);
    const hello = await client.connect();
    expect(hello).toMatchObject({
      type: "res",
      ok: true,
      payload: {
        protocol: 1,
        server: { version: expect.any(String) },
        events: ["chat", "notice", "log"],
        sessionKey: "agent:main:main",
        model: "openai-compatible/fake",
      },
    });
    const methods = (hello as { payload: { methods: string[] } }).payload.methods;
    for (const name of ["connect", "health", "status", "chat.send", "chat.history", "chat.abort"]) {
      expect(methods).toContain(name);
    }
    for (const name of ["sessions.list", "sessions.reset", "sessions.delete", "config.get", "config.patch"]) {
      expect(methods).toContain(name);
    }
    expect(methods).toContain("logs.tail");
    expect(methods).toContain("channels.status");
    await client.close();
  });

  it("takes the token from the upgrade's Authorization header or ?token=", async () => {
    const viaHeader = await openClient(world.wsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await viaHeader.request("connect", {})).toMatchObject({ ok: true });
    const viaQuery = await openClient(`${world.wsUrl}?token=${TOKEN}`);
    expect(await viaQuery.request("connect", {})).toMatchObject({ ok: true });
    await Promise.all([viaHeader.close(), viaQuery.close()]);
  });

  it("refuses a missing token, then closes with 4401", async () => {
    const client = await openClient(world.wsUrl);
    const res = await client.request("connect", {});
    expect(res).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect((res as { error: { message: string } }).error.message).toMatch(/No gateway token/);
    expect(await client.closed).toMatchObject({ code: 4401 });
  });

  it("refuses a wrong token, then closes with 4401", async () => {
    const client = await openClient(world.wsUrl);
    const res = await client.connect("wrong-token-0123456789");
    expect(res).toMatchObject({
      ok: false,
      error: { code: "unauthorized", message: "Wrong gateway token." },
    });
    expect(await client.closed).toMatchObject({ code: 4401 });
  });

  it("refuses methods before connect but keeps the connection", async () => {
    const client = await openClient(world.wsUrl);
    const res = await client.request("status");
    expect(res).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect((res as { error: { message: string } }).error.message).toMatch(/connect first/);
    expect(await client.connect()).toMatchObject({ ok: true });
    expect(await client.request("health")).toMatchObject({ ok: true, payload: { ok: true } });
    await client.close();
  });

  it("closes a connection that never sends connect (4408)", async () => {
    const quick = await startControlWorld({ modules: [createControlRoute({ handshakeTimeoutMs: 20 })] });
    try {
      const client = await openClient(quick.wsUrl);
      expect(await client.closed).toMatchObject({ code: 4408 });
    } finally {
      await quick.close();
    }
  });
});

describe("origin", () => {
  it("refuses a browser origin that is not allowed at the upgrade (403)", async () => {
    await expect(openClient(world.wsUrl, { origin: "https://evil.example" })).rejects.toThrow(
      "upgrade refused: 403",
    );
  });

  it("accepts the gateway's own origin", async () => {
    const client = await openClient(world.wsUrl, { origin: world.gateway.url });
    expect(await client.connect()).toMatchObject({ ok: true });
    await client.close();
  });
});

describe("bad frames", () => {
  it("answers each with an error and keeps the connection usable", async () => {
    const client = await world.client();
    const nullId = (f: { type: string; id?: unknown }) => f.type === "res" && f.id === null;

    client.send("this is not json");
    expect(await client.next(nullId)).toMatchObject({ ok: false, error: { code: "bad_frame" } });

    client.send(JSON.stringify({ type: "req", method: "status" }));
    const noId = await client.next(nullId);
    expect(noId).toMatchObject({
      ok: false,
      error: { code: "bad_frame", message: expect.stringMatching(/id is missing/) },
    });

    client.send(JSON.stringify([1, 2]));
    expect(await client.next(nullId)).toMatchObject({
      error: { code: "bad_frame", message: expect.stringMatching(/not an array/) },
    });

    client.send(JSON.stringify({ type: "event", id: "e1", method: "status" }));
    const wrongType = await client.next((f) => f.type === "res" && f.id === "e1");
    expect(wrongType).toMatchObject({
      error: { code: "bad_frame", message: expect.stringMatching(/type must be "req"/) },
    });

    const unknown = await client.request("chat.sendd", {});
    expect(unknown).toMatchObject({ ok: false, error: { code: "unknown_method" } });
    expect((unknown as { error: { message: string } }).error.message).toMatch(/chat\.send, chat\.history/);

    const invalid = await client.request("chat.send", { text: 42 });
    expect(invalid).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect((invalid as { error: { message: string } }).error.message).toMatch(
      /params\.text: expected a string/,
    );

    const missing = await client.request("sessions.reset", {});
    expect((missing as { error: { message: string } }).error.message).toMatch(
      /params\.sessionKey is missing/,
    );

    const extra = await client.request("status", { verbose: true });
    expect(extra).toMatchObject({
      error: { code: "invalid_params", message: expect.stringMatching(/unknown key "verbose"/) },
    });

    expect(await client.request("status")).toMatchObject({ ok: true, payload: { ready: true } });
  });

  it("answers a frame over 256 KiB with too_large, echoing its id", async () => {
    const client = await world.client();
    const big = JSON.stringify({
      type: "req",
      id: "big-1",
      method: "chat.send",
      params: { text: "x".repeat(300_000) },
    });
    client.send(big);
    const res = await client.next((f) => f.type === "res" && f.id === "big-1");
    expect(res).toMatchObject({
      ok: false,
      error: { code: "too_large", message: expect.stringMatching(/limit is 262144/) },
    });
    expect(world.fake.requests).toHaveLength(0);
    expect(await client.request("health")).toMatchObject({ ok: true });
  });

  it("answers frames up to 4 MiB with too_large rather than closing", async () => {
    const client = await world.client();
    client.send(
      JSON.stringify({
        type: "req",
        id: "big-2",
        method: "health",
        params: { pad: "x".repeat(2 * 1024 * 1024) },
      }),
    );
    const res = await client.next((f) => f.type === "res" && f.id === "big-2");
    expect(res).toMatchObject({ ok: false, error: { code: "too_large" } });
    expect(await client.request("health")).toMatchObject({ ok: true });
  });

  it("closes the socket with 1009 for a frame over 4 MiB", async () => {
    const client = await world.client();
    client.send("x".repeat(4 * 1024 * 1024 + 1));
    expect(await client.closed).toMatchObject({ code: 1009 });
  });

  it("refuses binary frames", async () => {
    const client = await world.client();
    client.ws.send(Buffer.from('{"type":"req","id":"b1","method":"health"}'));
    const res = await client.next((f) => f.type === "res" && f.id === null);
    expect(res).toMatchObject({
      ok: false,
      error: { code: "bad_frame", message: expect.stringMatching(/Binary frames/) },
    });
  });
});
