// Webhooks: /hooks/wake puts a system event into the main session, /hooks/agent runs an isolated turn
// and POSTs its outcome to a local receiver exactly once, across failures and a restart (the POST is
// the job's after-turn work: its retries are the queue's).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHooks } from "../../src/gateway/hooks.ts";
import { createGate } from "../fakes/openai-chat-server.ts";
import { useGatewayWorld } from "./gateway-world.ts";

const world = useGatewayWorld(() => [createHooks()]);

interface Receiver {
  url: string;
  /** Bodies received, in order, with the status each was answered with. */
  received: Array<{
    body: Record<string, unknown>;
    headers: IncomingMessage["headers"];
    status: number | "hung";
  }>;
  /** Resolves once `n` requests have come in. */
  count(n: number): Promise<void>;
  server: Server;
}

let receiver: Receiver | undefined;
afterEach(async () => {
  await new Promise((resolve) => receiver?.server.close(resolve) ?? resolve(undefined));
  receiver?.server.closeAllConnections();
  receiver = undefined;
});

/** A delivery target on 127.0.0.1 answering with the next status of `statuses` (then 200); "hang" never answers. */
async function startReceiver(statuses: Array<number | "hang"> = []): Promise<Receiver> {
  const received: Receiver["received"] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8").on("data", (d: string) => (text += d));
    req.on("end", () => {
      const status = statuses.shift() ?? 200;
      received.push({
        body: JSON.parse(text),
        headers: req.headers,
        status: status === "hang" ? "hung" : status,
      });
      if (status !== "hang") res.writeHead(status).end();
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/done`;
  receiver = {
    url,
    received,
    server,
    count: (n) => new Promise((resolve) => (received.length >= n ? resolve() : waiters.push({ n, resolve }))),
  };
  return receiver;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  world.call(path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers });

describe("POST /hooks/wake", () => {
  // Wakes close together making one turn is tested on a fake clock (test/behaviour/heartbeat.test.ts).
  it("posts a system event that wakes the heartbeat, which tells the model", async () => {
    world.fake.script([{ text: "The backup finished." }]);
    const response = await post("/hooks/wake", { text: "backup finished" });
    expect(response.status).toBe(202);
    const { eventId, sessionKey } = await response.json();
    expect(eventId).toMatch(/^hook:wake:/);
    expect(sessionKey).toBe("agent:main:main");
    await expect
      .poll(() => world.gateway.ctx.heartbeat.last?.outcome, { timeout: 10_000 })
      .toMatchObject({ ran: true, delivered: expect.any(Boolean) });
    expect(world.fake.requests).toHaveLength(1);
    const prompt = world.fake.requests[0]!.lastUserText;
    expect(prompt).toContain("System events since the last heartbeat:\n- backup finished");
    expect(prompt).toContain("This is not the user writing.");
    expect(await world.gateway.ctx.assistant.ports.cron.events(sessionKey)).toEqual([]);
  });

  it("makes one event of a sender's retries with the same Idempotency-Key, also after it was handled", async () => {
    world.fake.script([{ text: "HEARTBEAT_OK" }]);
    const headers = { "idempotency-key": "evt-7" };
    const first = await (await post("/hooks/wake", { text: "disk full" }, headers)).json();
    await expect
      .poll(() => world.gateway.ctx.heartbeat.last?.outcome, { timeout: 10_000 })
      .toMatchObject({ ran: true, delivered: expect.any(Boolean) });
    const again = await (await post("/hooks/wake", { text: "disk full" }, headers)).json();
    expect(again).toEqual({ ...first, duplicate: true });
    expect(world.fake.requests).toHaveLength(1);
  });
});

describe("POST /hooks/agent", () => {
  it("runs an isolated turn and delivers its outcome exactly once, after a failed attempt", async () => {
    const target = await startReceiver([503]);
    world.fake.script([{ text: "Summary: all good." }, { text: "Other." }]);
    const request = { message: "summarise the day", deliver: { url: target.url } };
    const response = await post("/hooks/agent", request, { "idempotency-key": "daily-1" });
    expect(response.status).toBe(202);
    const { jobId, sessionKey } = await response.json();
    expect([jobId, sessionKey]).toEqual(["hook:agent:daily-1", "agent:main:hook:daily-1"]);
    await target.count(2);
    await expect
      .poll(async () => (await world.call(`/hooks/agent/${jobId}`)).json())
      .toMatchObject({ delivered: true });
    expect(target.received.map((r) => r.status)).toEqual([503, 200]);
    expect(target.received[1]?.body).toEqual({
      jobId,
      sessionKey,
      status: "done",
      reply: "Summary: all good.",
    });
    expect(target.received[1]?.headers["idempotency-key"]).toBe(jobId);

    // The sender retries: no second turn, no second delivery (checked once another job got through).
    const repeat = await post("/hooks/agent", request, { "idempotency-key": "daily-1" });
    expect(await repeat.json()).toEqual({ jobId, sessionKey, duplicate: true });
    const other = await (
      await post("/hooks/agent", { message: "other", deliver: { url: target.url } })
    ).json();
    await target.count(3);
    expect(target.received.map((r) => r.body["jobId"])).toEqual([jobId, jobId, other.jobId]);
    expect(other.sessionKey).not.toBe(sessionKey);
    expect(world.fake.requests.map((r) => r.lastUserText)).toEqual(["summarise the day", "other"]);
  });

  it("keeps a delivery cut short by a restart and delivers it once after", async () => {
    const target = await startReceiver(["hang"]);
    const { jobId } = await (
      await post("/hooks/agent", { message: "ping", deliver: { url: target.url } })
    ).json();
    await target.count(1); // the POST is in flight, unanswered, when the gateway stops
    await world.restart();
    await target.count(2);
    await expect
      .poll(async () => (await world.call(`/hooks/agent/${jobId}`)).json())
      .toMatchObject({ delivered: true });
    expect(target.received.map((r) => [r.body["jobId"], r.status])).toEqual([
      [jobId, "hung"],
      [jobId, 200],
    ]);
    // The turn is not run again: its outcome was stored before the POST.
    expect(world.fake.requests).toHaveLength(1);
  });

  it("uses the sessionKey it is given", async () => {
    world.fake.script([{ text: "one" }, (r) => ({ text: `seen ${r.messages.length} messages` })]);
    for (const message of ["first", "second"]) {
      const { jobId } = await (await post("/hooks/agent", { message, sessionKey: "reports" })).json();
      await world.gateway.ctx.runner.outcome(jobId);
    }
    expect(world.fake.requests[1]?.messages.map((m) => m.text)).toEqual(["first", "one", "second"]);
    expect(await world.gateway.ctx.assistant.ports.sessions.get("agent:main:reports")).not.toBeNull();
  });
});

describe("validation and auth", () => {
  it.each([
    ["/hooks/wake", {}, "text: required: the event text"],
    ["/hooks/wake", { text: "  " }, "text: the event is empty"],
    ["/hooks/wake", { text: "hi", txt: "typo" }, 'unknown field "txt"'],
    [
      "/hooks/agent",
      { message: "hi", deliver: { url: "ftp://example.com/x" } },
      "deliver.url: must be an http(s) URL",
    ],
    [
      "/hooks/agent",
      { message: "hi", sessionKey: "agent:other:x" },
      'sessionKey "agent:other:x" is not a session of agent "main"',
    ],
    ["/hooks/agent", "{not json", "not valid JSON"],
  ])("%s answers 400 for %j", async (path, body, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain(message);
  });

  it("answers 400 for a bad Idempotency-Key", async () => {
    const response = await post("/hooks/wake", { text: "hi" }, { "idempotency-key": "has spaces" });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain(
      "Idempotency-Key header must be 1 to 255 visible ASCII",
    );
  });

  it("refuses requests without the token", async () => {
    for (const [method, path] of [
      ["POST", "/hooks/wake"],
      ["POST", "/hooks/agent"],
      ["GET", "/hooks/agent/hook:agent:x"],
    ] as const) {
      const response = await world.call(path, {
        method,
        headers: { authorization: "Bearer nope" },
        ...(method === "POST" && { body: JSON.stringify({ text: "hi", message: "hi" }) }),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
    expect(world.fake.requests).toHaveLength(0);
  });

  it("answers 404 for an unknown job and 202 for a pending one", async () => {
    expect((await world.call("/hooks/agent/hook:agent:nope")).status).toBe(404);
    expect((await world.call("/hooks/agent/http:abc")).status).toBe(404);
    const gate = createGate();
    world.fake.script([{ text: "later", hold: { after: 0, gate } }]);
    const { jobId } = await (await post("/hooks/agent", { message: "slow" })).json();
    const pending = await world.call(`/hooks/agent/${jobId}`);
    expect([pending.status, await pending.json()]).toEqual([202, { jobId, status: "pending" }]);
    gate.release();
    await world.gateway.ctx.runner.outcome(jobId);
  });
});
