// processDeliveries, the unit both engines' runners drive, over each engine's real queue and outbox:
// collect mode, stored outcomes delivered and never run again, failed sends retried and sent once,
// giving up (ack, or dead-letter), bot commands in session order, and after-turn work done once
// across a crash between storing an outcome and acking its message.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createAfterTurn } from "../../src/core/intake/after-turn.ts";
import { type DeliveryDeps, processDeliveries } from "../../src/core/intake/process-deliveries.ts";
import type { TurnJob } from "../../src/core/intake/turn-job.ts";
import type { DeliveryAddress } from "../../src/core/messages.ts";
import { FAILED_REPLY } from "../../src/core/turn/failure-reply.ts";
import type { TurnRequest } from "../../src/core/turn/run-turn.ts";
import type { OutboxRecord } from "../../src/ports/outbox.ts";
import type { QueueDelivery } from "../../src/ports/queue.ts";
import { type EngineInstance, engines } from "./engines.ts";

const CHAT: DeliveryAddress = { channel: "telegram", account: "default", chatId: "42" };
let seq = 0;

/** A person's message in chat 42 (`command`: a bot command job instead). */
function job(text: string, over: Partial<TurnJob> = {}): TurnJob {
  const id = `telegram:default:${++seq}`;
  return {
    id,
    sessionKey: "agent:main:telegram:dm:42",
    message: {
      id,
      channel: "telegram",
      account: "default",
      chat: { id: "42", kind: "dm" },
      sender: { id: "42", name: "Ada" },
      text,
      at: 0,
    },
    channel: { channel: "telegram", chatKind: "dm", description: "Telegram", interactive: true },
    deliverTo: CHAT,
    ...over,
  };
}

describe.each(engines)("processDeliveries on the $name engine", (engine) => {
  beforeAll(() => engine.setup(), 60_000);
  afterAll(() => engine.teardown());
  let instance: EngineInstance | undefined;
  afterEach(async () => {
    await instance?.cleanup();
    instance = undefined;
  });

  /** Real ports; turns answer "re: <texts>"; `sent` is what reached the chat (a channel marks it delivered). */
  async function world(over: Partial<DeliveryDeps> = {}) {
    instance = await engine.open();
    const { ports } = instance;
    const calls: string[] = [];
    const sent: Array<{ key: string; reply: string }> = [];
    const deps: DeliveryDeps = {
      queue: ports.queue,
      outbox: ports.outbox,
      clock: ports.clock,
      maxAttempts: 2,
      retryDelayMs: 0,
      deliveryRetryDelaysMs: [0, 0, 0],
      giveUp: "ack",
      async runTurn(request: TurnRequest) {
        const texts = request.messages.map((m) => m.text).join(" + ");
        calls.push(request.options?.compact ? `compacting turn ${texts}` : `turn ${texts}`);
        return {
          reply: `re: ${texts}`,
          sessionKey: request.sessionKey,
          sessionId: "s",
          usage: { inputTokens: 1, outputTokens: 1 },
          steps: 1,
          stopReason: "done",
        };
      },
      async runCommand(j) {
        calls.push(`command /${j.command}`);
        return `done: /${j.command}`;
      },
      // What a channel does: sends once (the outbox remembers), only on the last job of a collected turn.
      async deliver(record: OutboxRecord, j: TurnJob, turnJobs: TurnJob[]) {
        const fresh = await ports.outbox.get(record.key);
        if (!record.deliverTo || fresh?.deliveredAt !== undefined || turnJobs.at(-1)!.id !== j.id) return;
        sent.push({ key: record.key, reply: record.reply });
        await ports.outbox.markDelivered(record.key, ports.clock.now());
      },
      afterTurn: async () => {},
      ...over,
    };
    const submit = (...jobs: TurnJob[]) =>
      Promise.all(jobs.map((j) => ports.queue.enqueue({ group: j.sessionKey, dedupeId: j.id, body: j })));
    const receive = () => ports.queue.receive({ max: 10, visibilityMs: 60_000 });
    /** One receive, processed; returns what was left unsettled. */
    const round = async (d = deps) => processDeliveries(d, await receive());
    /** Rounds until the queue is empty (a retried message comes back in a later receive). */
    const drain = async () => {
      for (let i = 0; i < 20; i++) {
        const deliveries = await receive();
        if (deliveries.length === 0) return;
        await processDeliveries(deps, deliveries);
      }
      throw new Error("the queue did not drain in 20 rounds");
    };
    return { ports, deps, calls, sent, submit, receive, round, drain };
  }

  // Both queues hand out a FIFO group's waiting messages together (SQS batches them for the Lambda).
  it("answers messages collected in one receive with one turn and one reply", async () => {
    const w = await world();
    const [a, b, c] = [job("one"), job("two"), job("three")];
    await w.submit(a, b, c);
    expect(await w.round()).toEqual([]);
    expect(w.calls).toEqual(["turn one + two + three"]);
    expect(w.sent).toEqual([{ key: c.id, reply: "re: one + two + three" }]);
    expect((await w.ports.outbox.get(a.id))?.reply).toBe("re: one + two + three");
    expect(await w.receive()).toEqual([]);
  });

  it("finishes the other chats of a batch when one chat's group breaks, and hands the broken one back", async () => {
    const w = await world();
    const other = job("fine", {
      sessionKey: "agent:main:telegram:dm:7",
      deliverTo: { ...CHAT, chatId: "7" },
    });
    const broken = job("unlucky");
    const get = w.deps.outbox.get.bind(w.deps.outbox);
    // The outbox fails for one chat only (a throttled partition): its group cannot even be looked up.
    w.deps.outbox = {
      ...w.deps.outbox,
      get: async (key) => (key === broken.id ? Promise.reject(new Error("throttled")) : get(key)),
    };
    await w.submit(other, broken);
    const left = await w.round();
    expect(left.map((d) => d.dedupeId)).toEqual([broken.id]);
    expect(w.calls).toEqual(["turn fine"]);
    expect(w.sent).toEqual([{ key: other.id, reply: "re: fine" }]);
  });

  it("delivers an outcome stored before a crash instead of running the turn again", async () => {
    const w = await world();
    const a = job("hello");
    await w.ports.outbox.put({
      key: a.id,
      sessionKey: a.sessionKey,
      status: "done",
      reply: "stored answer",
      usage: { inputTokens: 1, outputTokens: 1 },
      createdAt: 0,
      deliverTo: CHAT,
    });
    await w.submit(a);
    expect(await w.round()).toEqual([]);
    expect(w.calls).toEqual([]);
    expect(w.sent).toEqual([{ key: a.id, reply: "stored answer" }]);
  });

  it("retries a reply the channel could not take and sends it once, with one turn", async () => {
    let refusals = 1;
    const w = await world();
    const send = w.deps.deliver;
    w.deps.deliver = async (...args) => {
      if (refusals-- > 0) throw new Error("Bot API 502");
      return send(...args);
    };
    const a = job("hello");
    await w.submit(a);
    const [left] = await w.round();
    expect(left?.dedupeId).toBe(a.id);
    expect(w.sent).toEqual([]);
    expect(await w.round()).toEqual([]);
    expect(w.calls).toEqual(["turn hello"]);
    expect(w.sent).toEqual([{ key: a.id, reply: "re: hello" }]);
    expect(await w.receive()).toEqual([]);
  });

  it.each(["ack", "dead-letter"] as const)(
    "ends a turn that keeps failing in one apology, then %s",
    async (giveUp) => {
      const w = await world({ giveUp, runTurn: async () => Promise.reject(new Error("boom")) });
      const a = job("hello");
      await w.submit(a);
      expect((await w.round()).map((d) => d.attempts)).toEqual([1]);
      const last = await w.round();
      expect(w.sent).toEqual([{ key: a.id, reply: FAILED_REPLY }]);
      expect((await w.ports.outbox.get(a.id))?.status).toBe("failed");
      if (giveUp === "ack") {
        expect(last).toEqual([]);
        expect(await w.receive()).toEqual([]);
      } else {
        // Left for the queue's redrive: still there, never acked, never answered again.
        expect(last.map((d) => d.dedupeId)).toEqual([a.id]);
        const again = await w.round();
        expect(again.map((d) => [d.dedupeId, d.attempts])).toEqual([[a.id, 3]]);
        expect(w.sent).toHaveLength(1);
      }
    },
  );

  it("runs a bot command after the messages queued before it, and before those after it", async () => {
    const w = await world();
    await w.submit(job("one"), job("two"), job("/new", { command: "new" }), job("three"));
    await w.drain();
    expect(w.calls).toEqual(["turn one + two", "command /new", "turn three"]);
    expect(w.sent.at(-2)?.reply).toBe("done: /new");
    expect(w.sent.at(-1)?.reply).toBe("re: three");
  });

  it("runs /compact as a turn of its own that compacts (it needs the model), in session order", async () => {
    const w = await world();
    await w.submit(job("one"), job("/compact", { command: "compact" }), job("two"));
    await w.drain();
    expect(w.calls).toEqual(["turn one", "compacting turn /compact", "turn two"]);
    expect(w.sent.map((s) => s.reply)).toEqual(["re: one", "re: /compact", "re: two"]);
  });

  it("gives each heartbeat waiting in a batch a turn of its own, so each relays only its own alert", async () => {
    const w = await world();
    w.deps.afterTurn = createAfterTurn({
      clock: w.ports.clock,
      outbox: w.ports.outbox,
      claims: w.ports.claims,
      cron: { postEvent: async () => true },
      heartbeat: () => ({ target: CHAT, ackMaxChars: 30 }),
      lastRoute: async () => undefined,
      deliver: w.deps.deliver,
      finishRun: async () => {},
      wakeHeartbeat: () => {},
    });
    const beat = (event: string) => {
      const j = job(event, {
        sessionKey: "agent:main:main",
        message: { ...job(event).message, internal: "reminder" },
        after: [{ kind: "heartbeat", events: [{ id: event }], checklist: false }],
      });
      delete j.deliverTo;
      return j;
    };
    // Both waited behind a web chat turn in the main session.
    await w.submit(beat("Stretch"), beat("Drink water"));
    expect(await w.round()).toEqual([]);
    expect(w.calls).toEqual(["turn Stretch", "turn Drink water"]);
    expect(w.sent.map((s) => s.reply)).toEqual(["re: Stretch", "re: Drink water"]);
  });

  it("holds a command back while the turn before it in the batch is retried", async () => {
    let failures = 1;
    const w = await world();
    const turn = w.deps.runTurn;
    w.deps.runTurn = async (request) => {
      if (failures-- > 0) throw new Error("model down");
      return turn(request);
    };
    await w.submit(job("one"), job("/new", { command: "new" }));
    expect((await w.round()).map((d) => d.attempts)).toEqual([1, 1]);
    expect(w.calls).toEqual([]);
    expect(await w.round()).toEqual([]);
    expect(w.calls).toEqual(["turn one", "command /new"]);
  });

  it("does a turn's after-turn work once when the process dies between storing and acking", async () => {
    let alive = false;
    const w = await world();
    const afterTurn = createAfterTurn({
      clock: w.ports.clock,
      outbox: w.ports.outbox,
      claims: w.ports.claims,
      cron: { postEvent: async () => true },
      heartbeat: () => ({ target: "last", ackMaxChars: 30 }),
      lastRoute: async () => CHAT,
      deliver: w.deps.deliver,
      finishRun: async () => {},
      wakeHeartbeat: () => {},
    });
    const queue = w.ports.queue;
    const dying: DeliveryDeps = {
      ...w.deps,
      afterTurn,
      queue: {
        ...queue,
        ack: async (d: QueueDelivery) => {
          if (!alive) throw new Error("killed");
          return queue.ack(d);
        },
        enqueue: (m) => queue.enqueue(m),
        receive: (o) => queue.receive(o),
        retry: (d, ms) => queue.retry(d, ms),
      },
    };
    const beat = job("Heartbeat. This is not the user writing.", {
      sessionKey: "agent:main:main",
      deliverTo: undefined,
      after: [{ kind: "heartbeat", events: [], checklist: true }],
    });
    delete beat.deliverTo;
    await w.submit(beat);
    const [taken] = await w.receive();
    // The ack never happens: the message is handed back as unsettled (a Lambda reports it failed).
    expect(await processDeliveries(dying, [taken!])).toEqual([taken]);
    // The message's visibility runs out: it comes back to a new process.
    await queue.retry(taken!, 0);
    alive = true;
    expect(await w.round(dying)).toEqual([]);
    expect(w.calls).toEqual(["turn Heartbeat. This is not the user writing."]);
    expect(w.sent).toEqual([
      { key: `${beat.id}:alert`, reply: "re: Heartbeat. This is not the user writing." },
    ]);
    expect(await w.receive()).toEqual([]);
  });

  it("POSTs a hook's outcome once when the process dies between the callback and the ack", async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        received.push(`${String(req.headers["idempotency-key"])} ${body}`);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/done`;
    let alive = false;
    const w = await world();
    const queue = w.ports.queue;
    const dying: DeliveryDeps = {
      ...w.deps,
      afterTurn: createAfterTurn({
        clock: w.ports.clock,
        outbox: w.ports.outbox,
        claims: w.ports.claims,
        cron: { postEvent: async () => true },
        heartbeat: () => ({ target: "none", ackMaxChars: 30 }),
        lastRoute: async () => undefined,
        deliver: w.deps.deliver,
        finishRun: async () => {},
        wakeHeartbeat: () => {},
      }),
      queue: {
        enqueue: (m) => queue.enqueue(m),
        receive: (o) => queue.receive(o),
        retry: (d, ms) => queue.retry(d, ms),
        ack: async (d: QueueDelivery) => {
          if (!alive) throw new Error("killed");
          return queue.ack(d);
        },
      },
    };
    const hook = job("summarise the day", { after: [{ kind: "hookCallback", url }] });
    delete hook.deliverTo;
    await w.submit(hook);
    const [taken] = await w.receive();
    // The ack never happens: the message is handed back as unsettled (a Lambda reports it failed).
    expect(await processDeliveries(dying, [taken!])).toEqual([taken]);
    await queue.retry(taken!, 0);
    alive = true;
    expect(await w.round(dying)).toEqual([]);
    expect(w.calls).toEqual(["turn summarise the day"]);
    expect(received).toEqual([
      `${hook.id} ${JSON.stringify({ jobId: hook.id, sessionKey: hook.sessionKey, status: "done", reply: "re: summarise the day" })}`,
    ]);
    expect((await w.ports.outbox.get(hook.id))?.deliveredAt).toBeDefined();
  });
});
